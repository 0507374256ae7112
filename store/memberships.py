"""A contact's segments and campaigns: list them all with the contact's state, and switch one on or off.

Membership follows Mautic, so data imported from Mautic keeps its meaning:

- Segments. Adding a contact marks the row `manually_added`; if the row exists but was `manually_removed`, that
  mark is cleared instead and the row kept. Removing a manually added member deletes the row; removing a member
  the segment's filter added keeps the row marked `manually_removed`, so a rebuild does not add it back.
- Campaigns. Removing keeps the row, marked `manually_removed` (no longer `manually_added`) with the time of
  exit in `date_last_exited`; adding back clears both and marks it `manually_added`.

A contact is a member when its row exists and is not `manually_removed`. Every change is its own transaction
and is recorded in the contact's History as one `segment_membership` / `campaign_membership` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.engine import Connection

from plain.errors import UserError
from store.contacts import ContactNotFound
from store.db import fold, writing
from store.dialect import folded_contains
from store.models import Campaign, CampaignMembership, Contact, Event, Segment, SegmentMembership, table_of
from store.sync import outbox

GroupKind = Literal["segment", "campaign"]


class GroupNotFound(UserError, LookupError):
    """No segment or campaign matches what was asked for; the message says what was looked up."""


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    name: str
    is_published: bool


@dataclass(frozen=True, slots=True)
class GroupState:
    """One segment or campaign as seen from one contact."""

    id: int
    name: str
    is_published: bool
    member: bool
    manually_added: bool
    manually_removed: bool


@dataclass(frozen=True, slots=True)
class _Spec:
    group: Any
    membership: Any
    group_id: Any
    event_type: str
    has_alias: bool
    exits: bool  # campaigns record when a contact left


_SPECS: dict[str, _Spec] = {
    "segment": _Spec(
        table_of(Segment),
        table_of(SegmentMembership),
        table_of(SegmentMembership).c.segment_id,
        "segment_membership",
        has_alias=True,
        exits=False,
    ),
    "campaign": _Spec(
        table_of(Campaign),
        table_of(CampaignMembership),
        table_of(CampaignMembership).c.campaign_id,
        "campaign_membership",
        has_alias=False,
        exits=True,
    ),
}


def _spec(kind: str) -> _Spec:
    try:
        return _SPECS[kind]
    except KeyError:
        raise ValueError(f"{kind!r} is not a kind of group; use 'segment' or 'campaign'.") from None


def _check_contact(conn: Connection, contact_id: int) -> None:
    row = conn.execute(select(table_of(Contact).c.merged_into_id).where(table_of(Contact).c.id == contact_id)).first()
    if row is None:
        raise ContactNotFound(f"No contact has the id {contact_id}.")
    if row.merged_into_id is not None:
        raise ContactNotFound(
            f"Contact {contact_id} was merged into contact {row.merged_into_id}; change that contact instead."
        )


def _sort_key(state: GroupState, current_first: bool) -> tuple:
    return (current_first and not state.member, fold(state.name), state.name, state.id)


def list_groups(
    engine: Engine, kind: GroupKind, contact_id: int, *, query: str = "", current_first: bool = True
) -> list[GroupState]:
    """Every segment (or campaign) with this contact's membership of it, in one query.

    The contact's current ones come first (unless `current_first` is false), then alphabetical, case and
    accents ignored. `query` keeps those whose name contains it, case and accents ignored. Raises
    `ContactNotFound` for an unknown or merged-away contact.
    """
    spec = _spec(kind)
    g, m = spec.group.c, spec.membership.c
    statement = select(g.id, g.name, g.is_published, m.contact_id, m.manually_added, m.manually_removed).select_from(
        spec.group.outerjoin(spec.membership, and_(spec.group_id == g.id, m.contact_id == contact_id))
    )
    if needle := query.strip():
        statement = statement.where(folded_contains(g.name, needle))
    with engine.connect() as conn:
        _check_contact(conn, contact_id)
        rows = conn.execute(statement).all()
    states = [
        GroupState(
            id=row.id,
            name=row.name,
            is_published=bool(row.is_published),
            member=row.contact_id is not None and not row.manually_removed,
            manually_added=bool(row.manually_added),
            manually_removed=bool(row.manually_removed),
        )
        for row in rows
    ]
    return sorted(states, key=lambda state: _sort_key(state, current_first))


def find_group(engine: Engine, kind: GroupKind, name_or_id: str | int) -> Group:
    """A segment or campaign by id, or by its name (or a segment's alias), case ignored.

    An exact name wins over one that differs in case; a name shared by several raises `GroupNotFound`
    listing their ids, as does a name or id that matches none.
    """
    spec = _spec(kind)
    g = spec.group.c
    ref = str(name_or_id).strip()
    columns = [g.id, g.name, g.is_published, *([g.alias] if spec.has_alias else [])]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(g.id)).all()
    if ref.isascii() and ref.isdigit():
        for row in rows:
            if row.id == int(ref):
                return Group(row.id, row.name, bool(row.is_published))
    folded = ref.casefold()
    tiers = (
        [row for row in rows if row.name == ref],
        [row for row in rows if row.name.casefold() == folded],
        [row for row in rows if spec.has_alias and row.alias and row.alias.casefold() == folded],
    )
    for found in tiers:
        if len(found) == 1:
            return Group(found[0].id, found[0].name, bool(found[0].is_published))
        if found:
            ids = ", ".join(str(row.id) for row in found)
            raise GroupNotFound(f"{len(found)} {kind}s are named {ref!r} (ids {ids}); give the id instead.")
    raise GroupNotFound(f"No {kind} is named {ref!r} or has that id; `dossier {kind}s CONTACT` lists them.")


def set_membership(
    engine: Engine,
    kind: GroupKind,
    group_id: int,
    contact_id: int,
    member: bool,
    *,
    actor: str,
    now: datetime,
) -> GroupState:
    """Add the contact to a segment or campaign (`member=True`) or remove it, following Mautic's rules.

    One transaction writes the membership and one History event ("Added to segment: Newsletter") with
    `actor` as who did it. Asking for the state the contact is already in writes nothing. Raises
    `GroupNotFound`, `ContactNotFound` (unknown or merged away), or SQLAlchemy's `OperationalError` when
    the database stays locked past its busy timeout; nothing is changed then.
    """
    if now.utcoffset() is None:
        raise ValueError("set_membership needs a timezone-aware `now`.")
    now = now.astimezone(UTC)
    spec = _spec(kind)
    g, m = spec.group.c, spec.membership.c
    this_row = and_(spec.group_id == group_id, m.contact_id == contact_id)
    flags = select(m.manually_added, m.manually_removed).where(this_row)
    with writing(engine) as conn:
        # Writers take turns (store.db.writing): two people switching one membership at once cannot both
        # find no row and both insert one.
        row = conn.execute(
            update(spec.membership)
            .where(this_row)
            .values(manually_added=m.manually_added)
            .returning(m.manually_added, m.manually_removed)
        ).first()
        group = conn.execute(select(g.name, g.is_published, g.external_id).where(g.id == group_id)).first()
        if group is None:
            raise GroupNotFound(f"No {kind} has the id {group_id}.")
        _check_contact(conn, contact_id)
        if member != (row is not None and not row.manually_removed):
            _change(conn, spec, this_row, row, member, {spec.group_id: group_id, m.contact_id: contact_id}, now)
            _record(conn, spec.event_type, kind, contact_id, group_id, group.name, member, actor, now)
            if group.external_id:  # a group of the system the contact came from: the switch goes there too
                action = f"{kind}.{'add' if member else 'remove'}"
                outbox.queue(conn, contact_id, action, {"group_id": group_id}, now)
            row = conn.execute(flags).first()
    return GroupState(
        id=group_id,
        name=group.name,
        is_published=bool(group.is_published),
        member=row is not None and not row.manually_removed,
        manually_added=bool(row and row.manually_added),
        manually_removed=bool(row and row.manually_removed),
    )


def _change(conn: Connection, spec: _Spec, this_row: Any, row: Any, member: bool, keys: dict, now: datetime) -> None:
    """Write one transition of Mautic's membership rules (see the module docstring)."""
    m = spec.membership.c
    if member and row is None:
        conn.execute(insert(spec.membership).values({**keys, m.date_added: now, m.manually_added: True}))
    elif member:
        values: dict[str, Any] = {"manually_removed": False}
        if spec.exits:
            values.update(manually_added=True, date_last_exited=None)
        conn.execute(update(spec.membership).where(this_row).values(**values))
    elif row.manually_added and not spec.exits:
        conn.execute(delete(spec.membership).where(this_row))
    else:
        values = {"manually_removed": True}
        if spec.exits:
            values.update(manually_added=False, date_last_exited=now)
        conn.execute(update(spec.membership).where(this_row).values(**values))


def _record(
    conn: Connection,
    event_type: str,
    kind: str,
    contact_id: int,
    group_id: int,
    name: str,
    added: bool,
    actor: str,
    now: datetime,
) -> None:
    action = "added" if added else "removed"
    label = f"Added to {kind}: {name}" if added else f"Removed from {kind}: {name}"
    details = {"action": action, kind: name, "id": group_id, "by": actor, "manual": True}
    conn.execute(
        insert(Event).values(
            contact_id=contact_id, type=event_type, occurred_at=now, label=label, details=details, actor=actor
        )
    )
