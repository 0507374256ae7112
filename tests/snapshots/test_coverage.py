"""Every screen, dialog and contact tab of the app has an accepted snapshot at 80x24 and at 120x36, and one
with NO_COLOR.

The screens are found by importing every module of `tui/` and walking the subclasses of Textual's `Screen`
(and of `ContactTab`), so a new dialog without snapshots fails here. What a snapshot shows comes from its
test's `@shows(...)` (checked against the screen when the snapshot is taken, see `shown.py`), and a snapshot
counts only when its SVG file was accepted.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from textual.command import CommandPalette
from textual.screen import Screen

import tui
from tests.snapshots.shown import Shown, shown_by
from tui.contact.tabs.base import ContactTab

HERE = Path(__file__).parent
SNAPSHOTS = HERE / "__snapshots__"
SIZES = ("80x24", "120x36")


def _subclasses(base: type) -> set[type]:
    found: set[type] = set()
    for sub in base.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def _ours() -> set[type]:
    """Our screens and dialogs, our contact tabs, and the command palette (Textual's, filled with our commands)."""
    for module in pkgutil.walk_packages(tui.__path__, "tui."):
        importlib.import_module(module.name)
    screens = {cls for cls in _subclasses(Screen) if cls.__module__.startswith("tui.")}
    return screens | _subclasses(ContactTab) | {CommandPalette}


def _snapshot_modules() -> Iterator[ModuleType]:
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem != Path(__file__).stem:
            yield importlib.import_module(f"tests.snapshots.{path.stem}")


def _size_ids(*holders: Any) -> list[str]:
    for holder in holders:
        for mark in getattr(holder, "pytestmark", []):
            if mark.name == "parametrize" and mark.args[0] == "size":
                return [param.id for param in mark.args[1]]
    return []


def _snapshot_tests() -> Iterator[tuple[str, Shown | None, list[str]]]:
    """(snapshot file name without size, what the test shows, its size ids) for every snapshot test."""
    for module in _snapshot_modules():
        folder = module.__name__.rsplit(".", 1)[1]
        for name, holder in vars(module).items():
            if name.startswith("Test") and inspect.isclass(holder):
                for test_name, test in vars(holder).items():
                    if test_name.startswith("test_"):
                        yield f"{folder}/{name}.{test_name}", shown_by(test), _size_ids(test, holder)
            elif name.startswith("test_") and inspect.isfunction(holder):
                yield f"{folder}/{name}", shown_by(holder), _size_ids(holder)


def _accepted() -> dict[tuple[type, str, bool], list[str]]:
    """(class, size, NO_COLOR) -> the accepted snapshot files that show it."""
    covered: dict[tuple[type, str, bool], list[str]] = {}
    for stem, shown, sizes in _snapshot_tests():
        assert shown is not None, f"{stem} does not say what it shows"
        assert sizes, f"{stem} is not parametrised by size"
        for size in sizes:
            name = f"{stem}[{size}].svg"
            assert (SNAPSHOTS / name).is_file(), f"{name} has not been accepted"
            for cls in shown.classes:
                covered.setdefault((cls, size, shown.no_color), []).append(name)
    return covered


def test_the_screens_are_found() -> None:
    from tui.dialogs.merge import MergeDialog
    from tui.screens.contact_list import ContactListScreen

    ours = _ours()
    assert {ContactListScreen, MergeDialog, CommandPalette} <= ours
    assert len(ours) > 15  # the walk found the whole package, not a few modules


def test_every_screen_has_a_snapshot_at_both_sizes_and_one_without_colour() -> None:
    covered, ours = _accepted(), _ours()
    assert {cls for cls, _, _ in covered} == ours  # nothing declared that is not one of ours
    missing = [
        f"{cls.__name__} {what}"
        for cls in sorted(ours, key=lambda cls: cls.__name__)
        for what, keys in [(size, [(cls, size, False)]) for size in SIZES]
        + [("NO_COLOR", [(cls, size, True) for size in SIZES])]
        if not any(key in covered for key in keys)
    ]
    assert not missing, "no accepted snapshot of: " + ", ".join(missing)


def test_every_snapshot_file_belongs_to_a_test() -> None:
    """A stale SVG (its test renamed or removed) would count as coverage it no longer gives."""
    expected = {name for names in _accepted().values() for name in names}
    on_disk = {str(path.relative_to(SNAPSHOTS)) for path in SNAPSHOTS.glob("*/*.svg")}
    assert expected, "no snapshot test found"
    assert on_disk - expected == set()
