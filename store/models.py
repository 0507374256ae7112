"""SQLModel tables: the whole schema, so later features add behaviour rather than reshape tables.

Datetimes are aware and in UTC; SQLite stores them as ISO text without an offset, which sorts in time
order. The UI converts to local time for display.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, Column, Index, LargeBinary, Table, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the columns reject naive datetimes)."""
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core `Table` behind a table model, for queries that want columns rather than model instances."""
    # SQLModel sets `__table__` on table classes when they are created, so its own typing cannot declare it.
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index(
            "ix_contact_last_active",
            "last_active",
            "id",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
        Index("ix_contact_email_normalized", "email_normalized"),
        Index("ix_contact_phone_e164", "phone_e164"),
        Index("ix_contact_email", "email"),
    )

    id: int | None = Field(default=None, primary_key=True)
    firstname: str = ""
    lastname: str = ""
    email: str | None = None
    email_normalized: str | None = None
    phone: str | None = None
    phone_e164: str | None = None
    mobile: str | None = None
    company: str = ""
    position: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    region: str = ""
    zipcode: str = ""
    country: str = ""
    website: str = ""
    points: int = 0
    stage: str = ""
    owner: str = ""
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    avatar_source: str = "gravatar"
    external_id: str | None = Field(default=None, index=True)
    date_added: datetime = Field(default_factory=utcnow)
    date_modified: datetime = Field(default_factory=utcnow)
    last_active: datetime | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    merged_into_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    deleted_at: datetime | None = None


class DoNotContact(SQLModel, table=True):
    __tablename__ = "do_not_contact"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    channel: str = "email"
    reason: str = "manual"
    comments: str = ""
    date_added: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        # The timeline is keyset-paginated over this index, globally ordered, newest first.
        Index("ix_event_timeline", "contact_id", text("occurred_at DESC"), text("id DESC")),
        Index("ix_event_type_timeline", "contact_id", "type", text("occurred_at DESC"), text("id DESC")),
        # The point log's deltas without visiting event rows (store/activity.py); only point rows are in it.
        Index(
            "ix_event_points",
            "contact_id",
            "occurred_at",
            "points_delta",
            sqlite_where=text("type = 'point.gained'"),
            postgresql_where=text("type = 'point.gained'"),
        ),
        # An event that came from another system is that system's event once: "<source id>:<its type>:<its id>".
        Index(
            "ix_event_remote_key",
            "remote_key",
            unique=True,
            sqlite_where=text("remote_key IS NOT NULL"),
            postgresql_where=text("remote_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id")
    type: str
    occurred_at: datetime
    label: str = ""
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    points_delta: int | None = None
    actor: str | None = None
    remote_key: str | None = None


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = (
        Index("ix_note_date", "date_time"),
        Index(
            "ix_note_remote_key",
            "remote_key",
            unique=True,
            sqlite_where=text("remote_key IS NOT NULL"),
            postgresql_where=text("remote_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    type: str = "general"
    text: str = ""
    date_time: datetime | None = None
    author: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # A note that came from (or went to) another system: "<source id>:<its id>", and a digest of what that
    # system last had, so a change made there and here at once is seen as a conflict.
    remote_key: str | None = None
    remote_digest: str | None = None


class Segment(SQLModel, table=True):
    __tablename__ = "segment"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    alias: str = Field(default="", index=True)
    description: str = ""
    is_published: bool = True
    external_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SegmentMembership(SQLModel, table=True):
    __tablename__ = "segment_membership"

    segment_id: int = Field(foreign_key="segment.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, index=True)
    date_added: datetime = Field(default_factory=utcnow)
    manually_added: bool = False
    manually_removed: bool = False


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    description: str = ""
    is_published: bool = True
    external_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CampaignMembership(SQLModel, table=True):
    __tablename__ = "campaign_membership"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, index=True)
    date_added: datetime = Field(default_factory=utcnow)
    manually_added: bool = False
    manually_removed: bool = False
    date_last_exited: datetime | None = None


class EmailTemplate(SQLModel, table=True):
    __tablename__ = "email_template"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    subject: str = ""
    body_text: str = ""
    body_html: str | None = None
    external_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class IpAddress(SQLModel, table=True):
    __tablename__ = "ip_address"

    id: int | None = Field(default=None, primary_key=True)
    ip: str = Field(unique=True)
    city: str = ""
    region: str = ""
    country: str = ""
    country_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accuracy_radius_km: int | None = None
    time_zone: str = ""
    lookup_status: str = "pending"
    looked_up_at: datetime | None = None


class ContactIp(SQLModel, table=True):
    __tablename__ = "contact_ip"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    ip_address_id: int = Field(foreign_key="ip_address.id", primary_key=True, index=True)
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    hits: int = 1


class SocialProfile(SQLModel, table=True):
    __tablename__ = "social_profile"
    __table_args__ = (UniqueConstraint("contact_id", "network", "handle"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    network: str
    handle: str
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    feed: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None
    status: str = ""
    not_before: datetime | None = None  # no request before this (a rate limit's reset, a pause after a failure)
    message: str | None = None  # the last state's own sentence ("… was taken down by Bluesky moderation")


class AvatarCache(SQLModel, table=True):
    __tablename__ = "avatar_cache"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None
    status: str = ""


class MergeRecord(SQLModel, table=True):
    __tablename__ = "merge_record"

    id: int | None = Field(default=None, primary_key=True)
    winner_id: int = Field(foreign_key="contact.id", index=True)
    loser_id: int = Field(foreign_key="contact.id", index=True)
    merged_at: datetime = Field(default_factory=utcnow)
    merged_by: str = ""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    undone_at: datetime | None = None


class SyncState(SQLModel, table=True):
    """Which contact a record of another system became, and that record's version when it was last imported.

    `source` names the system (`mautic https://crm.example.com`); `remote_modified` is the record's own
    change marker there, so a re-run skips records that have not changed and resumes where it stopped.
    """

    __tablename__ = "sync_state"

    source: str = Field(primary_key=True)
    remote_id: str = Field(primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    remote_modified: str = ""
    synced_at: datetime = Field(default_factory=utcnow)


class SyncSource(SQLModel, table=True):
    """Another system Dossier syncs with (`mautic https://crm.example.com`): where each of its streams was
    read up to (`cursors`), and when the last sync finished."""

    __tablename__ = "sync_source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    cursors: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    synced_at: datetime | None = None


class SyncOutbox(SQLModel, table=True):
    """A change made in Dossier that is on its way to the system a contact came from, kept until it arrives.

    `state`: "pending" (will be sent, after `next_attempt_at` if set), "refused" (the system said no:
    `message` says why) or "conflict" (changed there too since the last sync; the user decides).
    """

    __tablename__ = "sync_outbox"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sync_source.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    action: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    state: str = "pending"
    message: str = ""


class DatabaseMeta(SQLModel, table=True):
    """Facts about the database itself, one row each: `id` is a random name made once (`store.identity`), so
    what this database exports (calendar UIDs) never collides with another Dossier database's."""

    __tablename__ = "database_meta"

    name: str = Field(primary_key=True)
    value: str
