"""Reading Mautic's API JSON into Dossier's columns and rows: contacts, timeline events, notes, timestamps.

Mautic sends collections as objects keyed by id or as lists (`[]` when empty), numbers sometimes as strings,
and timestamps with an offset or naive in UTC; everything here accepts each form and never raises for a
missing or odd value except a contact without an id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from plain.html import html_to_text

# Mautic alias -> Dossier column, for the text fields Dossier has.
FIELD_COLUMNS = {
    "firstname": "firstname",
    "lastname": "lastname",
    "company": "company",
    "position": "position",
    "address1": "address1",
    "address2": "address2",
    "city": "city",
    "state": "region",
    "zipcode": "zipcode",
    "country": "country",
    "website": "website",
}
NULLABLE_COLUMNS = {"email": "email", "phone": "phone", "mobile": "mobile"}
# Aliases that are not fields of the person (or are read from the contact's own keys instead).
IGNORED_FIELDS = {"id", "points", "last_active", "lastActive", "date_added", "date_modified", "date_identified"}
NOTE_TYPES = {"general", "email", "call", "meeting"}
DNC_REASONS = {0: "contactable", 1: "unsubscribed", 2: "bounced", 3: "manual"}


def parse_time(value: Any) -> datetime | None:
    """A Mautic timestamp (`2024-05-01T10:00:00+00:00`, or naive `2024-05-01 10:00:00` in UTC) as aware UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def items(value: Any) -> list[Any]:
    """Mautic sends collections as objects keyed by id, or as lists, or as [] when empty."""
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []


def text_of(value: Any) -> str:
    if type(value) is str:  # nearly always: the rest is asked only of the others
        return value.strip()
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def contact_fields(remote: dict[str, Any]) -> dict[str, Any]:
    """A Mautic contact's fields as alias -> value: `fields.all` when present, else every field group."""
    fields = remote.get("fields") or {}
    if isinstance(fields, dict) and isinstance(fields.get("all"), dict):
        return dict(fields["all"])
    flat: dict[str, Any] = {}
    for group in fields.values() if isinstance(fields, dict) else ():
        for alias, spec in (group or {}).items() if isinstance(group, dict) else ():
            flat[alias] = spec.get("value") if isinstance(spec, dict) else spec
    return flat


@dataclass
class RemoteContact:
    """A Mautic contact, read into Dossier's columns."""

    remote_id: str
    marker: str
    values: dict[str, Any]
    custom: dict[str, str]
    tags: list[str]
    dnc: list[dict[str, Any]]
    ips: list[dict[str, Any]]


def read_contact(remote: dict[str, Any]) -> RemoteContact:
    """Dossier's view of one contact object of `/api/contacts`; `ValueError` when it has no id."""
    remote_id = text_of(remote.get("id"))
    if not remote_id:
        raise ValueError("the contact has no id")
    fields = contact_fields(remote)
    values: dict[str, Any] = {}
    custom: dict[str, str] = {}
    for alias, raw in fields.items():
        text = text_of(raw)
        if not text or alias in IGNORED_FIELDS:
            continue
        if alias in FIELD_COLUMNS:
            values[FIELD_COLUMNS[alias]] = text
        elif alias in NULLABLE_COLUMNS:
            values[NULLABLE_COLUMNS[alias]] = text
        else:
            custom[alias] = text
    if "email" in values and "@" not in values["email"]:
        custom["email"] = values.pop("email")
    points = remote.get("points", fields.get("points"))
    if isinstance(points, int | float | str) and str(points).strip().lstrip("-").isdigit():
        values["points"] = int(str(points).strip())
    stage = remote.get("stage")
    if isinstance(stage, dict) and text_of(stage.get("name")):
        values["stage"] = text_of(stage["name"])
    owner = remote.get("owner")
    if isinstance(owner, dict):
        name = f"{text_of(owner.get('firstName'))} {text_of(owner.get('lastName'))}".strip()
        if name or text_of(owner.get("username")):
            values["owner"] = name or text_of(owner.get("username"))
    if (active := parse_time(remote.get("lastActive") or fields.get("last_active"))) is not None:
        values["last_active"] = active
    if (added := parse_time(remote.get("dateAdded"))) is not None:
        values["date_added"] = added
    tags = []
    for tag in items(remote.get("tags")):
        name = text_of(tag.get("tag") if isinstance(tag, dict) else tag)
        if name and name not in tags:
            tags.append(name)
    dnc = [entry for entry in items(remote.get("doNotContact")) if isinstance(entry, dict)]
    ips = []
    for entry in items(remote.get("ipAddresses")):
        if isinstance(entry, dict) and text_of(entry.get("ipAddress")):
            ips.append(entry)
    marker = f"{text_of(remote.get('dateModified'))}|{text_of(remote.get('lastActive'))}"
    return RemoteContact(remote_id, marker, values, custom, tags, dnc, ips)


