"""`where[]`, `orderBy`/`order[]` and paging, evaluated the way MySQL would run Mautic's query (spec §2.1-2.2)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tests.mautic.php import clean, db_time, str_getcsv, to_int, to_number, values_of
from tests.mautic.replies import ServerError

NUMBER, TEXT, DATE = "number", "text", "datetime"
Getter = Callable[[Any], Any]
Predicate = Callable[[Any], bool]


@dataclass
class Columns:
    """The columns of one table as a query sees them: name -> (kind, getter), the table alias, and the ORM
    property names a top-level where converts (CommonRepository::convertOrmProperties())."""

    alias: str
    columns: Callable[[str], tuple[str, Getter] | None]
    orm: dict[str, str]

    def resolve(self, name: Any, *, top: bool) -> tuple[str, Getter]:
        """A column by name: the table alias is optional, another alias or an unknown name is an SQL error.
        Only top-level clauses convert ORM property names; nested andX/orX clauses must use column names."""
        text = str(name)
        prefix, dot, bare = text.rpartition(".")
        if dot and prefix != self.alias:
            raise ServerError(f"Unknown column '{text}'")
        if top:
            bare = self.orm.get(bare, bare)
        found = self.columns(bare.lower())
        if found is None:
            raise ServerError(f"Unknown column '{text}' in 'where clause'")
        return found


def _like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE with the default `\\` escape; case-insensitive like utf8mb4_unicode_ci."""
    parts, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 1
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern: str) -> Callable[[Any], bool]:
    compiled = _like(pattern)
    return lambda value: value is not None and compiled.fullmatch(as_text(value)) is not None


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return db_time(value) or ""
    return str(value)


def _date_constant(value: str) -> str:
    """MySQL turns a string compared with a DATETIME into a DATETIME: a date gets 00:00:00, ISO is accepted."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return (db_time(parsed) or value) if parsed.tzinfo else parsed.strftime("%Y-%m-%d %H:%M:%S")


def sort_key(kind: str, value: Any) -> Any:
    if kind == NUMBER:
        return to_number(value)
    if kind == DATE:
        return as_text(value)
    return as_text(value).casefold()


def _constant(kind: str, value: Any) -> Any:
    if kind == NUMBER:
        return to_number(value)
    if kind == DATE:
        return _date_constant(as_text(value))
    return as_text(value).casefold()


def _compare(kind: str, getter: Getter, constant: Any, test: Callable[[Any, Any], bool]) -> Predicate:
    """A comparison where NULL on either side is never true, as in SQL."""
    wanted = _constant(kind, constant)

    def predicate(row: Any) -> bool:
        value = getter(row)
        return value is not None and test(sort_key(kind, value), wanted)

    return predicate


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def clause(columns: Columns, item: Any, *, top: bool) -> Predicate | None:
    """One where clause (CommonRepository::validateWhereClause() l.940, buildWhereClauseFromArray() l.1547);
    None for a clause Mautic ignores (an unknown expression, an `internal` key, an empty group)."""
    if not isinstance(item, dict) or "internal" in item:
        return None  # sanitizeWhereClauseArrayFromRequest() strips internal clauses
    expr = item.get("expr")
    value = item.get("val", item.get("value"))
    if expr in ("andX", "orX"):
        inner = [found for sub in values_of(value) if (found := clause(columns, sub, top=False)) is not None]
        if not inner:
            return None
        combine = all if expr == "andX" else any
        return lambda row: combine(test(row) for test in inner)
    if expr not in (*_TESTS, "like", "notLike", "in", "notIn", "between", "notBetween", "isNull", "isNotNull",
                    "isEmpty", "isNotEmpty"):  # fmt: skip
        return None
    kind, getter = columns.resolve(item.get("col", item.get("column", "")), top=top)
    if expr in _TESTS:
        return _compare(kind, getter, value, _TESTS[expr])
    if expr in ("like", "notLike"):
        matches = like(as_text(value))
        if expr == "like":
            return lambda row: matches(getter(row))
        return lambda row: getter(row) is not None and not matches(getter(row))
    if expr in ("in", "notIn"):
        # str_getcsv(html_entity_decode($val)); one value degrades to eq/neq.
        items = value if isinstance(value, list) else str_getcsv(html.unescape(as_text(value)))
        wanted = {_constant(kind, entry) for entry in items}
        if expr == "in":
            return lambda row: (found := getter(row)) is not None and sort_key(kind, found) in wanted
        return lambda row: (found := getter(row)) is not None and sort_key(kind, found) not in wanted
    if expr in ("between", "notBetween"):
        bounds = values_of(value)
        if len(bounds) != 2:
            raise ServerError("between needs two values")
        low, high = _constant(kind, bounds[0]), _constant(kind, bounds[1])
        inside = expr == "between"
        return lambda row: (found := getter(row)) is not None and (low <= sort_key(kind, found) <= high) == inside
    if expr == "isNull":
        return lambda row: getter(row) is None
    if expr == "isNotNull":
        return lambda row: getter(row) is not None
    if expr == "isEmpty":
        return lambda row: getter(row) in (None, "")
    return lambda row: getter(row) not in (None, "")


def where(columns: Columns, raw: Any) -> list[Predicate]:
    """The request's where[] after InputHelper::cleanArray, which HTML-escapes every value, so `O'Brien` is
    compared as `O&#39;Brien` (5.1.1:app/bundles/CoreBundle/Helper/InputHelper.php:163-176)."""
    cleaned = clean(values_of(raw))
    return [found for item in cleaned if (found := clause(columns, item, top=True)) is not None]


