"""Pilot test on the demo database: a contact with no email address has no email in its History."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from demo.build import build_demo
from store.settings import load_settings
from tests.tui.conftest import screen_text, settle
from tui.dialogs.type_filter import TypeFilterDialog
from tui.factory import make_app

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, contacts=60, seed=7, now=NOW)
    return path


def busiest_without_email(path: Path) -> int:
    with sqlite3.connect(path) as db:
        query = """
            SELECT contact.id FROM contact JOIN event ON event.contact_id = contact.id
            WHERE contact.email IS NULL GROUP BY contact.id ORDER BY count(*) DESC, contact.id LIMIT 1
        """
        return db.execute(query).fetchone()[0]


async def test_a_contact_without_an_email_address_was_never_emailed(demo: Path) -> None:
    settings = load_settings(ui={"cursor_blink": False, "live_interval": 0}, network={"offline": True})
    app = make_app(settings, demo, contact_id=busiest_without_email(demo), clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # the type filter lists every type of event the contact has
        await settle(pilot)
        assert isinstance(app.screen, TypeFilterDialog)
        text = screen_text(app)
        assert "Page hit" in text
        assert "Email sent" not in text and "Email read" not in text
