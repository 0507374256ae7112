"""The one factory that builds the app, shared by the CLI, the tests and the benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from store.contacts import resolve_contact
from store.db import open_database
from store.settings import Settings
from tui.app import DossierApp
from tui.context import AppContext, local_now


def make_app(
    settings: Settings,
    db_path: Path | str,
    *,
    contact: str | None = None,
    contact_id: int | None = None,
    merged_from: int | None = None,
    clock: Callable[[], datetime] = local_now,
    ascii: bool = False,
    reread: Callable[[], Settings] | None = None,
) -> DossierApp:
    """Open the database (raising `DatabaseError` for the user) and build the app on it, opened on a contact
    given by reference (`contact`: an id or email, resolved here, `ContactNotFound` if none) or by id.
    `ascii`: the terminal shows ASCII only; the app then draws its map, borders and marks in ASCII.
    `reread` reads the settings again when the app asks (before sending an email, "Reload settings")."""
    engine = open_database(db_path, create=True)
    try:
        if contact is not None:
            contact_id, merged_from = resolve_contact(engine, contact)
    except Exception:
        engine.dispose()
        raise
    context = AppContext(engine=engine, settings=settings, db_path=db_path, clock=clock, ascii=ascii, reread=reread)
    return DossierApp(context, contact_id=contact_id, merged_from=merged_from)
