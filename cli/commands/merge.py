"""`dossier merge WINNER LOSER`, `dossier unmerge MERGE_ID` and `dossier duplicates [CONTACT]`, for scripts.

Errors are raised, one sentence each, for `cli.main` to print: `MergeError` (a refused merge or undo,
an unknown merge id), `ContactNotFound`, and `DatabaseError` (a locked or read-only file, reworded).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cli.common import database, progress_bar
from cli.output import print_json
from cli.registry import Command, db_option
from plain.json_text import jsonable

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from store.merge.merging import MergePreview
    from store.rows import ContactSummary


def _merge_arguments(merge: argparse.ArgumentParser) -> None:
    merge.add_argument("winner", metavar="WINNER", help="the contact that stays (id or email)")
    merge.add_argument("loser", metavar="LOSER", help="the contact merged into it (id or email)")
    merge.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing")
    merge.add_argument("--json", action="store_true", help="print one JSON document")
    db_option(merge)


def _unmerge_arguments(unmerge: argparse.ArgumentParser) -> None:
    unmerge.add_argument("merge_id", metavar="MERGE_ID", type=_merge_id, help="the merge's number")
    unmerge.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing")
    unmerge.add_argument("--json", action="store_true", help="print one JSON document")
    db_option(unmerge)


def _duplicates_arguments(duplicates: argparse.ArgumentParser) -> None:
    duplicates.add_argument("contact", nargs="?", help="only the likely duplicates of this contact (id or email)")
    duplicates.add_argument("--json", action="store_true", help="print one JSON document")
    duplicates.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    db_option(duplicates)


def _merge_id(value: str) -> int:
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    raise argparse.ArgumentTypeError(f"{value!r} is not a merge number")


def _with_database(run):
    def command(args: argparse.Namespace) -> int:
        with database(args) as engine:
            return run(engine, args)

    return command


def _contact(engine: Engine, ref: str, role: str) -> int:
    """A contact by id or email that was not merged away: merging follows no pointers silently."""
    from store.contacts import resolve_contact
    from store.merge.merging import MergeRefused

    contact_id, merged_from = resolve_contact(engine, ref)
    if merged_from is None:
        return contact_id
    if role == "winner":
        raise MergeRefused(f"Contact {merged_from} was merged into contact {contact_id}; merge into that one instead.")
    raise MergeRefused(f"Contact {merged_from} was already merged into contact {contact_id}; nothing is left to merge.")


def _merge(engine: Engine, args: argparse.Namespace) -> int:
    from store.merge.merging import merge_contacts, preview_merge
    from store.settings import load_settings

    winner, loser = _contact(engine, args.winner, "winner"), _contact(engine, args.loser, "loser")
    now = datetime.now(UTC)
    preview = preview_merge(engine, winner, loser, now=now)
    if args.dry_run:
        if args.json:
            print_json(preview.to_json())
        else:
            _print_preview(preview)
        return 0
    result = merge_contacts(engine, preview, actor=load_settings().user.name, now=now)
    if args.json:
        changes = [{"field": c.name, "label": c.label, "old": c.old, "new": c.new} for c in result.changes]
        document = {
            "merge_id": result.merge_id,
            "survivor_id": result.survivor_id,
            "other_id": result.other_id,
            "moved": result.moved,
            "folded": result.folded,
            "changes": changes,
        }
        print_json(jsonable(document))
        return 0
    from plain.literal import one_line
    from store.merge.merging import describe

    moved = _counts(result.moved) or "nothing"
    folded = _counts(result.folded)
    print(one_line(f"Merged {describe(preview.other)} into {describe(preview.survivor)} as merge {result.merge_id}."))
    print(f"Moved {moved}" + (f"; folded {folded}" if folded else "") + ".")
    print(f"Undo it with: dossier unmerge {result.merge_id}")
    return 0


def _counts(counts: dict[str, int]) -> str:
    from store.merge.tables import TABLES

    return ", ".join(TABLES[name].words(count) for name, count in counts.items() if count)


def _print_preview(preview: MergePreview) -> None:
    from plain.literal import one_line
    from store.merge.merging import describe
    from store.merge.rules import shown

    print(one_line(f"Merging {describe(preview.other)} into {describe(preview.survivor)} would keep:"))
    same = 0
    for field in preview.fields:
        if not field.differs and field.choice != "both":
            same += 1
            continue
        kept = {"survivor": "survivor's", "other": "other's", "both": "both"}[field.choice]
        line = f"  {field.label}: {shown(field.merged)}  ({kept}; survivor {shown(field.survivor)}, "
        print(one_line(line + f"other {shown(field.other)})"))
    if same:
        print(f"  {same} other field{'s are' if same != 1 else ' is'} the same on both.")
    moving = {child.table: child.moving for child in preview.children}
    print(f"It would move {_counts(moving) or 'nothing'}.")
    for sentence in preview.folds:
        print(one_line(f"  {sentence}"))


def _unmerge(engine: Engine, args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from store.merge.undo import plan_unmerge, unmerge
    from store.settings import load_settings

    plan = plan_unmerge(engine, args.merge_id)
    if args.dry_run:
        if args.json:
            print_json({"merge_id": plan.merge_id, "actions": plan.actions, "conflicts": plan.conflicts})
        else:
            for sentence in (*plan.actions, *plan.conflicts):
                print(one_line(sentence))
        return 0
    result = unmerge(engine, args.merge_id, actor=load_settings().user.name, now=datetime.now(UTC))
    if args.json:
        document = {
            "merge_id": result.merge_id,
            "survivor_id": result.survivor_id,
            "other_id": result.other_id,
            "moved_back": result.moved_back,
            "restored_folds": result.restored_folds,
            "conflicts": result.conflicts,
        }
        print_json(jsonable(document))
        return 0
    from store.merge.merging import describe

    print(one_line(f"Undid merge {result.merge_id}: {describe(plan.other)} is a separate contact again."))
    print(f"Moved back {_counts(result.moved_back) or 'nothing'}.")
    for sentence in result.conflicts:
        print(one_line(f"Kept: {sentence}"))
    return 0


def _summary_json(row: ContactSummary) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "email": row.email, "company": row.company, "city": row.city}


def _duplicates(engine: Engine, args: argparse.Namespace) -> int:
    from store.merge.duplicates import find_duplicates_for

    limit = max(1, args.limit)
    if args.contact:
        contact_id = _contact(engine, args.contact, "winner")
        found: list[Any] = find_duplicates_for(engine, contact_id, limit=limit)
        documents = [{**_summary_json(c.contact), "reasons": c.reasons} for c in found]
        lines = [f"{_line(c.contact)}: {'; '.join(c.reasons)}" for c in found]
    else:
        found = _all_duplicates(engine, limit, quiet=args.json)
        documents = [
            {"first": _summary_json(p.first), "second": _summary_json(p.second), "reasons": p.reasons} for p in found
        ]
        lines = [f"{_line(p.first)}  &  {_line(p.second).lstrip()}: {'; '.join(p.reasons)}" for p in found]
    if args.json:
        print_json(jsonable(documents))
    else:
        from plain.literal import one_line

        for line in lines:
            print(one_line(line))
    if not found:
        print("No likely duplicates found.", file=sys.stderr)
    return 0 if found else 1


STAGES = {"emails": "equal emails", "phones": "equal phones", "names": "comparing names"}


def _all_duplicates(engine: Engine, limit: int, *, quiet: bool) -> list[Any]:
    """The whole-database search, with its stage and progress on standard error when that is a terminal (never
    for --json, whose reader is a program)."""
    from store.merge.duplicate_pairs import find_all_duplicates

    if quiet:
        return find_all_duplicates(engine, limit=limit)
    with progress_bar("[bold]Looking for duplicates", "{task.fields[stage]}", bar=True) as bar:
        task = bar.add_task("duplicates", total=None, stage="")

        def advance(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, stage=STAGES[stage])

        return find_all_duplicates(engine, limit=limit, progress=advance)


def _line(row: ContactSummary) -> str:
    return f"{row.id:>8}  {row.name} <{row.email or ''}>"


COMMANDS = (
    Command(
        "merge",
        "merge LOSER into WINNER (ids or emails); undo with `dossier unmerge`",
        _merge_arguments,
        _with_database(_merge),
    ),
    Command("unmerge", "undo a merge: both contacts back as they were", _unmerge_arguments, _with_database(_unmerge)),
    Command(
        "duplicates",
        "likely duplicate contacts, with the reasons they match",
        _duplicates_arguments,
        _with_database(_duplicates),
    ),
)
