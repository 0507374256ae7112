"""`dossier social add|remove CONTACT NETWORK HANDLE`: a contact's Mastodon, Bluesky or GitHub profile, for
scripts and for a profile the Social tab cannot show (a mistyped handle, an account that is gone).

`dossier show CONTACT` lists the profiles a contact has. Errors are raised, one sentence each, for `cli.main`:
`ContactNotFound`, `ProfileNotFound`, `SocialError` (an unknown network, text that is no handle there).
"""

from __future__ import annotations

import argparse

from cli.common import database, say
from cli.registry import Command, db_option

NETWORKS = ("mastodon", "bluesky", "github")  # services.social.PROVIDERS, named here so `-h` imports nothing


def _arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="social_action", metavar="ACTION", required=True)
    for action, text in (("add", "add a profile to the contact"), ("remove", "remove a profile and its cached feed")):
        child = actions.add_parser(action, help=text, description=text)
        child.add_argument("contact", help="id or email")
        child.add_argument("network", choices=NETWORKS)
        child.add_argument("handle", help="user@instance (Mastodon), a handle or DID (Bluesky), a user (GitHub)")
        db_option(child)


def _run(args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from services.social import SocialError, provider
    from store.contacts import resolve_contact
    from store.social import add_profile, find_profile, remove_profile

    network = provider(args.network)
    with database(args) as engine:
        contact_id, merged_from = resolve_contact(engine, args.contact)
        if merged_from is not None:
            say(f"Contact {merged_from} was merged into contact {contact_id}; using the survivor.")
        if args.social_action == "add":
            handle = network.normalize_handle(args.handle)
            add_profile(engine, contact_id, args.network, handle)
            print(one_line(f"Added {args.network}: {handle} to contact {contact_id}."))
            return 0
        try:  # as typed, and as the network writes it (a mistyped handle may be no handle at all)
            handles = [args.handle, network.normalize_handle(args.handle)]
        except SocialError:
            handles = [args.handle]
        account = find_profile(engine, contact_id, args.network, handles)
        remove_profile(engine, account.id)
    print(one_line(f"Removed {account.network}: {account.handle} and its cached feed from contact {contact_id}."))
    return 0


COMMANDS = (
    Command("social", "add or remove a contact's social profile (Mastodon, Bluesky, GitHub)", _arguments, _run),
)
