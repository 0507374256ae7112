"""`dossier dnc add|remove CONTACT`: mark a contact as not to be contacted on a channel, or contactable again.

For a contact that came from Mautic the change is queued for Mautic too (`dossier sync mautic` sends it).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cli.common import database
from cli.registry import Command, db_option


def _arguments(parser: argparse.ArgumentParser) -> None:
    from store.dnc_reasons import REASONS

    actions = parser.add_subparsers(dest="dnc_action", metavar="ACTION", required=True)
    for action, text in (("add", "mark the contact as not to be contacted"), ("remove", "make it contactable again")):
        child = actions.add_parser(action, help=text)
        child.add_argument("contact", help="id or email")
        child.add_argument("--channel", default="email", help="the channel (default: email)")
        if action == "add":
            child.add_argument("--reason", choices=REASONS, default="manual", help="why (default: manual)")
            child.add_argument("--comments", default="", help="a note kept with the record")
        db_option(child)


def _run(args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from store.contacts import resolve_contact
    from store.do_not_contact import set_do_not_contact
    from store.settings import load_settings

    blocked = args.dnc_action == "add"
    with database(args) as engine:
        contact_id, _merged_from = resolve_contact(engine, args.contact)
        changed = set_do_not_contact(
            engine,
            contact_id,
            args.channel,
            blocked,
            reason=getattr(args, "reason", "manual"),
            comments=getattr(args, "comments", ""),
            actor=load_settings().user.name,
            now=datetime.now(UTC),
        )
    state = "not to be contacted" if blocked else "contactable"
    print(one_line(f"Contact {contact_id} is {state} by {args.channel}{'' if changed else ' (it already was)'}."))
    return 0


COMMANDS = (Command("dnc", "do not contact: add or remove a contact's do-not-contact record", _arguments, _run),)
