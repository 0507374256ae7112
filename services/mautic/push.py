"""Sending the changes queued for Mautic (`store.sync.outbox`), oldest first.

A change that arrives leaves the queue. When Mautic cannot be reached (a network failure, 5xx, a rate limit
too long to wait for) the push stops, keeping that change and every later one for the next try: changes to
one contact must arrive in the order they were made. When Mautic refuses a change (4xx) it is kept as
"refused" with Mautic's sentence. A note edited here and, since the last sync, in Mautic too is kept as a
"conflict": the user chooses which version stays (`outbox.release(..., force=True)` sends ours anyway,
`outbox.forget` keeps theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update

from services.mautic.client import MauticClient, number
from services.mautic.errors import MauticError
from store.db import writing
from store.interchange.mautic_records import note_digest
from store.models import Campaign, Note, Segment, table_of
from store.sync import outbox
from store.sync.outbox import QueuedChange
from store.sync.sources import remote_contact

_N = table_of(Note).c
RETRY_AFTER = timedelta(minutes=5)


@dataclass(slots=True)
class PushSummary:
    sent: int = 0
    refused: int = 0
    conflicts: int = 0
    waiting: int = 0  # left in the queue because Mautic could not be reached
    problem: str = ""  # why the push stopped early


class Conflict(Exception):
    """Changed in Mautic too since the last sync; the message says how."""


def push_changes(
    engine: Engine,
    client: MauticClient,
    source_id: int,
    *,
    origin: str,
    now: datetime,
    progress: Callable[[PushSummary], None] | None = None,
    due_only: bool = False,
) -> PushSummary:
    """Send every pending change for this instance; see the module docstring. A sync the user asks for tries
    them all at once; a timed one (`due_only`) leaves those whose retry time has not come."""
    summary = PushSummary()
    queued = [
        c
        for c in outbox.changes(engine, source_id=source_id)
        if not due_only or c.next_attempt_at is None or c.next_attempt_at <= now
    ]
    for index, change in enumerate(queued):
        try:
            _send(engine, client, change, origin)
        except Conflict as exc:
            with writing(engine) as conn:
                outbox.mark(conn, change.id, outbox.CONFLICT, str(exc))
            summary.conflicts += 1
        except MauticError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                with writing(engine) as conn:
                    outbox.mark(conn, change.id, outbox.REFUSED, str(exc))
                summary.refused += 1
            else:
                with writing(engine) as conn:
                    outbox.retry_later(conn, change.id, str(exc), now + RETRY_AFTER)
                summary.waiting = len(queued) - index
                summary.problem = str(exc)
                break
        else:
            with writing(engine) as conn:
                outbox.done(conn, change.id)
            summary.sent += 1
        if progress is not None:
            progress(summary)
    return summary


def _remote_contact(engine: Engine, change: QueuedChange, origin: str) -> int:
    with engine.connect() as conn:
        linked = remote_contact(conn, change.contact_id)  # its own record there, or one merged into it here
    remote = linked[1] if linked is not None and linked[0] == change.source_id else None
    if remote is None or number(remote) is None:
        raise MauticError("The contact is no longer linked to a Mautic contact.", status=404)
    return int(remote)


def _send(engine: Engine, client: MauticClient, change: QueuedChange, origin: str) -> None:
    payload = change.payload
    kind, _, verb = change.action.partition(".")
    if kind == "note":
        _send_note(engine, client, change, origin)
    elif kind in ("segment", "campaign"):
        model = Segment if kind == "segment" else Campaign
        with engine.connect() as conn:
            remote_group = conn.execute(
                select(table_of(model).c.external_id).where(table_of(model).c.id == payload.get("group_id"))
            ).scalar()
        group = number(remote_group)
        if group is None:
            raise MauticError(f"The {kind} is no longer linked to a Mautic {kind}.", status=404)
        client.set_membership(kind, group, _remote_contact(engine, change, origin), verb == "add")
    elif change.action == "dnc.add":
        reason = int(payload.get("reason", 3))
        client.add_do_not_contact(
            _remote_contact(engine, change, origin), payload["channel"], reason, payload.get("comments", "")
        )
    elif change.action == "dnc.remove":
        client.remove_do_not_contact(_remote_contact(engine, change, origin), payload["channel"])
    else:
        raise MauticError(f"Dossier does not know how to send {change.action!r} to Mautic.", status=400)


def _send_note(engine: Engine, client: MauticClient, change: QueuedChange, origin: str) -> None:
    payload = change.payload
    if change.action == "note.delete":
        client.delete_note(int(payload["remote_note_id"]))
        return
    with engine.connect() as conn:
        note = conn.execute(select(table_of(Note)).where(_N.id == payload.get("note_id"))).first()
    if note is None:
        return  # deleted here before it went: nothing to send (store.notes drops it; this is the race)
    remote_key = note.remote_key
    if remote_key is None:
        remote_id = client.add_note(_remote_contact(engine, change, origin), note.text, note.type, note.date_time)
        remote_key = f"{change.source_id}:{remote_id}"
    else:
        remote_id = int(remote_key.rpartition(":")[2])
        if not payload.get("force"):
            current = client.note(remote_id)
            if current is None:
                raise Conflict("Deleted in Mautic since the last sync; keep it here (send again) or let it go.")
            if note.remote_digest is not None and note_digest(current) != note.remote_digest:
                raise Conflict("Changed in Mautic too since the last sync: keep yours (send again) or theirs.")
        client.edit_note(remote_id, note.text, note.type, note.date_time)
    # What Mautic has now, read back as a sync reads it: the next sync must not take it for a change made there.
    stored = client.note(remote_id)
    digest = note_digest(stored) if stored is not None else None
    with writing(engine) as conn:
        conn.execute(update(table_of(Note)).where(_N.id == note.id).values(remote_key=remote_key, remote_digest=digest))
