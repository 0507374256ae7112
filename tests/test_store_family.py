"""A merge leaves events where they are: the survivor's History, chart and counts read its whole family's.

Three contacts are merged as people do it, one into another and that one into a third; every read of the
survivor's events must then give exactly what it gave when the events were moved (the union, in order), and
undoing the merges gives each contact its own events back, without a row of the event table being written.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from store.activity import activity_series
from store.changes import contact_fingerprint
from store.contacts import get_contact
from store.dialect import loads
from store.family import family
from store.lookup import sql_run
from store.merge.merging import merge_contacts, preview_merge
from store.merge.undo import plan_unmerge, unmerge
from store.timeline import TimelineFilter, event_type_counts, timeline_page

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
TYPES = ["page.hit", "email.read", "form.submitted"]


def merge(engine: Engine, survivor: int, other: int) -> int:
    preview = preview_merge(engine, survivor, other, now=NOW)
    return merge_contacts(engine, preview, actor="sam", now=NOW).merge_id


def placement(engine: Engine) -> dict[int, int]:
    """Every event's contact_id, as stored."""
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, contact_id FROM event")).all())


def merged_away(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT id FROM contact WHERE merged_into_id IS NOT NULL ORDER BY id")).scalars())


def own_ids(engine: Engine, contact_id: int) -> set[int]:
    with engine.connect() as conn:
        query = text("SELECT id FROM event WHERE contact_id = :id AND type NOT LIKE 'lead.%merged'")
        return set(conn.execute(query, {"id": contact_id}).scalars())


@pytest.fixture
def three(engine: Engine, make_contact, add_events) -> tuple[list[int], dict[int, list[dict]]]:
    """Three contacts with interleaved events (many at one moment, so ties cross contacts), out of order."""
    ids = [make_contact(engine, firstname=name, lastname="Doe") for name in ("Ann", "Bea", "Cy")]
    rng = random.Random(5)
    rows: dict[int, list[dict]] = {}
    for n, contact_id in enumerate(ids):
        times = [T0] * 6 + [T0 - timedelta(minutes=rng.randint(1, 90)) for _ in range(20 + 7 * n)]
        rng.shuffle(times)
        rows[contact_id] = [
            {"type": TYPES[i % 3], "occurred_at": when, "label": f"{'ABC'[n]} event {i}"}
            for i, when in enumerate(times)
        ]
        for row, event_id in zip(rows[contact_id], add_events(engine, contact_id, rows[contact_id]), strict=True):
            row["id"] = event_id
    return ids, rows


def newest_first(rows: list[dict]) -> list[int]:
    return [row["id"] for row in sorted(rows, key=lambda row: (row["occurred_at"], row["id"]), reverse=True)]


def history(engine: Engine, contact_id: int, limit: int, flt: TimelineFilter | None = None) -> list[int]:
    """Every event page by page, the merges' own events left out."""
    flt = flt or TimelineFilter()
    ids: list[int] = []
    after = None
    while page := timeline_page(engine, contact_id, flt=flt, after=after, limit=limit):
        assert len(page) <= limit
        ids += [row.id for row in page if not row.type.endswith("merged")]
        after = (page[-1].occurred_at, page[-1].id)
    return ids


@pytest.fixture
def merged(engine: Engine, three) -> tuple[list[int], dict[int, list[dict]], list[int]]:
    """Ann merged into Bea, then Bea into Cy: Cy's family is all three."""
    ids, rows = three
    before = placement(engine)
    first = merge(engine, ids[1], ids[0])
    second = merge(engine, ids[2], ids[1])
    assert {key: value for key, value in placement(engine).items() if key in before} == before
    return ids, rows, [first, second]


def test_a_merge_moves_no_event(engine: Engine, merged) -> None:
    ids, _, _ = merged
    assert merged_away(engine) == ids[:2]
    with engine.connect() as conn:
        assert family(sql_run(conn), ids[2]) == (ids[2], ids[0], ids[1])
        assert family(sql_run(conn), ids[1]) == (ids[1], ids[0])
        assert family(sql_run(conn), ids[0]) == (ids[0],)


@pytest.mark.parametrize("limit", [1, 5, 6, 7, 50, 200])
def test_the_survivors_history_is_the_familys_in_order(engine: Engine, merged, limit) -> None:
    ids, rows, _ = merged
    everything = rows[ids[0]] + rows[ids[1]] + rows[ids[2]]
    assert history(engine, ids[2], limit) == newest_first(everything)


def test_oldest_and_upward_pages_across_the_family(engine: Engine, merged) -> None:
    ids, rows, _ = merged
    want = newest_first(rows[ids[0]] + rows[ids[1]] + rows[ids[2]])
    page = timeline_page(engine, ids[2], oldest=True, limit=8)
    assert [row.id for row in page] == want[-8:]
    seen = [row.id for row in page]
    while page:
        page = timeline_page(engine, ids[2], before=(page[0].occurred_at, page[0].id), limit=8)
        seen = [row.id for row in page] + seen
    assert [event for event in seen if event in set(want)] == want


def test_filters_and_search_across_the_family(engine: Engine, merged) -> None:
    ids, rows, _ = merged
    everything = rows[ids[0]] + rows[ids[1]] + rows[ids[2]]
    only_reads = TimelineFilter(include=frozenset({"email.read"}))
    assert history(engine, ids[2], 4, only_reads) == newest_first([r for r in everything if r["type"] == "email.read"])
    # "a event 1" is in Ann's labels only ("A event 1", "A event 10", ...): the index narrows to a few, by id.
    found = history(engine, ids[2], 3, TimelineFilter(text="a event 1"))
    assert found == newest_first([r for r in rows[ids[0]] if r["label"].startswith("A event 1")])
    # "event" is everywhere: no narrowing, a walk of each member.
    assert history(engine, ids[2], 9, TimelineFilter(text="event")) == newest_first(everything)


def test_counts_chart_and_fingerprint_follow_the_family(engine: Engine, merged, add_events) -> None:
    ids, rows, _ = merged
    total = sum(len(rows[contact]) for contact in ids)
    counted = {count.type: count.count for count in event_type_counts(engine, ids[2])}
    assert sum(count for kind, count in counted.items() if not kind.endswith("merged")) == total
    assert get_contact(engine, ids[2]).event_count == total + 2  # and the two "Merged with" events
    chart = activity_series(engine, ids[2], now=NOW, period="month", tz=UTC)
    assert chart.total_engagements == total  # page hits, email reads and forms are all engagements
    before = contact_fingerprint(engine, ids[2])
    newest = add_events(engine, ids[0], [{"type": "page.hit", "occurred_at": NOW + timedelta(hours=1)}])[0]
    after = contact_fingerprint(engine, ids[2])
    assert before is not None and after is not None and after.newest_event == newest != before.newest_event
    assert timeline_page(engine, ids[2], limit=1)[0].id == newest


def test_undo_gives_each_contact_its_own_events_back(engine: Engine, merged) -> None:
    ids, rows, merges = merged
    before = placement(engine)
    bea = len(rows[ids[0]]) + len(rows[ids[1]]) + 1  # and Bea's "Merged with Ann"
    plan = plan_unmerge(engine, merges[1])
    assert plan.actions[1] == f"Move back {bea} events to Bea Doe (#{ids[1]})."
    assert unmerge(engine, merges[1], actor="kim", now=NOW).moved_back["event"] == bea
    assert history(engine, ids[2], 10) == newest_first(rows[ids[2]])
    assert history(engine, ids[1], 10) == newest_first(rows[ids[0]] + rows[ids[1]])
    unmerge(engine, merges[0], actor="kim", now=NOW)
    for contact_id in ids:
        assert history(engine, contact_id, 10) == newest_first(rows[contact_id])
    assert merged_away(engine) == []
    assert {key: value for key, value in placement(engine).items() if key in before} == before


def test_an_event_deleted_since_the_merge_is_a_conflict_of_the_undo(engine: Engine, merged) -> None:
    ids, rows, merges = merged
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": rows[ids[1]][0]["id"]})
    plan = plan_unmerge(engine, merges[1])
    assert "1 event that moved in the merge was deleted since; it stays deleted." in plan.conflicts


def test_a_merge_recorded_before_events_stayed_is_undone_by_moving_them_back(engine: Engine, three) -> None:
    """A merge record of version 1 lists the events it moved, by id: its undo moves exactly those back."""
    ids, rows = three
    merge_id = merge(engine, ids[1], ids[0])
    moved = sorted(row["id"] for row in rows[ids[0]])
    with engine.begin() as conn:  # the state such a merge left: the events at the survivor, their ids recorded
        conn.execute(text("UPDATE event SET contact_id = :b WHERE contact_id = :a"), {"a": ids[0], "b": ids[1]})
        payload = loads(conn.execute(text("SELECT payload FROM merge_record")).scalar_one())
        payload.update(version=1, moved={**payload["moved"], "event": moved})
        del payload["stayed"]
        conn.execute(text("UPDATE merge_record SET payload = :p"), {"p": json.dumps(payload)})
    assert history(engine, ids[1], 10) == newest_first(rows[ids[0]] + rows[ids[1]])

    assert unmerge(engine, merge_id, actor="kim", now=NOW).moved_back["event"] == len(moved)
    assert own_ids(engine, ids[0]) == set(moved)
    assert history(engine, ids[1], 10) == newest_first(rows[ids[1]])
