"""Undoing a merge: both contacts back as they were, as far as later changes allow.

The other contact comes back with its events (they never left it: store/family.py), exactly the rows that
moved go back to it (by id), folded rows are put back and the survivor's fields get their values from before
the merge. A change made after the merge wins over the undo: a field edited since keeps its new value, points
gained since stay, a moved row deleted since stays deleted. `plan_unmerge` says all this in sentences before
anything is done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.engine import Connection

from store.db import db_time, writing
from store.merge.merging import MergeNotFound, MergeRefused, describe
from store.merge.rules import DERIVED, FIELD_LABELS, shown
from store.merge.tables import (
    CHILD_TABLES,
    TABLES,
    ChildTable,
    count_present,
    count_rows,
    get_row,
    insert_row,
    move_back,
    raw_contact,
    update_contact,
    update_row,
)
from store.models import Event, MergeRecord, table_of
from store.rows import ContactSummary, summary_of

UNMERGED_EVENT = "lead.unmerged"
LABELS = {**FIELD_LABELS, "custom_fields": "Custom fields"}
M = table_of(MergeRecord).c


@dataclass(frozen=True, slots=True)
class UnmergePlan:
    """What undoing a merge will do, and the later changes it will keep (`conflicts`), in sentences."""

    merge_id: int
    survivor: ContactSummary
    other: ContactSummary
    merged_at: datetime
    merged_by: str
    actions: tuple[str, ...]
    conflicts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnmergeResult:
    """A done undo: the rows moved back and folds restored per table, and the later changes kept."""

    merge_id: int
    survivor_id: int
    other_id: int
    moved_back: dict[str, int]
    restored_folds: dict[str, int]
    conflicts: tuple[str, ...]
    event_id: int


@dataclass(frozen=True, slots=True)
class _Work:
    plan: UnmergePlan
    payload: dict[str, Any]
    survivor_values: dict[str, Any]  # raw column values to write back
    touch_modified: bool  # some fields go back, others keep later edits: the contact is modified now
    folds: list[tuple[str, dict[str, Any], bool]]  # table, merge record entry, restore the survivor's row


def _shown_raw(name: str, value: Any) -> str:
    """A raw stored value as `shown` writes the typed one."""
    if name in ("date_added", "last_active") and isinstance(value, str):
        value = datetime.fromisoformat(value)
    if name in ("tags", "custom_fields") and isinstance(value, str):
        value = json.loads(value)
        if isinstance(value, dict):
            value = [f"{key}: {item}" for key, item in value.items()]
    return shown(value)


def _plan(conn: Connection, merge_id: int) -> _Work:
    record = conn.execute(select(table_of(MergeRecord)).where(M.id == merge_id)).first()
    if record is None:
        raise MergeNotFound(f"No merge has the id {merge_id}.")
    if record.undone_at is not None:
        raise MergeRefused(f"Merge #{merge_id} was already undone on {record.undone_at:%Y-%m-%d %H:%M} (UTC).")
    payload = record.payload
    survivor_id, other_id = record.winner_id, record.loser_id
    mine, theirs = raw_contact(conn, survivor_id), raw_contact(conn, other_id)
    if mine is None or theirs is None:
        raise MergeRefused(f"A contact of merge #{merge_id} no longer exists; the merge cannot be undone.")
    if mine["merged_into_id"] is not None:
        raise MergeRefused(
            f"{describe(summary_of(mine))} was merged into #{mine['merged_into_id']} since; undo that merge first."
        )
    if theirs["merged_into_id"] != survivor_id:
        raise MergeRefused(f"{describe(summary_of(theirs))} is no longer merged into #{survivor_id}; nothing to undo.")
    conflicts: list[str] = []
    values, touch_modified, restored = _plan_fields(mine, payload, conflicts)
    moving = _plan_rows(conn, survivor_id, other_id, payload, conflicts)
    folds = _plan_folds(conn, survivor_id, payload, conflicts)
    other = describe(summary_of(theirs))
    actions = [f"Restore {other} as a separate contact."]
    if moving:
        actions.append(f"Move back {_join(moving)} to {other}.")
    if folds:
        actions.append(f"Put back {len(folds):,} of {other}'s rows that were folded into the survivor's.")
    if restored:
        actions.append(f"Give {describe(summary_of(mine))} back its values for {_join(restored)}.")
    plan = UnmergePlan(
        merge_id=merge_id,
        survivor=summary_of(mine),
        other=summary_of(theirs),
        merged_at=record.merged_at,
        merged_by=record.merged_by,
        actions=tuple(actions),
        conflicts=tuple(conflicts),
    )
    return _Work(plan, payload, values, touch_modified, folds)


def _plan_fields(
    mine: dict[str, Any], payload: dict[str, Any], conflicts: list[str]
) -> tuple[dict[str, Any], bool, list[str]]:
    """The survivor's raw values to restore, whether to mark it modified now, and the labels restored."""
    before, after = payload["survivor_before"], payload["survivor_after"]
    values: dict[str, Any] = {}
    restored = []
    for name, label in LABELS.items():
        if before[name] == after[name]:
            continue
        if name == "points":
            gained = mine["points"] - after["points"]
            values["points"] = before["points"] + gained
            if gained:
                conflicts.append(
                    f"Points changed by {gained:+,} after the merge; the survivor keeps that change "
                    f"and goes back to {before['points'] + gained:,}."
                )
        elif mine[name] != after[name]:
            conflicts.append(
                f"{label} was changed after the merge; the survivor keeps {_shown_raw(name, mine[name])} "
                f"(it was {_shown_raw(name, before[name])} before the merge)."
            )
            continue
        else:
            values[name] = before[name]
            if name in DERIVED:
                values[DERIVED[name]] = before[DERIVED[name]]
        restored.append(label.lower())
    if not conflicts and mine["date_modified"] == after["date_modified"]:
        values["date_modified"] = before["date_modified"]
        return values, False, restored
    return values, bool(values), restored


