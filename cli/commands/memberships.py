"""`dossier segments|campaigns CONTACT` and `dossier segment|campaign add|remove NAME CONTACT`, for scripts.

Errors are raised, one sentence each, for `cli.main` to print: `ContactNotFound`, `GroupNotFound` and
`DatabaseError` (a locked or read-only file, reworded by `describe_error`).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cli.common import database, say
from cli.output import print_json
from cli.registry import Command, db_option

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from store.memberships import GroupState


def _listing(kind: str):
    def arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("contact")
        db_option(parser)
        parser.add_argument("--json", action="store_true", help="print one JSON document")
        parser.set_defaults(kind=kind)

    return arguments


def _changing(kind: str):
    def arguments(change: argparse.ArgumentParser) -> None:
        actions = change.add_subparsers(dest="action", metavar="ACTION", required=True)
        for action, verb in (("add", "add the contact to"), ("remove", "remove the contact from")):
            parser = actions.add_parser(action, help=f"{verb} the {kind} (name, alias or id)")
            parser.add_argument("name", metavar="NAME")
            parser.add_argument("contact")
            db_option(parser)
        change.set_defaults(kind=kind)

    return arguments


def _resolve(engine: Engine, ref: str) -> int:
    from store.contacts import resolve_contact

    contact_id, merged_from = resolve_contact(engine, ref)
    if merged_from is not None:
        say(f"Contact {merged_from} was merged into contact {contact_id}; using the survivor.")
    return contact_id


def _list(args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from store.memberships import list_groups

    with database(args) as engine:
        states = list_groups(engine, args.kind, _resolve(engine, args.contact))
    if args.json:
        document = [
            {
                "id": s.id,
                "name": s.name,
                "member": s.member,
                "published": s.is_published,
                "manually_added": s.manually_added,
                "manually_removed": s.manually_removed,
            }
            for s in states
        ]
        print_json(document)
        return 0
    width = max((len(str(s.id)) for s in states), default=1)
    for s in states:
        notes = ", ".join(note for flag, note in _notes(s) if flag)
        suffix = f"  ({notes})" if notes else ""
        print(f"{'on ' if s.member else 'off'}  {s.id:>{width}}  {one_line(s.name)}{suffix}")
    if not states:
        say(f"There are no {args.kind}s yet.")
    return 0


def _notes(state: GroupState) -> tuple[tuple[bool, str], ...]:
    return (
        (state.manually_added, "added by hand"),
        (state.manually_removed, "removed by hand"),
        (not state.is_published, "unpublished"),
    )


def _change(args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from store.memberships import find_group, set_membership
    from store.settings import load_settings

    actor = load_settings().user.name
    with database(args) as engine:
        contact_id = _resolve(engine, args.contact)
        group = find_group(engine, args.kind, args.name)
        now = datetime.now(UTC)
        state = set_membership(engine, args.kind, group.id, contact_id, args.action == "add", actor=actor, now=now)
    # The resulting state, whether or not this call changed it: adding twice is not an error.
    where = "in" if state.member else "not in"
    print(f"Contact {contact_id} is {where} {args.kind} {one_line(state.name)}.")
    return 0


COMMANDS = tuple(
    command
    for kind in ("segment", "campaign")
    for command in (
        Command(f"{kind}s", f"every {kind}, and whether a contact (id or email) is in it", _listing(kind), _list),
        Command(kind, f"add a contact to a {kind} or remove it", _changing(kind), _change),
    )
)
