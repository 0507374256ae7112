"""The History timeline: newest first, keyset pages that never skip or repeat, type filters and text search."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from store.rows import EventRow, TypeCount
from store.timeline import TimelineFilter, event_type_counts, timeline_page

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
TYPES = ["page.hit", "email.read", "form.submitted", "point.gained"]


def every_row(engine: Engine, contact_id: int, flt: TimelineFilter | None = None, limit: int = 7) -> list[int]:
    """All events page by page, checking each page's size and that the pages join without overlap."""
    ids: list[int] = []
    after = None
    for _ in range(200):
        page = timeline_page(engine, contact_id, flt=flt or TimelineFilter(), after=after, limit=limit)
        if not page:
            return ids
        assert len(page) <= limit
        assert not set(ids) & {row.id for row in page}, "a page repeated an event"
        ids += [row.id for row in page]
        after = (page[-1].occurred_at, page[-1].id)
    pytest.fail("paging did not end")


@pytest.fixture(scope="module")
def timeline_engine(shared_engines) -> Iterator[Engine]:
    """One database for this module's read-only fixtures (`history`, `searchable`), built once per module."""
    return shared_engines("timeline")


@pytest.fixture(scope="module")
def history(timeline_engine: Engine, make_contact, add_events) -> tuple[int, list[dict]]:
    """57 events for one contact, 20 sharing one moment and more in tied pairs, inserted out of time order.

    Returns the contact id and the rows (with their `id`) in the order the timeline must show them.
    """
    contact_id = make_contact(timeline_engine, firstname="Ada")
    other = make_contact(timeline_engine, firstname="Other")
    times = (
        [T0] * 20
        + [T0 - timedelta(minutes=m // 2) for m in range(2, 30)]
        + [T0 + timedelta(days=d) for d in range(1, 10)]
    )
    rng = random.Random(11)
    rng.shuffle(times)
    rows = [
        {"type": TYPES[i % 4] if i % 7 else "email.sent", "occurred_at": when, "label": f"Event {i}"}
        for i, when in enumerate(times)
    ]
    for row, event_id in zip(rows, add_events(timeline_engine, contact_id, rows), strict=True):
        row["id"] = event_id
    # Another contact's events, at the same moments, must never show up.
    add_events(timeline_engine, other, [{"type": "page.hit", "occurred_at": T0, "label": "Event 1"} for _ in range(5)])
    rows.sort(key=lambda row: (row["occurred_at"], row["id"]), reverse=True)
    return contact_id, rows


def test_history_fixture_has_the_ties_it_promises(history) -> None:
    _, rows = history
    assert len(rows) == 57
    assert sum(row["occurred_at"] == T0 for row in rows) == 20


def test_timeline_is_newest_first_with_ties_broken_by_id(timeline_engine, history) -> None:
    contact_id, rows = history
    page = timeline_page(timeline_engine, contact_id, limit=100)
    assert [row.id for row in page] == [row["id"] for row in rows]
    assert page[0].occurred_at == T0 + timedelta(days=9)
    tied = [row.id for row in page if row.occurred_at == T0]
    assert tied == sorted(tied, reverse=True)


def test_timeline_default_page_size_is_50(timeline_engine, history) -> None:
    contact_id, rows = history
    assert [row.id for row in timeline_page(timeline_engine, contact_id)] == [row["id"] for row in rows[:50]]


@pytest.mark.parametrize("limit", [1, 2, 7, 19, 20, 21, 56, 57, 58])
def test_pages_join_without_gaps_or_repeats(timeline_engine, history, limit) -> None:
    contact_id, rows = history
    assert every_row(timeline_engine, contact_id, limit=limit) == [row["id"] for row in rows]


def test_a_page_starting_inside_the_tie(timeline_engine, history) -> None:
    contact_id, rows = history
    tied = [row for row in rows if row["occurred_at"] == T0]
    after = (T0, tied[4]["id"])
    page = timeline_page(timeline_engine, contact_id, after=after, limit=7)
    assert [row.id for row in page] == [row["id"] for row in tied[5:12]]


@pytest.mark.parametrize("limit", [1, 7, 20, 57, 60])
def test_the_oldest_page_and_pages_upward_from_it(timeline_engine, history, limit) -> None:
    """`oldest` reads the last page directly; `before` then pages back up, newest first, without a gap."""
    contact_id, rows = history
    want = [row["id"] for row in rows]
    page = timeline_page(timeline_engine, contact_id, oldest=True, limit=limit)
    assert [row.id for row in page] == want[-limit:]
    ids = [row.id for row in page]
    while page:
        page = timeline_page(timeline_engine, contact_id, before=(page[0].occurred_at, page[0].id), limit=limit)
        assert len(page) <= limit
        ids = [row.id for row in page] + ids
    assert ids == want


def test_oldest_and_before_with_a_filter(timeline_engine, history) -> None:
    contact_id, rows = history
    flt = TimelineFilter(exclude=frozenset({"email.read"}))
    want = expected_ids(rows, lambda row: row["type"] != "email.read")
    page = timeline_page(timeline_engine, contact_id, flt=flt, oldest=True, limit=5)
    assert [row.id for row in page] == want[-5:]
    newer = timeline_page(timeline_engine, contact_id, flt=flt, before=(page[0].occurred_at, page[0].id), limit=5)
    assert [row.id for row in newer] == want[-10:-5]


def test_event_rows_carry_their_data(engine, make_contact, add_events) -> None:
    contact_id = make_contact(engine)
    [event_id] = add_events(
        engine,
        contact_id,
        [
            {
                "type": "point.gained",
                "occurred_at": T0,
                "label": "Points +5",
                "details": {"reason": "webinar", "tags": ["a", "b"]},
                "points_delta": 5,
                "actor": "grace",
            }
        ],
    )
    [row] = timeline_page(engine, contact_id)
    assert row == EventRow(
        id=event_id,
        contact_id=contact_id,
        type="point.gained",
        occurred_at=T0,
        label="Points +5",
        details_json='{"reason": "webinar", "tags": ["a", "b"]}',
        points_delta=5,
        actor="grace",
    )
    assert row.details == {"reason": "webinar", "tags": ["a", "b"]}
    assert row.occurred_at.tzinfo is not None
    assert row.type_name == "Points changed"


def test_times_read_back_as_written_whatever_the_local_zone(engine, make_contact, add_events, monkeypatch) -> None:
    """Stored times are UTC: the machine's zone changes neither what a page shows nor where the next one starts."""
    contact_id = make_contact(engine)
    [event_id] = add_events(engine, contact_id, [{"type": "page.hit", "occurred_at": T0, "label": "Visit"}])
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    [row] = timeline_page(engine, contact_id)
    assert (row.id, row.occurred_at) == (event_id, T0)
    assert timeline_page(engine, contact_id, after=(T0, event_id)) == []
    assert timeline_page(engine, contact_id, after=(T0, event_id + 1)) == [row]
    assert timeline_page(engine, contact_id, before=(T0, event_id - 1)) == [row]


def test_a_contact_without_events(engine, make_contact) -> None:
    contact_id = make_contact(engine)
    assert timeline_page(engine, contact_id) == []
    assert event_type_counts(engine, contact_id) == []


# Type filters


def expected_ids(rows: list[dict], keep) -> list[int]:
    return [row["id"] for row in rows if keep(row)]


def test_include_filter(timeline_engine, history) -> None:
    contact_id, rows = history
    flt = TimelineFilter(include=frozenset({"email.read", "email.sent"}))
    ids = [row.id for row in timeline_page(timeline_engine, contact_id, flt=flt, limit=100)]
    assert ids == expected_ids(rows, lambda row: row["type"] in {"email.read", "email.sent"})
    assert ids


def test_exclude_filter(timeline_engine, history) -> None:
    contact_id, rows = history
    flt = TimelineFilter(exclude=frozenset({"page.hit"}))
    ids = [row.id for row in timeline_page(timeline_engine, contact_id, flt=flt, limit=100)]
    assert ids == expected_ids(rows, lambda row: row["type"] != "page.hit")
    assert len(ids) < len(rows)


def test_include_and_exclude_together(timeline_engine, history) -> None:
    contact_id, rows = history
    flt = TimelineFilter(include=frozenset({"page.hit", "email.read"}), exclude=frozenset({"page.hit"}))
    ids = [row.id for row in timeline_page(timeline_engine, contact_id, flt=flt, limit=100)]
    assert ids == expected_ids(rows, lambda row: row["type"] == "email.read")


def test_include_of_an_absent_type_shows_nothing(timeline_engine, history) -> None:
    contact_id, _ = history
    assert timeline_page(timeline_engine, contact_id, flt=TimelineFilter(include=frozenset({"video.watched"}))) == []


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_filters_combined_with_paging(timeline_engine, history, limit) -> None:
    contact_id, rows = history
    flt = TimelineFilter(exclude=frozenset({"email.read"}), text="Event 1")
    want = expected_ids(rows, lambda row: row["type"] != "email.read" and "Event 1" in row["label"])
    assert every_row(timeline_engine, contact_id, flt=flt, limit=limit) == want
    assert len(want) == 8  # Event 1 and Event 10..19, less the three email.read ones


# Text search


@pytest.fixture(scope="module")
def searchable(timeline_engine: Engine, make_contact, add_events) -> tuple[int, dict[str, int]]:
    contact_id = make_contact(timeline_engine)
    rows = {
        "zurich": {
            "type": "form.submitted",
            "label": "Contact form",
            "details": {"form": "Contact", "values": {"city": "Zürich", "notes": ["call back", "Tuesday"]}},
        },
        "keys_only": {"type": "form.submitted", "label": "Empty form", "details": {"values": {"url": ""}}},
        "page": {"type": "page.hit", "label": "Pricing page", "details": {"url": "https://shop.test/pricing"}},
        "percent": {"type": "email.sent", "label": "Save 100% now", "details": {}},
        "hundred": {"type": "email.sent", "label": "Save 100 now", "details": {}},
        "underscore": {"type": "page.hit", "label": "Visited a_b", "details": {}},
        "axb": {"type": "page.hit", "label": "Visited axb", "details": {}},
        "backslash": {"type": "asset.download", "label": "Downloaded", "details": {"path": "C:\\temp\\file.pdf"}},
        "number": {"type": "point.gained", "label": "Score", "details": {"score": 12345}},
        # Python's folding and PostgreSQL's unaccent disagree on Ł and ダ; each database folds both sides.
        "lodz": {"type": "page.hit", "label": "Met in Łódź", "details": {"shop": "ヤマダ電機"}},
    }
    ids = add_events(
        timeline_engine,
        contact_id,
        [{"occurred_at": T0 - timedelta(minutes=i), **row} for i, row in enumerate(rows.values())],
    )
    return contact_id, dict(zip(rows, ids, strict=True))


def found(engine: Engine, searchable, text: str) -> set[str]:
    contact_id, ids = searchable
    names = {event_id: name for name, event_id in ids.items()}
    return {names[row.id] for row in timeline_page(engine, contact_id, flt=TimelineFilter(text=text), limit=100)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pricing", {"page"}),
        ("PRICING PAGE", {"page"}),
        ("shop.test", {"page"}),
        ("Zürich", {"zurich"}),
        ("zürich", {"zurich"}),
        ("rich", {"zurich"}),
        ("  zürich  ", {"zurich"}),
        ("tuesday", {"zurich"}),
        ("call back", {"zurich"}),
        ("contact", {"zurich"}),
        ("234", {"number"}),
        ("temp\\file", {"backslash"}),
        ("ŁÓDŹ", {"lodz"}),
        ("ヤマダ", {"lodz"}),
        ("nothing like this", set()),
    ],
)
def test_text_search_matches_labels_and_values_inside_details(timeline_engine, searchable, text, expected) -> None:
    assert found(timeline_engine, searchable, text) == expected


@pytest.mark.parametrize("text", ["values", "url", "city", "notes", 'form"', "u00fc", "\\u00fc", "{", '":'])
def test_text_search_ignores_json_keys_and_syntax(timeline_engine, searchable, text) -> None:
    assert found(timeline_engine, searchable, text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", {"percent"}),
        ("100%", {"percent"}),
        ("0% n", {"percent"}),
        ("_", {"underscore"}),
        ("a_b", {"underscore"}),
        ("\\", {"backslash"}),
        ("%_%", set()),
    ],
)
def test_like_wildcards_in_the_search_are_literal(timeline_engine, searchable, text, expected) -> None:
    assert found(timeline_engine, searchable, text) == expected


