"""One CSV row as a contact record: its cells read by column kind, its identity key, and folding rows together.

This runs once per cell of every imported row, so each column's kind is worked out once, from the header
(`Columns`), and a row is read by position without looking at the column names again.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from store.interchange.csv_columns import SKIP, unguard_formula
from store.normalize import normalize_email


class Record(NamedTuple):
    """A row as a dict of its values, or the rows of the file with one key folded together (`folded`): what an
    update or a repeated key needs. A row that is a new contact is written from its `Row` without one."""

    line: int
    values: dict[str, Any]
    custom: dict[str, str]
    tags: tuple[str, ...]
    key: tuple[str, str]
    extra_rows: int = 0  # later rows of the file folded into this one


class Row(NamedTuple):
    """A row as read: its cells and what was worked out from them, each once."""

    line: int
    # One per header column (a short row's missing ones empty), stripped, formula guard off; then an empty one,
    # which position -1 reads for a field the file has no column for.
    cells: tuple[str, ...]
    points: int | None
    last_active: str | None  # as stored
    tags: tuple[str, ...]
    key: tuple[str, str]
    email_normalized: str | None


class Columns:
    """Where a row's fields are: for each kind of column, the positions to read and the names they go to."""

    def __init__(self, targets: list[str]) -> None:
        self.width = len(targets)
        text: list[tuple[int, str]] = []
        custom: list[tuple[int, str]] = []
        self.tags = self.points = self.last_active = -1  # -1: the file has no such column (an empty cell)
        for position, target in enumerate(targets):
            if target == SKIP:
                continue
            if target.startswith("custom:"):
                custom.append((position, target[7:]))
            elif target in ("tags", "points", "last_active"):
                setattr(self, target, position)
            else:
                text.append((position, target))
        self._position = {name: position for position, name in text}  # each field has one column at most
        self.email, self.external_id = self.position("email"), self.position("external_id")
        self.text_names = tuple(name for _, name in text)
        self.custom_names = tuple(name for _, name in custom)
        self.text_cells = getter([position for position, _ in text])
        self.custom_cells = getter([position for position, _ in custom])
        # The cells whose text alone makes a row worth reading (a tags cell may split into no tag at all).
        filled = [position for position, _ in (*text, *custom)] + [self.points, self.last_active]
        self._filled = getter([position for position in filled if position >= 0])
        # Each custom field's start in the JSON text, when json.dumps writes its name as it is (see custom_text).
        names = self.custom_names
        plain = len(set(names)) == len(names) and _PLAIN_JSON.fullmatch("".join(names))
        starts = tuple(f'"{name}": "' for name in names) if plain else None
        # Cached: custom columns hold a few values again and again (a title, a segment, a source).
        self._custom_text = functools.lru_cache(maxsize=4096)(functools.partial(_custom_text, names, starts))

    def position(self, name: str) -> int:
        """The position of field `name`'s cell in `Row.cells` (-1, an empty cell, when the file has none)."""
        return self._position.get(name, -1)

    def read(self, row: list[str], line: int) -> Row | None:
        """The row read, None when every cell is empty; ValueError (one sentence) for a bad value."""
        if len(row) < self.width:  # a short row's missing cells are empty ones
            row = [*row, *[""] * (self.width - len(row))]
        if "\n'" in "\n".join(row) or row[0][:1] == "'":
            row = [unguard_formula(cell) for cell in row]  # a cell may start with a formula guard to take off
        cells = (*map(str.strip, row), "")
        tags = _tags(cells[self.tags])
        points = last_active = None
        if cell := cells[self.points]:
            points = _points(cell)
        if cell := cells[self.last_active]:
            last_active = _last_active(cell)
        if email := cells[self.email]:
            if "@" not in email:
                raise ValueError(f"email {email!r} is not an email address")
            key = email.lower()
            return Row(line, cells, points, last_active, tags, ("email", key), normalize_email(key))
        if not tags and not any(self._filled(cells)):
            return None
        if external_id := cells[self.external_id]:
            return Row(line, cells, points, last_active, tags, ("external_id", external_id), None)
        values = self.values(cells)
        return Row(line, cells, points, last_active, tags, ("fingerprint", fingerprint(values)), None)

    def values(self, cells: tuple[str, ...]) -> dict[str, str]:
        """The non-empty text fields of a row's cells, by name."""
        return {name: cell for name, cell in zip(self.text_names, self.text_cells(cells), strict=True) if cell}

    def custom(self, cells: tuple[str, ...]) -> dict[str, str]:
        """The non-empty custom fields of a row's cells, by name, in the file's order."""
        return {name: cell for name, cell in zip(self.custom_names, self.custom_cells(cells), strict=True) if cell}

    def custom_text(self, cells: tuple[str, ...]) -> str:
        """`custom_json(self.custom(cells))`, the custom fields' JSON text."""
        return self._custom_text(self.custom_cells(cells))

    def as_record(self, row: Row) -> Record:
        """The row as a `Record`."""
        values: dict[str, Any] = self.values(row.cells)
        if row.points is not None:
            values["points"] = row.points
        if row.last_active is not None:
            values["last_active"] = row.last_active
        return Record(row.line, values, self.custom(row.cells), row.tags, row.key)


