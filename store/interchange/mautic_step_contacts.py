"""Steps 2 and 6 of a Mautic sync: the contacts added or changed since the last run, a page a transaction,
and the contacts deleted or merged in Mautic since (see store/interchange/mautic_sync.py)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from store.db import writing
from store.interchange.mautic_records import read_contact, text_of
from store.interchange.mautic_run import OVERLAP, SYNC_STATE, MauticSummary, Stopped, SyncRun, stored_cursor_time
from store.interchange.read_ahead import ReadAhead
from store.models import SyncState, table_of
from store.sync.sources import RECHECK, rechecked

PAGE_SIZE = 200


class ContactSteps(SyncRun):
    """Steps 2 and 6."""

    def contacts(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 2: the contacts added or changed since the last run, resumably."""
        since = stored_cursor_time(self.cursors.get("contacts_since"))
        pass_start = stored_cursor_time(self.cursors.get("contacts_pass")) or self.now
        after = int(self.cursors.get("contacts_after", 0))
        summary.first = since is None
        if summary.first:
            self.cursors["memberships_all"] = True  # saved with the first contact: step 4 reads every named one
        with ReadAhead(self._contact_pages(after, since)) as pages:  # the next page is read while one is written
            for page in pages:
                self._write_page(page, summary, stop, progress, contacts_pass=pass_start.isoformat())
        self.recheck(summary)
        with writing(self.engine) as conn:
            self.save(conn, contacts_since=(pass_start - OVERLAP).isoformat(), contacts_after=0, contacts_pass=None)

    def _contact_pages(self, after: int, since: datetime | None) -> Iterator[list[dict]]:
        while page := self.source.contacts(after_id=after, changed_since=since, limit=PAGE_SIZE):
            yield page
            after = int(page[-1]["id"])

    def _write_page(
        self,
        page: list[dict],
        summary: MauticSummary,
        stop: Callable[[], bool],
        progress: Callable[[], None],
        **at: Any,
    ) -> None:
        """A page of contacts in one transaction with the run's position (`at`) after the last one written: a
        run stopped between two contacts keeps those before. A contact whose data cannot be read is rolled back
        alone (a savepoint each) and named in `summary.failed`."""
        last, stopped = None, False
        with writing(self.engine) as conn:
            for raw in page:
                if stopped := stop():
                    break
                last = int(raw["id"])
                try:
                    with conn.begin_nested():
                        contact = read_contact(raw)
                        _contact_id, outcome = self.writer.write(conn, contact)
                except (ValueError, TypeError, KeyError, AttributeError) as exc:  # data that cannot be read
                    summary.failed.append(f"contact #{text_of(raw.get('id')) or '?'}: {exc}")
                else:
                    setattr(summary, outcome, getattr(summary, outcome) + 1)
                    summary.seen.add(contact.remote_id)
                progress()
            if last is not None:
                self.save(conn, contacts_after=last, **at)
        if stopped:
            raise Stopped

    def recheck(self, summary: MauticSummary) -> None:
        """The contacts whose change a user dropped for Mautic's version: read again, memberships in step 4."""
        for remote_id in list(self.cursors.get(RECHECK, [])):
            raw = self.source.contact(int(remote_id)) if remote_id.isdigit() else None
            due = self._due({remote_id})
            with writing(self.engine) as conn:
                rechecked(conn, self.source_id, remote_id)
                if raw is not None and text_of(raw.get("id")) == remote_id:  # else gone: step 6 follows it
                    _contact_id, outcome = self.writer.write(conn, read_contact(raw))
                    setattr(summary, outcome, getattr(summary, outcome) + 1)
                    summary.seen.add(remote_id)
                self.save(conn, memberships_due=due)

    def removals(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 6: contacts deleted or merged in Mautic, looked for only when the counts say some are."""
        summary.total = self.source.check()
        with self.engine.connect() as conn:
            known = conn.execute(
                select(func.count()).select_from(table_of(SyncState)).where(SYNC_STATE.source == self.origin)
            ).scalar_one()
        if known <= summary.total:
            return
        # Mautic lists its ids in ascending order (contact_ids reads by id): kept as 8-byte integers, a million
        # cost 8 MB, where a set of their strings and a list of ours took 147 MB (tracemalloc) in a sync that may run
        # in the app. Ours are read in pages, and only those Mautic no longer lists are kept.
        remote = array("q")
        after = 0
        while ids := self.source.contact_ids(after_id=after):
            remote.extend(ids)
            after = ids[-1]
        with self.engine.connect() as conn:
            ours = conn.execution_options(yield_per=5000).execute(
                select(SYNC_STATE.remote_id).where(SYNC_STATE.source == self.origin)
            )
            gone = [value for value in ours.scalars() if value.isdigit() and not _listed(remote, int(value))]
        for remote_id in gone:
            if stop():
                raise Stopped
            answer = self.source.contact(int(remote_id))
            outcome = self.writer.gone(self.engine, remote_id, answer, self.now)
            if outcome:
                setattr(summary, outcome, getattr(summary, outcome) + 1)
            progress()


def _listed(ids: array, wanted: int) -> bool:
    """Whether `wanted` is one of the ascending `ids`."""
    at = bisect_left(ids, wanted)
    return at < len(ids) and ids[at] == wanted
