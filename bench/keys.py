"""Keystroke to repaint, measured in-process with Pilot at 120x36.

Each sample runs from just before `pilot.press(key)` to the first screen update (see `bench.paint`) that
shows the key's effect; between samples the app is left to settle (workers done), so every key is timed on
its own. The list search waits `ContactListScreen.SEARCH_DELAY` (80 ms) after a key before it queries, by
design, so it has two figures: the key echoed in the search box, and the results on screen.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.figures import Figure, Target
from bench.paint import PaintProbe
from bench.timing import Stats

SIZE = (120, 36)
KEY_TARGET = [Target("p95 ≤ 50 ms", "p95", "<=", 50.0)]
TAB_NAMES = {"1": "history", "2": "notes", "3": "map", "4": "social"}


def _app(db: Path, contact_id: int | None) -> Any:
    from store.settings import load_settings
    from tui.factory import make_app

    settings = load_settings(ui={"cursor_blink": False}, network={"offline": True})
    return make_app(settings, db, contact_id=contact_id)


async def _settle(pilot: Any) -> None:
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _press(pilot: Any, key: str, *conditions: Callable[[], bool]) -> list[float]:
    """Milliseconds from pressing `key` to the first frame showing each condition, in order."""
    probe: PaintProbe = pilot.app.bench_probe
    futures = [probe.future(condition) for condition in conditions]
    start = time.perf_counter_ns()
    await pilot.press(key)
    try:
        ends = [await asyncio.wait_for(future, timeout=10) for future in futures]
    except TimeoutError:
        probe.forget()
        raise RuntimeError(f"pressing {key!r} never showed its effect within 10 s") from None
    await _settle(pilot)
    return [(end - start) / 1e6 for end in ends]


async def _list_search(db: Path, word: str, presses: int, warmup: int) -> tuple[list[float], list[float]]:
    from textual.widgets import Input

    gc.collect()  # the benchmark's own garbage is not the app's
    app = _app(db, None)
    echo: list[float] = []
    results: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bench_probe = PaintProbe(app)
        await _settle(pilot)
        screen = app.screen
        shown = [0]
        show = screen._show

        def counted(*args: Any, **kwargs: Any) -> None:
            shown[0] += 1
            show(*args, **kwargs)

        screen._show = counted
        await pilot.press("slash")
        search = screen.query_one("#search", Input)
        typed = word[:3]
        keys = [*typed, *["backspace"] * len(typed)]
        for number in range(presses + warmup):
            key = keys[number % len(keys)]
            expected = search.value[:-1] if key == "backspace" else search.value + key
            before = shown[0]
            times = await _press(
                pilot,
                key,
                lambda e=expected: search.value == e,
                lambda e=expected, b=before: shown[0] > b and search.value == e,
            )
            if number >= warmup:
                echo.append(times[0])
                results.append(times[1])
    return echo, results


async def _contact_page(db: Path, contact_id: int, presses: int, warmup: int) -> tuple[list[float], list[float]]:
    from textual.widgets import TabbedContent

    from widgets.timeline import Timeline

    gc.collect()
    app = _app(db, contact_id)
    tabs_ms: list[float] = []
    pages_ms: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bench_probe = PaintProbe(app)
        await _settle(pilot)
        screen = app.screen
        tabs = screen.query_one(TabbedContent)
        cycle = ["2", "1", "4", "1", *(["3", "1"] if screen.located else [])]
        for number in range(presses + warmup):
            key = cycle[number % len(cycle)]
            times = await _press(pilot, key, lambda k=key: tabs.active == TAB_NAMES[k])
            if number >= warmup:
                tabs_ms.append(times[0])
        if tabs.active != "history":
            await _press(pilot, "1", lambda: tabs.active == "history")
        timeline = screen.query_one(Timeline)
        for number in range(presses + warmup):
            before = timeline.highlighted
            times = await _press(pilot, "pagedown", lambda b=before: timeline.highlighted != b)
            if number >= warmup:
                pages_ms.append(times[0])
    return tabs_ms, pages_ms


def bench_keys(db: Path, scale: int, contact_id: int, word: str, *, presses: int, warmup: int) -> list[Figure]:
    """Typing in the contact list search, switching tabs and paging History down, each key on its own."""
    from tui.screens.contact_list import ContactListScreen

    echo, results = asyncio.run(_list_search(db, word, presses, warmup))
    tabs_ms, pages_ms = asyncio.run(_contact_page(db, contact_id, presses, warmup))
    delay = ContactListScreen.SEARCH_DELAY * 1000
    result_target = [Target(f"p95 ≤ {delay:.0f} ms debounce + 30 ms", "p95", "<=", delay + 30)]  # issue 22
    typed = f"“{word[:3]}” typed and erased"
    return [
        Figure.timed(
            "keys", "keys.search_echo", f"list search: key echoed ({typed})", scale, Stats.of(echo), targets=KEY_TARGET
        ),
        Figure.timed(
            "keys",
            "keys.search_results",
            f"list search: key to new results, incl. {delay:.0f} ms debounce",
            scale,
            Stats.of(results),
            targets=result_target,
            note=f"the list waits {delay:.0f} ms after a key before it searches (typing fast sends one query per "
            "pause); the echo figure is the key's own repaint",
        ),
        Figure.timed("keys", "keys.tabs", "contact page: switch tab", scale, Stats.of(tabs_ms), targets=KEY_TARGET),
        Figure.timed(
            "keys", "keys.pagedown", "History: page down (loading more)", scale, Stats.of(pages_ms), targets=KEY_TARGET
        ),
    ]
