"""Steps 4 and 5 of a Mautic sync: the segment and campaign memberships of the contacts that need them, and
every note of the instance (see store/interchange/mautic_sync.py)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from heapq import merge
from itertools import groupby

from sqlalchemy import func, select

from store.db import writing
from store.interchange.mautic_records import note_contact, read_note, text_of
from store.interchange.mautic_rows import remove_notes, set_memberships, upsert_note
from store.interchange.mautic_run import SYNC_STATE, MauticSummary, Stopped, SyncRun
from store.interchange.mautic_step_activity import batches
from store.interchange.read_ahead import ReadAhead
from store.models import Campaign, Contact, Segment, table_of

# Contacts whose memberships are written a transaction (at most), and read ahead: two requests each.
MEMBERSHIP_BATCH = 25
_C = table_of(Contact).c


class MembershipSteps(SyncRun):
    """Steps 4 and 5."""

    def memberships(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 4: segment and campaign memberships of the contacts that need them, resumably: each contact
        done leaves the list (or, the first time, moves the position) in the transaction that writes it."""
        due = [int(remote_id) for remote_id in self._due(set())]  # the few a change named, ascending
        after = int(self.cursors.get("memberships_after", 0))
        named = self._named(after) if self.cursors.get("memberships_all") else []
        remote_ids = (str(remote_id) for remote_id, _same in groupby(merge(due, named)))
        # The next contacts' lists are read while those read meanwhile are written, in one transaction.
        with ReadAhead(self._membership_lists(remote_ids), depth=MEMBERSHIP_BATCH) as lists:
            for group in lists.ready_groups(MEMBERSHIP_BATCH):
                self._write_memberships(group, stop, progress)
        with writing(self.engine) as conn:
            self.save(conn, memberships_all=False, memberships_after=0, memberships_due=[])

    def _membership_lists(
        self, remote_ids: Iterable[str]
    ) -> Iterator[tuple[str, list[dict] | None, list[dict] | None]]:
        for remote_id in remote_ids:
            segments = self.source.contact_segments(int(remote_id))
            campaigns = self.source.contact_campaigns(int(remote_id)) if segments is not None else None
            yield remote_id, segments, campaigns

    def _write_memberships(
        self,
        group: list[tuple[str, list[dict] | None, list[dict] | None]],
        stop: Callable[[], bool],
        progress: Callable[[], None],
    ) -> None:
        done: list[str] = []
        stopped = False
        with writing(self.engine) as conn:
            # Unknown: deleted or merged away since it was listed (step 6 follows it), or Mautic said it is gone.
            local = self.local_ids(conn, {remote_id for remote_id, _s, _c in group})
            for remote_id, segments, campaigns in group:
                if stopped := stop():
                    break
                contact_id = local.get(remote_id)
                if contact_id is not None and segments is not None and campaigns is not None:
                    set_memberships(conn, contact_id, Segment, segments, self.segments, self.now)
                    set_memberships(conn, contact_id, Campaign, campaigns, self.campaigns, self.now)
                done.append(remote_id)
                progress()
            if done:
                left = [value for value in self.cursors.get("memberships_due", []) if value not in set(done)]
                self.save(conn, memberships_due=left, memberships_after=int(done[-1]))
        if stopped:
            raise Stopped

    def _named(self, after: int) -> array:
        """The Mautic ids above `after` of the contacts with a name or an email, ascending, as 8-byte integers: the
        first sync reads every named contact's memberships, and a million ids as strings in a list, a set and a
        sorted list took 143 MB at their peak (tracemalloc) where these take 8."""
        named = (func.coalesce(_C.email, "") != "") | (_C.firstname != "") | (_C.lastname != "")
        found = array("q")
        with self.engine.connect() as conn:
            # Numbers written without leading zeros are in numeric order by (length, text), in SQL on both databases.
            rows = conn.execution_options(yield_per=5000).execute(
                select(SYNC_STATE.remote_id)
                .join(table_of(Contact), _C.id == SYNC_STATE.contact_id)
                .where(SYNC_STATE.source == self.origin, named)
                .order_by(func.length(SYNC_STATE.remote_id), SYNC_STATE.remote_id)
            )
            found.extend(number for value in rows.scalars() if value.isdigit() and (number := int(value)) > after)
        if any(found[n] >= found[n + 1] for n in range(len(found) - 1)):  # an id written otherwise ("007")
            found = array("q", sorted(set(found)))
        return found

    def notes(self, summary: MauticSummary, progress: Callable[[], None]) -> None:
        """Step 5: every note of the instance, compared with what is here."""
        present: set[str] = set()
        for batch in batches(self.source.notes(), 500):
            with writing(self.engine) as conn:
                local = self.local_ids(conn, {note_contact(raw) for raw in batch})
                for raw in batch:
                    remote_id, row = text_of(raw.get("id")), read_note(raw, self.now)
                    present.add(remote_id)
                    contact_id = local.get(note_contact(raw))
                    if row is not None and contact_id is not None:
                        summary.notes += upsert_note(conn, self.source_id, remote_id, contact_id, row) != "kept"
            progress()
        with writing(self.engine) as conn:
            remove_notes(conn, self.source_id, present)
