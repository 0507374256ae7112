"""NO_COLOR snapshots at 80x24 (support staff over SSH): every state a screen shows must read without colour.

Each picture is taken in a state worth reading: a highlighted row, a ticked box, a chosen type, a switch
turned off, with the sample's hostile strings and a long, hostile note and segment (`hostile.py`).
"""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from tests.snapshots.hostile import seed_hostile
from tests.snapshots.keys import palette, then
from tests.snapshots.shown import shows
from tui.contact.screen import ContactScreen
from tui.contact.tabs.history import HistoryTab
from tui.contact.tabs.map import MapTab
from tui.contact.tabs.notes import NotesTab
from tui.contact.tabs.social import SocialTab
from tui.dialogs.avatar_source import AvatarSourceDialog
from tui.dialogs.compose_email import ComposeEmail, KeepDraftDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.contact_card import ContactCardDialog
from tui.dialogs.export_ics import ExportIcsDialog
from tui.dialogs.import_file import ImportDialog
from tui.dialogs.memberships import MembershipsDialog
from tui.dialogs.note_editor import NoteEditor
from tui.dialogs.note_viewer import NoteViewer
from tui.dialogs.outbox import OutboxDialog
from tui.dialogs.social_profile import SocialProfileDialog
from tui.dialogs.type_filter import TypeFilterDialog
from tui.screens.contact_list import ContactListScreen
from tui.screens.help import HelpScreen

SIZES = [pytest.param((80, 24), id="80x24")]


@pytest.mark.parametrize("size", SIZES)
class TestListAndPage:
    @shows(ContactListScreen, no_color=True)
    def test_list_with_a_highlighted_row(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=then("j", "j", "j"))

    @shows(ContactScreen, HistoryTab, no_color=True)
    def test_history_with_an_expanded_row(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("j", "j", "enter"))

    @shows(ContactScreen, NotesTab, no_color=True)
    def test_notes_with_a_highlighted_note(self, snap_compare, app_factory, sample_db, size):
        seed_hostile(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("2", "j"))

    @shows(ContactScreen, MapTab, no_color=True)
    def test_map(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("3"))

    @shows(ContactScreen, SocialTab, no_color=True)
    def test_social_feed_with_a_highlighted_post(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_social_tab import seed_feed

        seed_feed(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("4", "j"))

    @shows(HelpScreen, no_color=True)
    def test_help_on_a_contact(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("f1"))

    @shows(CommandPalette, no_color=True)
    def test_palette(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=palette("seg"))


@pytest.mark.parametrize("size", SIZES)
class TestChoices:
    @shows(TypeFilterDialog, no_color=True)
    def test_type_filter_with_types_in_and_out(self, snap_compare, app_factory, size):
        # Email read and Form submitted included; Email sent excluded.
        keys = then("t", "space", "down", "down", "space", "tab", "down", "space")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(NoteEditor, no_color=True)
    def test_note_editor_with_call_chosen(self, snap_compare, app_factory, size):
        keys = then("n", *"Called back", "shift+tab", *"today 14:00", "shift+tab", "right", "right", "space")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(MembershipsDialog, no_color=True)
    def test_segments_with_a_long_one_highlighted(self, snap_compare, app_factory, sample_db, size):
        seed_hostile(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("s", "down"))

    @shows(ComposeEmail, no_color=True)
    def test_compose_with_do_not_contact_overridden(self, snap_compare, app_factory, size):
        keys = then("E", *"Renewal", *["shift+tab"] * 5, "space")
        assert snap_compare(app_factory(contact_id=2), terminal_size=size, run_before=keys)

    @shows(KeepDraftDialog, no_color=True)
    def test_keep_draft_question(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("E", *"Hi", "escape"))

    @shows(ContactCardDialog, no_color=True)
    def test_contact_details(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("i"))

    @shows(AvatarSourceDialog, no_color=True)
    def test_avatar_source_with_another_highlighted(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("A", "down"))

    @shows(SocialProfileDialog, no_color=True)
    def test_social_profile_with_bluesky_chosen(self, snap_compare, app_factory, size):
        # The handle has the focus first; the network is one shift+tab away.
        keys = then("S", *"ada.bsky.social", "shift+tab", "right", "space")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)


@pytest.mark.parametrize("size", SIZES)
class TestOtherDialogs:
    @shows(ConfirmDialog, no_color=True)
    def test_delete_confirmation(self, snap_compare, app_factory, sample_db, size):
        seed_hostile(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("2", "d"))

    @shows(NoteViewer, no_color=True)
    def test_note_viewer_of_a_hostile_note(self, snap_compare, app_factory, sample_db, size):
        seed_hostile(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("2", "enter"))

    @shows(ExportIcsDialog, no_color=True)
    def test_export_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=then("c", "x"))

    @shows(ImportDialog, no_color=True)
    def test_import_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=then("i"))

    @shows(OutboxDialog, no_color=True)
    def test_outbox_with_the_second_change_highlighted(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_mautic_sync_tui import seed_mautic

        seed_mautic(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=then("ctrl+o", "down"))
