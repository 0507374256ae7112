"""Run in a fresh process by `bench.cold_start`: open an app headless, report when it first painted, exit.

    python bench/start_child.py dossier DB CONTACT [MODULES_OUT]   `dossier --db DB CONTACT`, as the CLI runs it
    python bench/start_child.py bare MODULES_IN                     a bare Textual app with one Label

Prints one JSON line: `painted` (time.monotonic() at the first screen update showing the page; the parent
took the same clock just before starting this process) and `rss_mb` (peak resident memory, read once the
page's background work is done). The dossier run can write the modules it imported, so the bare app imports
exactly the same ones: the floor then differs only by Dossier's own work. It also writes those it had imported
when the page painted (MODULES_OUT with `.paint` before its suffix), for a second, stricter floor: libraries
Dossier imports only after its paint (for the chart, the avatar, the models) are then in neither.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

OWN_PACKAGES = {"tui", "cli", "widgets", "services", "store", "plain", "demo", "bench", "__main__"}


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to this program's own address space;
    `ru_maxrss` would carry over the parent's peak across fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux; bytes on macOS


def _probe(app: Any, painted: Callable[[], bool], report: dict[str, Any]) -> None:
    """At the first screen update where `painted()` holds: note the time, let workers finish, then exit."""
    original = app._display

    async def finish() -> None:
        # Some background work starts only once the page is painted (the chart, the avatar): wait until no
        # worker has been left for a moment. (A live-update poll may be cancelled by the next: not a failure.)
        for _ in range(100):
            await asyncio.gather(*(worker.wait() for worker in list(app.workers)), return_exceptions=True)
            await asyncio.sleep(0.1)
            if not len(app.workers):
                break
        report["rss_mb"] = peak_rss_mb()
        app.exit()

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is None or "painted" in report or app._batch_count:
            return
        if hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)  # the escape sequences a terminal would receive
        if painted():
            report["painted"] = time.monotonic()
            report["imported"] = list(sys.modules)  # what painting the page needed (taken after the clock)
            app.call_later(finish)

    app._display = display


def dossier(db: str, contact: str, modules_out: str | None) -> dict[str, Any]:
    from cli.main import main
    from tui.app import DossierApp

    report: dict[str, Any] = {}
    run = DossierApp.run

    def painted(app: DossierApp) -> bool:
        from tui.contact.screen import ContactScreen
        from widgets.timeline import Timeline

        screen = app.screen
        if not isinstance(screen, ContactScreen) or screen.detail is None:
            return False
        timelines = screen.query(Timeline)
        return bool(timelines) and timelines.first().option_count > 0

    def headless(self: DossierApp, *args: Any, **kwargs: Any) -> Any:
        _probe(self, lambda: painted(self), report)
        return run(self, headless=True, size=(120, 36))

    DossierApp.run = headless  # type: ignore[method-assign]
    code = main(["--db", db, contact])
    if code:
        raise SystemExit(f"dossier exited with {code}")
    at_paint = report.pop("imported", [])
    if modules_out:
        _write_modules(Path(modules_out), sys.modules)
        _write_modules(paint_modules(Path(modules_out)), at_paint)
    return report


def paint_modules(modules_out: Path) -> Path:
    """Where the dossier run writes the modules it had imported when its page painted."""
    return modules_out.with_suffix(".paint" + modules_out.suffix)


def _write_modules(path: Path, imported: Iterable[str]) -> None:
    names = sorted(name for name in imported if name.split(".")[0] not in OWN_PACKAGES)
    path.write_text(json.dumps(names), encoding="utf-8")


def bare(modules_in: str) -> dict[str, Any]:
    import importlib

    with open(modules_in, encoding="utf-8") as f:
        names = json.load(f)
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            continue  # a module only its parent can import: importing the parent brought it in
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("Hello")

    app = Bare()
    report: dict[str, Any] = {}
    _probe(app, lambda: bool(app.screen.query(Label)), report)
    app.run(headless=True, size=(120, 36))
    return report


def main(argv: list[str]) -> None:
    mode, *args = argv
    report = dossier(args[0], args[1], args[2] if len(args) > 2 else None) if mode == "dossier" else bare(args[0])
    if "painted" not in report:
        raise SystemExit("the app exited before it painted")
    sys.__stdout__.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
