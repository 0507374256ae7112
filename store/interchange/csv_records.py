"""One CSV row as a contact record: its cells read by column kind, its identity key, and folding rows together.

This runs once per cell of every imported row, so each column's kind is worked out once, from the header
(`Columns`), and a row is read by position without looking at the column names again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from store.interchange.csv_columns import SKIP, unguard_formula

# What a column holds, decided once from its target.
_TEXT, _CUSTOM, _TAGS, _POINTS, _LAST_ACTIVE = range(5)


@dataclass
class Record:
    line: int
    values: dict[str, Any]
    custom: dict[str, str]
    tags: list[str]
    key: tuple[str, str] | None
    extra_rows: int = 0  # later rows of the file folded into this one


class Columns:
    """The columns a row is read from, in file order, each as (position, kind, field or custom name)."""

    def __init__(self, targets: list[str]) -> None:
        self.width = len(targets)
        self.plan: list[tuple[int, int, str]] = []
        for position, target in enumerate(targets):
            if target == SKIP:
                continue
            if target.startswith("custom:"):
                self.plan.append((position, _CUSTOM, target[7:]))
            else:
                kinds = {"tags": _TAGS, "points": _POINTS, "last_active": _LAST_ACTIVE}
                self.plan.append((position, kinds.get(target, _TEXT), target))
        self.text = [(position, name) for position, kind, name in self.plan if kind == _TEXT]
        self.custom = [(position, name) for position, kind, name in self.plan if kind == _CUSTOM]
        self.parsed = [(position, kind) for position, kind, _ in self.plan if kind not in (_TEXT, _CUSTOM)]

    def record(self, row: list[str], line: int) -> Record | None:
        """The row's record, None when every cell is empty; ValueError (one sentence) for a bad value."""
        if len(row) < self.width:  # a short row's missing cells are empty ones
            row = [*row, *[""] * (self.width - len(row))]
        if "\n'" in "\n" + "\n".join(row):
            values, custom, tags = self._guarded(row)  # a cell may start with a formula guard to take off
        else:
            cells = list(map(str.strip, row))
            values = {name: cells[position] for position, name in self.text if cells[position]}
            custom = {name: cells[position] for position, name in self.custom if cells[position]}
            tags = []
            for position, kind in self.parsed:
                if cell := cells[position]:
                    tags = self._parse(kind, cell, values, tags)
        if not values and not custom and not tags:
            return None
        email = values.get("email")
        if email is not None and "@" not in email:
            raise ValueError(f"email {email!r} is not an email address")
        if email:
            key: tuple[str, str] = ("email", email.lower())
        elif "external_id" in values:
            key = ("external_id", values["external_id"])
        else:
            key = ("fingerprint", fingerprint(values))
        return Record(line, values, custom, tags, key)

    def _guarded(self, row: list[str]) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        """`record`'s cells one by one, each without its formula guard (see `unguard_formula`), then stripped."""
        values: dict[str, Any] = {}
        custom: dict[str, str] = {}
        tags: list[str] = []
        for position, kind, name in self.plan:
            cell = unguard_formula(row[position]).strip()
            if not cell:
                continue
            if kind == _TEXT:
                values[name] = cell
            elif kind == _CUSTOM:
                custom[name] = cell
            else:
                tags = self._parse(kind, cell, values, tags)
        return values, custom, tags

    @staticmethod
    def _parse(kind: int, cell: str, values: dict[str, Any], tags: list[str]) -> list[str]:
        """Read a tags, points or last_active cell into `values`; the tags so far, with the cell's added."""
        if kind == _TAGS:
            return tags + [tag for tag in split_tags(cell) if tag not in tags]
        if kind == _POINTS:
            values["points"] = _points(cell)
        else:
            values["last_active"] = _last_active(cell)
        return tags


_TAG_SEPARATORS = re.compile(r"[|,]")


def split_tags(value: str) -> list[str]:
    """A cell's tags (`vip|newsletter`, `a, b`), stripped, each once."""
    if "|" not in value and "," not in value:
        tag = value.strip()
        return [tag] if tag else []
    tags: list[str] = []
    for tag in _TAG_SEPARATORS.split(value):
        tag = tag.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _points(cell: str) -> int:
    try:
        return int(float(cell))
    except ValueError:
        raise ValueError(f"points {cell!r} is not a number") from None


def _last_active(cell: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(cell.replace("T", " ").replace("Z", "+00:00"))
        return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)).replace(tzinfo=None)
    except ValueError:
        raise ValueError(f"last_active {cell!r} is not a date and time") from None


# Text json.dumps writes as it is, between quotes: printable ASCII but `"` and `\\`.
_PLAIN_JSON = re.compile(r"[ !#-\[\]-~]*")


def tags_json(tags: list[str]) -> str:
    """`json.dumps(tags)`, without the encoder for the usual plain tags (this runs for every row)."""
    if not tags:
        return "[]"
    if _PLAIN_JSON.fullmatch("".join(tags)):
        return '["' + '", "'.join(tags) + '"]'
    return json.dumps(tags)


def custom_json(custom: dict[str, str]) -> str:
    """`json.dumps(custom)`, without the encoder for the usual plain names and values."""
    if not custom:
        return "{}"
    if _PLAIN_JSON.fullmatch("".join(custom) + "".join(custom.values())):
        return "{" + ", ".join(f'"{name}": "{value}"' for name, value in custom.items()) + "}"
    return json.dumps(custom)


_FINGERPRINT = ("firstname", "lastname", "company", "phone", "mobile", "city")


def fingerprint(values: Any) -> str:
    """Who a row without email or external id is: name, company, phones and city, all equal (case ignored)."""
    return "\x1f".join((values.get(name) or "").strip().casefold() for name in _FINGERPRINT)


def fold_into(first: Record, later: Record) -> bool:
    """Apply a later row of the file to an earlier one with the same key; True when it changed something."""
    before = (dict(first.values), dict(first.custom), list(first.tags))
    first.values.update(later.values)
    first.custom.update(later.custom)
    first.tags += [tag for tag in later.tags if tag not in first.tags]
    first.extra_rows += 1
    return before != (first.values, first.custom, first.tags)
