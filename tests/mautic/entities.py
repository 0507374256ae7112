"""The rows the fake keeps: one dataclass per Mautic table it needs (contacts, notes, segments, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ADMIN = "Admin User"  # the installer's user, id 1, who creates what the control API adds


@dataclass(slots=True, frozen=True)
class Actor:
    """Who saves: a user, or the pseudo-user of an OAuth2 client-credentials token, whose name is
    "<client name> [<client id>]" and who has no id (UserBundle/Security/Firewall/AuthenticationListener.php)."""

    id: int | None
    name: str


SYSTEM = Actor(1, ADMIN)


@dataclass(slots=True, kw_only=True)
class Published:
    """FormEntity's publish details (5.1.1:app/bundles/CoreBundle/Entity/FormEntity.php:134)."""

    date_added: datetime
    published: bool = True
    date_modified: datetime | None = None
    created_by: int | None = 1
    created_by_user: str | None = ADMIN
    modified_by: int | None = None
    modified_by_user: str | None = None


@dataclass(slots=True, kw_only=True)
class User:
    id: int
    username: str
    first_name: str
    last_name: str
    email: str = ""
    created_by_user: str | None = None  # the installer's user was created by nobody

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True, kw_only=True)
class Stage(Published):
    id: int
    name: str
    weight: int = 0
    description: str | None = None


@dataclass(slots=True, kw_only=True)
class Segment(Published):
    id: int
    name: str
    alias: str
    description: str | None = None
    is_global: bool = True


@dataclass(slots=True, kw_only=True)
class Campaign(Published):
    id: int
    name: str
    segments: list[int] = field(default_factory=list)
    description: str | None = None
    allow_restart: bool = False
    publish_up: datetime | None = None
    publish_down: datetime | None = None
    events: dict[str, int] = field(default_factory=dict)  # event name -> campaign_events id


@dataclass(slots=True, kw_only=True)
class Email(Published):
    id: int
    name: str
    subject: str
    html: str = ""
    text: str = ""
    parent: int | None = None
    sent_count: int = 0
    read_count: int = 0


@dataclass(slots=True, kw_only=True)
class Dnc:
    """A lead_donotcontact row; reason 0 contactable, 1 unsubscribed, 2 bounced, 3 manual
    (5.1.1:app/bundles/LeadBundle/Entity/DoNotContact.php:15-30)."""

    id: int
    channel: str
    reason: int
    comments: str
    date_added: datetime
    channel_id: int | None = None


@dataclass(slots=True, kw_only=True)
class Contact(Published):
    id: int
    values: dict[str, Any] = field(default_factory=dict)  # field alias -> stored value (no None)
    points: int = 0
    owner: int | None = None
    stage: int | None = None
    tags: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    dnc: list[Dnc] = field(default_factory=list)
    date_identified: datetime | None = None
    last_active: datetime | None = None
    color: str | None = None


@dataclass(slots=True, kw_only=True)
class Note:
    id: int | None
    contact: int
    text: str
    type: str | None
    date_time: datetime | None
    date_added: datetime


@dataclass(slots=True, kw_only=True)
class Membership:
    """A lead_lists_leads or campaign_leads row."""

    date_added: datetime
    manually_added: bool
    manually_removed: bool = False
    rotation: int = 1
    date_last_exited: datetime | None = None


@dataclass(slots=True, kw_only=True)
class Ip:
    id: int
    address: str
    details: dict[str, Any] | None
