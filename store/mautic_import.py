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

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.engine import Connection

from services.social.text import html_to_text
from store.import_counts import ImportCounts
from store.ip_geo import FOUND, PENDING, normalize_ip
from store.mautic_records import (
    DNC_REASONS,
    FIELD_COLUMNS,
    NULLABLE_COLUMNS,
    RemoteContact,
    parse_time,
    read_contact,
    read_event,
    read_note,
    text_of,
)
from store.models import (
    Campaign,
    CampaignMembership,
    Contact,
    ContactIp,
    DoNotContact,
    EmailTemplate,
    Event,
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
    SyncState,
)
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country

PAGE_SIZE = 100

_C = Contact.__table__.c
_E = Event.__table__.c
_N = Note.__table__.c
_S = SyncState.__table__.c


class MauticSource(Protocol):
    """What the import reads; services.mautic.MauticClient implements it."""

    def contacts_page(self, start: int, limit: int) -> tuple[int, list[dict]]: ...
    def activity(self, contact_id: int) -> Iterator[dict]: ...
    def notes(self, contact_id: int) -> Iterator[dict]: ...
    def contact_segments(self, contact_id: int) -> list[dict]: ...
    def contact_campaigns(self, contact_id: int) -> list[dict]: ...
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


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Contacts handled so far out of `total` (Mautic's count when the import started)."""

    done: int
    total: int
    summary: MauticSummary


def source_name(url: str) -> str:
    """The `sync_state.source` of an instance: its base URL without credentials, scheme-less slashes or a
    trailing slash, so `https://crm.example.com/` and `https://crm.example.com` are one instance."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"mautic {parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


# Writing


def _upsert_group(conn: Connection, model: Any, raw: dict[str, Any], now: datetime) -> tuple[int, bool] | None:
    """Insert or update a segment or campaign by its Mautic id; (local id, created) or None without an id."""
    remote_id = text_of(raw.get("id"))
    name = text_of(raw.get("name"))
    if not remote_id:
        return None
    table = model.__table__
    values: dict[str, Any] = {
        "name": name or f"#{remote_id}",
        "description": html_to_text(text_of(raw.get("description"))),
    }
    if "isPublished" in raw:
        values["is_published"] = bool(raw["isPublished"])
    if model is Segment:
        values["alias"] = text_of(raw.get("alias"))
    found = conn.execute(select(table.c.id).where(table.c.external_id == remote_id)).scalar()
    if found is not None:
        conn.execute(update(table).where(table.c.id == found).values(**values))
        return found, False
    created = parse_time(raw.get("dateAdded")) or now
    new = conn.execute(insert(table).values(external_id=remote_id, created_at=created, **values))
    return int(new.inserted_primary_key[0]), True


def _upsert_template(conn: Connection, raw: dict[str, Any], now: datetime) -> bool | None:
    """Insert or update an email template by its Mautic id; True when created, None without an id."""
    remote_id = text_of(raw.get("id"))
    if not remote_id:
        return None
    table = EmailTemplate.__table__
    html = text_of(raw.get("customHtml")) or None
    plain = text_of(raw.get("plainText")) or (html_to_text(html) if html else "")
    values = {
        "name": text_of(raw.get("name")) or f"Email #{remote_id}",
        "subject": text_of(raw.get("subject")),
        "body_text": plain,
        "body_html": html,
    }
    found = conn.execute(select(table.c.id).where(table.c.external_id == remote_id)).scalar()
    if found is not None:
        conn.execute(update(table).where(table.c.id == found).values(**values))
        return False
    conn.execute(
        insert(table).values(external_id=remote_id, created_at=parse_time(raw.get("dateAdded")) or now, **values)
    )
    return True


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
            with self.engine.begin() as conn:
                for raw in fetch():
                    result = _upsert_group(conn, model, raw, self.now)
                    if result is not None:
                        ids[text_of(raw.get("id"))] = result[0]
                        if model is Segment:
                            summary.segments += 1
                        else:
                            summary.campaigns += 1
        with self.engine.begin() as conn:
            for raw in self.source.emails():
                if _upsert_template(conn, raw, self.now) is not None:
                    summary.templates += 1

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
        with self.engine.begin() as conn:
            contact_id = _match(conn, self.origin, contact)
            created = contact_id is None
            if created:
                contact_id = self._insert(conn, contact)
            else:
                self._update(conn, contact_id, contact)
            summary.events += self._add_events(conn, contact_id, events)
            summary.notes += self._add_notes(conn, contact_id, notes)
            self._memberships(conn, contact_id, segments, campaigns)
            self._dnc(conn, contact_id, contact.dnc)
            self._ips(conn, contact_id, contact.ips)
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
        return int(conn.execute(insert(Contact.__table__).values(**row)).inserted_primary_key[0])

    def _update(self, conn: Connection, contact_id: int, contact: RemoteContact) -> None:
        current = conn.execute(select(Contact.__table__).where(_C.id == contact_id)).mappings().one()
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
        conn.execute(update(Contact.__table__).where(_C.id == contact_id).values(**changes))

    def _add_events(self, conn: Connection, contact_id: int, events: list[dict[str, Any]]) -> int:
        """Insert the events not already stored (same type, time and label, counted: two identical hits stay two)."""
        if not events:
            return 0
        first = min(event["occurred_at"] for event in events)
        have = Counter(
            (row.type, row.occurred_at, row.label)
            for row in conn.execute(
                select(_E.type, _E.occurred_at, _E.label).where(_E.contact_id == contact_id, _E.occurred_at >= first)
            )
        )
        new = []
        for event in events:
            key = (event["type"], event["occurred_at"], event["label"])
            if have[key] > 0:
                have[key] -= 1
            else:
                new.append({**event, "contact_id": contact_id})
        if new:
            conn.execute(insert(Event.__table__), new)
        return len(new)

    def _add_notes(self, conn: Connection, contact_id: int, notes: list[dict[str, Any]]) -> int:
        if not notes:
            return 0
        have = Counter(
            (row.type, row.text) for row in conn.execute(select(_N.type, _N.text).where(_N.contact_id == contact_id))
        )
        new = []
        for note in notes:
            key = (note["type"], note["text"])
            if have[key] > 0:
                have[key] -= 1
            else:
                new.append({**note, "contact_id": contact_id})
        if new:
            conn.execute(insert(Note.__table__), new)
        return len(new)

    def _memberships(self, conn: Connection, contact_id: int, segments: list[dict], campaigns: list[dict]) -> None:
        """Mautic's memberships become the contact's in the groups that came from Mautic; rows a Dossier user
        added by hand (`manually_added`) are kept, and groups not from Mautic are not touched."""
        for model, link, raws, ids in (
            (Segment, SegmentMembership, segments, self.segments),
            (Campaign, CampaignMembership, campaigns, self.campaigns),
        ):
            table, key = link.__table__, "segment_id" if model is Segment else "campaign_id"
            wanted: dict[int, dict[str, Any]] = {}
            for raw in raws:
                remote_id = text_of(raw.get("id"))
                if remote_id not in ids and (result := _upsert_group(conn, model, raw, self.now)) is not None:
                    ids[remote_id] = result[0]
                if remote_id in ids:
                    wanted[ids[remote_id]] = raw
            imported = set(ids.values())
            current = {
                row[0]: row
                for row in conn.execute(
                    select(table.c[key], table.c.manually_added, table.c.manually_removed).where(
                        table.c.contact_id == contact_id
                    )
                )
            }
            for group_id, row in current.items():
                if group_id in imported and group_id not in wanted and not row.manually_added:
                    conn.execute(delete(table).where(table.c.contact_id == contact_id, table.c[key] == group_id))
            for group_id, raw in wanted.items():
                removed = bool(raw.get("manuallyRemoved"))
                values = {"manually_added": bool(raw.get("manuallyAdded")), "manually_removed": removed}
                if group_id in current:
                    conn.execute(
                        update(table).where(table.c.contact_id == contact_id, table.c[key] == group_id).values(**values)
                    )
                else:
                    added = parse_time(raw.get("dateAdded")) or self.now
                    conn.execute(
                        insert(table).values(contact_id=contact_id, date_added=added, **{key: group_id}, **values)
                    )

    def _dnc(self, conn: Connection, contact_id: int, entries: list[dict[str, Any]]) -> None:
        table = DoNotContact.__table__
        have = {row.channel for row in conn.execute(select(table.c.channel).where(table.c.contact_id == contact_id))}
        for entry in entries:
            channel = text_of(entry.get("channel")) or "email"
            reason_code = entry.get("reason")
            reason = DNC_REASONS.get(int(reason_code), "manual") if str(reason_code).isdigit() else "manual"
            if channel in have or reason == "contactable":
                continue
            have.add(channel)
            conn.execute(
                insert(table).values(
                    contact_id=contact_id,
                    channel=channel,
                    reason=reason,
                    comments=text_of(entry.get("comments")),
                    date_added=parse_time(entry.get("dateAdded")) or self.now,
                )
            )

    def _ips(self, conn: Connection, contact_id: int, entries: list[dict[str, Any]]) -> None:
        ip_table, link = IpAddress.__table__, ContactIp.__table__
        for entry in entries:
            try:
                ip = normalize_ip(text_of(entry.get("ipAddress")))
            except ValueError:
                continue
            details = entry.get("ipDetails") if isinstance(entry.get("ipDetails"), dict) else {}
            lat, lon = details.get("latitude"), details.get("longitude")
            located = _number(lat) is not None and _number(lon) is not None
            values = {
                "city": text_of(details.get("city")),
                "region": text_of(details.get("region")),
                "country": text_of(details.get("country")),
                "country_code": "",
                "time_zone": text_of(details.get("timezone")),
                "latitude": _number(lat) if located else None,
                "longitude": _number(lon) if located else None,
                "lookup_status": FOUND if located else PENDING,
                "looked_up_at": self.now if located else None,
            }
            found = conn.execute(select(ip_table.c.id, ip_table.c.lookup_status).where(ip_table.c.ip == ip)).first()
            if found is None:
                ip_id = int(conn.execute(insert(ip_table).values(ip=ip, **values)).inserted_primary_key[0])
            else:
                ip_id = found.id
                if found.lookup_status == PENDING and located:
                    conn.execute(update(ip_table).where(ip_table.c.id == ip_id).values(**values))
            exists = conn.execute(
                select(link.c.hits).where(link.c.contact_id == contact_id, link.c.ip_address_id == ip_id)
            ).first()
            if exists is None:
                conn.execute(
                    insert(link).values(
                        contact_id=contact_id, ip_address_id=ip_id, first_seen=self.now, last_seen=self.now, hits=1
                    )
                )

    def _remember(self, conn: Connection, contact_id: int, contact: RemoteContact) -> None:
        table = SyncState.__table__
        values = {"contact_id": contact_id, "remote_modified": contact.marker, "synced_at": self.now}
        done = conn.execute(
            update(table).where(_S.source == self.origin, _S.remote_id == contact.remote_id).values(**values)
        )
        if done.rowcount == 0:
            conn.execute(insert(table).values(source=self.origin, remote_id=contact.remote_id, **values))


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


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
    progress: Callable[[ImportProgress], None] | None = None,
    summary: MauticSummary | None = None,
) -> MauticSummary:
    """Import everything `source` serves (see the module docstring) and return what was done.

    `origin` names the instance (`source_name(url)`). Errors of the source (the network, the server) propagate
    after everything finished so far is committed; running the import again resumes. A contact whose data
    cannot be read, or that the source no longer has (an error whose `status` is 404), is skipped and reported
    in `summary.failed`. Pass `summary` to read the counts of a run that
    raised.
    """
    now = now or datetime.now(UTC)
    summary = summary if summary is not None else MauticSummary()
    importer = _Importer(engine, source, origin, now, default_region)
    importer.groups(summary)
    for page in _pages(source, page_size, summary):
        for raw in page:
            try:
                importer.contact(raw, summary)
            except Exception as exc:
                # A contact deleted in Mautic after it was listed answers 404: skip it. Other source errors stop.
                if not isinstance(exc, ValueError | TypeError | KeyError | AttributeError) and (
                    getattr(exc, "status", None) != 404
                ):
                    raise
                summary.failed.append(f"contact #{text_of(raw.get('id')) or '?'}: {exc}")
            if progress:
                progress(ImportProgress(summary.rows, summary.total, summary))
    return summary
