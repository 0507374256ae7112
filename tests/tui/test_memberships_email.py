"""Pilot tests: switching segments and campaigns, and sending an email through a local SMTP server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlmodel import Session, select
from textual.widgets import TextArea

from store.models import Event, SegmentMembership
from store.settings import load_settings
from tests.local_smtp import smtp_server
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.contact.screen import ContactScreen
from tui.dialogs.compose_email import ComposeEmail
from tui.dialogs.keep_draft import KeepDraftDialog
from tui.dialogs.memberships import MembershipsDialog
from tui.factory import make_app
from widgets.switch_list import MembershipSwitches

ADA = 1


def events(app, kind: str) -> list[Event]:
    with Session(app.context.engine) as session:
        return list(session.exec(select(Event).where(Event.type == kind).order_by(Event.id)))


async def test_toggle_segments_and_see_header_and_history(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, MembershipsDialog)
        text = screen_text(app)
        assert "● on   Newsletter" in text and "○ off  VIP" in text
        assert "1 of 2 selected" in text
        await pilot.press("j", "space")  # VIP on (it had been removed by hand)
        await settle(pilot)
        assert "2 of 2 selected" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert "Segments Newsletter, VIP" in screen_text(app)
        assert [e.label for e in events(app, "segment_membership")] == ["Added to segment: VIP"]
        assert "Added to segment: VIP" in screen_text(app)


async def test_campaign_dialog_filters_by_typing(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "Campaigns — Ada Lovelace" in screen_text(app)
        await pilot.press(*"onb")
        await settle(pilot)
        assert app.screen.query_one(MembershipSwitches).filter_text == "onb"
        await pilot.press("escape")  # clears the filter first
        assert app.screen.query_one(MembershipSwitches).filter_text == ""
        await pilot.press("escape")
        assert isinstance(app.screen, ContactScreen)


async def test_enter_after_a_filter_toggles_the_match_at_once(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("v", "i", "enter")  # one Enter: VIP on, and saved
        await settle(pilot)
        assert "● on   VIP" in screen_text(app)
        assert "Added to segment VIP" in screen_text(app)
        await pilot.press("enter")  # back in the list, Enter toggles as Space does
        await settle(pilot)
        assert "○ off  VIP" in screen_text(app)
        assert [e.label for e in events(app, "segment_membership")] == [
            "Added to segment: VIP",
            "Removed from segment: VIP",
        ]


async def test_a_toggle_on_a_locked_database_flips_back(app_factory, sample_db: Path):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        holder = sqlite3.connect(sample_db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await pilot.press("space")  # Newsletter off: cannot be saved
            await pilot.pause(6)  # the busy timeout (5 s) runs out
            await settle(pilot)
            text = screen_text(app)
            assert "Not saved: The database is busy" in text
            assert "● on   Newsletter" in text
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        with Session(app.context.engine) as session:
            assert session.exec(select(SegmentMembership).where(SegmentMembership.contact_id == ADA)).all()


def email_app(db: Path, port: int):
    settings = load_settings(
        ui={"cursor_blink": False},
        network={"offline": True},
        smtp={
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            "from_address": "sam@dossier.example",
            "from_name": "Sam Seller",
            "timeout": 2,
        },
    )
    return make_app(settings, db, contact_id=ADA, clock=lambda: NOW)


async def test_send_an_email_through_smtp(sample_db: Path):
    with smtp_server() as server:
        app = email_app(sample_db, server.port)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("E")
            await settle(pilot)
            assert isinstance(app.screen, ComposeEmail)
            assert "Ada Lovelace <ada@analytical.example>" in screen_text(app)
            await pilot.press(*"Hello")
            app.screen.query_one(TextArea).text = "Dear {firstname},\nsee you soon."
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.pause(0.3)
            assert isinstance(app.screen, ContactScreen)
        [received] = server.received
        message = received.message
        assert message["Subject"] == "Hello"
        assert message.get_content().replace("\r\n", "\n").strip() == "Dear Ada,\nsee you soon."
        sent = [e for e in events(app, "email.sent") if e.label == "Email sent: Hello"]
        assert [(e.actor, e.details["tracking"]) for e in sent] == [
            (app.context.settings.user.name, "sent directly (not tracked)")
        ]


async def test_smtp_refused_keeps_the_draft(sample_db: Path):
    from tests.services.local_http import closed_port

    app = email_app(sample_db, closed_port())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press(*"Hello")
        app.screen.query_one(TextArea).text = "Body"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause(0.3)
        assert isinstance(app.screen, ComposeEmail)
        assert "Press ctrl+s to try again" in screen_text(app)
        assert app.screen.query_one("#email-subject").value == "Hello"
        assert [e for e in events(app, "email.sent") if e.label == "Email sent: Hello"] == []
        await pilot.press("escape")
        assert isinstance(app.screen, KeepDraftDialog)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        await pilot.press("E")
        await settle(pilot)
        assert app.screen.query_one("#email-subject").value == "Hello"  # the kept draft


async def test_do_not_contact_is_explained(app_factory):
    app = app_factory(contact_id=2)  # Grace unsubscribed
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert "do not contact" in screen_text(app).lower()
        assert "Send anyway" in screen_text(app)
