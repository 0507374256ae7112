from __future__ import annotations

import pytest

from tests.snapshots.shown import check, shown_by
from tests.tui.conftest import app_factory, sample_db, sample_template  # noqa: F401  (shared fixtures)


@pytest.fixture
def snap_compare(snap_compare, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """pytest-textual-snapshot's `snap_compare`, for tests that declare what they show (`shown.shows`):
    NO_COLOR is set when declared (before the test builds its app), and the screen is checked before the
    picture is taken."""
    shown = shown_by(request.function)
    assert shown is not None, f"{request.node.name} does not say what it shows: decorate it with @shows(...)"
    if shown.no_color:
        monkeypatch.setenv("NO_COLOR", "1")

    def compare(app, *, terminal_size, run_before=None):
        async def then_check(pilot) -> None:
            if run_before is not None:
                await run_before(pilot)
            check(pilot.app, shown)

        return snap_compare(app, terminal_size=terminal_size, run_before=then_check)

    return compare
