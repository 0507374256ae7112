"""The Mautic sync on both databases: a first sync stopped between batches and resumed stores what a run
without a stop stores, on SQLite (events as SQL text, the search index filled by hand) and on PostgreSQL (the
same steps through SQLAlchemy, memberships and contacts in savepoints, an advisory lock per transaction)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from services.mautic import MauticClient
from store.interchange.mautic_sync import MauticSummary, Stopped, source_name, sync_mautic
from tests.mautic import FakeMautic


@pytest.fixture
def fake() -> Iterator[FakeMautic]:
    with FakeMautic.sample(n_contacts=40, events_per_contact=120, seed=3) as server:
        yield server
        assert server.errors == []


def _sync(engine: Engine, fake: FakeMautic, **options) -> MauticSummary:
    with MauticClient(fake.url, "api", "secret", timeout=10, clock=lambda: fake.now, sleep=fake.advance) as source:
        return sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now, **options)


def _counts(engine: Engine) -> dict[str, int]:
    queries = {
        "contacts": "SELECT count(*) FROM contact WHERE deleted_at IS NULL AND merged_into_id IS NULL",
        "events": "SELECT count(*) FROM event",
        "distinct events": "SELECT count(DISTINCT remote_key) FROM event",
        "active": "SELECT count(*) FROM contact WHERE last_active IS NOT NULL",
        "memberships": "SELECT (SELECT count(*) FROM segment_membership) + (SELECT count(*) FROM campaign_membership)",
        "notes": "SELECT count(*) FROM note",
    }
    with engine.connect() as conn:
        return {name: conn.execute(text(query)).scalar_one() for name, query in queries.items()}


def _api_total(fake: FakeMautic, path: str) -> int:
    import httpx

    return int(httpx.get(f"{fake.url}/api/{path}", params={"limit": 1}, auth=("api", "secret")).json()["total"])


def test_a_first_sync_stopped_and_resumed_stores_everything_once(engine: Engine, fake: FakeMautic) -> None:
    # Stop once in each step that writes in batches: at the Nth time `stop()` is asked once the step has begun.
    plan, asked = {"contacts": 10, "activity": 1, "memberships": 5}, Counter[str]()
    summary = MauticSummary()

    def stop() -> bool:
        asked[summary.stage] += 1
        return plan.get(summary.stage) == asked[summary.stage]

    stopped_in = []
    while True:
        summary = MauticSummary()
        try:
            _sync(engine, fake, stop=stop, summary=summary)
            break
        except Stopped:
            stopped_in.append(summary.stage)
    assert stopped_in == ["contacts", "activity", "memberships"] and summary.failed == []
    counts = _counts(engine)
    assert counts["contacts"] == _api_total(fake, "contacts") == 40
    assert counts["events"] == counts["distinct events"] == _api_total(fake, "contacts/activity")
    assert counts["notes"] == _api_total(fake, "notes")
    assert counts["active"] > 0 and counts["memberships"] > 0
    fake.advance(3600)
    again = _sync(engine, fake)
    assert (again.created, again.events) == (0, 0)
    assert _counts(engine) == counts
