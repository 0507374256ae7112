"""Pilot tests: find a duplicate, preview, flip a field, merge, see History, undo."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from store.models import Contact, Event, Note
from store.normalize import normalize_email
from tests.tui.conftest import screen_text, settle, type_text
from tests.tui.sample import NOW
from tui.contact.screen import ContactScreen
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.merge import MergeDialog

ADA = 1


def add_duplicate(app) -> int:
    with Session(app.context.engine) as session:
        twin = Contact(
            firstname="Ada",
            lastname="Lovelace",
            email="Ada@Analytical.example",
            email_normalized=normalize_email("Ada@Analytical.example"),
            company="Analytical Engines",
            position="Countess",
            city="London",
            points=7,
            date_added=NOW - timedelta(days=10),
            date_modified=NOW - timedelta(days=1),
        )
        session.add(twin)
        session.flush()
        session.add(
            Event(
                contact_id=twin.id,
                type="page.hit",
                occurred_at=NOW - timedelta(days=2),
                label="Visited /twin",
                details={},
            )
        )
        session.add(Note(contact_id=twin.id, type="general", text="Twin note", author="Sam"))
        session.commit()
        return twin.id


async def test_merge_a_likely_duplicate_then_undo(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 40)) as pilot:
        twin = add_duplicate(app)
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MergeDialog)
        text = screen_text(app)
        assert "Likely duplicates" in text
        assert "Ada@Analytical.example" in text and "same email" in text
        await pilot.press("down", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "This contact (stays)" in text
        assert "Countess" in text
        assert "Moves to this contact: 1 Events, 1 Notes" in text
        # Ours was modified later, so our position wins; flip it to the twin's.
        table = app.screen.query_one("#merge-fields")
        keys = [str(key.value) for key in table.rows]
        table.move_cursor(row=keys.index("position"))
        await pilot.press("space")
        assert "⇄ Countess" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        with Session(app.context.engine) as session:
            survivor, other = session.get(Contact, ADA), session.get(Contact, twin)
            assert other.merged_into_id == ADA
            assert survivor.position == "Countess"
            assert survivor.points == 107
            assert session.exec(select(Note).where(Note.contact_id == twin)).all() == []
        assert "Contact merged" in screen_text(app)
        # Undo: the merge event is the newest.
        await pilot.press("g", "u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)
        with Session(app.context.engine) as session:
            other = session.get(Contact, twin)
            assert other.merged_into_id is None
            assert [n.text for n in session.exec(select(Note).where(Note.contact_id == twin))] == ["Twin note"]
            assert session.get(Contact, ADA).points == 100


async def test_search_never_offers_the_contact_itself(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await type_text(pilot, *"lovelace")
        assert app.screen.query_one("#merge-candidates").option_count == 0  # only Ada herself matches
        await type_text(pilot, *["backspace"] * 8, *"hopper")
        assert "Grace Hopper" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ContactScreen)
