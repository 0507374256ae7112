"""Merging two contacts that are one person: a preview of exactly what will happen, then one transaction.

Everything of the other contact moves to the survivor with one bulk UPDATE per table: notes, memberships,
IP addresses, social profiles and do-not-contact records. Events stay where they are: the other contact now
points at the survivor, and a contact's History reads its whole family's (store/family.py), so a merge costs
the same however busy both contacts are. A membership (or IP address, or social profile) both contacts have
is kept once, combined, and the other's copy is kept in the merge record. The other contact is soft-deleted
with a pointer to the survivor, so every old link leads there. The merge record holds everything
`store.merge.undo` needs to put both contacts back as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.engine import Connection

from plain.errors import UserError
from plain.json_text import jsonable
from plain.networks import network_label
from plain.words import plural, sentence_case
from store.contacts import ContactNotFound
from store.db import writing
from store.merge.rules import DERIVED, FieldPreview, Side, check_overrides, field_previews, merged_values, shown
from store.merge.tables import CHILD_TABLES, TABLES, ChildTable, count_rows, fold, fold_pairs, move, raw_contact
from store.merge.tables import side_fingerprint as _side_fingerprint
from store.models import Contact, Event, MergeRecord, table_of
from store.rows import ContactSummary, summary_of

C = table_of(Contact).c
MERGED_EVENT = "lead.merged"


class MergeError(UserError):
    """A merge or its undo cannot be done; the message is one sentence for the user."""


class MergeRefused(MergeError):
    """The merge (or undo) asked for is not allowed: the message says why."""


class MergeNotFound(MergeError, LookupError):
    """No merge record has the id asked for."""


@dataclass(frozen=True, slots=True)
class ChildCount:
    """How many rows of one table each contact has, and how many of the other's fold into the survivor's."""

    table: str
    label: str  # the table's rows as a heading: "Events", "IP addresses"
    survivor: int
    other: int
    folded: int

    @property
    def moving(self) -> int:
        return self.other - self.folded

    def words(self, count: int) -> str:
        """`count` of these rows in words: "1 event", "4 IP addresses"."""
        return TABLES[self.table].words(count)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A survivor's field that the merge changes: its value before and after."""

    name: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class MergePreview:
    """What merging `other` into `survivor` will do; `fingerprint` detects a change before the merge."""

    survivor: ContactSummary
    other: ContactSummary
    newer: Side
    fields: tuple[FieldPreview, ...]
    children: tuple[ChildCount, ...]
    folds: tuple[str, ...]
    fingerprint: str
    previewed_at: datetime
    derived: Mapping[str, Mapping[Side, Any]]

    def values(self, overrides: Mapping[str, Side] | None = None) -> dict[str, Any]:
        """The survivor's fields after the merge, with the user's flips (field name -> side) applied."""
        overrides = overrides or {}
        check_overrides(self.fields, overrides)
        return merged_values(self.fields, overrides, self.derived)

    def changes(self, overrides: Mapping[str, Side] | None = None) -> tuple[FieldChange, ...]:
        """The survivor's fields whose value the merge changes."""
        overrides = overrides or {}
        check_overrides(self.fields, overrides)
        return tuple(
            FieldChange(field.name, field.label, field.survivor, new)
            for field in self.fields
            if (new := field.value(overrides.get(field.name))) != field.survivor
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, datetimes as ISO 8601 strings."""
        document = asdict(self)
        document.pop("derived")
        for row, child in zip(document["children"], self.children, strict=True):
            row["moving"] = child.moving
        return jsonable(document)


@dataclass(frozen=True, slots=True)
class MergeResult:
    """A done merge: its record's id, the rows moved and folded per table, the survivor's changed fields."""

    merge_id: int
    survivor_id: int
    other_id: int
    moved: dict[str, int]
    folded: dict[str, int]
    changes: tuple[FieldChange, ...]
    event_id: int


def describe(contact: ContactSummary) -> str:
    """A contact as named in messages: "Jane Doe (#123)"."""
    return f"{contact.name} (#{contact.id})"


def _live_contact(conn: Connection, contact_id: int, role: str):
    row = conn.execute(select(table_of(Contact)).where(C.id == contact_id)).first()
    if row is None:
        raise ContactNotFound(f"No contact has the id {contact_id}.")
    if row.merged_into_id is not None:
        who = describe(summary_of(row._mapping))
        if role == "survivor":
            raise MergeRefused(f"{who} was merged into #{row.merged_into_id}; merge into that contact instead.")
        raise MergeRefused(f"{who} was already merged into #{row.merged_into_id}; there is nothing left to merge.")
    if row.deleted_at is not None:
        raise MergeRefused(f"{describe(summary_of(row._mapping))} was deleted; it cannot be merged.")
    return row


def _check_pair(survivor_id: int, other_id: int) -> None:
    if survivor_id == other_id:
        raise MergeRefused("A contact cannot be merged with itself; choose another contact.")


def fingerprint(conn: Connection, survivor_id: int, other_id: int) -> str:
    """Both contacts' digests, survivor's first: a merge compares it with its preview's."""
    return f"{_side_fingerprint(conn, survivor_id)}.{_side_fingerprint(conn, other_id)}"


def _build(conn: Connection, survivor_id: int, other_id: int, now: datetime) -> MergePreview:
    _check_pair(survivor_id, other_id)
    mine = _live_contact(conn, survivor_id, "survivor")
    theirs = _live_contact(conn, other_id, "other")
    newer: Side = "other" if theirs.date_modified > mine.date_modified else "survivor"
    children, folds = [], []
    for table in CHILD_TABLES:
        pairs = fold_pairs(conn, table, survivor_id, other_id)
        folds += [_fold_sentence(conn, table, other, own) for other, own in pairs]
        counts = (count_rows(conn, table, survivor_id), count_rows(conn, table, other_id))
        children.append(ChildCount(table.name, sentence_case(table.plural), *counts, len(pairs)))
    derived: dict[str, dict[Side, Any]] = {
        column: {"survivor": mine._mapping[column], "other": theirs._mapping[column]} for column in DERIVED.values()
    }
    return MergePreview(
        survivor=summary_of(mine._mapping),
        other=summary_of(theirs._mapping),
        newer=newer,
        fields=field_previews(mine._mapping, theirs._mapping, newer),
        children=tuple(children),
        folds=tuple(folds),
        fingerprint=fingerprint(conn, survivor_id, other_id),
        previewed_at=now,
        derived=derived,
    )


def _fold_sentence(conn: Connection, table: ChildTable, other: dict, mine: dict) -> str:
    if table.name in ("segment_membership", "campaign_membership"):
        group = table.name.split("_")[0]
        name = conn.execute(text(f"SELECT name FROM {group} WHERE id = :id"), {"id": mine[table.key]}).scalar()
        earliest = min(mine["date_added"], other["date_added"])[:10]
        return f"{group.capitalize()} “{name}”: both are in it; kept once, added {earliest} (the earlier date)."
    if table.name == "contact_ip":
        ip = conn.execute(text("SELECT ip FROM ip_address WHERE id = :id"), {"id": mine[table.key]}).scalar()
        hits = mine["hits"] + other["hits"]
        return f"IP address {ip}: seen for both; kept once with {plural(hits, 'visit')}."
    return f"{network_label(mine['network'])} profile {mine['handle']}: on both; the survivor's is kept."


def preview_merge(engine: Engine, survivor_id: int, other_id: int, *, now: datetime) -> MergePreview:
    """What merging `other_id` into `survivor_id` would do: every field of both with the value kept, the
    rows that move per table and the memberships that fold. Raises `MergeRefused` for a merge that is
    not allowed (a contact with itself, a merged-away contact) and `ContactNotFound`."""
    with engine.connect() as conn:
        return _build(conn, survivor_id, other_id, now)


def merge_contacts(
    engine: Engine,
    preview: MergePreview,
    *,
    overrides: Mapping[str, Side] | None = None,
    actor: str,
    now: datetime,
) -> MergeResult:
    """Merge the preview's other contact into its survivor, in one transaction, and record it in History.

    `overrides` flips single fields (name as in `preview.fields`) to one side's value. Raises
    `MergeRefused` when the merge is not allowed or either contact changed since the preview.
    """
    survivor_id, other_id = preview.survivor.id, preview.other.id
    _check_pair(survivor_id, other_id)
    with writing(engine) as conn:
        # Write first: the lock is taken before anything is read, so nobody changes either contact
        # between the checks below and the moves.
        conn.execute(
            text("UPDATE contact SET merged_into_id = merged_into_id WHERE id IN (:a, :b)"),
            {"a": survivor_id, "b": other_id},
        )
        current = _build(conn, survivor_id, other_id, now)
        _check_fresh(preview, current)
        values = current.values(overrides)
        changes = current.changes(overrides)
        before = {"survivor": raw_contact(conn, survivor_id), "other": raw_contact(conn, other_id)}
        folded = {table.name: fold(conn, table, survivor_id, other_id) for table in CHILD_TABLES if table.match}
        moved = {table.name: move(conn, table, survivor_id, other_id) for table in CHILD_TABLES if not table.stays}
        stayed = {table.name: count_rows(conn, table, other_id) for table in CHILD_TABLES if table.stays}
        conn.execute(update(table_of(Contact)).where(C.id == survivor_id).values(**values, date_modified=now))
        conn.execute(
            update(table_of(Contact)).where(C.id == other_id).values(merged_into_id=survivor_id, deleted_at=now)
        )
        payload = {
            "version": 2,
            "survivor_before": before["survivor"],
            "other_before": before["other"],
            "survivor_after": raw_contact(conn, survivor_id),
            "moved": moved,
            "stayed": stayed,  # how many rows stayed with the other's family, which now follows the survivor
            "folded": folded,
        }
        record = insert(MergeRecord).values(
            winner_id=survivor_id, loser_id=other_id, merged_at=now, merged_by=actor, payload=payload
        )
        merge_id = conn.execute(record.returning(table_of(MergeRecord).c.id)).scalar_one()
        moved_counts = {
            table.name: stayed[table.name] if table.stays else len(moved[table.name]) for table in CHILD_TABLES
        }
        folded_counts = {name: len(entries) for name, entries in folded.items()}
        details = {
            "merge_id": merge_id,
            "merged": describe(current.other),
            "other_id": other_id,
            "changes": {change.label: f"{shown(change.old)} → {shown(change.new)}" for change in changes},
            "moved": _words(moved_counts),
            "folded": _words(folded_counts),
        }
        event = insert(Event).values(
            contact_id=survivor_id,
            type=MERGED_EVENT,
            occurred_at=now,
            label=f"Merged with {describe(current.other)}",
            details=details,
            actor=actor,
        )
        event_id = conn.execute(event.returning(table_of(Event).c.id)).scalar_one()
    return MergeResult(merge_id, survivor_id, other_id, moved_counts, folded_counts, changes, event_id)


def _words(counts: Mapping[str, int]) -> dict[str, int]:
    return {TABLES[name].plural: count for name, count in counts.items() if count}


def _check_fresh(preview: MergePreview, current: MergePreview) -> None:
    then, now = preview.fingerprint.split("."), current.fingerprint.split(".")
    changed = [who for who, old, new in zip((current.survivor, current.other), then, now, strict=True) if old != new]
    if len(changed) == 2:
        raise MergeRefused("Both contacts changed since the preview was made; look at the preview again.")
    if changed:
        raise MergeRefused(f"{describe(changed[0])} changed since the preview was made; look at the preview again.")
