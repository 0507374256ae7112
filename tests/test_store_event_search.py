"""The History search index (store/event_search.py, migration 0009): it only narrows, so a search finds exactly
the events it found before the index, on varied text; it follows inserts, edits and deletes; and an upgraded
database gets its existing events indexed."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

import store.timeline
from store.db import open_database
from store.event_search import event_text, narrowing, trigram_query, value_text
from store.reads import read_run
from store.timeline import TimelineFilter, timeline_page
from tests.test_store_notes import _alembic

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
VARIED = [
    ("form.submitted", "Form: Contact", {"form": "Contact us", "values": {"name": "Zoë Ångström", "city": "Zürich"}}),
    ("form.submitted", "Form: Quote", {"values": {"message": "Call me\nafter 5pm", "budget": 12500, "agree": True}}),
    ("email.sent", "Email sent: Straße & Söhne", {"subject": "Straße & Söhne — Angebot", "opened": False}),
    ("email.read", "Opened: 日本語のニュース", {"subject": "日本語のニュース", "client": "Thunderbird"}),
    ("email.sent", "Email sent: ΣΊΣΥΦΟΣ", {"subject": "ΣΊΣΥΦΟΣ news", "tags": ["greek", "ﬁnance"]}),
    ("page.hit", "Visited /pricing", {"url": "https://shop.test/pricing?ref=%20a_b", "title": "Prices (EUR)"}),
    ("point.gained", "+5 points", {"delta": 5, "ratio": 1.25, "big": 123456789012345678901234, "none": None}),
    ("asset.download", "Downloaded", {"path": "C:\\temp\\Łódź.pdf", "nested": [{"a": ["deep", {"b": "deeper"}]}]}),
    ("page.hit", "Visited O'Brien's page", {"quote": 'He said "hi"', "kana": "ヤマダ電機", "ligature": "ǅemal"}),
    ("lead.note", "Note", {"text": "İstanbul \u0131\u0131", "emoji": "🎉 party", "empty": ""}),
]


@pytest.fixture(scope="module")
def varied(shared_engines, make_contact, add_events) -> tuple[Engine, int]:
    engine = shared_engines("event-search")
    contact_id = make_contact(engine, firstname="Varied")
    rows = [
        {"type": kind, "occurred_at": T0 - timedelta(hours=i), "label": label, "details": details}
        for i, (kind, label, details) in enumerate(VARIED * 3)
    ]
    add_events(engine, contact_id, rows)
    # Another contact with the same text: never found for this one.
    add_events(engine, make_contact(engine, firstname="Other"), rows[:5])
    return engine, contact_id


def needles() -> Iterator[str]:
    """Pieces of every label and value, changed in case, plus things that match nothing."""
    rng = random.Random(9)
    texts = [label for _, label, _ in VARIED] + [str(v) for _, _, d in VARIED for v in d.values() if v]
    for value in texts:
        for _ in range(4):
            start = rng.randrange(len(value))
            piece = value[start : start + rng.randint(1, 12)]
            yield piece
            yield piece.upper()
    yield from ["zürich", "ZURICH", "strasse", "angstrom", "12345678901234567", "1.25", "Call me\nafter", "mail"]
    yield from ["true", "none", "values", "subject", '"hi"', "o'brien", "\u0131\u0131", "party", "%_%"]
    yield "nothing like it"


def _ids(engine: Engine, contact_id: int, needle: str) -> list[int]:
    return [row.id for row in timeline_page(engine, contact_id, flt=TimelineFilter(text=needle), limit=1000)]


def test_search_finds_what_it_found_without_the_index(varied, monkeypatch) -> None:
    engine, contact_id = varied
    with_index = {needle: _ids(engine, contact_id, needle) for needle in needles()}
    monkeypatch.setattr(store.timeline, "narrowing", lambda _run, _dialect, _needle: None)
    without = {needle: _ids(engine, contact_id, needle) for needle in needles()}
    assert with_index == without
    assert sum(bool(ids) for ids in with_index.values()) > 50  # most pieces are found, some are not


def test_the_index_narrows_needles_of_three_letters_or_more(varied) -> None:
    engine, _ = varied
    with read_run(engine) as run:
        assert narrowing(run, engine.dialect.name, "zürich") is not None
        assert narrowing(run, engine.dialect.name, "nothing like it") is not None
        assert narrowing(run, engine.dialect.name, "zü") is None  # too short to narrow: every event is tested
    assert trigram_query("ab") is None
    assert trigram_query('Ab"c') == '"ab""" AND "b""c"'


def test_event_text_holds_each_value_folded_on_its_own_line() -> None:
    details = '{"values": {"city": "Zürich", "n": 12, "ok": true, "no": null, "list": ["A", 1.5]}}'
    assert event_text("Form: ÉTÉ", details).split("\n") == ["form: ete", "zurich", "12", "1", "a", "1.5"]


@pytest.mark.parametrize(
    "details",
    [
        {"values": {"city": "Zürich", "n": 12, "ok": True, "no": None, "list": ["A", 1.5, [False, {"x": "Y"}]]}},
        {"big": 2**70, "neg": -3, "tiny": 1e-7, "nan": float("nan"), "empty": {}, "none": [], "ß": "STRASSE"},
        {},
        ["top", {"level": "List"}],
        "Just text",
        None,
    ],
)
def test_the_text_of_details_as_values_is_the_text_of_their_json(details) -> None:
    # A sync indexes the events it writes from their details as values (store/interchange/mautic_events.py);
    # the index's triggers read the stored JSON text: both must give the same text, or a delete would not find it.
    assert value_text("Visit: ÉTÉ", details) == event_text("Visit: ÉTÉ", json.dumps(details))


def test_the_index_follows_edits_and_deletes(engine: Engine, make_contact, add_events) -> None:
    contact_id = make_contact(engine)
    [event_id] = add_events(engine, contact_id, [{"type": "page.hit", "occurred_at": T0, "label": "Alpha visit"}])
    assert _ids(engine, contact_id, "alpha") == [event_id]
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET label = 'Bravo visit' WHERE id = :id"), {"id": event_id})
    assert _ids(engine, contact_id, "alpha") == []
    assert _ids(engine, contact_id, "bravo") == [event_id]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": event_id})
    assert _ids(engine, contact_id, "bravo") == []
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:  # the index agrees with the text it mirrors
            conn.execute(text("INSERT INTO event_fts(event_fts) VALUES ('integrity-check')"))


@pytest.mark.sqlite_only
def test_upgrading_from_0008_indexes_existing_events(engine: Engine, db_path: Path, make_contact, add_events) -> None:
    contact_id = make_contact(engine)
    [event_id] = add_events(engine, contact_id, [{"type": "page.hit", "occurred_at": T0, "label": "Before 0009"}])
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0008_social_not_before")
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'event_fts%'")).scalar() == 0
    engine.dispose()
    upgraded = open_database(db_path)
    try:
        with read_run(upgraded) as run:
            assert narrowing(run, "sqlite", "before 0009") is not None
        assert _ids(upgraded, contact_id, "before 0009") == [event_id]
    finally:
        upgraded.dispose()
