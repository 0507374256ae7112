"""The Notes tab: a contact's notes newest first; n writes one, Enter reads, e edits, d deletes, j/k/g/G move."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from plain.words import plural
from store.notes import TYPE_LABELS, NoteRow, add_note, delete_note, list_notes, update_note
from tui.background import in_thread
from tui.contact.tabs.base import ContactTab
from widgets.choice_list import ChoiceList

if TYPE_CHECKING:
    from tui.dialogs.note_editor import NoteDraft

EXCERPT = 60  # characters of a note quoted when asking to delete it
MARKERS = {
    "general": ("●", "$text-muted"),
    "email": ("✉", "$accent"),
    "call": ("☎", "$success"),
    "meeting": ("◆", "$warning"),
}


def note_line(note: NoteRow, now: datetime) -> Content:
    """Marker and type in the type's colour, the date, the author and the start of the text."""
    marker, style = MARKERS.get(note.type, ("●", "$text-muted"))
    when = note.sort_time.astimezone(now.tzinfo)
    dated = "" if note.date_time else " (written)"
    # Cut text ends with "…" (the author here, the text at 200 cells or at the list's edge).
    author = Content(one_line(note.author)).truncate(14, ellipsis=True, pad=True)
    return Content.assemble(
        (f"{marker} {TYPE_LABELS.get(note.type, note.type):<8}", f"bold {style}"),
        (f"{when:%Y-%m-%d %H:%M}{dated:<10} ", "$text-muted"),
        author.stylize("$text-muted"),
        " ",
        Content(one_line(note.text.strip())).truncate(200, ellipsis=True),
    )


class NotesTab(ContactTab):
    """The contact's notes, newest first; n writes one, Enter reads, e edits, d deletes."""

    TAB_ID, TITLE, KEY, FOCUS, ORDER = "notes", "Notes", "2", "#notes-list", 20

    class Changed(Message):
        """A note was added, edited or deleted: the page and History should refresh."""

    BINDINGS = [
        Binding("n", "new_note", "New note", tooltip="Write a General, Email, Call or Meeting note", id="notes.new"),
        Binding("e", "edit_note", "Edit", tooltip="Edit the highlighted note", id="notes.edit"),
        Binding("d", "delete_note", "Delete", tooltip="Delete the highlighted note", id="notes.delete"),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__(contact_id)
        self.notes: list[NoteRow] = []
        self._wanted: int | None = None  # a note to highlight once the list shows it

    def content(self) -> ComposeResult:
        with Vertical(id="notes-pane"):
            yield Static(id="notes-state")
            yield ChoiceList(id="notes-list", markup=False)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#notes-list", OptionList)

    def load(self) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: list_notes(engine, self.contact_id), self._show, group="notes")

    def highlight_note(self, note_id: int) -> None:
        """Highlight this note (and scroll to it) now or when the notes are next shown."""
        self._wanted = note_id
        if self.notes:
            self._highlight_wanted()

    def _show(self, notes: list[NoteRow]) -> None:
        highlighted = self.option_list.highlighted
        self.notes = notes
        now = self.ctx.clock()
        self.option_list.clear_options()
        self.option_list.add_options(Option(note_line(note, now), id=str(note.id)) for note in notes)
        if notes:
            self.option_list.highlighted = min(highlighted or 0, len(notes) - 1)
            self._highlight_wanted()
        state = f"{plural(len(notes), 'note')} · n writes one" if notes else "No notes yet. Press n to write one."
        self.query_one("#notes-state", Static).update(Content.styled(state, "$text-muted"))

    def _highlight_wanted(self) -> None:
        wanted, self._wanted = self._wanted, None
        index = next((i for i, note in enumerate(self.notes) if note.id == wanted), None)
        if index is not None:
            self.option_list.highlighted = index
            # The list may not have its size yet: scroll once it is laid out, or a deep note stays hidden.
            self.option_list.call_after_refresh(self.option_list.scroll_to_highlight)

    def _current(self) -> NoteRow | None:
        index = self.option_list.highlighted
        return self.notes[index] if index is not None and index < len(self.notes) else None

    @on(OptionList.OptionSelected, "#notes-list")
    def _open(self) -> None:
        note = self._current()
        if note is None:
            return
        heading = (
            f"{TYPE_LABELS.get(note.type, note.type)} · {note.sort_time.astimezone():%Y-%m-%d %H:%M} · {note.author}"
        )

        def chosen(action: str | None) -> None:
            if action == "edit":
                self.action_edit_note()
            elif action == "delete":
                self.action_delete_note()

        from tui.dialogs.note_viewer import NoteViewer  # on first use: Markdown is not needed to paint the page

        self.app.push_screen(NoteViewer(note, heading), chosen)

    def _author(self) -> str:
        return self.ctx.settings.user.name

    def action_new_note(self) -> None:
        self._open_editor(None)

    def action_edit_note(self) -> None:
        note = self._current()
        if note is not None:
            self._open_editor(note)

    def _open_editor(self, note: NoteRow | None) -> None:
        """The note editor on a new note (`note` None) or on `note`; it saves through the store itself."""
        engine, clock, author = self.ctx.engine, self.ctx.clock, self._author()

        def save(draft: NoteDraft) -> NoteRow:
            fields = {"type": draft.type, "text": draft.text, "date_time": draft.date_time, "author": author}
            if note is None:
                return add_note(engine, self.contact_id, **fields, now=clock())
            return update_note(
                engine, note.id, **fields, expected_version=note.version, now=clock(), created_at=note.created_at
            )

        from tui.dialogs.note_editor import NoteEditor  # on first use, as the viewer

        title = "New note" if note is None else "Edit note"
        self.app.push_screen(NoteEditor(title, save, note=note), self._saved)

    def _saved(self, note: NoteRow | None) -> None:
        if note is not None:
            self.post_message(self.Changed())  # the page reloads every tab, this one too

    def action_delete_note(self) -> None:
        note = self._current()
        if note is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(note)

        text = one_line(note.text.strip())
        excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"  # a cut shows it is cut
        message = Content.assemble("Delete this note? This cannot be undone.\n\n", (excerpt, "italic"))
        from tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog("Delete note", message, yes="Delete", default=False), answered)

    def _delete(self, note: NoteRow) -> None:
        engine, actor, now = self.ctx.engine, self._author(), self.ctx.clock()
        in_thread(
            self,
            lambda: delete_note(engine, note.id, actor=actor, now=now, created_at=note.created_at),
            lambda _deleted: self._saved(note),
            group="notes-delete",
        )
