"""One sync with Mautic as a person asks for it: the changes made here are sent first, then what changed there
is brought in. The command line (`dossier mautic sync`) and the app (the palette, the timed sync) both run it,
each showing its progress its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from services.mautic.client import MauticClient
from services.mautic.push import PushSummary, push_changes
from services.social import handle_readers
from store.db import writing
from store.interchange.mautic_sync import MauticSummary, sync_mautic
from store.sync.sources import ensure_source


def sync_round(
    engine: Engine,
    client: MauticClient,
    origin: str,
    summary: MauticSummary,
    *,
    stage: Callable[[str], None],
    progress: Callable[[MauticSummary], None],
    stop: Callable[[], bool] | None = None,
    due_only: bool = False,
) -> PushSummary:
    """Push, then pull into `summary` (read it even when this raises: the counts of what was done stand).

    `stage(words)` is told before the push; `progress` follows the pull (`sync_mautic`). A timed sync pushes only
    the changes whose retry time has come (`due_only`). Returns what the push did; errors of the pull propagate
    (`MauticError`, `Stopped`), after everything done is saved.
    """
    with writing(engine) as conn:
        source_id = ensure_source(conn, origin)
    stage("sending changes made here")
    pushed = push_changes(engine, client, source_id, origin=origin, now=datetime.now(UTC), due_only=due_only)
    sync_mautic(
        engine,
        client,
        origin=origin,
        now=datetime.now(UTC),
        progress=progress,
        stop=stop,
        summary=summary,
        social=handle_readers(),
    )
    return pushed
