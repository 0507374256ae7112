"""The state of one fake Mautic instance: its tables, id counters, clock and lock."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime
from typing import Any

from tests.mautic.entities import (
    Campaign,
    Contact,
    Email,
    Ip,
    Membership,
    Note,
    Segment,
    Stage,
    User,
)
from tests.mautic.fields import GROUPS, Field, default_fields
from tests.mautic.history import NULL, History
from tests.mautic.php import db_time

DEFAULT_NOW = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)
VERSIONS = {"5": "5.1.1", "4": "4.4.13"}
# Lead::isAnonymous() looks at these (5.1.1:app/bundles/LeadBundle/Entity/Lead.php).
IDENTIFYING = ("firstname", "lastname", "email", "company")


def stamp(moment: datetime | None) -> float:
    return NULL if moment is None else moment.timestamp()


def moment(ts: float) -> datetime | None:
    return None if math.isnan(ts) else datetime.fromtimestamp(ts, UTC)


class Model:
    """Every table of the instance. Callers hold `lock` while they read or write."""

    def __init__(self, version: str) -> None:
        if version not in VERSIONS:
            raise ValueError(f"version must be one of {sorted(VERSIONS)}, not {version!r}")
        self.version = version
        self.lock = threading.RLock()
        self.now = DEFAULT_NOW
        self.site_url = "http://127.0.0.1"
        self.fields: list[Field] = default_fields()
        self._published: list[Field] | None = None
        self.users: dict[int, User] = {}
        self.stages: dict[int, Stage] = {}
        self.segments: dict[int, Segment] = {}
        self.campaigns: dict[int, Campaign] = {}
        self.emails: dict[int, Email] = {}
        self.forms: dict[str, int] = {}
        self.campaign_event_names: dict[int, str] = {}
        self.contacts: dict[int, Contact] = {}
        self.notes: dict[int, Note] = {}
        self.tags: dict[str, int] = {}
        self.ips: dict[str, Ip] = {}
        self.segment_members: dict[int, dict[int, Membership]] = {}
        self.campaign_members: dict[int, dict[int, Membership]] = {}
        self.merged: dict[int, int] = {}  # contact_merge_records: loser id -> winner id
        self.history = History()
        self.caches: dict[str, Any] = {}  # the timeline's event types, which cache table orderings
        self._ids: dict[str, int] = {"field": len(self.fields)}

    @property
    def full_version(self) -> str:
        return VERSIONS[self.version]

    def next_id(self, table: str) -> int:
        self._ids[table] = self._ids.get(table, 0) + 1
        return self._ids[table]

    # -- fields ---------------------------------------------------------------------------------------------------
    def field(self, alias: str) -> Field | None:
        return next((spec for spec in self.fields if spec.alias == alias), None)

    def published_fields(self) -> list[Field]:
        """Published lead fields by group, then field_order (CustomFieldRepositoryTrait::getCustomFieldList())."""
        if self._published is None:
            chosen = [spec for spec in self.fields if spec.published]
            self._published = sorted(chosen, key=lambda spec: (GROUPS.index(spec.group), spec.order))
        return self._published

    def add_field(self, spec: Field) -> None:
        self.fields.append(spec)
        self.forget_field_order()

    def forget_field_order(self) -> None:
        """Forget the cached field order after a field was added or changed."""
        self._published = None

    def raw_value(self, contact: Contact, alias: str) -> Any:
        """A field column of the leads row: points and last_active live on the entity itself."""
        if alias == "points":
            return contact.points
        if alias == "last_active":
            return db_time(contact.last_active)
        return contact.values.get(alias)

    # -- contacts -------------------------------------------------------------------------------------------------
    def contact(self, contact_id: Any) -> Contact | None:
        """LeadModel::getEntity(): the contact, or the contact it was merged into (MergeRecordRepository::
        findMergedContact; 5.1.1:app/bundles/LeadBundle/Model/LeadModel.php:303-321, 4.4.13 :406-424)."""
        try:
            key = int(contact_id)
        except (TypeError, ValueError):
            return None
        found = self.contacts.get(key)
        if found is None and key in self.merged:
            found = self.contacts.get(self.merged[key])
        return found

    def identified(self, contact: Contact) -> bool:
        return any(contact.values.get(alias) for alias in IDENTIFYING)

    def primary_identifier(self, contact: Contact) -> str:
        """What a merge record stores as the loser's name (ContactMerger)."""
        values = contact.values
        name = " ".join(str(values[key]) for key in ("firstname", "lastname") if values.get(key))
        return str(values.get("email") or name or values.get("company") or "")

    def tag_id(self, tag: str) -> int:
        if tag not in self.tags:
            self.tags[tag] = len(self.tags) + 1
        return self.tags[tag]

    def ip(self, address: str, details: dict[str, Any] | None = None) -> Ip:
        """The shared ip_addresses row of an address, created on first use."""
        found = self.ips.get(address)
        if found is None:
            found = self.ips[address] = Ip(id=len(self.ips) + 1, address=address, details=details)
        elif details is not None:
            found.details = details
        return found

    def member_segments(self, contact_id: int) -> dict[int, Membership]:
        return self.segment_members.setdefault(contact_id, {})

    def member_campaigns(self, contact_id: int) -> dict[int, Membership]:
        return self.campaign_members.setdefault(contact_id, {})

    def dnc_rows(self) -> list[tuple[int, Any]]:
        """Every lead_donotcontact row with its contact."""
        return [(contact.id, row) for contact in self.contacts.values() for row in contact.dnc]

    def notes_of(self, contact_id: int) -> list[Note]:
        return [note for note in self.notes.values() if note.contact == contact_id]