def _plan_rows(
    conn: Connection, survivor_id: int, other_id: int, payload: dict[str, Any], conflicts: list[str]
) -> list[str]:
    moving = []
    for table in CHILD_TABLES:
        keys = payload["moved"].get(table.name, [])
        recorded = len(keys) or payload.get("stayed", {}).get(table.name, 0)
        if not recorded:
            continue
        present = _going_back(conn, table, survivor_id, other_id, keys)
        if present:
            moving.append(table.words(present))
        if present < recorded:
            gone = recorded - present
            was, stays = ("was", "it stays") if gone == 1 else ("were", "they stay")
            conflicts.append(f"{table.words(gone)} that moved in the merge {was} deleted since; {stays} deleted.")
    return moving


def _going_back(conn: Connection, table: ChildTable, survivor_id: int, other_id: int, keys: list[Any]) -> int:
    """How many of the table's rows go back to the other contact: those moved (by key) still at the survivor,
    or, for rows that stayed with the other's family (merges since version 2), all of that family's."""
    if keys:
        return count_present(conn, table, survivor_id, keys)
    return count_rows(conn, table, other_id) if table.stays else 0


def _plan_folds(
    conn: Connection, survivor_id: int, payload: dict[str, Any], conflicts: list[str]
) -> list[tuple[str, dict[str, Any], bool]]:
    folds = []
    for name, entries in payload["folded"].items():
        table = TABLES[name]
        for entry in entries:
            now = get_row(conn, table, survivor_id, entry["survivor_key"])
            if now is None:
                conflicts.append(
                    f"The survivor's {table.singular} that the other's was folded into was removed after the merge; "
                    "the other's stays removed too."
                )
                continue
            unchanged = all(now[column] == value for column, value in entry["after"].items())
            if not unchanged:
                conflicts.append(
                    f"The survivor's {table.singular} that the other's was folded into changed after the merge; "
                    "it keeps its current values."
                )
            folds.append((name, entry, unchanged))
    return folds


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def plan_unmerge(engine: Engine, merge_id: int) -> UnmergePlan:
    """What `unmerge` would do now, and which later changes it would keep. Raises `MergeNotFound`, or
    `MergeRefused` when the merge cannot be undone (already undone, or a contact merged again since)."""
    with engine.connect() as conn:
        return _plan(conn, merge_id).plan


def unmerge(engine: Engine, merge_id: int, *, actor: str, now: datetime) -> UnmergeResult:
    """Undo a merge in one transaction, as `plan_unmerge` describes, and record "Merge undone" in the
    survivor's History. Raises `MergeNotFound` or `MergeRefused` (see `plan_unmerge`)."""
    with writing(engine) as conn:
        # Write first: the lock is taken before the plan is made, so the plan is what gets done.
        conn.execute(text("UPDATE merge_record SET undone_at = undone_at WHERE id = :id"), {"id": merge_id})
        work = _plan(conn, merge_id)
        plan = work.plan
        survivor_id, other_id = plan.survivor.id, plan.other.id
        moved_back = {}
        for table in CHILD_TABLES:
            keys = work.payload["moved"].get(table.name, [])
            if keys:
                moved_back[table.name] = move_back(conn, table, survivor_id, other_id, keys)
            else:  # they stayed with the other contact, and come back with it
                moved_back[table.name] = _going_back(conn, table, survivor_id, other_id, keys)
        restored_folds = dict.fromkeys(work.payload["folded"], 0)
        for name, entry, restore_mine in work.folds:
            table = TABLES[name]
            if restore_mine and entry["before"]:
                update_row(conn, table, survivor_id, entry["survivor_key"], entry["before"])
            insert_row(conn, table, entry["other"])
            restored_folds[name] += 1
        values = dict(work.survivor_values)
        if work.touch_modified:
            values["date_modified"] = db_time(now.astimezone(UTC))
        update_contact(conn, survivor_id, values)
        before = work.payload["other_before"]
        update_contact(conn, other_id, {"merged_into_id": before["merged_into_id"], "deleted_at": before["deleted_at"]})
        conn.execute(update(table_of(MergeRecord)).where(M.id == merge_id).values(undone_at=now))
        details = {
            "merge_id": merge_id,
            "restored": describe(plan.other),
            "moved_back": {TABLES[name].plural: count for name, count in moved_back.items() if count},
            "kept": " ".join(plan.conflicts),
        }
        event = insert(Event).values(
            contact_id=survivor_id,
            type=UNMERGED_EVENT,
            occurred_at=now,
            label=f"Merge undone: {describe(plan.other)} is separate again",
            details={key: value for key, value in details.items() if value},
            actor=actor,
        )
        event_id = conn.execute(event.returning(table_of(Event).c.id)).scalar_one()
    return UnmergeResult(merge_id, survivor_id, other_id, moved_back, restored_folds, plan.conflicts, event_id)
