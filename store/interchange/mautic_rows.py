"""Writing what Mautic knows about one contact, inside the importer's transaction for that contact.

Segments, campaigns and email templates are upserted by their Mautic id (`external_id`); a contact's notes are
stored once by their Mautic ids (its events: mautic_events.py); its memberships and do-not-contact records follow
Mautic's (except what was changed here and is on its way there); IP addresses are added once.
"""

from __future__ import annotations

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
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
    table_of,
)
from store.sync.outbox import pending_for, pending_note

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


def upsert_note(conn: Connection, source_id: int, remote_id: str, contact_id: int, row: dict[str, Any]) -> str:
    """Store a Mautic note by its id: "added", "updated" (it changed there), "kept" (unchanged, or changed here
    and not sent yet: the outbox decides, as a conflict if need be)."""
    remote_key = f"{source_id}:{remote_id}"
    current = conn.execute(select(_N.id, _N.remote_digest).where(_N.remote_key == remote_key)).first()
    if current is None:
        conn.execute(insert(table_of(Note)).values(**row, contact_id=contact_id, remote_key=remote_key))
        return "added"
    if current.remote_digest == row["remote_digest"] or pending_note(conn, current.id):
        return "kept"
    changes = {name: row[name] for name in ("type", "text", "date_time", "remote_digest")}
    conn.execute(
        update(table_of(Note))
        .where(_N.id == current.id)
        .values(**changes, contact_id=contact_id, version=_N.version + 1)
    )
    return "updated"


def remove_notes(conn: Connection, source_id: int, present: set[str]) -> int:
    """Delete the notes that came from the instance and are gone there (`present`: the ids it has now), unless
    they were changed here and wait to be sent; how many were deleted."""
    prefix = f"{source_id}:"
    rows = conn.execute(select(_N.id, _N.remote_key).where(_N.remote_key.like(f"{prefix}%"))).all()
    gone = [row.id for row in rows if row.remote_key[len(prefix) :] not in present and not pending_note(conn, row.id)]
    for chunk in range(0, len(gone), 500):
        conn.execute(delete(table_of(Note)).where(_N.id.in_(gone[chunk : chunk + 500])))
    return len(gone)


def set_memberships(
    conn: Connection, contact_id: int, kind: Any, raws: list[dict], ids: dict[str, int], now: datetime
) -> None:
    """Mautic's memberships (`kind` Segment or Campaign) become the contact's in the groups that came from Mautic
    (`ids`: Mautic id -> local id, completed here); rows a Dossier user added by hand (`manually_added`) are kept,
    and groups not from Mautic are not touched."""
    link, key = (SegmentMembership, "segment_id") if kind is Segment else (CampaignMembership, "campaign_id")
    kinds = "segment" if kind is Segment else "campaign"
    table = table_of(link)
    wanted: dict[int, dict[str, Any]] = {}
    for raw in raws:
        remote_id = text_of(raw.get("id"))
        if remote_id not in ids and (group_id := upsert_group(conn, kind, raw, now)) is not None:
            ids[remote_id] = group_id
        if remote_id in ids:
            wanted[ids[remote_id]] = raw
    imported = set(ids.values())
    # A switch made here and not sent yet stands until Mautic has it (store.sync.outbox).
    waiting = {
        payload.get("group_id") for payload in pending_for(conn, contact_id, (f"{kinds}.add", f"{kinds}.remove"))
    }
    if kind is not Segment:
        # Mautic lists only published campaigns for a contact (CampaignRepository::getPublishedCampaigns):
        # a membership of an unpublished one is not gone because it is not listed.
        groups = table_of(kind)
        imported -= set(conn.execute(select(groups.c.id).where(groups.c.is_published.is_(False))).scalars())
    this = table.c.contact_id == contact_id
    current = set(conn.execute(select(table.c[key]).where(this)).scalars())
    for group_id in current:
        if group_id in imported and group_id not in wanted and group_id not in waiting:
            conn.execute(delete(table).where(this, table.c[key] == group_id))
    for group_id, raw in wanted.items():
        if group_id in waiting:
            continue
        manual = {"manually_added": raw.get("manuallyAdded"), "manually_removed": raw.get("manuallyRemoved")}
        values = {name: bool(value) for name, value in manual.items()}
        if group_id in current:
            conn.execute(update(table).where(this, table.c[key] == group_id).values(**values))
        else:
            added = parse_time(raw.get("dateAdded")) or now
            conn.execute(insert(table).values(contact_id=contact_id, date_added=added, **{key: group_id}, **values))


def set_do_not_contact(conn: Connection, contact_id: int, entries: list[dict[str, Any]], now: datetime) -> None:
    """The contact's do-not-contact records become Mautic's, one per channel (reason 0, "contactable", is not a
    record), except a channel changed here and not sent yet."""
    table = table_of(DoNotContact)
    waiting = {payload.get("channel") for payload in pending_for(conn, contact_id, ("dnc.add", "dnc.remove"))}
    have = {row.channel for row in conn.execute(select(table.c.channel).where(table.c.contact_id == contact_id))}
    wanted: dict[str, dict[str, Any]] = {}
    for entry in entries:
        channel = text_of(entry.get("channel")) or "email"
        code = text_of(entry.get("reason"))
        reason = DNC_REASONS.get(int(code), "manual") if code.isdigit() else "manual"
        if reason != "contactable":
            wanted.setdefault(channel, {"reason": reason, "comments": text_of(entry.get("comments"))})
    for channel in have - set(wanted) - waiting:
        conn.execute(delete(table).where(table.c.contact_id == contact_id, table.c.channel == channel))
    for channel, values in wanted.items():
        if channel not in have and channel not in waiting:
            conn.execute(insert(table).values(contact_id=contact_id, channel=channel, date_added=now, **values))


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
