"""`dossier search QUERY` and `dossier show CONTACT`: answers for scripts and mail clients, read only."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import reading, say
from cli.output import print_json
from cli.registry import Command, db_option


def _search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query")
    db_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--limit", type=int, default=50)


def _search(args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from store.lookup import search_summaries

    with reading(args) as (run, dialect):
        rows = search_summaries(run, dialect, args.query, limit=max(1, args.limit))
    if args.json:
        print_json([_summary_json(row) for row in rows])
    else:
        for row in rows:
            print(one_line(f"{row.id:>8}  {row.name}  <{row.email or ''}>  {row.company}  {row.city}"))
    if not rows:
        say(f"No contact matches {args.query!r}.")
    return 0 if rows else 1


def _summary_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "company": row.company,
        "city": row.city,
        "points": row.points,
        "last_active": row.last_active.isoformat() if row.last_active else None,
    }


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("contact")
    db_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def _show(args: argparse.Namespace) -> int:
    from cli.show_text import render_contact
    from store.contact_page import contact_detail, resolve

    with reading(args) as (run, _dialect):
        contact_id, merged_from = resolve(run, args.contact)
        detail = contact_detail(run, contact_id)
    if args.json:
        document = detail.to_json()
        if merged_from is not None:
            document["merged_from"] = merged_from
            document["note"] = f"Contact {merged_from} was merged into contact {contact_id}."
        print_json(document)
        return 0
    if merged_from is not None:
        say(f"Contact {merged_from} was merged into contact {contact_id}; showing the survivor.")
    print(render_contact(detail))
    return 0


COMMANDS = (
    Command("search", "find contacts by name, email, company or city", _search_arguments, _search),
    Command("show", "everything about one contact (id or email)", _show_arguments, _show),
)
