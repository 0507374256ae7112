"""`dossier sync mautic` (and `dossier import mautic`, its first run): two-way sync with a live Mautic instance.

A run first sends the changes made here (notes, segment and campaign switches, do-not-contact) that wait in
the outbox, then brings in what changed in Mautic (store/interchange/mautic_sync.py). The instance and the
user come from `--url`/`--user` or the `[mautic]` settings; the password or OAuth2 client secret from
`$DOSSIER_MAUTIC__SECRET` (or `$DOSSIER_MAUTIC_PASSWORD`), the keyring, or a prompt on a terminal: never an
argument, so it stays out of shell history and `ps`. A run that stops (network, server, Ctrl+C) keeps
everything it finished; the next run resumes. `dossier sync status` lists what waits for Mautic, and
`dossier sync resolve ID mine|theirs` settles a refused or conflicting change.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cli.common import database, print_failures, progress_bar, say
from cli.output import print_json
from cli.registry import Command, db_option
from plain.errors import UserError
from plain.words import plural

if TYPE_CHECKING:
    from services.mautic import MauticClient
    from store.settings import MauticSettings


def _connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="the instance's base URL (default: mautic.url), e.g. https://mautic.example.com")
    parser.add_argument("--user", help="a Mautic user, or the OAuth2 client id (default: mautic.user)")
    parser.add_argument("--auth", choices=("basic", "oauth2"), help="basic (a user) or oauth2 (client credentials)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="per request (default: mautic.timeout, 30)")
    parser.add_argument(
        "--retries", type=int, default=5, metavar="N", help="attempts per request on 5xx or a dropped connection"
    )
    db_option(parser)


def add_import(import_subparsers: Any) -> None:
    """Add `mautic` to the `dossier import` format subparsers: the first run of `dossier sync mautic`."""
    parser = import_subparsers.add_parser(
        "mautic",
        help="contacts, activity, notes, segments, campaigns and emails from a Mautic instance (its API)",
    )
    _connection_options(parser)
    parser.set_defaults(run_import=_sync)


def _arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="sync_action", metavar="WHAT", required=True)
    _connection_options(actions.add_parser("mautic", help="send the changes made here, then bring in Mautic's"))
    status = actions.add_parser("status", help="what waits for Mautic: pending, refused and conflicting changes")
    status.add_argument("--json", action="store_true", help="print one JSON document")
    db_option(status)
    resolve = actions.add_parser("resolve", help="settle a refused or conflicting change")
    resolve.add_argument("change", type=int, metavar="ID", help="the change's number (dossier sync status)")
    resolve.add_argument("keep", choices=("mine", "theirs"), help="mine: send it again, overwriting; theirs: drop it")
    db_option(resolve)


def _run(args: argparse.Namespace) -> int:
    return {"mautic": _sync, "status": _status, "resolve": _resolve}[args.sync_action](args)


def _secret(settings: MauticSettings, user: str) -> str:
    secret = (
        settings.resolve_secret()
        if user == settings.user
        else settings.model_copy(update={"user": user}).resolve_secret()
    )
    if secret:
        return secret
    if not sys.stdin.isatty():
        raise UserError(
            f"Set DOSSIER_MAUTIC__SECRET to the Mautic password (or client secret) of {user}, or keep it in the "
            "keyring (service dossier-mautic); there is no terminal to ask on."
        )
    import getpass

    try:
        secret = getpass.getpass(f"Mautic password (or client secret) for {user}: ")
    except EOFError:
        secret = ""
    if not secret:
        raise UserError("No password given; nothing was synced.")
    return secret


def _client(args: argparse.Namespace, on_wait: Any) -> tuple[MauticClient, str]:
    from services.mautic import MauticClient
    from store.interchange.mautic_sync import source_name
    from store.settings import load_settings

    settings = load_settings().mautic
    url, user = args.url or settings.url, args.user or settings.user
    if not url or not user:
        raise UserError(
            "Name the Mautic instance and user: --url and --user, or mautic.url and mautic.user in the settings."
        )
    auth = args.auth or settings.auth
    client = MauticClient(
        url,
        user,
        _secret(settings, user),
        auth=auth,
        timeout=args.timeout or settings.timeout,
        retries=args.retries,
        on_wait=on_wait,
    )
    return client, source_name(url)


def _sync(args: argparse.Namespace) -> int:
    """Push, then pull, with a progress bar; prints a summary. Exit code 1 when it stopped early or something failed."""
    from services.mautic import MauticError
    from services.mautic.push import PushSummary
    from services.mautic.round import sync_round
    from store.interchange.mautic_sync import MauticSummary

    summary, stopped = MauticSummary(), None
    with progress_bar("[bold]Mautic", "{task.fields[stage]}", "{task.fields[counts]}") as bar:
        task = bar.add_task("mautic", total=None, stage="connecting", counts="")

        def waiting(until: datetime) -> None:
            bar.update(task, stage=f"waiting for Mautic's hourly API limit (until {until.astimezone():%H:%M})")

        client, origin = _client(args, waiting)
        with client:
            try:
                # Wrong URL, credentials or a disabled API are found before the database is created or touched.
                summary.total = client.check()
            except MauticError as exc:
                raise UserError(str(exc)) from exc
            with database(args, create=True) as engine:

                def tell(stage: str) -> None:
                    bar.update(task, stage=stage)

                def advance(done: MauticSummary) -> None:
                    counts = " · ".join(
                        (plural(done.rows, "contact"), plural(done.events, "event"), plural(client.requests, "request"))
                    )
                    bar.update(task, stage=done.stage, counts=counts)

                pushed = PushSummary()
                try:
                    pushed = sync_round(engine, client, origin, summary, stage=tell, progress=advance)
                except MauticError as exc:
                    stopped = str(exc)
                except KeyboardInterrupt:
                    stopped = "Interrupted."
    print_failures(summary.failed)
    sent = f"sent {plural(pushed.sent, 'change')}"
    if pushed.refused or pushed.conflicts or pushed.waiting:
        sent += f" ({pushed.refused:,} refused, {pushed.conflicts:,} in conflict, {pushed.waiting:,} waiting)"
    counts = (
        f"{sent}; {plural(summary.created, 'contact')} created, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged, "
        f"{summary.deleted:,} deleted, {summary.merged:,} merged, {len(summary.failed):,} failed; "
        f"{plural(summary.events, 'event')}, {plural(summary.notes, 'note')}, {plural(summary.segments, 'segment')}, "
        f"{plural(summary.campaigns, 'campaign')}, {plural(summary.templates, 'email template')}; "
        f"{plural(client.requests, 'request')}"
    )
    if pushed.problem:
        say(f"dossier: {pushed.problem}")
    if stopped is not None:
        say(f"dossier: {stopped}")
        print(f"Stopped after {plural(summary.rows, 'contact')} ({counts}). Run the same command again to resume.")
        return 1
    print(f"Synced with {client.base_url}: {counts}.")
    if pushed.refused or pushed.conflicts:
        say("Some changes need you: dossier sync status lists them, dossier sync resolve settles each.")
    return 1 if summary.failed or pushed.refused or pushed.conflicts else 0


def _status(args: argparse.Namespace) -> int:
    from plain.literal import one_line
    from store.sync.outbox import CONFLICT, PENDING, REFUSED, changes
    from store.sync.sources import sources

    with database(args) as engine:
        known = sources(engine)
        queued = changes(engine, states=(PENDING, REFUSED, CONFLICT))
    if args.json:
        document = {
            "sources": [{"id": i, "name": n, "synced_at": t.isoformat() if t else None} for i, n, t in known],
            "changes": [
                {"id": c.id, "contact_id": c.contact_id, "contact": c.contact_name, "action": c.action, "what": c.what,
                 "state": c.state, "message": c.message, "created_at": c.created_at.isoformat()}
                for c in queued
            ],
        }  # fmt: skip
        print_json(document)
        return 0
    for _id, name, synced in known:
        when = synced.astimezone().strftime("%Y-%m-%d %H:%M") if synced else "not finished yet"
        print(one_line(f"{name}: last synced {when}"))
    if not queued:
        print("Nothing waits for Mautic.")
    for change in queued:
        about = f" ({change.what})" if change.what else ""
        note = f" — {change.message}" if change.message else ""
        print(one_line(f"{change.id:>6}  {change.state:<8}  {change.action:<15}  {change.contact_name}{about}{note}"))
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from store.sync.outbox import CONFLICT, REFUSED, changes, forget, release

    with database(args) as engine:
        held = {c.id: c for c in changes(engine, states=(REFUSED, CONFLICT))}
        if args.change not in held:
            raise UserError(
                f"No refused or conflicting change has the number {args.change}; dossier sync status lists them."
            )
        if args.keep == "mine":
            release(engine, args.change, force=True)
            say(f"Change {args.change} will be sent again at the next sync, overwriting Mautic's version.")
        else:
            forget(engine, args.change)
            say(f"Change {args.change} was dropped; the next sync brings Mautic's version.")
    return 0


COMMANDS = (Command("sync", "two-way sync with a live Mautic instance; status and conflicts", _arguments, _run),)
