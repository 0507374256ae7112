"""Pilot tests: the compose dialog's ways out. Settings fixed in another terminal work at the next ctrl+s (the
draft stays), "Reload settings" in the palette reads them again, and a placeholder whose field is empty for
this contact is named before anything is sent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Select, Static, TextArea

from store.settings import load_settings
from tests.local_smtp import smtp_server
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.contact.screen import ContactScreen
from tui.dialogs.compose_email import ComposeEmail
from tui.factory import make_app

ADA, PERSON00 = 1, 9  # Ada has an owner; Person00 (the first of the sample's extra contacts) has none

FIXED = {"ui": {"cursor_blink": False, "live_interval": 0}, "network": {"offline": True}}


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("DOSSIER_CONFIG", str(path))
    return path


def reading_app(db: Path, contact_id: int):
    """The app as `dossier` builds it: settings read from the config file, and read again when it asks."""
    source = lambda: load_settings(**FIXED)  # noqa: E731
    return make_app(source(), db, contact_id=contact_id, clock=lambda: NOW, reread=source)


def smtp_config(port: int) -> str:
    return (
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = 2\n'
        'from_name = "Sam Seller"\nfrom_address = "sam@dossier.example"\n'
    )


def status(app) -> str:
    return str(app.screen.query_one("#email-status", Static).render())


def in_dialog(app) -> str:
    """The text inside the dialog's frame, its lines joined, so a wrapped sentence can be looked for."""
    inside = [line.split("█")[1] for line in screen_text(app).splitlines() if line.count("█") >= 2]
    return " ".join(" ".join(inside).split())


def toasts(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def write_email(pilot, subject: str, body: str) -> None:
    await pilot.press("E")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComposeEmail)
    await pilot.press(*subject)
    pilot.app.screen.query_one(TextArea).text = body


async def send(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.pause(0.3)
    await settle(pilot)


async def test_smtp_fixed_in_another_terminal_sends_at_the_next_ctrl_s(sample_db: Path, config: Path):
    with smtp_server() as server:
        app = reading_app(sample_db, ADA)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await write_email(pilot, "Hello", "Dear {firstname}")
            await send(pilot)
            assert isinstance(app.screen, ComposeEmail)
            assert status(app) == (
                f"SMTP is not configured: set smtp.host and smtp.from_address in {config} (no such file yet), "
                "or DOSSIER_SMTP__HOST, DOSSIER_SMTP__FROM_ADDRESS in the environment. "
                "Fix it there and press ctrl+s: the settings are read again."
            )
            assert f"in {config} (no such file yet)" in in_dialog(app)
            assert "Fix it there and press ctrl+s: the settings are read again." in in_dialog(app)
            assert server.received == []

            config.write_text(smtp_config(server.port))  # as if edited in another terminal
            await send(pilot)
            assert isinstance(app.screen, ContactScreen)
        [received] = server.received
        assert received.message["From"] == "Sam Seller <sam@dossier.example>"
        assert received.message["Subject"] == "Hello"
        assert app.context.settings.smtp.port == server.port


async def test_a_config_file_broken_meanwhile_is_named_and_the_draft_stays(sample_db: Path, config: Path):
    config.write_text('[smtp]\nhost = ""\n')
    app = reading_app(sample_db, ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await write_email(pilot, "Hello", "Body")
        config.write_text("[smtp\n")
        await send(pilot)
        assert isinstance(app.screen, ComposeEmail)
        assert status(app).startswith(f"{config} is not valid TOML: ")
        assert status(app).endswith("Fix it and press ctrl+s again.")
        assert app.screen.query_one("#email-subject").value == "Hello"


async def test_reload_settings_from_the_palette(sample_db: Path, config: Path):
    config.write_text('[user]\nname = "sam"\n')
    app = reading_app(sample_db, ADA)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert app.context.settings.user.name == "sam"
        config.write_text('[user]\nname = "alex"\n[mautic]\ninterval = 5\n')
        await pilot.press("ctrl+p", *"reload settings")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.context.settings.user.name == "alex"
        assert toasts(app) == [f"Settings read again from {config}. mautic.interval applies from the next start."]

        config.write_text("[user\n")
        await pilot.press("ctrl+p", *"reload settings")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.context.settings.user.name == "alex"  # kept: the broken file is refused
        assert toasts(app)[-1].startswith(f"{config} is not valid TOML: ")


async def test_a_placeholder_empty_for_this_contact_is_named_before_sending(sample_db: Path):
    with sqlite3.connect(sample_db) as db:
        db.execute(
            "INSERT INTO email_template (name, subject, body_text, created_at) VALUES (?, ?, ?, ?)",
            ("Intro", "Hello {firstname}", "Your account manager: {owner}.", "2026-01-01 00:00:00"),
        )
    with smtp_server() as server:
        settings = load_settings(
            **FIXED,
            smtp={"host": "127.0.0.1", "port": server.port, "security": "none", "from_address": "s@dossier.example"},
        )
        app = make_app(settings, sample_db, contact_id=PERSON00, clock=lambda: NOW)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("E")
            await settle(pilot)
            await pilot.press("shift+tab", "enter", "down", "enter")  # the template box, its first template
            await settle(pilot)
            assert isinstance(app.screen.query_one("#email-template", Select).value, int)
            assert "{owner} is empty for this contact: write a default, {owner|text if empty}." in in_dialog(app)

            await send(pilot)
            assert isinstance(app.screen, ComposeEmail)
            assert server.received == []
            assert "Or press ctrl+s again to send it as it is." in in_dialog(app)

            app.screen.query_one(TextArea).text = "Your account manager: {owner|the Example team}."
            await send(pilot)  # a default given: nothing is empty any more
            assert isinstance(app.screen, ContactScreen)
        [received] = server.received
        assert received.message.get_content().strip() == "Your account manager: the Example team."
