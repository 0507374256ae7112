"""Step 3 of a Mautic sync: every contact's activity since the last run, stored once by its Mautic identity
(see store/interchange/mautic_sync.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy.engine import Connection

from store.db import writing, writing_on
from store.interchange.mautic_events import add_events, bulk_connection, move_last_active
from store.interchange.mautic_records import event_key, read_event, text_of
from store.interchange.mautic_run import OVERLAP, MauticSummary, Stopped, SyncRun, stored_cursor_time
from store.interchange.read_ahead import ReadAhead

# Events stored a transaction (at most: a batch is what the reading thread has brought meanwhile): each one
# writes out the index pages the batch touched (three indexes keyed by contact, so nearly a page an event at
# 10,000 contacts) and FTS5's terms; 4,000 hold the write lock for about half a second.
EVENT_BATCH = 4000
_CHUNK = 200  # events handed from the reading thread at a time
ACTIVE_EVERY = 50  # batches of events between two writes of the last active times they move (`SyncRun.active`)
# Activity that follows from a contact's own action: it moves the contact's last active time.
ENGAGEMENT = frozenset({"page.hit", "email.read", "form.submitted", "asset.download", "email.replied", "page.videohit"})
MEMBERSHIP_EVENTS = frozenset({"segment_membership", "campaign_membership"})


class ActivityStep(SyncRun):
    """Step 3."""

    def activity(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 3: every contact's events since the last run."""
        since = stored_cursor_time(self.cursors.get("activity_since"))
        pass_start = stored_cursor_time(self.cursors.get("activity_pass")) or self.now
        with writing(self.engine) as conn:
            self.save(conn, activity_pass=pass_start.isoformat())
        # The next pages are read while a batch is stored; a batch is what has come meanwhile, up to EVENT_BATCH.
        events = batches(self.source.activity(since=since), _CHUNK)
        with bulk_connection(self.engine) as bulk, ReadAhead(events, depth=EVENT_BATCH // _CHUNK) as chunks:
            for number, group in enumerate(chunks.ready_groups(EVENT_BATCH, len), 1):
                if stop():
                    raise Stopped
                batch = [raw for chunk in group for raw in chunk]
                self._store_events(bulk, batch, summary, move=number % ACTIVE_EVERY == 0)
                progress()
            with writing_on(bulk) as conn:
                move_last_active(conn, self.active)
                self.active.clear()
        with writing(self.engine) as conn:
            until = (pass_start - OVERLAP).isoformat()
            self.save(conn, activity_since=until, activity_pass=None, memberships_due=self._due(self.refresh))

    def _store_events(self, bulk: Connection, batch: list[dict], summary: MauticSummary, move: bool) -> None:
        """Store a batch of events; with `move`, the last active times they and the batches before moved too."""
        readable = []
        for raw in batch:
            row, remote_id = read_event(raw), text_of(raw.get("contactId"))
            # A video view names no contact (PageBundle LeadSubscriber::onTimelineGenerateVideo).
            if row is not None and remote_id and (key := event_key(raw)) is not None:
                readable.append((remote_id, row, key))
        with self.engine.connect() as conn:
            local: dict[str, int | None] = dict(self.local_ids(conn, {remote_id for remote_id, _r, _k in readable}))
        rows: list[tuple[int, str, dict[str, Any]]] = []
        active = self.active
        for remote_id, row, key in readable:
            if remote_id not in local:  # asked once a batch, even when Mautic no longer has it
                local[remote_id] = self._contact_for(remote_id, summary)
            contact_id = local[remote_id]
            if contact_id is None:
                continue
            rows.append((contact_id, key, row))
            if row["type"] in MEMBERSHIP_EVENTS:
                self.refresh.add(remote_id)
            if row["type"] in ENGAGEMENT:
                active[contact_id] = max(active.get(contact_id, row["occurred_at"]), row["occurred_at"])
        with writing_on(bulk) as conn:
            summary.events += add_events(conn, self.source_id, rows)
            if move:
                move_last_active(conn, active)
                active.clear()

    def _contact_for(self, remote_id: str, summary: MauticSummary) -> int | None:
        with self.engine.connect() as conn:
            local = self.local_id(conn, remote_id)
        if local is not None or not remote_id.isdigit():
            return local
        raw = self.source.contact(int(remote_id))  # added after the contact pass, or anonymous and never listed
        if raw is None or text_of(raw.get("id")) != remote_id:
            return None
        return self.write_contact(raw, summary)


def batches(values: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
