"""Contact queries: the list, search, lookup and the full contact page data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, String, func, select, text, tuple_, type_coerce
from sqlalchemy.engine import Connection
from sqlmodel import col

from plain.errors import UserError
from store.lookup import Run, search_summaries
from store.models import (
    Campaign,
    CampaignMembership,
    Contact,
    ContactIp,
    DoNotContact,
    Event,
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
    SocialProfile,
    table_of,
)
from store.normalize import normalize_email
from store.rows import ContactDetail, ContactSummary, Location, SocialHandle, contact_summary, display_name
from store.sync.sources import origin_of

C = table_of(Contact).c
# last_active comes as the stored text and is parsed by `stored_time` (much cheaper than the DateTime processor).
_SUMMARY_COLUMNS = (
    C.id,
    C.firstname,
    C.lastname,
    C.email,
    C.company,
    C.city,
    C.points,
    type_coerce(C.last_active, String).label("last_active"),
)


MAX_ID = 2**63 - 1  # SQLite's largest integer


class ContactNotFound(UserError, LookupError):
    """No contact matches what was asked for; the message says what was looked up."""


ListCursor = tuple[datetime | None, int]


def list_contacts(engine: Engine, *, after: ListCursor | None = None, limit: int = 100) -> list[ContactSummary]:
    """Live contacts, most recently active first (never-active ones last), keyset-paginated.

    Pass the last row's `(last_active, id)` as `after` for the next page.
    """
    live = C.merged_into_id.is_(None)
    rows = []
    with engine.connect() as conn:
        if after is None or after[0] is not None:
            query = select(*_SUMMARY_COLUMNS).where(live, C.last_active.is_not(None))
            if after is not None:
                query = query.where(tuple_(C.last_active, C.id) < tuple_(*after))
            query = query.order_by(C.last_active.desc(), C.id.desc()).limit(limit)
            rows = list(conn.execute(query))
        if len(rows) < limit:
            query = select(*_SUMMARY_COLUMNS).where(live, C.last_active.is_(None))
            if after is not None and after[0] is None:
                query = query.where(C.id < after[1])
            query = query.order_by(C.id.desc()).limit(limit - len(rows))
            rows += list(conn.execute(query))
    return [contact_summary(row) for row in rows]


def search_contacts(
    engine: Engine, query: str, *, before_id: int | None = None, limit: int = 100
) -> list[ContactSummary]:
    """Contacts whose name, email, company or city, or the text of one of their notes, have words starting
    with each word typed: newest first, paginated by id (`before_id`). See `store.lookup.search_summaries`,
    which `dossier search` runs on its own sqlite3 connection."""
    with engine.connect() as conn:
        return search_summaries(sql_run(conn), engine.dialect.name, query, before_id=before_id, limit=limit)


def sql_run(conn: Connection) -> Run:
    """The `Run` of `store.lookup` over a SQLAlchemy connection: SQL text, `:name` parameters, rows as given
    by the driver (no type processing: SQLite's stored text, PostgreSQL's typed values)."""
    return lambda statement, params: conn.execute(text(statement), params).all()


def count_contacts(engine: Engine) -> int:
    """How many live (not merged-away) contacts there are."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(C.merged_into_id.is_(None))).scalar_one()


def resolve_contact(engine: Engine, ref: str | int) -> tuple[int, int | None]:
    """Find a contact by id or email; follow merges to the survivor.

    Returns `(contact_id, merged_from)` where `merged_from` is the id asked for when it was merged away.
    """
    with engine.connect() as conn:
        contact_id = _find(conn, str(ref).strip())
        merged_from = None
        seen = set()
        while True:
            target = conn.execute(select(C.merged_into_id).where(C.id == contact_id)).scalar_one()
            if target is None or target in seen:
                return contact_id, merged_from
            seen.add(contact_id)
            merged_from = merged_from or contact_id
            contact_id = target


def _find(conn: Connection, ref: str) -> int:
    if ref.isascii() and ref.isdigit():
        number = int(ref)
        found = conn.execute(select(C.id).where(C.id == number)).scalar() if number <= MAX_ID else None
        if found is None:
            raise ContactNotFound(f"No contact has the id {ref}.")
        return found
    normalized = normalize_email(ref)
    if normalized is None:
        raise ContactNotFound(f"{ref!r} is neither a contact id nor an email address.")
    rows = conn.execute(
        select(C.id, C.email, C.merged_into_id)
        .where(C.email_normalized == normalized)
        .order_by(C.merged_into_id.is_not(None), C.id)
    ).all()
    exact = [row.id for row in rows if (row.email or "").strip().lower() == ref.lower()]
    if exact:
        return exact[0]
    raise ContactNotFound(f"No contact has the email address {ref!r}.")


def get_contact(engine: Engine, contact_id: int) -> ContactDetail:
    """Everything the contact page shows about one contact."""
    with engine.connect() as conn:
        row = conn.execute(select(table_of(Contact)).where(C.id == contact_id)).first()
        if row is None:
            raise ContactNotFound(f"No contact has the id {contact_id}.")
        detail = ContactDetail(
            id=row.id,
            name=display_name(row.id, row.firstname, row.lastname, row.email),
            **{name: getattr(row, name) for name in _DETAIL_FIELDS},
        )
        detail.do_not_contact = list(
            conn.execute(select(col(DoNotContact.channel)).where(col(DoNotContact.contact_id) == contact_id)).scalars()
        )
        detail.segments = _names(conn, Segment, SegmentMembership, SegmentMembership.segment_id, contact_id)
        detail.campaigns = _names(conn, Campaign, CampaignMembership, CampaignMembership.campaign_id, contact_id)
        detail.event_count = conn.execute(
            select(func.count()).select_from(Event).where(col(Event.contact_id) == contact_id)
        ).scalar_one()
        detail.note_count = conn.execute(
            select(func.count()).select_from(Note).where(col(Note.contact_id) == contact_id)
        ).scalar_one()
        detail.locations = _locations(conn, contact_id)
        detail.social_profiles = [
            SocialHandle(network=r.network, handle=r.handle)
            for r in conn.execute(
                select(col(SocialProfile.network), col(SocialProfile.handle))
                .where(col(SocialProfile.contact_id) == contact_id)
                .order_by(SocialProfile.network)
            )
        ]
        origin = origin_of(conn, contact_id)
        if origin is not None:
            detail.origin, detail.origin_id, detail.synced_at = origin.source, origin.remote_id, origin.synced_at
        return detail


_DETAIL_FIELDS = [
    name for name in ContactDetail.__dataclass_fields__ if name in table_of(Contact).c and name not in {"id"}
]


def _names(conn: Connection, group, membership, group_id, contact_id: int) -> list[str]:
    query = (
        select(group.name)
        .join(membership, group_id == group.id)
        .where(membership.contact_id == contact_id, membership.manually_removed.is_(False))
        .order_by(group.name)
    )
    return list(conn.execute(query).scalars())


def _locations(conn: Connection, contact_id: int) -> list[Location]:
    query = (
        select(IpAddress, col(ContactIp.first_seen), col(ContactIp.last_seen))
        .join(ContactIp, col(ContactIp.ip_address_id) == IpAddress.id)
        .where(col(ContactIp.contact_id) == contact_id)
        .order_by(col(ContactIp.last_seen).desc())
    )
    return [
        Location(
            ip=r.ip,
            city=r.city,
            region=r.region,
            country=r.country,
            latitude=r.latitude,
            longitude=r.longitude,
            first_seen=r.first_seen,
            last_seen=r.last_seen,
        )
        for r in conn.execute(query)
    ]
