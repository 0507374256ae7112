"""What a snapshot test does before its picture: wait for the app to settle, press keys, settle again."""

from __future__ import annotations

from tests.tui.conftest import settle


async def settled(pilot) -> None:
    await settle(pilot)


def then(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)  # let a search debounce fire
        await settle(pilot)

    return run_before


def palette(typed: str):
    """Open the command palette and type: then wait until its search is over and its list is shown.

    Textual's palette searches in a worker, shows a busy indicator when that is slow (as on a loaded test
    machine) and blinks its cursor whatever `[ui] cursor_blink` says; the picture waits for the first two
    and stops the blinking, so it does not depend on timing."""

    async def run_before(pilot) -> None:
        from textual.command import CommandInput, CommandList, CommandPalette

        await then("ctrl+p", *typed)(pilot)
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(CommandInput).cursor_blink = False
        for _ in range(100):
            if not palette._show_busy and palette.query_one(CommandList).option_count:
                break
            await pilot.pause(0.05)
        await settle(pilot)

    return run_before
