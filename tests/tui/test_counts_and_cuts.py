"""Pilot tests for what the snapshot review found: a count of one in the singular, and a cut quote marked."""

from __future__ import annotations

from sqlmodel import Session

from store.db import open_database
from store.models import Note
from tests.tui.conftest import screen_text, settle, type_text
from tests.tui.sample import NOW
from tui.dialogs.confirm import ConfirmDialog

LONG = "Renewal " + "and the long tail of a very long note " * 4 + "that ends here"


async def test_one_event_is_one_event_in_the_history_counter(app_factory):
    app = app_factory(contact_id=7)  # Mallory has exactly one event
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert any(line.rstrip().endswith("All events · 1 event") for line in text.splitlines())


async def test_deleting_a_long_note_quotes_it_with_an_ellipsis(app_factory, sample_db):
    engine = open_database(sample_db)
    with Session(engine) as session:
        session.add(Note(contact_id=1, type="general", text=LONG, author="Sam", created_at=NOW))
        session.commit()
    engine.dispose()
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert LONG[:59].rstrip() + "…" in text
        assert LONG[:61] not in text


async def test_the_merge_preview_counts_what_moves_in_words(app_factory):
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await type_text(pilot, *"hop")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Moves to this contact: 1 event, 1 do-not-contact record" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Moves here: 1 event, 1 do-not-contact record." in screen_text(app)


async def test_the_active_tab_is_bold_so_it_reads_without_colour(app_factory, monkeypatch):
    from textual.widgets import Tab

    monkeypatch.setenv("NO_COLOR", "1")
    app = app_factory(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        tabs = {str(tab.label): bool(tab.rich_style.bold) for tab in app.screen.query(Tab)}
        assert tabs == {"History": False, "Notes": True, "Map": False, "Social": False}
