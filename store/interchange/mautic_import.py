"""Import a live Mautic instance: contacts with their timeline, notes, segments and campaigns; emails as templates.

The data comes from a `MauticSource` (services.mautic.MauticClient in real use; any object with the same
methods in tests). Segments, campaigns and emails are upserted first, by their Mautic id (`external_id`);
then contacts are read page by page in id order and each one is written in ONE transaction together with its
events, notes, memberships, do-not-contact records and IP addresses, and its `sync_state` row. So:

- an import that stops (a dropped connection, Ctrl+C) leaves every contact either fully imported or untouched;
- a re-run skips contacts whose Mautic version (`dateModified` and `lastActive`) is the one already imported,
  without asking for their activity, and so picks up where the last run stopped;
- a contact that changed in Mautic is updated: its fields are overwritten by Mautic's non-empty values, and
  only the events and notes not already here are added (compared by type, time and label / text).

A contact seen for the first time is matched to a live local one by Mautic id (`external_id`, as a CSV
import with `--map id=external_id` stores it), then by email (trimmed, case ignored); otherwise it is created.
Mautic field aliases that Dossier has no column for (title, fax, twitter, ...) are kept as custom fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.engine import Connection

from store.db import inserted_id, writing
from store.interchange.counts import ImportCounts
from store.interchange.mautic_records import (
    FIELD_COLUMNS,
    NULLABLE_COLUMNS,
    RemoteContact,
    read_contact,
    read_event,
    read_note,
    text_of,
)
from store.interchange.mautic_rows import (
    add_do_not_contact,
    add_events,
    add_ip_addresses,
    add_notes,
    set_memberships,
    upsert_group,
    upsert_template,
)
from store.models import (
    Campaign,
    Contact,
    Event,
    Note,
    Segment,
    SyncState,
    table_of,
)
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country

PAGE_SIZE = 100

_C = table_of(Contact).c
_E = table_of(Event).c
_N = table_of(Note).c
_S = table_of(SyncState).c


class MauticSource(Protocol):
    """What the import reads; services.mautic.MauticClient implements it."""

    def contacts_page(self, start: int, limit: int) -> tuple[int, list[dict]]: ...
    # A contact's id is an int when Mautic's is all digits, else the id as Mautic wrote it (for the source to refuse).
    def activity(self, contact_id: int | str) -> Iterator[dict]: ...
    def notes(self, contact_id: int | str) -> Iterator[dict]: ...
    def contact_segments(self, contact_id: int | str) -> list[dict]: ...
    def contact_campaigns(self, contact_id: int | str) -> list[dict]: ...
    def segments(self) -> Iterator[dict]: ...
    def campaigns(self) -> Iterator[dict]: ...
    def emails(self) -> Iterator[dict]: ...


@dataclass(slots=True)
class MauticSummary(ImportCounts):
    """What an import did (`rows`: contacts handled); `failed` holds `contact #ID: reason` lines."""

    total: int = 0  # Mautic's count of contacts
    events: int = 0
    notes: int = 0
    segments: int = 0
    campaigns: int = 0
    templates: int = 0


def source_name(url: str) -> str:
    """The `sync_state.source` of an instance: its base URL without credentials, scheme-less slashes or a
    trailing slash, so `https://crm.example.com/` and `https://crm.example.com` are one instance."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"mautic {parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def _live(conn: Connection, contact_id: int) -> int | None:
    """The live contact `contact_id` is or was merged into (following merges), or None if it was deleted."""
    seen = set()
    while contact_id not in seen:
        seen.add(contact_id)
        row = conn.execute(select(_C.merged_into_id, _C.deleted_at).where(_C.id == contact_id)).first()
        if row is None:
            return None
        if row.merged_into_id is None:
            return None if row.deleted_at is not None else contact_id
        contact_id = row.merged_into_id
    return None


def _match(conn: Connection, source: str, contact: RemoteContact) -> int | None:
    """The local contact this Mautic contact is: imported before, or the same Mautic id, or the same email."""
    known = conn.execute(select(_S.contact_id).where(_S.source == source, _S.remote_id == contact.remote_id)).scalar()
    if known is not None and (live := _live(conn, known)) is not None:
        return live
    live_only = and_(_C.merged_into_id.is_(None), _C.deleted_at.is_(None))
    by_id = conn.execute(
        select(_C.id).where(_C.external_id == contact.remote_id, live_only).order_by(_C.id).limit(1)
    ).scalar()
    if by_id is not None:
        return by_id
    email = (contact.values.get("email") or "").strip().lower()
    if not email:
        return None
    rows = conn.execute(
        select(_C.id, _C.email).where(_C.email_normalized == normalize_email(email), live_only).order_by(_C.id)
    ).all()
    return next((row.id for row in rows if (row.email or "").strip().lower() == email), None)


class _Importer:
    def __init__(self, engine: Engine, source: MauticSource, origin: str, now: datetime, region: str) -> None:
        self.engine = engine
        self.source = source
        self.origin = origin
        self.now = now
        self.region = region
        self.segments: dict[str, int] = {}
        self.campaigns: dict[str, int] = {}

    def phone_e164(self, values: dict[str, Any]) -> str | None:
        region = region_for_country(values.get("country"), self.region)
        return normalize_phone(values.get("phone"), region) or normalize_phone(values.get("mobile"), region)

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

    def contact(self, raw: dict[str, Any], summary: MauticSummary) -> None:
        contact = read_contact(raw)
        with self.engine.connect() as conn:
            state = conn.execute(
                select(_S.contact_id, _S.remote_modified).where(
                    _S.source == self.origin, _S.remote_id == contact.remote_id
                )
            ).first()
            if state is not None and state.remote_modified == contact.marker and _live(conn, state.contact_id):
                summary.unchanged += 1
                return
        # Everything is read from the network first, so the transaction below is short and all-or-nothing.
        remote_id = int(contact.remote_id) if contact.remote_id.isdigit() else contact.remote_id
        events = [row for row in map(read_event, self.source.activity(remote_id)) if row is not None]
        notes = [row for raw_note in self.source.notes(remote_id) if (row := read_note(raw_note, self.now))]
        segments = self.source.contact_segments(remote_id)
        campaigns = self.source.contact_campaigns(remote_id)
        with writing(self.engine) as conn:
            contact_id = _match(conn, self.origin, contact)
            created = contact_id is None
            if contact_id is None:
                contact_id = self._insert(conn, contact)
            else:
                self._update(conn, contact_id, contact)
            summary.events += add_events(conn, contact_id, events)
            summary.notes += add_notes(conn, contact_id, notes)
            set_memberships(conn, contact_id, Segment, segments, self.segments, self.now)
            set_memberships(conn, contact_id, Campaign, campaigns, self.campaigns, self.now)
            add_do_not_contact(conn, contact_id, contact.dnc, self.now)
            add_ip_addresses(conn, contact_id, contact.ips, self.now)
            self._remember(conn, contact_id, contact)
        if created:
            summary.created += 1
        else:
            summary.updated += 1

    def _insert(self, conn: Connection, contact: RemoteContact) -> int:
        values = dict(contact.values)
        row: dict[str, Any] = {column: values.get(column, "") for column in FIELD_COLUMNS.values()}
        row.update({column: values.get(column) for column in NULLABLE_COLUMNS.values()})
        row.update(
            points=values.get("points", 0),
            stage=values.get("stage", ""),
            owner=values.get("owner", ""),
            tags=contact.tags,
            custom_fields=contact.custom,
            external_id=contact.remote_id,
            email_normalized=normalize_email(values.get("email")),
            phone_e164=self.phone_e164(values),
            avatar_source="gravatar",
            date_added=values.get("date_added", self.now),
            date_modified=self.now,
            last_active=values.get("last_active"),
        )
        return inserted_id(conn.execute(insert(table_of(Contact)).values(**row)))

    def _update(self, conn: Connection, contact_id: int, contact: RemoteContact) -> None:
        current = conn.execute(select(table_of(Contact)).where(_C.id == contact_id)).mappings().one()
        values = {name: value for name, value in contact.values.items() if name != "date_added"}
        tags = list(current["tags"] or [])
        tags += [tag for tag in contact.tags if tag not in tags]
        custom = {**(current["custom_fields"] or {}), **contact.custom}
        merged = {**current, **values}
        changes = {name: value for name, value in values.items() if current[name] != value}
        if tags != list(current["tags"] or []):
            changes["tags"] = tags
        if custom != (current["custom_fields"] or {}):
            changes["custom_fields"] = custom
        if current["external_id"] is None:
            changes["external_id"] = contact.remote_id
        if not changes:
            return
        changes["email_normalized"] = normalize_email(merged["email"])
        changes["phone_e164"] = self.phone_e164(merged)
        changes["date_modified"] = self.now
        conn.execute(update(table_of(Contact)).where(_C.id == contact_id).values(**changes))

    def _remember(self, conn: Connection, contact_id: int, contact: RemoteContact) -> None:
        table = table_of(SyncState)
        values = {"contact_id": contact_id, "remote_modified": contact.marker, "synced_at": self.now}
        done = conn.execute(
            update(table).where(_S.source == self.origin, _S.remote_id == contact.remote_id).values(**values)
        )
        if done.rowcount == 0:
            conn.execute(insert(table).values(source=self.origin, remote_id=contact.remote_id, **values))


def _pages(source: MauticSource, page_size: int, summary: MauticSummary) -> Iterable[list[dict]]:
    start = 0
    while True:
        total, page = source.contacts_page(start, page_size)
        summary.total = max(summary.total, total)
        if not page:
            return
        yield page
        start += len(page)
        if start >= total:
            return


def import_mautic(
    engine: Engine,
    source: MauticSource,
    *,
    origin: str,
    now: datetime | None = None,
    page_size: int = PAGE_SIZE,
    default_region: str = "US",
    progress: Callable[[MauticSummary], None] | None = None,
    summary: MauticSummary | None = None,
) -> MauticSummary:
    """Import everything `source` serves (see the module docstring) and return what was done.

    `origin` names the instance (`source_name(url)`); `progress(summary)` follows every contact. Errors of the
    source (the network, the server) propagate after everything finished so far is committed; running the
    import again resumes. A contact whose data cannot be read, or that the source no longer has (an error whose
    `status` is 404), is skipped and reported in `summary.failed`. Pass `summary` to read the counts of a run
    that raised.
    """
    now = now or datetime.now(UTC)
    summary = summary if summary is not None else MauticSummary()
    importer = _Importer(engine, source, origin, now, default_region)
    importer.groups(summary)
    for page in _pages(source, page_size, summary):
        for raw in page:
            try:
                importer.contact(raw, summary)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:  # data that cannot be read
                summary.failed.append(f"contact #{text_of(raw.get('id')) or '?'}: {exc}")
            except Exception as exc:
                # A contact deleted in Mautic after it was listed answers 404: skip it. Other source errors stop.
                if getattr(exc, "status", None) != 404:
                    raise
                summary.failed.append(f"contact #{text_of(raw.get('id')) or '?'}: {exc}")
            if progress:
                progress(summary)
    return summary
