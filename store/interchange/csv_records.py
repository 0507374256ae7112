"""One CSV row as a contact record: its cells read by column kind, its identity key, and folding rows together.

This runs once per cell of every imported row, so each column's kind is worked out once, from the header
(`Columns`), and a row is read by position without looking at the column names again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from store.interchange.csv_columns import SKIP, unguard_formula


class Record(NamedTuple):
    """A row, or the rows of the file with one key folded together (`folded`)."""

    line: int
    values: dict[str, Any]
    custom: dict[str, str]
    tags: tuple[str, ...]
    key: tuple[str, str]
    extra_rows: int = 0  # later rows of the file folded into this one


class Columns:
    """Where a row's fields are: for each kind of column, the positions to read and the names they go to."""

    def __init__(self, targets: list[str]) -> None:
        self.width = len(targets)
        text: list[tuple[int, str]] = []
        custom: list[tuple[int, str]] = []
        self.tags = self.points = self.last_active = -1  # -1: the file has no such column
        for position, target in enumerate(targets):
            if target == SKIP:
                continue
            if target.startswith("custom:"):
                custom.append((position, target[7:]))
            elif target in ("tags", "points", "last_active"):
                setattr(self, target, position)
            else:
                text.append((position, target))
        self.text_names = tuple(name for _, name in text)
        self.custom_names = tuple(name for _, name in custom)
        self._text = _getter([position for position, _ in text])
        self._custom = _getter([position for position, _ in custom])

    def record(self, row: list[str], line: int) -> Record | None:
        """The row's record, None when every cell is empty; ValueError (one sentence) for a bad value."""
        if len(row) < self.width:  # a short row's missing cells are empty ones
            row = [*row, *[""] * (self.width - len(row))]
        if "\n'" in "\n" + "\n".join(row):
            row = [unguard_formula(cell) for cell in row]  # a cell may start with a formula guard to take off
        text = zip(self.text_names, map(str.strip, self._text(row)), strict=False)
        values: dict[str, Any] = {name: cell for name, cell in text if cell}
        custom_cells = zip(self.custom_names, map(str.strip, self._custom(row)), strict=False)
        custom = {name: cell for name, cell in custom_cells if cell}
        tags = tuple(split_tags(row[self.tags])) if self.tags >= 0 else ()
        if self.points >= 0 and (cell := row[self.points].strip()):
            values["points"] = _points(cell)
        if self.last_active >= 0 and (cell := row[self.last_active].strip()):
            values["last_active"] = _last_active(cell)
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


def _getter(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
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


def _points(cell: str) -> int:
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