def event_key(raw: dict[str, Any]) -> str | None:
    """An activity event's identity in its instance: Mautic's type and id ("page.hit:8812"), or None.

    Labels are built at read time (an email renamed in Mautic relabels its past events) and a scheduled
    campaign event with no date is dated "now" on every read, so neither can tell two reads apart; the id can.
    A page hit's id is the bare hit id, which is why the type is part of the key (LeadTimelineEvent::addEvent).
    """
    kind, event_id = text_of(raw.get("event")), text_of(raw.get("eventId"))
    return f"{kind}:{event_id}" if kind and event_id else None


def read_event(raw: dict[str, Any]) -> dict[str, Any] | None:
    """One activity event as an `event` row (without contact_id and remote_key), or None when it has no type,
    time or id.

    The Mautic type name is kept as the type; the label is `eventLabel` (a string, or an object whose `label`
    is); `details` keeps everything Mautic sent about it; a `point.gained` event's delta becomes points_delta.
    """
    kind = text_of(raw.get("event"))
    when = parse_time(raw.get("timestamp"))
    if not kind or when is None or not text_of(raw.get("eventId")):  # no `event_key`
        return None
    label = raw.get("eventLabel")
    if isinstance(label, dict):
        label = label.get("label")
    details = raw.get("details")
    details = details if isinstance(details, dict) else ({} if details in (None, "", []) else {"value": details})
    delta = None
    log = details.get("log")
    if not isinstance(log, dict):
        log = details
    if kind == "point.gained" and str(log.get("delta", "")).lstrip("-").isdigit():
        delta = int(log["delta"])
    return {
        "type": kind,
        "occurred_at": when,
        # A cancelled campaign event's label carries HTML (LeadEventLogRepository): shown as its text.
        "label": html_to_text(text_of(label)) or text_of(raw.get("eventType")),
        "details": details,
        "points_delta": delta,
        "actor": None,
    }


def note_digest(raw: dict[str, Any]) -> str:
    """What a Mautic note says, as a short digest: two reads with the same digest saw the same note."""
    text = f"{text_of(raw.get('type'))}\x1f{text_of(raw.get('text'))}\x1f{text_of(raw.get('dateTime'))}"
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def note_contact(raw: dict[str, Any]) -> str:
    """The Mautic id of a note's contact: `lead` is an object (`/notes`) or an id."""
    lead = raw.get("lead")
    return text_of(lead.get("id") if isinstance(lead, dict) else lead)


def read_note(raw: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """One Mautic note (HTML text) as a `note` row (without contact_id), or None when it is empty.

    Mautic's API gives a note only `id, text, type, dateTime, lead` (LeadNote::loadApiMetadata): the note's
    date is the best creation time there is, and without one it is when Dossier first saw it.
    """
    text = html_to_text(text_of(raw.get("text")))
    if not text:
        return None
    kind = text_of(raw.get("type")).lower()
    when = parse_time(raw.get("dateTime"))
    return {
        "type": kind if kind in NOTE_TYPES else "general",
        "text": text,
        "date_time": when,
        "author": text_of(raw.get("createdByUser")),
        "created_at": when or now,
        "updated_at": when or now,
        "version": 1,
        "remote_digest": note_digest(raw),
    }
