"""Knowing when something is on screen: a probe on the app's screen updates.

Headless, Textual still lays out and renders every update (the compositor's strips), it only skips turning
them into terminal escape sequences and writing them. The probe does that encoding too, as a terminal would
receive it, then checks its waiters: a waiter's time is the first update at which its condition holds, so
the change it waits for is in that frame.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


class PaintProbe:
    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.frames = 0
        self._waiters: list[tuple[Callable[[], bool], Callable[[int], None]]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            self.frames += 1
            now = time.perf_counter_ns()
            for waiter in list(self._waiters):
                condition, done = waiter
                if condition():
                    self._waiters.remove(waiter)
                    done(now)

        app._display = display

    def when(self, condition: Callable[[], bool], done: Callable[[int], None]) -> None:
        """Call `done(perf_counter_ns)` at the first screen update at which `condition()` holds."""
        self._waiters.append((condition, done))

    def future(self, condition: Callable[[], bool]) -> asyncio.Future[int]:
        """A future holding the perf_counter_ns of the first screen update at which `condition()` holds."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def done(now: int) -> None:
            if not future.done():
                future.set_result(now)

        self.when(condition, done)
        return future

    def forget(self) -> None:
        self._waiters.clear()
