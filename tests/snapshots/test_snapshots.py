"""SVG snapshots of every screen and dialog at 80x24 and 120x36 (pytest-textual-snapshot)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.snapshots.keys import settled as _settled
from tests.snapshots.keys import then as _then
from tests.snapshots.shown import shows
from tui.contact.screen import ContactScreen
from tui.contact.tabs.history import HistoryTab
from tui.contact.tabs.map import MapTab
from tui.contact.tabs.notes import NotesTab
from tui.contact.tabs.social import SocialTab
from tui.dialogs.avatar_source import AvatarSourceDialog
from tui.dialogs.compose_email import ComposeEmail
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.contact_card import ContactCardDialog
from tui.dialogs.export_ics import ExportIcsDialog
from tui.dialogs.import_file import ImportDialog
from tui.dialogs.memberships import MembershipsDialog
from tui.dialogs.merge import MergeDialog
from tui.dialogs.note_editor import NoteEditor
from tui.dialogs.note_viewer import NoteViewer
from tui.dialogs.outbox import OutboxDialog
from tui.dialogs.social_profile import SocialProfileDialog
from tui.dialogs.type_filter import TypeFilterDialog
from tui.screens.calendar import CalendarScreen
from tui.screens.contact_list import ContactListScreen
from tui.screens.help import HelpScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.mark.parametrize("size", SIZES)
class TestContactList:
    @shows(ContactListScreen)
    def test_list(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=_settled)

    @shows(ContactListScreen)
    def test_search(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("slash", *"ex"))

    @shows(HelpScreen)
    def test_help(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("f1"))


@pytest.mark.parametrize("size", SIZES)
class TestContactPage:
    @shows(ContactScreen, HistoryTab)
    def test_page(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_settled)

    @shows(ContactScreen, HistoryTab)
    def test_expanded_event(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("j", "enter"))

    @shows(TypeFilterDialog)
    def test_type_filter_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("t"))

    @shows(ContactScreen, HistoryTab)
    def test_filtered(self, snap_compare, app_factory, size):
        keys = _then("slash", *"zürich", "enter")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(ContactScreen, HistoryTab)
    def test_history_deep(self, snap_compare, app_factory, size):
        # The oldest events, then a page up: the first line in view is an event, under its day's heading.
        keys = _then("G", "pageup", "pageup")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(ContactScreen, HistoryTab)
    def test_hostile_contact(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=7), terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", SIZES)
class TestNotesAndCalendar:
    @shows(ContactScreen, NotesTab)
    def test_notes_tab(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("2"))

    @shows(NoteEditor)
    def test_note_editor(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("n", *"Hello"))

    @shows(NoteViewer)
    def test_note_viewer(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("2", "enter"))

    @shows(ConfirmDialog)
    def test_delete_confirmation(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("2", "d"))

    @shows(CalendarScreen)
    def test_calendar(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("c"))

    @shows(ExportIcsDialog)
    def test_export_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("c", "x"))

    @shows(CalendarScreen)
    def test_calendar_busy_day(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.busy_calendar import seed_busy_month

        seed_busy_month(sample_db)  # seven notes on the 18th, five on the 17th
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("c", "left", "left"))

    @shows(CalendarScreen, no_color=True)
    def test_calendar_no_color(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.busy_calendar import seed_busy_month

        seed_busy_month(sample_db)  # the selected day, today and other months' days still read without colour
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("c", "left", "left"))

    @shows(ContactScreen, NotesTab)
    def test_note_opened_from_the_calendar(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.busy_calendar import seed_busy_month

        seed_busy_month(sample_db)  # Ada's call on the 18th is below forty newer notes
        keys = _then("c", "left", "left", "enter", "j", "j", "j", "enter")
        assert snap_compare(app_factory(), terminal_size=size, run_before=keys)

    @shows(ContactScreen, HistoryTab)
    def test_weekly_to_monthly_chart(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("m"))


@pytest.mark.parametrize("size", SIZES)
class TestChart:
    """A Devanagari name beside the totals, and points at half the engagements: one shape on two scales."""

    @shows(ContactScreen, HistoryTab)
    def test_devanagari_contact(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.indic_contact import add_indic_contact

        contact_id = add_indic_contact(sample_db)
        assert snap_compare(app_factory(contact_id=contact_id), terminal_size=size, run_before=_settled)

    @shows(ContactScreen, HistoryTab, no_color=True)  # blocks, dots and "=" tell engagements, points and both apart
    def test_devanagari_contact_no_color(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.indic_contact import add_indic_contact

        contact_id = add_indic_contact(sample_db)
        assert snap_compare(app_factory(contact_id=contact_id), terminal_size=size, run_before=_settled)

    @shows(ContactScreen, HistoryTab, no_color=True)
    def test_busy_contact_no_color(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", SIZES)
class TestMembershipsAndEmail:
    @shows(MembershipsDialog)
    def test_segments_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("s"))

    @shows(MembershipsDialog)
    def test_campaigns_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("a"))

    @shows(ComposeEmail)
    def test_compose_email(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("E", *"Hi"))

    @shows(ComposeEmail)
    def test_compose_email_do_not_contact(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=2), terminal_size=size, run_before=_then("E"))

    @shows(ComposeEmail)
    def test_compose_email_smtp_not_configured(self, snap_compare, app_factory, size, monkeypatch):
        # The message names the settings file: a fixed path (no such file) keeps the snapshot the same everywhere.
        monkeypatch.setenv("DOSSIER_CONFIG", "/home/sam/.config/dossier/config.toml")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("E", *"Hi", "ctrl+s"))

    @shows(ComposeEmail)
    def test_compose_email_empty_placeholder(self, snap_compare, sample_db, size):
        from store.settings import load_settings
        from tests.tui.sample import NOW
        from tui.factory import make_app

        # Person00 has no owner; the server is never asked: the dialog stops before sending.
        smtp = {"host": "127.0.0.1", "port": 9, "security": "none", "from_address": "sam@dossier.example"}
        settings = load_settings(ui={"cursor_blink": False, "live_interval": 0}, network={"offline": True}, smtp=smtp)
        app = make_app(settings, sample_db, contact_id=9, clock=lambda: NOW)
        keys = _then("E", *"Hi", "tab", *"Your account manager: {owner}.", "ctrl+s")
        assert snap_compare(app, terminal_size=size, run_before=keys)

    @shows(AvatarSourceDialog)
    def test_avatar_source_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("A"))

    @shows(ContactCardDialog)
    def test_contact_details(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("i"))


@pytest.mark.parametrize("size", SIZES)
class TestMerge:
    """The merge dialog's three steps; a twin of Ada with a long email shows that nothing is cut."""

    @shows(MergeDialog)
    def test_merge_dialog_search(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("M", *"hop"))

    @shows(MergeDialog)
    def test_likely_duplicates(self, snap_compare, app_factory, sample_db, size):
        _add_twin(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("M"))

    @shows(MergeDialog)
    def test_merge_preview(self, snap_compare, app_factory, size):
        keys = _then("M", *"hop", "down", "enter")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(MergeDialog)
    def test_preview_of_a_long_email_with_a_flipped_field(self, snap_compare, app_factory, sample_db, size):
        _add_twin(sample_db)
        keys = _then("M", "down", "enter", "down", "down", "space")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(ConfirmDialog)
    def test_confirmation(self, snap_compare, app_factory, size):
        keys = _then("M", *"hop", "down", "enter", "ctrl+s")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)

    @shows(MergeDialog, no_color=True)
    def test_preview_without_colour(self, snap_compare, app_factory, size):
        # Which value is kept is a mark (✓, +, =), and the current field is in reverse video.
        keys = _then("M", *"hop", "down", "enter", "down", "down", "space")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=keys)


