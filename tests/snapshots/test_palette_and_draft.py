"""Snapshots of the screens the first snapshot file left out: the command palette and the keep-draft question."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from tests.snapshots.keys import palette, then
from tests.snapshots.shown import shows
from tui.dialogs.compose_email import KeepDraftDialog

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.mark.parametrize("size", SIZES)
class TestPaletteAndDraft:
    @shows(CommandPalette)
    def test_palette_on_a_contact(self, snap_compare, app_factory, size):
        # Our commands for the contact page, narrowed by what was typed.
        keys = palette("note")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(KeepDraftDialog)
    def test_keep_draft_question(self, snap_compare, app_factory, size):
        keys = then("E", *"Renewal", "escape")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)
