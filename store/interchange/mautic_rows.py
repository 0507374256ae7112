"""Writing what Mautic knows about one contact, inside the importer's transaction for that contact.

Segments, campaigns and email templates are upserted by their Mautic id (`external_id`); a contact's events
and notes are added only when not stored already; its memberships follow Mautic's in the groups that came
from Mautic; do-not-contact records and IP addresses are added once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection

from plain.html import html_to_text
from store.db import inserted_id
from store.dialect import insert as dialect_insert
from store.interchange.mautic_records import DNC_REASONS, parse_time, text_of
from store.ip_geo import FOUND, PENDING, ensure_ip, normalize_ip
from store.models import (
    CampaignMembership,
    ContactIp,
    DoNotContact,
    EmailTemplate,
    Event,
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
    table_of,
)

_E = table_of(Event).c
_N = table_of(Note).c


def _upsert(conn: Connection, table: Table, remote_id: str, values: dict[str, Any], created: datetime) -> int:
    """Update the row whose `external_id` is `remote_id`, or insert it; its local id."""
    found = conn.execute(select(table.c.id).where(table.c.external_id == remote_id)).scalar()
    if found is not None:
        conn.execute(update(table).where(table.c.id == found).values(**values))
        return found
    new = conn.execute(insert(table).values(external_id=remote_id, created_at=created, **values))
    return inserted_id(new)


def upsert_group(conn: Connection, model: Any, raw: dict[str, Any], now: datetime) -> int | None:
    """Insert or update a segment or campaign by its Mautic id; its local id, or None without an id."""
    remote_id = text_of(raw.get("id"))
    if not remote_id:
        return None
    values: dict[str, Any] = {
        "name": text_of(raw.get("name")) or f"#{remote_id}",
        "description": html_to_text(text_of(raw.get("description"))),
    }
    if "isPublished" in raw:
        values["is_published"] = bool(raw["isPublished"])
    if model is Segment:
        values["alias"] = text_of(raw.get("alias"))
    return _upsert(conn, table_of(model), remote_id, values, parse_time(raw.get("dateAdded")) or now)


def upsert_template(conn: Connection, raw: dict[str, Any], now: datetime) -> bool:
    """Insert or update an email template by its Mautic id; False when it has no id."""
    remote_id = text_of(raw.get("id"))
    if not remote_id:
        return False
    html = text_of(raw.get("customHtml")) or None
    values = {
        "name": text_of(raw.get("name")) or f"Email #{remote_id}",
        "subject": text_of(raw.get("subject")),
        "body_text": text_of(raw.get("plainText")) or (html_to_text(html) if html else ""),
        "body_html": html,
    }
    _upsert(conn, table_of(EmailTemplate), remote_id, values, parse_time(raw.get("dateAdded")) or now)
    return True


def _not_stored(stored: Iterable[Hashable], rows: list[dict[str, Any]], key: Callable[[dict], Hashable]) -> list:
    """The rows not already stored, counted: two identical page hits stay two, and a third one is new."""
    have = Counter(stored)
    new = []
    for row in rows:
        if have[key(row)] > 0:
            have[key(row)] -= 1
        else:
            new.append(row)
    return new


def add_events(conn: Connection, contact_id: int, events: list[dict[str, Any]]) -> int:
    """Insert the events not stored yet (same type, time and label); how many were added."""
    if not events:
        return 0
    first = min(event["occurred_at"] for event in events)
    stored = conn.execute(
        select(_E.type, _E.occurred_at, _E.label).where(_E.contact_id == contact_id, _E.occurred_at >= first)
    )
    new = _not_stored(map(tuple, stored), events, lambda e: (e["type"], e["occurred_at"], e["label"]))
    if new:
        conn.execute(insert(table_of(Event)), [{**event, "contact_id": contact_id} for event in new])
    return len(new)


def add_notes(conn: Connection, contact_id: int, notes: list[dict[str, Any]]) -> int:
    """Insert the notes not stored yet (same type and text); how many were added."""
    if not notes:
        return 0
    stored = conn.execute(select(_N.type, _N.text).where(_N.contact_id == contact_id))
    new = _not_stored(map(tuple, stored), notes, lambda n: (n["type"], n["text"]))
    if new:
        conn.execute(insert(table_of(Note)), [{**note, "contact_id": contact_id} for note in new])
    return len(new)


def set_memberships(
    conn: Connection, contact_id: int, kind: Any, raws: list[dict], ids: dict[str, int], now: datetime
) -> None:
    """Mautic's memberships (`kind` Segment or Campaign) become the contact's in the groups that came from Mautic
    (`ids`: Mautic id -> local id, completed here); rows a Dossier user added by hand (`manually_added`) are kept,
    and groups not from Mautic are not touched."""
    link, key = (SegmentMembership, "segment_id") if kind is Segment else (CampaignMembership, "campaign_id")
    table = table_of(link)
    wanted: dict[int, dict[str, Any]] = {}
    for raw in raws:
        remote_id = text_of(raw.get("id"))
        if remote_id not in ids and (group_id := upsert_group(conn, kind, raw, now)) is not None:
            ids[remote_id] = group_id
        if remote_id in ids:
            wanted[ids[remote_id]] = raw
    imported = set(ids.values())
    this = table.c.contact_id == contact_id
    current = {row[0]: row for row in conn.execute(select(table.c[key], table.c.manually_added).where(this))}
    for group_id, row in current.items():
        if group_id in imported and group_id not in wanted and not row.manually_added:
            conn.execute(delete(table).where(this, table.c[key] == group_id))
    for group_id, raw in wanted.items():
        manual = {"manually_added": raw.get("manuallyAdded"), "manually_removed": raw.get("manuallyRemoved")}
        values = {name: bool(value) for name, value in manual.items()}
        if group_id in current:
            conn.execute(update(table).where(this, table.c[key] == group_id).values(**values))
        else:
            added = parse_time(raw.get("dateAdded")) or now
            conn.execute(insert(table).values(contact_id=contact_id, date_added=added, **{key: group_id}, **values))


def add_do_not_contact(conn: Connection, contact_id: int, entries: list[dict[str, Any]], now: datetime) -> None:
    """One do-not-contact record per channel Mautic lists (reason 0, "contactable", is not a record)."""
    table = table_of(DoNotContact)
    have = {row.channel for row in conn.execute(select(table.c.channel).where(table.c.contact_id == contact_id))}
    for entry in entries:
        channel = text_of(entry.get("channel")) or "email"
        code = text_of(entry.get("reason"))
        reason = DNC_REASONS.get(int(code), "manual") if code.isdigit() else "manual"
        if channel in have or reason == "contactable":
            continue
        have.add(channel)
        conn.execute(
            insert(table).values(
                contact_id=contact_id,
                channel=channel,
                reason=reason,
                comments=text_of(entry.get("comments")),
                date_added=parse_time(entry.get("dateAdded")) or now,
            )
        )


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def add_ip_addresses(conn: Connection, contact_id: int, entries: list[dict[str, Any]], now: datetime) -> None:
    """Link the contact to each address (once); Mautic's location fills an address not looked up yet."""
    for entry in entries:
        try:
            ip = normalize_ip(text_of(entry.get("ipAddress")))
        except ValueError:
            continue
        ip_id, status = ensure_ip(conn, ip)
        details = entry.get("ipDetails")
        if not isinstance(details, dict):
            details = {}
        latitude, longitude = _number(details.get("latitude")), _number(details.get("longitude"))
        if status == PENDING:
            values: dict[str, Any] = {
                "city": text_of(details.get("city")),
                "region": text_of(details.get("region")),
                "country": text_of(details.get("country")),
                "time_zone": text_of(details.get("timezone")),
            }
            if latitude is not None and longitude is not None:
                values |= {"latitude": latitude, "longitude": longitude, "lookup_status": FOUND, "looked_up_at": now}
            conn.execute(update(table_of(IpAddress)).where(table_of(IpAddress).c.id == ip_id).values(**values))
        link = dialect_insert(conn, table_of(ContactIp)).values(
            contact_id=contact_id, ip_address_id=ip_id, first_seen=now, last_seen=now, hits=1
        )
        conn.execute(link.on_conflict_do_nothing())