def _sanitize(text: str, keep: str) -> str:
    return re.sub(rf"[^A-Za-z0-9{re.escape(keep)}]", "", text)


def order_specs(
    columns: Columns, params: dict[str, Any], default: Sequence[tuple[str, str]]
) -> list[tuple[str, Getter, bool]]:
    """`order[i][col|dir]` wins over `orderBy`/`orderByDir`; orderBy is a comma list of column names, all
    sorted in one direction (CommonRepository::buildOrderByClause(), buildOrderByClauseFromArray())."""
    pairs: list[tuple[str, str]] = []
    array = params.get("order")
    if isinstance(array, list | dict) and any(isinstance(item, dict) for item in values_of(array)):
        pairs = [
            (str(item.get("col", "")), str(item.get("dir", "ASC")))
            for item in values_of(array)
            if isinstance(item, dict)
        ]
    elif params.get("orderBy"):
        direction = _sanitize(str(params.get("orderByDir") or "ASC"), "")
        pairs = [(_sanitize(name, "_."), direction) for name in str(params["orderBy"]).split(",")]
    else:
        pairs = list(default)
    specs = []
    for name, direction in pairs:
        if direction.upper() not in ("ASC", "DESC"):
            raise ServerError(f"Bad ORDER BY direction '{direction}'")
        kind, getter = columns.resolve(name, top=False)
        specs.append((kind, getter, direction.upper() == "DESC"))
    return specs


def sort(rows: list[Any], specs: list[tuple[str, Getter, bool]], salt: tuple[int, int], ident: Getter) -> list[Any]:
    """Rows in ORDER BY order. MySQL's order among ties is arbitrary and, with a LIMIT, depends on the LIMIT
    (the filesort priority queue), so ties are shuffled by the page asked for: offset pages can overlap or skip
    (LeadRepository::getDefaultOrder() has no tiebreaker, spec §12). NULLs sort first ASC, last DESC."""
    ordered = sorted(rows, key=lambda row: hash((ident(row), *salt)))
    for kind, getter, descending in reversed(specs):

        def key(row: Any, kind: str = kind, getter: Getter = getter) -> tuple[int, Any]:
            value = getter(row)
            return (0, 0) if value is None else (1, sort_key(kind, value))

        ordered.sort(key=key, reverse=descending)
    return ordered


def limits(params: dict[str, Any], default_limit: int = 30) -> tuple[int, int]:
    """`start` and `limit`: limit defaults to default_pagelimit (30, CoreBundle/Config/config.php:919) and 0 means
    no LIMIT at all (CommonRepository::buildLimiterClauses(), `if (!empty($limit))`)."""
    start = max(0, to_int(params.get("start", 0)))
    return start, to_int(params["limit"]) if "limit" in params else default_limit


def page(rows: list[Any], start: int, limit: int) -> list[Any]:
    return rows[start : start + limit] if limit > 0 else rows[start:]
