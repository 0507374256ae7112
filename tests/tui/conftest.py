"""Fixtures for Pilot and snapshot tests: a sample database and a deterministic app."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.settings import load_settings
from tests.tui.sample import NOW, build_sample
from tui.app import DossierApp
from tui.factory import make_app


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("sample") / "sample.db")


@pytest.fixture
def sample_db(sample_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database, so a test may change it."""
    path = tmp_path / "sample.db"
    path.write_bytes(sample_template.read_bytes())
    return path


@pytest.fixture
def app_factory(sample_db: Path):
    """Build the app on the sample database with a fixed clock (optionally opened on a contact)."""

    def build(contact_id: int | None = None, db: Path | None = None) -> DossierApp:
        # Offline: no test touches the internet (the avatar tests use a local server instead).
        settings = load_settings(ui={"cursor_blink": False, "live_interval": 0}, network={"offline": True})
        return make_app(settings, db or sample_db, contact_id=contact_id, clock=lambda: NOW)

    return build


def screen_text(app: DossierApp) -> str:
    """What the terminal shows for the current screen, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def settle(pilot) -> None:
    """Wait for workers to finish and the screen to repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, *keys: str) -> None:
    """Press keys, then wait out the search debounce and the query it starts."""
    await pilot.press(*keys)
    await pilot.pause(0.2)
    await settle(pilot)
