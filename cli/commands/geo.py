"""`dossier geo refresh [CONTACT] [--all] [--mmdb PATH]`: geolocate stored IP addresses, for scripts.

Errors are raised, one sentence each, for `cli.main` to print: `GeoIpError` (no usable City database),
`ContactNotFound`, `SettingsError` and `DatabaseError` (a locked or read-only file, reworded).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cli.common import database, say
from cli.registry import Command, db_option
from plain.words import plural


def _arguments(geo: argparse.ArgumentParser) -> None:
    """`geo refresh [CONTACT] [--all] [--mmdb PATH]`."""
    actions = geo.add_subparsers(dest="geo_action", metavar="ACTION", required=True)
    refresh = actions.add_parser(
        "refresh", help="look up the IP addresses not looked up yet (of one contact, or everyone's)"
    )
    refresh.add_argument("contact", nargs="?", help="only this contact's addresses (id or email)")
    refresh.add_argument(
        "--all", action="store_true", help="look up every address again, not only the ones never looked up"
    )
    refresh.add_argument("--mmdb", type=Path, metavar="PATH", help="City .mmdb file (default: geo.mmdb_path)")
    db_option(refresh)


def _run(args: argparse.Namespace) -> int:
    """Run `geo refresh` parsed by the parsers above; prints the summary and returns the exit code."""
    from services.geoip import database_note, lookup, open_reader
    from store.contacts import resolve_contact
    from store.ip_geo import refresh_locations
    from store.settings import load_settings

    mmdb = args.mmdb or _configured_mmdb(load_settings())
    reader = open_reader(mmdb)
    try:
        say(f"Using the {database_note(reader, embedded=not mmdb)}.")
        with database(args) as engine:
            contact_id = resolve_contact(engine, args.contact)[0] if args.contact else None
            summary = refresh_locations(
                engine,
                lambda ip: lookup(reader, ip),
                contact_id=contact_id,
                now=datetime.now(UTC),
                only_pending=not args.all,
            )
    finally:
        reader.close()
    whose = f"contact {contact_id}'s" if contact_id is not None else "all"
    print(
        f"Looked up {plural(summary.looked_up, 'IP address', 'IP addresses')} ({whose}): {summary.found:,} found, "
        f"{summary.unknown:,} unknown; {plural(summary.skipped_private, 'private address', 'private addresses')} "
        "skipped."
    )
    return 0


def _configured_mmdb(settings: Any) -> str | None:
    """`geo.mmdb_path` from the settings, or None when it is unset (or the settings have no `geo` section)."""
    path = getattr(getattr(settings, "geo", None), "mmdb_path", "")
    return str(path) if path else None


COMMANDS = (Command("geo", "IP geolocation: look up where contacts' IP addresses are", _arguments, _run),)
