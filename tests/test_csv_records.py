"""`store.interchange.csv_records`: a row read the quick way (all cells stripped at once) is read as the careful,
cell-by-cell way reads it."""

from __future__ import annotations

import json
import random

import pytest

from store.interchange.csv_columns import map_columns
from store.interchange.csv_records import Columns, Record, custom_json, split_tags, tags_json

HEADER = ["id", "firstname", "email", "phone", "tags", "points", "last_active", "Labels", "Shoe Size", "city", "notes"]
CELLS = ["", "", " ", "Ada", " Ada ", "ada@example.com", "+44 20 7946 0000", "vip|news", "a, b ,a", "7", "3.9", "\t"]
CELLS += ["2025-01-02 03:04:05", "2025-01-02T03:04:05Z", "x\ny", "Zoë", "-5", "=1+2", "'=1+2", " '=x", "''@y"]


def _outcome(read, *args) -> object:
    try:
        return read(*args)
    except ValueError as exc:
        return str(exc)


@pytest.mark.parametrize("seed", range(3))
def test_quick_and_careful_reads_agree(seed: int) -> None:
    columns = Columns(map_columns(HEADER))
    rng = random.Random(seed)
    for line in range(3000):
        row = [rng.choice(CELLS) for _ in range(rng.randint(0, len(HEADER) + 1))]
        quick = _outcome(columns.record, row, 0)
        padded = [*row, *[""] * (columns.width - len(row))]
        values_or_error = _outcome(columns._guarded, padded)
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


def test_formula_guards_come_off_only_at_the_start_of_a_cell() -> None:
    columns = Columns(map_columns(["firstname", "email", "city"]))
    record = columns.record(["'=1+2", "ada@example.com", " '=x"], 2)
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