def getter(positions: list[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """The cells at `positions`, as a tuple even for one position or none (itemgetter alone is not)."""
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        position = positions[0]
        return lambda row: (row[position],)
    return itemgetter(*positions)


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


@functools.lru_cache(maxsize=4096)
def _tags(cell: str) -> tuple[str, ...]:
    """`split_tags`, cached: a file's tags cells repeat a few combinations."""
    return tuple(split_tags(cell))


@functools.lru_cache(maxsize=4096)
def _points(cell: str) -> int:
    """The points of a cell (cached: a file's points are a few hundred numbers)."""
    try:
        return int(float(cell))
    except ValueError:
        raise ValueError(f"points {cell!r} is not a number") from None


def _last_active(cell: str) -> str:
    """The cell's time as the database stores it (UTC text, as `db_time` writes it); a time without a zone is UTC."""
    try:
        parsed = datetime.fromisoformat(cell.replace("T", " ").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"last_active {cell!r} is not a date and time") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    # isoformat is strftime's text for a time (zero-padded to four-digit years, as SQLAlchemy pads them) in a
    # tenth of the time; this runs for every row.
    return parsed.isoformat(" ", "microseconds")


# Text json.dumps writes as it is, between quotes: printable ASCII but `"` and `\\`.
_PLAIN_JSON = re.compile(r"[ !#-\[\]-~]*")


def tags_json(tags: Sequence[str]) -> str:
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


def _custom_text(names: tuple[str, ...], starts: tuple[str, ...] | None, cells: tuple[str, ...]) -> str:
    """`custom_json` of the custom fields `names` whose `cells` are not empty; `starts` is each field's start in
    the JSON text (`"name": "`), None when a name needs escaping or comes twice (the last non-empty one wins)."""
    joined = "".join(cells)
    if not joined:
        return "{}"
    if starts is None or not _PLAIN_JSON.fullmatch(joined):
        return custom_json({name: cell for name, cell in zip(names, cells, strict=True) if cell})
    return "{" + ", ".join([start + cell + '"' for start, cell in zip(starts, cells, strict=True) if cell]) + "}"


_FINGERPRINT = ("firstname", "lastname", "company", "phone", "mobile", "city")


def fingerprint(values: Any) -> str:
    """Who a row without email or external id is: name, company, phones and city, all equal (case ignored)."""
    return "\x1f".join((values.get(name) or "").strip().casefold() for name in _FINGERPRINT)


def folded(first: Record, later: Record) -> Record:
    """An earlier row of the file with a later one of the same key applied to it (its values win)."""
    return first._replace(
        values={**first.values, **later.values},
        custom={**first.custom, **later.custom},
        tags=first.tags + tuple(tag for tag in later.tags if tag not in first.tags),
        extra_rows=first.extra_rows + 1,
    )