def _add_twin(sample_db) -> None:
    from tests.tui.test_merge_dialog import LONG_EMAIL, add_duplicate

    add_duplicate(sample_db, email=LONG_EMAIL, modified=datetime(2020, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("size", SIZES)
class TestMap:
    @shows(ContactScreen, MapTab)
    def test_map_tab(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("3"))

    @shows(ContactScreen, SocialTab)
    def test_social_tab_empty(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("4"))

    @shows(SocialProfileDialog)
    def test_social_profile_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("S"))

    @shows(ContactScreen, SocialTab)
    def test_social_tab_with_feed(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_social_tab import seed_feed

        seed_feed(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("4"))

    @shows(ContactScreen, SocialTab)
    def test_social_tab_labelled_account(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_social_tab import seed_labelled_feed

        seed_labelled_feed(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("4"))

    @shows(ContactScreen, SocialTab)
    def test_social_tab_rate_limited(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_social_tab import seed_feed

        seed_feed(sample_db, status="rate_limited")
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("4"))


@pytest.mark.parametrize("size", SIZES)
class TestImport:
    @shows(ImportDialog)
    def test_import_dialog(self, snap_compare, app_factory, size):
        assert snap_compare(app_factory(), terminal_size=size, run_before=_then("i"))

    @shows(ImportDialog)
    def test_import_summary(self, snap_compare, app_factory, size, tmp_path, monkeypatch):
        # A relative path, so the picture does not depend on where the test's temporary folder is.
        monkeypatch.chdir(tmp_path)
        (tmp_path / "people.csv").write_text(
            "First Name,Last Name,E-mail Address\nAda,Byron,ada.byron@x.example\nBad,Row,not-an-email\n",
            encoding="utf-8",
        )
        keys = _then("i", *"people.csv", "enter")
        assert snap_compare(app_factory(), terminal_size=size, run_before=keys)


@pytest.mark.parametrize("size", SIZES)
class TestMautic:
    @shows(ContactScreen, HistoryTab)
    def test_contact_from_mautic_with_changes_waiting(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_mautic_sync_tui import seed_mautic

        seed_mautic(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then())

    @shows(OutboxDialog)
    def test_outbox_dialog(self, snap_compare, app_factory, sample_db, size):
        from tests.tui.test_mautic_sync_tui import seed_mautic

        seed_mautic(sample_db)
        assert snap_compare(app_factory(contact_id=1), terminal_size=size, run_before=_then("ctrl+o"))
