"""Reads and writes the tests need that the product does not: kept here, not in store/, so no product function
exists only for tests. They use the store's own internals, as its modules would."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update

from store.db import _script_directory, fold, writing
from store.dialect import insert
from store.ip_geo import PENDING, Lookup, _contact_ip, _ip, _values, ensure_ip, is_public, normalize_ip
from store.memberships import GroupKind, _spec
from store.models import SocialProfile, table_of
from store.notes import NoteRow, _fetch
from store.social import CachedFeed, _cached

_T = table_of(SocialProfile).c


def head_revision() -> str:
    """The schema revision this version of Dossier writes."""
    return _script_directory().get_current_head()


def get_note(engine: Engine, note_id: int) -> NoteRow:
    """One note; raises `NoteNotFound` when it does not exist."""
    with engine.connect() as conn:
        return _fetch(conn, note_id)


def contact_group_names(engine: Engine, kind: GroupKind, contact_id: int) -> list[str]:
    """The names of the segments (or campaigns) the contact belongs to now, alphabetical."""
    spec = _spec(kind)
    g, m = spec.group.c, spec.membership.c
    statement = (
        select(g.name)
        .join(spec.membership, spec.group_id == g.id)
        .where(m.contact_id == contact_id, m.manually_removed.is_(False))
    )
    with engine.connect() as conn:
        names = list(conn.execute(statement).scalars())
    return sorted(names, key=lambda name: (fold(name), name))


def cached_feed(engine: Engine, profile_id: int) -> CachedFeed | None:
    """The cached feed of one social profile, or None when no such profile exists."""
    with engine.connect() as conn:
        row = conn.execute(select(table_of(SocialProfile)).where(_T.id == profile_id)).first()
    return None if row is None else _cached(row)


def record_visit(
    engine: Engine,
    contact_id: int,
    ip: str,
    *,
    seen_at: datetime,
    lookup: Lookup | None,
) -> int:
    """Record that the contact was seen at `ip` and return the address's id.

    The address is added once; its contact link keeps the first and last time seen and counts hits. A new
    address is geolocated right away when `lookup` is given (private ones are only marked); one already
    decided is never looked up again, and with `lookup=None` a new one stays "pending" for `refresh_locations`.
    `ValueError` if `ip` is not an address.
    """
    ip = normalize_ip(ip)
    seen_at = seen_at.astimezone(UTC)
    with writing(engine) as conn:
        ip_id, status = ensure_ip(conn, ip)
        if status == PENDING and (lookup is not None or not is_public(ip)):
            values = _values(ip, lookup or (lambda _ip: None), seen_at)
            conn.execute(update(_ip).where(_ip.c.id == ip_id).values(**values))
        link = insert(conn, _contact_ip).values(
            contact_id=contact_id, ip_address_id=ip_id, first_seen=seen_at, last_seen=seen_at, hits=1
        )
        excluded = link.excluded
        # SQLite's two-argument min() and max() are PostgreSQL's least() and greatest().
        least, greatest = (func.least, func.greatest) if conn.dialect.name == "postgresql" else (func.min, func.max)
        conn.execute(
            link.on_conflict_do_update(
                index_elements=[_contact_ip.c.contact_id, _contact_ip.c.ip_address_id],
                set_={
                    "first_seen": least(_contact_ip.c.first_seen, excluded.first_seen),
                    "last_seen": greatest(_contact_ip.c.last_seen, excluded.last_seen),
                    "hits": _contact_ip.c.hits + 1,
                },
            )
        )
    return ip_id


def search_contact_ids_by_notes(engine: Engine, query: str, limit: int, *, before_id: int | None = None) -> list[int]:
    """The note half of the contact search (`store.lookup.note_contact_ids`) on an engine, as the store runs it."""
    from store.lookup import note_contact_ids, sql_run

    with engine.connect() as conn:
        return note_contact_ids(sql_run(conn), engine.dialect.name, query, limit, before_id=before_id)
