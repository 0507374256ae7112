"""Plain data returned by the store's queries: no ORM objects leave `store/`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from plain.json_text import jsonable
from plain.names import person_name
from store.db import stored_time

EVENT_TYPE_NAMES = {
    "page.hit": "Page hit",
    "form.submitted": "Form submitted",
    "email.sent": "Email sent",
    "email.read": "Email read",
    "email.failed": "Email failed",
    "point.gained": "Points changed",
    "stage.changed": "Stage changed",
    "segment_membership": "Segment membership",
    "campaign_membership": "Campaign membership",
    "campaign.event": "Campaign action",
    "lead.ipadded": "Accessed from IP",
    "lead.create": "Contact created",
    "lead.identified": "Contact identified",
    "lead.merged": "Contact merged",
    "lead.unmerged": "Merge undone",
    "note.added": "Note added",
    "note.updated": "Note edited",
    "note.deleted": "Note deleted",
    "asset.download": "Asset downloaded",
    "video.watched": "Video watched",
    "dnc.added": "Do not contact",
    "dnc.removed": "Contactable again",
    "lead.donotcontact": "Do not contact",
    "email.replied": "Email replied",
    "campaign.event.scheduled": "Campaign event scheduled",
    "lead.utmtagsadded": "UTM tags recorded",
    "lead.imported": "Imported",
}


def event_type_name(event_type: str) -> str:
    """A readable name for an event type; unknown types are shown as they are."""
    return EVENT_TYPE_NAMES.get(event_type, event_type)


def display_name(contact_id: int, firstname: str, lastname: str, email: str | None) -> str:
    """How a contact is named on screen: full name, else email, else Mautic's anonymous label."""
    name = person_name(firstname or "", lastname or "")
    return name or email or f"Anonymous #{contact_id}"


# The rows of the list, its search and History are named tuples rather than frozen dataclasses: as immutable,
# and built four times quicker, which counts for a page of a hundred built on every key typed.
class ContactSummary(NamedTuple):
    id: int
    name: str
    email: str | None
    company: str
    city: str
    points: int
    last_active: datetime | None


SUMMARY_COLUMNS = ("id", "firstname", "lastname", "email", "company", "city", "points", "last_active")


def contact_summary(values: Sequence[Any]) -> ContactSummary:
    """A summary from the `SUMMARY_COLUMNS` of a contact, in that order (a row as a query returns it, or
    stored values: `last_active` may be the stored text)."""
    return contact_summaries([values])[0]


def contact_summaries(rows: Iterable[Sequence[Any]]) -> list[ContactSummary]:
    """`contact_summary` of each row."""
    # One comprehension, unpacked by position: a page of a hundred rows is read on every key typed in the search box.
    return [
        ContactSummary(id, display_name(id, first, last, email), email, company, city, points, stored_time(active))
        for id, first, last, email, company, city, points, active in rows
    ]


def summary_of(row: Mapping[Any, Any]) -> ContactSummary:
    """A summary from a contact row or stored values, by column name."""
    return contact_summary([row[column] for column in SUMMARY_COLUMNS])


@dataclass(frozen=True, slots=True)
class Location:
    ip: str
    city: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class SocialHandle:
    network: str
    handle: str


@dataclass(slots=True)
class ContactDetail:
    id: int
    name: str
    firstname: str
    lastname: str
    email: str | None
    phone: str | None
    mobile: str | None
    company: str
    position: str
    address1: str
    address2: str
    city: str
    region: str
    zipcode: str
    country: str
    website: str
    points: int
    stage: str
    owner: str
    tags: list[str]
    avatar_source: str
    date_added: datetime
    date_modified: datetime
    last_active: datetime | None
    custom_fields: dict[str, Any]
    do_not_contact: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    event_count: int = 0
    note_count: int = 0
    locations: list[Location] = field(default_factory=list)
    social_profiles: list[SocialHandle] = field(default_factory=list)
    merged_from: int | None = None
    # Where the contact came from, when another system syncs it: "mautic https://crm.example.com", its id
    # there, and when it was last synced.
    origin: str = ""
    origin_id: str = ""
    synced_at: datetime | None = None

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, datetimes as ISO 8601 strings."""
        return jsonable(asdict(self))


class EventRow(NamedTuple):
    id: int
    contact_id: int
    type: str
    occurred_at: datetime
    label: str
    details_json: str  # parsed on demand (`details`): a History page shows labels; details only when expanded
    points_delta: int | None
    actor: str | None

    @property
    def details(self) -> dict[str, Any]:
        """Everything the event carries (form values, email opens, …), parsed from `details_json`."""
        value = json.loads(self.details_json or "{}")
        return value if isinstance(value, dict) else {"value": value}

    @property
    def type_name(self) -> str:
        return event_type_name(self.type)


@dataclass(frozen=True, slots=True)
class TypeCount:
    type: str
    name: str
    count: int