def test_text_search_folds_case_beyond_ascii(timeline_engine, searchable) -> None:
    assert found(timeline_engine, searchable, "ZÜRICH") == {"zurich"}


def test_text_search_with_paging(timeline_engine, searchable) -> None:
    contact_id, ids = searchable
    flt = TimelineFilter(text="visited")
    assert every_row(timeline_engine, contact_id, flt=flt, limit=1) == [ids["underscore"], ids["axb"]]


def test_text_search_with_a_type_filter(timeline_engine, searchable) -> None:
    contact_id, ids = searchable
    flt = TimelineFilter(text="save", exclude=frozenset({"page.hit"}), include=frozenset({"email.sent"}))
    assert [row.id for row in timeline_page(timeline_engine, contact_id, flt=flt)] == [ids["percent"], ids["hundred"]]


# Type counts and the filter's state


def test_event_type_counts_most_frequent_first(engine, make_contact, add_events) -> None:
    contact_id = make_contact(engine)
    other = make_contact(engine)
    plan = ["page.hit"] * 5 + ["email.read"] * 3 + ["form.submitted"] * 3 + ["custom.thing"] * 1
    add_events(engine, contact_id, [{"type": t, "occurred_at": T0} for t in plan])
    add_events(engine, other, [{"type": "video.watched", "occurred_at": T0}] * 9)
    assert event_type_counts(engine, contact_id) == [
        TypeCount(type="page.hit", name="Page hit", count=5),
        TypeCount(type="email.read", name="Email read", count=3),
        TypeCount(type="form.submitted", name="Form submitted", count=3),
        TypeCount(type="custom.thing", name="custom.thing", count=1),
    ]


@pytest.mark.parametrize(
    ("flt", "active"),
    [
        (TimelineFilter(), False),
        (TimelineFilter(text=""), False),
        (TimelineFilter(text="   "), False),
        (TimelineFilter(text="x"), True),
        (TimelineFilter(include=frozenset({"page.hit"})), True),
        (TimelineFilter(exclude=frozenset({"page.hit"})), True),
        (TimelineFilter(include=frozenset(), exclude=frozenset()), False),
    ],
)
def test_timeline_filter_active(flt, active) -> None:
    assert flt.active is active
