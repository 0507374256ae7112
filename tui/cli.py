"""The `dossier` command: open the TUI, build a demo database, or answer scripts (search, show, config)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tui import cli_admin, cli_email, cli_export, cli_geo, cli_io, cli_mautic, cli_memberships, cli_merge, cli_vcard
from tui.cli_db import UserError, db_path

COMMANDS = (
    "demo",
    "search",
    "show",
    "email",
    "export",
    "config",
    *cli_memberships.COMMANDS,
    *cli_merge.COMMANDS,
    *cli_geo.COMMANDS,
    *cli_io.COMMANDS,
    *cli_admin.COMMANDS,
)


def _db_option(parser: argparse.ArgumentParser) -> None:
    from store.db import as_target

    parser.add_argument(
        "--db", type=as_target, help="database file or postgresql:// URL (default: $DOSSIER_DB or the user data dir)"
    )


def build_parser() -> argparse.ArgumentParser:
    from store.db import as_target

    parser = argparse.ArgumentParser(prog="dossier", description="A keyboard-driven terminal CRM.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="build a realistic demo database, then open it")
    demo.add_argument("--db", type=as_target, help="where to build it (default: demo.db in the user data dir)")
    demo.add_argument("--contacts", type=int, default=1000, help="how many contacts (default 1000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same data")
    demo.add_argument("--force", action="store_true", help="replace a demo database built before (never another file)")
    demo.add_argument("--no-open", action="store_true", help="build it without opening the app")

    search = sub.add_parser("search", help="find contacts by name, email, company or city")
    search.add_argument("query")
    _db_option(search)
    search.add_argument("--json", action="store_true", help="print one JSON document")
    search.add_argument("--limit", type=int, default=50)

    show = sub.add_parser("show", help="everything about one contact (id or email)")
    show.add_argument("contact")
    _db_option(show)
    show.add_argument("--json", action="store_true", help="print one JSON document")

    cli_email.add_parser(sub, _db_option)
    cli_memberships.add_parsers(sub, _db_option)
    cli_merge.add_parsers(sub, _db_option)
    cli_geo.add_parsers(sub, _db_option)
    imports = cli_io.add_import_parser(sub, _db_option)
    cli_vcard.add_import_vcard(imports, _db_option)
    cli_mautic.add_import_mautic(imports, _db_option)
    cli_export.add_parsers(sub, _db_option)
    cli_admin.add_parsers(sub, _db_option)
    sub.add_parser("config", help="print the effective settings, secrets masked")
    return parser


def build_open_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="A keyboard-driven terminal CRM. Commands: " + ", ".join(COMMANDS) + " (dossier COMMAND -h).",
    )
    _db_option(parser)
    parser.add_argument("contact", nargs="?", help="open this contact (id or email) directly")
    return parser


def _first_positional(argv: list[str]) -> str | None:
    """The first argument that is neither an option nor an option's value (`--db demo` is a path)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    import sqlalchemy.exc

    from services.geoip import GeoIpError
    from services.mailer import MailError
    from store.contacts import ContactNotFound
    from store.db import DatabaseError
    from store.memberships import GroupNotFound
    from store.merge import MergeError
    from store.out_file import OutputError
    from store.settings import SettingsError
    from store.templates import TemplateNotFound

    first = _first_positional(argv)
    try:
        if first in COMMANDS:
            args = build_parser().parse_args(argv)
            handlers = {
                "demo": _demo,
                "search": _search,
                "show": _show,
                "email": cli_email.run,
                "export": cli_export.handle,
                "config": _config,
                **dict.fromkeys(cli_memberships.COMMANDS, cli_memberships.handle),
                **dict.fromkeys(cli_merge.COMMANDS, cli_merge.handle),
                **dict.fromkeys(cli_geo.COMMANDS, cli_geo.handle),
                "import": _import,
                "db": cli_admin.handle,
            }
            handler = handlers[args.command]
        else:
            args = build_open_parser().parse_args(argv)
            handler = _open
        code = handler(args) or 0
        sys.stdout.flush()  # inside the try: a reader that went away is noticed here, not at exit
        return code
    except BrokenPipeError:
        # `dossier search x --json | head`: the reader stopped reading, as Unix programs expect; no traceback.
        # Standard output is pointed at /dev/null so Python's own flush at exit has nowhere to fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (
        DatabaseError,
        SettingsError,
        ContactNotFound,
        TemplateNotFound,
        GroupNotFound,
        MergeError,
        MailError,
        GeoIpError,
        OutputError,
        cli_vcard.VcardError,
        UserError,
    ) as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return 1
    except sqlalchemy.exc.DBAPIError as exc:  # the server went away, a lock timed out, …: one sentence
        from store.db import describe_error

        print(f"dossier: {describe_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _settings():
    from store.settings import load_settings

    return load_settings()


def _open(args: argparse.Namespace, path: Path | None = None) -> int:
    from store.contacts import resolve_contact
    from store.db import open_database
    from tui.factory import make_app

    settings = _settings()
    path = path or db_path(args)
    contact_id = merged_from = None
    if getattr(args, "contact", None):
        engine = open_database(path)
        try:
            contact_id, merged_from = resolve_contact(engine, args.contact)
        finally:
            engine.dispose()
    app = make_app(settings, path, contact_id=contact_id, merged_from=merged_from)
    app.run()
    return app.return_code or 0


def _demo(args: argparse.Namespace) -> int:
    from plain.words import plural
    from store.db import display_name, is_url
    from store.demo import DemoExists, build_demo
    from store.settings import demo_db_path

    if args.contacts < 1:
        raise UserError("--contacts must be at least 1.")
    path = args.db or demo_db_path()
    try:
        if is_url(path):
            summary = _demo_on_server(path, args)
        else:
            summary = build_demo(path, contacts=args.contacts, seed=args.seed, force=args.force)
    except DemoExists as exc:
        if not args.no_open:
            # Running `dossier demo` again opens the demo database built the first time, untouched.
            print(f"Opening the existing demo database {path} (pass --force to rebuild it).", file=sys.stderr)
            return _open(argparse.Namespace(contact=None), path)
        raise UserError(str(exc)) from exc
    print(
        f"Built {display_name(path)}: {plural(summary.contacts, 'contact')}, {plural(summary.events, 'event')}, "
        f"{plural(summary.notes, 'note')} in {summary.seconds:.1f} s.",
        file=sys.stderr,
    )
    if args.no_open:
        return 0
    return _open(argparse.Namespace(contact=None), path)


def _demo_on_server(url: str, args: argparse.Namespace):
    """The demo data set on a PostgreSQL server: built in a scratch SQLite file, then copied (`dossier db copy`)."""
    import tempfile

    from store.demo import build_demo
    from tui.cli_admin import copy_between

    if args.force:
        raise UserError("--force replaces a file; on a server, empty the database yourself first.")
    with tempfile.TemporaryDirectory() as scratch:
        summary = build_demo(Path(scratch) / "demo.db", contacts=args.contacts, seed=args.seed)
        copy_between(Path(scratch) / "demo.db", url)
    return summary


def _search(args: argparse.Namespace) -> int:
    from store.contacts import search_contacts
    from store.db import open_database

    engine = open_database(db_path(args))
    rows = search_contacts(engine, args.query, limit=max(1, args.limit))
    if args.json:
        print(json.dumps([_summary_json(row) for row in rows], ensure_ascii=False, indent=2))
    else:
        from plain.literal import one_line

        for row in rows:
            print(one_line(f"{row.id:>8}  {row.name}  <{row.email or ''}>  {row.company}  {row.city}"))
    if not rows:
        print(f"No contact matches {args.query!r}.", file=sys.stderr)
    return 0 if rows else 1


def _summary_json(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "company": row.company,
        "city": row.city,
        "points": row.points,
        "last_active": row.last_active.isoformat() if row.last_active else None,
    }


def _show(args: argparse.Namespace) -> int:
    from store.contacts import get_contact, resolve_contact
    from store.db import open_database

    engine = open_database(db_path(args))
    contact_id, merged_from = resolve_contact(engine, args.contact)
    detail = get_contact(engine, contact_id)
    if args.json:
        document = detail.to_json()
        if merged_from is not None:
            document["merged_from"] = merged_from
            document["note"] = f"Contact {merged_from} was merged into contact {contact_id}."
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    from tui.show_text import render_contact

    if merged_from is not None:
        print(f"Contact {merged_from} was merged into contact {contact_id}; showing the survivor.", file=sys.stderr)
    print(render_contact(detail))
    return 0


def _import(args: argparse.Namespace) -> int:
    if args.format == "vcard":
        return cli_vcard.handle_import_vcard(args)
    if args.format == "mautic":
        return cli_mautic.handle_import_mautic(args)
    return cli_io.handle_import(args)


def _config(args: argparse.Namespace) -> int:
    import tomli_w

    from store.db import display_name
    from store.settings import config_path, default_db_path, masked

    settings = _settings()
    print(f"# config file: {config_path()}{'' if config_path().exists() else ' (not present; defaults)'}")
    print(f"# database: {display_name(default_db_path())}")
    print(tomli_w.dumps(masked(settings)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
