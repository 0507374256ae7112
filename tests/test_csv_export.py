"""`store.interchange.csv_export`: Mautic column names, segment filter, and a round trip through `import_csv`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from store.dialect import loads, stored
from store.interchange.csv_export import COLUMNS, export_csv
from store.interchange.csv_import import import_csv
from store.memberships import GroupNotFound
from store.models import Segment, SegmentMembership


def _read(buffer: io.StringIO) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def _segment(engine, name: str, members: dict[int, bool]) -> int:
    with Session(engine) as session:
        segment = Segment(name=name)
        session.add(segment)
        session.flush()
        for contact_id, removed in members.items():
            session.add(SegmentMembership(segment_id=segment.id, contact_id=contact_id, manually_removed=removed))
        session.commit()
        return segment.id  # type: ignore[return-value]


def test_columns_are_mautic_names_plus_custom_fields(engine, make_contact) -> None:
    make_contact(
        engine,
        firstname="Ada",
        email="ada@example.com",
        region="Greater London",
        tags=["vip", "newsletter"],
        points=3,
        custom_fields={"twitter": "@ada"},
        last_active=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
    )
    make_contact(engine, firstname="Gone", email="gone@example.com", deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    out = io.StringIO()
    assert export_csv(engine, out) == 1
    header = out.getvalue().splitlines()[0].split(",")
    assert header == [*COLUMNS, "twitter"]
    assert header[:5] == ["id", "firstname", "lastname", "email", "company"] and "state" in header
    [row] = _read(out)
    assert row["state"] == "Greater London" and row["tags"] == "vip|newsletter" and row["points"] == "3"
    # A cell starting with @ is guarded against spreadsheet formulas (store/csv_columns.py, guard_formula).
    assert row["twitter"] == "'@ada" and row["last_active"] == "2026-11-01 09:30:00"


def test_segment_filter_skips_non_members_and_manually_removed(engine, make_contact) -> None:
    ada = make_contact(engine, firstname="Ada", email="ada@example.com")
    grace = make_contact(engine, firstname="Grace", email="grace@example.com")
    make_contact(engine, firstname="Linus", email="linus@example.com")
    _segment(engine, "Newsletter", {ada: False, grace: True})
    out = io.StringIO()
    assert export_csv(engine, out, segment="newsletter") == 1
    assert [row["firstname"] for row in _read(out)] == ["Ada"]
    with pytest.raises(GroupNotFound):
        export_csv(engine, io.StringIO(), segment="Nope")


def test_batches_and_path_output(engine, make_contact, tmp_path: Path) -> None:
    for i in range(7):
        make_contact(engine, firstname=f"P{i}", email=f"p{i}@example.com")
    out = tmp_path / "out.csv"
    assert export_csv(engine, out, batch_size=2) == 7
    assert [row["firstname"] for row in csv.DictReader(out.open(encoding="utf-8"))] == [f"P{i}" for i in range(7)]


FIELDS = (
    "firstname, lastname, email, email_normalized, phone, phone_e164, mobile, company, position, address1, address2, "
    "city, region, zipcode, country, website, points, stage, owner, tags, custom_fields, last_active, external_id"
)


def _snapshot(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {FIELDS} FROM contact ORDER BY email")).all()
    return [
        tuple(
            loads(v) if k in ("tags", "custom_fields") else stored(v)
            for k, v in zip(FIELDS.split(", "), r, strict=True)
        )
        for r in rows
    ]


def test_round_trip_into_an_empty_database(engine, make_contact, tmp_path: Path, new_database) -> None:
    from store.db import open_database

    make_contact(
        engine,
        firstname="Zoë",
        lastname="O'Brien, Jr.",
        email="zoe@example.com",
        phone="020 7946 0000",
        phone_e164="+442079460000",
        mobile="+44 7700 900123",
        company='The "Best" Co',
        position="CEO",
        address1="1 Main St\nFlat 2",
        address2="Back door",
        city="London",
        region="Greater London",
        zipcode="SW1",
        country="United Kingdom",
        website="https://zoe.example",
        points=12,
        stage="Customer",
        owner="sam",
        tags=["vip", "a b"],
        custom_fields={"twitter": "@zoe", "shoe size": "38"},
        last_active=datetime(2026, 11, 1, 9, 30, 15, 123456, tzinfo=UTC),
        external_id="M-1",
    )
    make_contact(engine, firstname="Grace", email="grace@example.com", phone_e164=None)
    path = tmp_path / "contacts.csv"
    assert export_csv(engine, path) == 2
    other = open_database(new_database("roundtrip"))
    try:
        summary = import_csv(other, path)
        assert (summary.created, summary.failed) == (2, [])
        assert _snapshot(other) == _snapshot(engine)
        assert import_csv(other, path).unchanged == 2
    finally:
        other.dispose()


@pytest.mark.sqlite_only
def test_cli_export_csv(engine, db_path: Path, make_contact, tmp_path: Path, capsys) -> None:
    from tests.cli_helpers import run_command

    make_contact(engine, firstname="Ada", email="ada@example.com")
    out = tmp_path / "o.csv"
    assert run_command("export", "csv", "--db", db_path, "--out", out) == 0
    assert capsys.readouterr().err == f"Exported 1 contact to {out}.\n"
    assert "ada@example.com" in out.read_text(encoding="utf-8")
