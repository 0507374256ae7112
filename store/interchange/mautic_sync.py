"""Syncing from a live Mautic instance: the first run imports everything, each later run brings in what changed.

The data comes from a `MauticSource` (services.mautic.MauticClient in real use). One run, in order:
1. Segments, campaigns and emails (as templates), upserted by their Mautic id.
2. Contacts added or changed since the last run (`date_added` / `date_modified`; all of them the first time),
   paged by id. A page is written in ONE transaction, each contact with its fields, tags, stage, owner,
   do-not-contact records and IP addresses and its `sync_state` row (a savepoint each: one that cannot be read
   is left out alone), with the run's position after the last: a run that stops anywhere resumes there.
   A contact is identified by its Mautic id alone, never by email: Mautic allows two contacts one address,
   and only Dossier's merge, asked by a user, may join two records.
3. Every contact's activity since the last run (all of it the first time), from `/contacts/activity`:
   events are stored once by their Mautic identity (type and id), whatever their label says today. Page hits
   and email opens change Mautic's `last_active` without touching `date_modified`, so the activity, not the
   contact list, brings them, and moves the contact's last active time. A contact met in the activity and
   not known yet is fetched.
4. Memberships of the contacts whose activity shows a segment or campaign change, or whose change a user
   dropped for Mautic's version (`outbox.forget`: the contact is read again after step 2), and, the first
   time, of every contact with a name or email (anonymous visitors cost nothing more than their activity).
   The contacts still to do are kept with the run's position, so a run stopped here resumes here too.
5. Notes: every note of the instance, paged by id (Mautic gives notes no modification date): new ones are
   added, changed ones updated, deleted ones deleted, except notes changed here and still waiting to be sent.
6. Contacts deleted or merged in Mautic, found when Mautic counts fewer contacts than Dossier knows: a deleted
   one is deleted here too (kept, hidden, as Dossier keeps merged-away records), a merged one is merged here.

Steps 2 to 4 read the next pages on a thread of their own while the last are written (read_ahead.py): a
first sync waits on the network about as long as it works, and the two now overlap.

What a run cannot see: a field emptied in Mautic stays (Mautic's own import ignores blanks too), and changes
in the short overlap before the previous run's end are read twice (and stored once).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from store.db import writing, writing_on
from store.interchange.counts import ImportCounts
from store.interchange.mautic_contacts import ContactWriter, live_contact
from store.interchange.mautic_events import add_events, bulk_connection, move_last_active
from store.interchange.mautic_records import event_key, note_contact, read_contact, read_event, read_note, text_of
from store.interchange.mautic_rows import (
    remove_notes,
    set_memberships,
    upsert_group,
    upsert_note,
    upsert_template,
)
from store.interchange.read_ahead import ReadAhead
from store.models import Campaign, Contact, Segment, SyncState, table_of
from store.sync.sources import RECHECK, cursors, ensure_source, rechecked, save_cursors

PAGE_SIZE = 200
# Events stored a transaction (at most: a batch is what the reading thread has brought meanwhile): each one
# writes out the index pages the batch touched (three indexes keyed by contact, so nearly a page an event at
# 10,000 contacts) and FTS5's terms; 4,000 hold the write lock for about half a second.
EVENT_BATCH = 4000
_CHUNK = 200  # events handed from the reading thread at a time
ACTIVE_EVERY = 50  # batches of events between two writes of the last active times they move (`_Sync.active`)
# Contacts whose memberships are written a transaction (at most), and read ahead: two requests each.
MEMBERSHIP_BATCH = 25
# Changes made in the seconds before the previous run ended are read again (and stored once): clocks differ.
OVERLAP = timedelta(minutes=5)
# Activity that follows from a contact's own action: it moves the contact's last active time.
ENGAGEMENT = frozenset({"page.hit", "email.read", "form.submitted", "asset.download", "email.replied", "page.videohit"})
MEMBERSHIP_EVENTS = frozenset({"segment_membership", "campaign_membership"})
_S = table_of(SyncState).c
_LOCAL_IDS = (
    "SELECT sync_state.remote_id, sync_state.contact_id, contact.merged_into_id, contact.deleted_at "
    "FROM sync_state JOIN contact ON contact.id = sync_state.contact_id WHERE sync_state.source ="
)
_C = table_of(Contact).c


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


def source_name(url: str) -> str:
    """The `sync_state.source` of an instance: its base URL without credentials, scheme-less slashes or a
    trailing slash, so `https://crm.example.com/` and `https://crm.example.com` are one instance."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"mautic {parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class _Sync:
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

    def contacts(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 2: the contacts added or changed since the last run, resumably."""
        since = _time(self.cursors.get("contacts_since"))
        pass_start = _time(self.cursors.get("contacts_pass")) or self.now
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

    def _due(self, more: set[str]) -> list[str]:
        """The contacts whose memberships step 4 reads, with `more`, in id order."""
        due = {value for value in [*self.cursors.get("memberships_due", []), *more] if value.isdigit()}
        return sorted(due, key=int)

    def local_id(self, conn: Connection, remote_id: str) -> int | None:
        known = conn.execute(select(_S.contact_id).where(_S.source == self.origin, _S.remote_id == remote_id)).scalar()
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

    def activity(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 3: every contact's events since the last run."""
        since = _time(self.cursors.get("activity_since"))
        pass_start = _time(self.cursors.get("activity_pass")) or self.now
        with writing(self.engine) as conn:
            self.save(conn, activity_pass=pass_start.isoformat())
        # The next pages are read while a batch is stored; a batch is what has come meanwhile, up to EVENT_BATCH.
        events = _batches(self.source.activity(since=since), _CHUNK)
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

    def memberships(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 4: segment and campaign memberships of the contacts that need them, resumably: each contact
        done leaves the list (or, the first time, moves the position) in the transaction that writes it."""
        due = set(self._due(set()))
        if self.cursors.get("memberships_all"):
            after = int(self.cursors.get("memberships_after", 0))
            due.update(remote_id for remote_id in self._named() if int(remote_id) > after)
        # The next contacts' lists are read while those read meanwhile are written, in one transaction.
        with ReadAhead(self._membership_lists(sorted(due, key=int)), depth=MEMBERSHIP_BATCH) as lists:
            for group in lists.ready_groups(MEMBERSHIP_BATCH):
                self._write_memberships(group, stop, progress)
        with writing(self.engine) as conn:
            self.save(conn, memberships_all=False, memberships_after=0, memberships_due=[])

    def _membership_lists(self, remote_ids: list[str]) -> Iterator[tuple[str, list[dict] | None, list[dict] | None]]:
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

    def _named(self) -> list[str]:
        """The Mautic ids of the contacts with a name or an email."""
        named = (func.coalesce(_C.email, "") != "") | (_C.firstname != "") | (_C.lastname != "")
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(_S.remote_id)
                .join(table_of(Contact), _C.id == _S.contact_id)
                .where(_S.source == self.origin, named)
            )
            return [remote_id for remote_id in rows.scalars() if remote_id.isdigit()]

    def notes(self, summary: MauticSummary, progress: Callable[[], None]) -> None:
        """Step 5: every note of the instance, compared with what is here."""
        present: set[str] = set()
        for batch in _batches(self.source.notes(), 500):
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

    def removals(self, summary: MauticSummary, stop: Callable[[], bool], progress: Callable[[], None]) -> None:
        """Step 6: contacts deleted or merged in Mautic, looked for only when the counts say some are."""
        summary.total = self.source.check()
        with self.engine.connect() as conn:
            known = conn.execute(
                select(func.count()).select_from(table_of(SyncState)).where(_S.source == self.origin)
            ).scalar_one()
        if known <= summary.total:
            return
        remote: set[str] = set()
        after = 0
        while ids := self.source.contact_ids(after_id=after):
            remote.update(str(value) for value in ids)
            after = ids[-1]
        with self.engine.connect() as conn:
            mine = [row.remote_id for row in conn.execute(select(_S.remote_id).where(_S.source == self.origin))]
        for remote_id in (value for value in mine if value not in remote and value.isdigit()):
            if stop():
                raise Stopped
            answer = self.source.contact(int(remote_id))
            outcome = self.writer.gone(self.engine, remote_id, answer, self.now)
            if outcome:
                setattr(summary, outcome, getattr(summary, outcome) + 1)
            progress()


def _batches(values: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def sync_mautic(
    engine: Engine,
    source: MauticSource,
    *,
    origin: str,
    now: datetime | None = None,
    default_region: str = "US",
    progress: Callable[[MauticSummary], None] | None = None,
    stop: Callable[[], bool] | None = None,
    summary: MauticSummary | None = None,
    social: Mapping[str, Callable[[str], str]] | None = None,
) -> MauticSummary:
    """Bring in what changed in Mautic since the last run (everything the first time); see the module docstring.

    `origin` names the instance (`source_name(url)`). `progress(summary)` follows each step's work; `stop()`,
    asked between contacts and batches, ends the run with `Stopped` (after everything done is saved). Errors
    of the source (the network, the server) propagate the same way; the next run resumes. Pass `summary` to
    read the counts of a run that raised. `social` maps a network to the function that makes a handle of a
    field's value (services.social.handle_readers()): a Mautic field named after the network becomes a profile.
    """
    now = now or datetime.now(UTC)
    summary = summary if summary is not None else MauticSummary()
    asked_to_stop = stop or (lambda: False)
    sync = _Sync(engine, source, origin, now, default_region, social)

    def tell(stage: str | None = None) -> Callable[[], None]:
        def report() -> None:
            if stage is not None:
                summary.stage = stage
            if progress is not None:
                progress(summary)

        return report

    tell("segments, campaigns and emails")()
    sync.groups(summary)
    sync.contacts(summary, asked_to_stop, tell("contacts"))
    sync.activity(summary, asked_to_stop, tell("activity"))
    sync.memberships(summary, asked_to_stop, tell("memberships"))
    sync.notes(summary, tell("notes"))
    sync.removals(summary, asked_to_stop, tell("deleted and merged contacts"))
    with writing(engine) as conn:
        save_cursors(conn, sync.source_id, sync.cursors, synced_at=now)
    tell("done")()
    return summary
