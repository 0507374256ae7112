"""Syncing from a live Mautic instance: the first run imports everything, each later run brings in what changed.

The data comes from a `MauticSource` (services.mautic.MauticClient in real use). One run, in order:
1. Segments, campaigns and emails (as templates), upserted by their Mautic id.
2. Contacts added or changed since the last run (`date_added` / `date_modified`; all of them the first time),
   paged by id. A page is written in ONE transaction, each contact with its fields, tags, stage, owner,
   do-not-contact records and IP addresses and its `sync_state` row (a savepoint each: one that cannot be read
   is left out alone), with the run's position after the last: a run that stops anywhere resumes there.
   A contact is identified by its Mautic id alone, never by email: Mautic allows two contacts one address,
   and only Dossier's merge, asked by a user, may join two records.
3. Every contact's activity since the last run (all of it the first time), from `/contacts/activity`:
   events are stored once by their Mautic identity (type and id), whatever their label says today. Page hits
   and email opens change Mautic's `last_active` without touching `date_modified`, so the activity, not the
   contact list, brings them, and moves the contact's last active time. A contact met in the activity and
   not known yet is fetched.
4. Memberships of the contacts whose activity shows a segment or campaign change, or whose change a user
   dropped for Mautic's version (`outbox.forget`: the contact is read again after step 2), and, the first
   time, of every contact with a name or email (anonymous visitors cost nothing more than their activity).
   The contacts still to do are kept with the run's position, so a run stopped here resumes here too.
5. Notes: every note of the instance, paged by id (Mautic gives notes no modification date): new ones are
   added, changed ones updated, deleted ones deleted, except notes changed here and still waiting to be sent.
6. Contacts deleted or merged in Mautic, found when Mautic counts fewer contacts than Dossier knows: a deleted
   one is deleted here too (kept, hidden, as Dossier keeps merged-away records), a merged one is merged here.

Steps 2 to 4 read the next pages on a thread of their own while the last are written (read_ahead.py): a
first sync waits on the network about as long as it works, and the two now overlap.

What a run cannot see: a field emptied in Mautic stays (Mautic's own import ignores blanks too), and changes
in the short overlap before the previous run's end are read twice (and stored once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from sqlalchemy import Engine

from store.db import writing
from store.interchange.mautic_run import MauticSource, MauticSummary, Stopped
from store.interchange.mautic_step_activity import ActivityStep
from store.interchange.mautic_step_contacts import ContactSteps
from store.interchange.mautic_step_members import MembershipSteps
from store.sync.sources import save_cursors

__all__ = ["MauticSource", "MauticSummary", "Stopped", "source_name", "sync_mautic"]


class _Sync(ContactSteps, ActivityStep, MembershipSteps):
    """A run: its state (store/interchange/mautic_run.py) and every step."""


def source_name(url: str) -> str:
    """The `sync_state.source` of an instance: its base URL without credentials, scheme-less slashes or a
    trailing slash, so `https://crm.example.com/` and `https://crm.example.com` are one instance."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"mautic {parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def sync_mautic(
    engine: Engine,
    source: MauticSource,
    *,
    origin: str,
    now: datetime | None = None,
    default_region: str = "US",
    progress: Callable[[MauticSummary], None] | None = None,
    stop: Callable[[], bool] | None = None,
    summary: MauticSummary | None = None,
    social: Mapping[str, Callable[[str], str]] | None = None,
) -> MauticSummary:
    """Bring in what changed in Mautic since the last run (everything the first time); see the module docstring.

    `origin` names the instance (`source_name(url)`). `progress(summary)` follows each step's work; `stop()`,
    asked between contacts and batches, ends the run with `Stopped` (after everything done is saved). Errors
    of the source (the network, the server) propagate the same way; the next run resumes. Pass `summary` to
    read the counts of a run that raised. `social` maps a network to the function that makes a handle of a
    field's value (services.social.handle_readers()): a Mautic field named after the network becomes a profile.
    """
    now = now or datetime.now(UTC)
    summary = summary if summary is not None else MauticSummary()
    asked_to_stop = stop or (lambda: False)
    sync = _Sync(engine, source, origin, now, default_region, social)

    def tell(stage: str | None = None) -> Callable[[], None]:
        def report() -> None:
            if stage is not None:
                summary.stage = stage
            if progress is not None:
                progress(summary)

        return report

    tell("segments, campaigns and emails")()
    sync.groups(summary)
    sync.contacts(summary, asked_to_stop, tell("contacts"))
    sync.activity(summary, asked_to_stop, tell("activity"))
    sync.memberships(summary, asked_to_stop, tell("memberships"))
    sync.notes(summary, tell("notes"))
    sync.removals(summary, asked_to_stop, tell("deleted and merged contacts"))
    with writing(engine) as conn:
        save_cursors(conn, sync.source_id, sync.cursors, synced_at=now)
    tell("done")()
    return summary
