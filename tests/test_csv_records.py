"""`store.interchange.csv_records`: a row read the quick way (by position, each kind of column at once) is read
as a plain cell-by-cell reading of the same rules reads it."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine

from store.interchange.csv_columns import SKIP, map_columns, unguard_formula
from store.interchange.csv_records import Columns, Record, custom_json, folded, split_tags, tags_json
from store.interchange.csv_writer import ContactWriter

HEADER = ["id", "firstname", "email", "phone", "tags", "points", "last_active", "Labels", "Shoe Size", "city", "notes"]
CELLS = ["", "", " ", "Ada", " Ada ", "ada@example.com", "+44 20 7946 0000", "vip|news", "a, b ,a", "7", "3.9", "\t"]
CELLS += ["2025-01-02 03:04:05", "2025-01-02T03:04:05Z", "2025-01-02T04:04:05.5+01:00", "x\ny", "Zoë", "-5", "=1+2"]
CELLS += ["'=1+2", " '=x", "''@y", "0999-01-02 03:04"]


def _careful(targets: list[str], row: list[str]) -> tuple[dict, dict, tuple]:
    """The rules, one cell at a time: formula guard off, stripped, then by the column's target."""
    values: dict = {}
    custom: dict = {}
    tags: list[str] = []
    cells = [*row, *[""] * len(targets)][: len(targets)]  # cells past the header are not read
    for target, raw in zip(targets, cells, strict=True):
        cell = unguard_formula(raw).strip()
        if target == SKIP or not cell:
            continue
        if target.startswith("custom:"):
            custom[target[7:]] = cell
        elif target == "tags":
            tags += [tag for tag in split_tags(cell) if tag not in tags]
        elif target == "points":
            try:
                values["points"] = int(float(cell))
            except ValueError:
                raise ValueError(f"points {cell!r} is not a number") from None
        elif target == "last_active":
            try:
                when = datetime.fromisoformat(cell.replace("T", " ").replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"last_active {cell!r} is not a date and time") from None
            when = when if when.tzinfo is None else when.astimezone(UTC).replace(tzinfo=None)
            values["last_active"] = f"{when.year:04d}-{when:%m-%d %H:%M:%S.%f}"
        else:
            values[target] = cell
    return values, custom, tuple(tags)


def record_of(columns: Columns, cells: list[str], line: int) -> Record | None:
    """A line of a file as the import reads it, as a `Record`."""
    read = columns.read(cells, line)
    return None if read is None else columns.as_record(read)


def _outcome(read, *args) -> object:
    try:
        return read(*args)
    except ValueError as exc:
        return str(exc)


@pytest.mark.parametrize("seed", range(3))
def test_quick_and_careful_reads_agree(seed: int) -> None:
    targets = map_columns(HEADER)
    columns = Columns(targets)
    rng = random.Random(seed)
    for line in range(3000):
        row = [rng.choice(CELLS) for _ in range(rng.randint(0, len(HEADER) + 1))]
        quick = _outcome(record_of, columns, row, 0)
        values_or_error = _outcome(_careful, targets, row)
        if isinstance(values_or_error, str):
            assert quick == values_or_error, row
            continue
        values, custom, tags = values_or_error
        if not values and not custom and not tags:
            assert quick is None, row
            continue
        if isinstance(quick, str):  # the email check comes after the cells
            assert "is not an email address" in quick, row
            continue
        assert isinstance(quick, Record), row
        assert (quick.values, quick.custom, quick.tags) == (values, custom, tags), (line, row)
        assert list(quick.custom) == list(custom), row  # custom fields keep the file's order


def test_last_active_without_a_zone_is_utc_whatever_the_system_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")  # the isolated_environment fixture restores UTC
    time.tzset()
    columns = Columns(map_columns(["email", "last_active"]))
    record = record_of(columns, ["ada@example.com", "2025-01-02 03:04:05"], 2)
    assert record is not None and record.values["last_active"] == "2025-01-02 03:04:05.000000"


def test_a_later_row_folded_into_an_earlier_one_wins_and_adds_its_tags() -> None:
    columns = Columns(map_columns(["firstname", "email", "city", "tags", "Shoe Size"]))
    first = record_of(columns, ["Ada", "ada@example.com", "London", "a|b", "5"], 2)
    later = record_of(columns, ["Ada L.", "ADA@example.com", "", "b|c", ""], 3)
    assert first is not None and later is not None and first.key == later.key
    both = folded(first, later)
    assert both.values == {"firstname": "Ada L.", "email": "ADA@example.com", "city": "London"}
    assert (both.tags, both.custom, both.extra_rows, both.line) == (("a", "b", "c"), {"Shoe Size": "5"}, 1, 2)
    assert first.values["firstname"] == "Ada"  # the earlier record itself is left as it was


def test_formula_guards_come_off_only_at_the_start_of_a_cell() -> None:
    columns = Columns(map_columns(["firstname", "email", "city"]))
    record = record_of(columns, ["'=1+2", "ada@example.com", " '=x"], 2)
    assert record is not None and record.values["firstname"] == "=1+2" and record.values["city"] == "'=x"


def test_split_tags() -> None:
    assert split_tags(" vip ") == ["vip"]
    assert split_tags("a, b ,a|c||") == ["a", "b", "c"]
    assert split_tags("   ") == []


def test_tags_and_custom_fields_are_written_as_json_dumps_writes_them() -> None:
    rng = random.Random(4)
    pieces = ["a", "vip", "Zoë", 'say "hi"', "back\\slash", "tab\there", "~", " ", "", "\x7f", "ヤマダ", "{}", "[1]"]
    for _ in range(3000):
        tags = [rng.choice(pieces) + rng.choice(pieces) for _ in range(rng.randint(0, 4))]
        custom = {rng.choice(pieces) + str(n): rng.choice(pieces) for n in range(rng.randint(0, 3))}
        assert tags_json(tags) == json.dumps(tags), tags
        assert custom_json(custom) == json.dumps(custom), custom


# Every field a new contact takes from its row, and cells that need escaping in JSON.
WIDE = [*HEADER, "mobile", "country", "external_id", "company", "Notes"]
WIDE_CELLS = [*CELLS, "+1 202 555 0100", "GB", "United Kingdom", "Germany", "020 7946 0000", 'say "hi"', "ヤマダ"]


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("header", [WIDE, [*WIDE, "Shoe Size"], [*WIDE, 'Say "what"']], ids=["plain", "twice", "quote"])
def test_a_new_contact_is_written_from_its_cells_as_from_its_record(seed: int, header: list[str]) -> None:
    # Most new contacts are written straight from their row's cells; one folded from several rows from its
    # record. Both give the same values, and the custom fields' text is json.dumps's.
    columns = Columns(map_columns(header))
    with create_engine("sqlite://").connect() as conn:
        writer = ContactWriter(conn, columns, "US", datetime(2025, 1, 2, tzinfo=UTC))
    rng = random.Random(seed)
    written = 0
    for _ in range(5000):  # most rows have a bad value somewhere
        cells = [rng.choice(WIDE_CELLS) for _ in range(rng.randint(0, len(header) + 1))]
        row = _outcome(columns.read, cells, 0)
        if row is None or isinstance(row, str):
            continue
        record = columns.as_record(row)
        assert writer.new_contact(row) == writer.new_contact_of_record(record), cells
        assert columns.custom_text(row.cells) == json.dumps(record.custom), cells
        written += 1
    assert written > 300
