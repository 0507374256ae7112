"""One Mautic sync run's shared state: where it stands (its cursors, saved with the work they follow), the
contact writer, the groups met so far, and the way from a Mautic contact id to the contact here.

The steps (mautic_step_*.py) are mixins of `SyncRun`; store/interchange/mautic_sync.py runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from store.db import writing
from store.interchange.counts import ImportCounts
from store.interchange.mautic_contacts import ContactWriter, live_contact
from store.interchange.mautic_records import read_contact, text_of
from store.interchange.mautic_rows import upsert_group, upsert_template
from store.models import Campaign, Segment, SyncState, table_of
from store.sync.sources import RECHECK, cursors, ensure_source, save_cursors

# Changes made in the seconds before the previous run ended are read again (and stored once): clocks differ.
OVERLAP = timedelta(minutes=5)
SYNC_STATE = table_of(SyncState).c
_LOCAL_IDS = (
    "SELECT sync_state.remote_id, sync_state.contact_id, contact.merged_into_id, contact.deleted_at "
    "FROM sync_state JOIN contact ON contact.id = sync_state.contact_id WHERE sync_state.source ="
)


class MauticSource(Protocol):
    """What a sync reads; services.mautic.MauticClient implements it."""

    def contacts(self, *, after_id: int, changed_since: datetime | None = None, limit: int = ...) -> list[dict]: ...
    def contact_ids(self, *, after_id: int, limit: int = ...) -> list[int]: ...
    def contact(self, contact_id: int) -> dict | None: ...
    def activity(self, *, since: datetime | None = None, limit: int = ...) -> Iterator[dict]: ...
    def notes(self, *, after_id: int = ..., limit: int = ...) -> Iterator[dict]: ...
    def contact_segments(self, contact_id: int) -> list[dict] | None: ...
    def contact_campaigns(self, contact_id: int) -> list[dict] | None: ...
    def segments(self) -> Iterator[dict]: ...
    def campaigns(self) -> Iterator[dict]: ...
    def emails(self) -> Iterator[dict]: ...
    def check(self) -> int: ...


class Stopped(Exception):
    """The user asked the sync to stop; everything done so far is kept and the next run goes on from there."""


@dataclass(slots=True)
class MauticSummary(ImportCounts):
    """What a sync did (`rows`: contacts handled); `failed` holds `contact #ID: reason` lines."""

    total: int = 0  # Mautic's count of contacts
    stage: str = ""  # what the sync is doing now, for a progress display
    events: int = 0
    notes: int = 0
    deleted: int = 0
    merged: int = 0
    segments: int = 0
    campaigns: int = 0
    templates: int = 0
    first: bool = False  # the first run: everything was read
    seen: set[str] = field(default_factory=set)  # contacts written by this run (by Mautic id)


def stored_cursor_time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class SyncRun:
    """A run's state, and what every step uses."""

    def __init__(
        self,
        engine: Engine,
        source: MauticSource,
        origin: str,
        now: datetime,
        region: str,
        social: Mapping[str, Callable[[str], str]] | None = None,
    ) -> None:
        self.engine, self.source, self.origin, self.now = engine, source, origin, now
        with writing(engine) as conn:
            self.source_id = ensure_source(conn, origin)
            self.cursors = cursors(conn, self.source_id)
        self.writer = ContactWriter(origin, now, region, social)
        self.segments: dict[str, int] = {}
        self.campaigns: dict[str, int] = {}
        self.refresh: set[str] = set()  # contacts whose memberships are read again, found in the activity
        # Last active times the activity moves, written every ACTIVE_EVERY batches: the activity comes oldest first,
        # so each batch moved nearly every contact it named, and writing them a batch at a time rewrote a contact
        # row for nearly every event. A run stopped before they are written reads the same events again.
        self.active: dict[int, datetime] = {}

    def save(self, conn: Connection, **changes: Any) -> None:
        self.cursors.update(changes)
        # The contacts to read again are added outside the run (`outbox.forget`): the stored list stands.
        self.cursors[RECHECK] = cursors(conn, self.source_id).get(RECHECK, [])
        save_cursors(conn, self.source_id, self.cursors)

    def groups(self, summary: MauticSummary) -> None:
        """Step 1: segments, campaigns and emails (as templates), upserted by their Mautic id."""
        for model, fetch, ids in (
            (Segment, self.source.segments, self.segments),
            (Campaign, self.source.campaigns, self.campaigns),
        ):
            with writing(self.engine) as conn:
                for raw in fetch():
                    if (group_id := upsert_group(conn, model, raw, self.now)) is not None:
                        ids[text_of(raw.get("id"))] = group_id
        summary.segments, summary.campaigns = len(self.segments), len(self.campaigns)
        with writing(self.engine) as conn:
            summary.templates = sum(upsert_template(conn, raw, self.now) for raw in self.source.emails())

    def write_contact(self, raw: dict[str, Any], summary: MauticSummary, **cursor: Any) -> int:
        """Write one contact with the run's position; its local id."""
        contact = read_contact(raw)
        with writing(self.engine) as conn:
            contact_id, outcome = self.writer.write(conn, contact)
            if cursor:
                self.save(conn, **cursor)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        summary.seen.add(contact.remote_id)
        return contact_id

    def _due(self, more: set[str]) -> list[str]:
        """The contacts whose memberships step 4 reads, with `more`, in id order."""
        due = {value for value in [*self.cursors.get("memberships_due", []), *more] if value.isdigit()}
        return sorted(due, key=int)

    def local_id(self, conn: Connection, remote_id: str) -> int | None:
        known = conn.execute(
            select(SYNC_STATE.contact_id).where(SYNC_STATE.source == self.origin, SYNC_STATE.remote_id == remote_id)
        ).scalar()
        return live_contact(conn, known) if known is not None else None

    def local_ids(self, conn: Connection, remote_ids: Collection[str]) -> dict[str, int]:
        """`local_id` of many contacts in a query per 500 (a batch of activity names hundreds, a thousand at
        10,000 contacts: SQL text, as SQLAlchemy's list of 500 parameters cost more than the query); unknown and
        deleted ones are left out."""
        found: dict[str, int] = {}
        wanted = sorted(remote_ids)
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = f"{_LOCAL_IDS} {mark} AND sync_state.remote_id IN ({', '.join([mark] * len(chunk))})"
            for remote_id, contact_id, merged_into, deleted_at in conn.exec_driver_sql(query, (self.origin, *chunk)):
                live = contact_id if merged_into is None and deleted_at is None else live_contact(conn, contact_id)
                if live is not None:
                    found[remote_id] = live
        return found
