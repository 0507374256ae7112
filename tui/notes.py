"""The Notes tab: a contact's notes newest first; n writes one, Enter reads, e edits, d deletes."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from store.notes import NoteRow, add_note, delete_note, list_notes, update_note
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.note_editor import TYPE_LABELS, NoteDraft, NoteEditor
from tui.dialogs.note_viewer import NoteViewer

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
    excerpt = one_line(note.text.strip())
    return Content.assemble(
        (f"{marker} {TYPE_LABELS.get(note.type, note.type):<8}", f"bold {style}"),
        (f"{when:%Y-%m-%d %H:%M}{dated:<10} ", "$text-muted"),
        (f"{one_line(note.author)[:14]:<15}", "$text-muted"),
        excerpt[:200],
    )


class NotesPane(Vertical):
    class Changed(Message):
        """A note was added, edited or deleted: History and the header should refresh."""

    BINDINGS = [
        Binding("n", "new_note", "New note", tooltip="Write a General, Email, Call or Meeting note", id="notes.new"),
        Binding("e", "edit_note", "Edit", tooltip="Edit the highlighted note", id="notes.edit"),
        Binding("d", "delete_note", "Delete", tooltip="Delete the highlighted note", id="notes.delete"),
    ]

    def __init__(self, contact_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.contact_id = contact_id
        self.notes: list[NoteRow] = []

    def compose(self) -> ComposeResult:
        yield Static(id="notes-state")
        yield OptionList(id="notes-list", markup=False)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#notes-list", OptionList)

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def reload(self) -> None:
        notes = list_notes(self.app.context.engine, self.contact_id)
        self.app.call_from_thread(self._show, notes)

    def _show(self, notes: list[NoteRow]) -> None:
        highlighted = self.option_list.highlighted
        self.notes = notes
        now = self.app.context.clock()
        self.option_list.clear_options()
        self.option_list.add_options(Option(note_line(note, now), id=str(note.id)) for note in notes)
        if notes:
            self.option_list.highlighted = min(highlighted or 0, len(notes) - 1)
        state = (
            f"{len(notes)} note{'s' if len(notes) != 1 else ''} · n writes one"
            if notes
            else ("No notes yet. Press n to write one.")
        )
        self.query_one("#notes-state", Static).update(Content.styled(state, "$text-muted"))

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

        self.app.push_screen(NoteViewer(note, heading), chosen)

    def _author(self) -> str:
        return self.app.context.settings.user.name

    def action_new_note(self) -> None:
        engine, now = self.app.context.engine, self.app.context.clock

        def save(draft: NoteDraft) -> NoteRow:
            return add_note(
                engine,
                self.contact_id,
                type=draft.type,
                text=draft.text,
                date_time=draft.date_time,
                author=self._author(),
                now=now(),
            )

        self.app.push_screen(NoteEditor("New note", save), self._saved)

    def action_edit_note(self) -> None:
        note = self._current()
        if note is None:
            return
        engine, now = self.app.context.engine, self.app.context.clock

        def save(draft: NoteDraft) -> NoteRow:
            return update_note(
                engine,
                note.id,
                type=draft.type,
                text=draft.text,
                date_time=draft.date_time,
                author=self._author(),
                expected_version=note.version,
                now=now(),
                created_at=note.created_at,
            )

        self.app.push_screen(NoteEditor("Edit note", save, note=note), self._saved)

    def _saved(self, note: NoteRow | None) -> None:
        if note is not None:
            self.reload()
            self.post_message(self.Changed())

    def action_delete_note(self) -> None:
        note = self._current()
        if note is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(note)

        excerpt = one_line(note.text.strip())[:60]
        message = Content.assemble("Delete this note? This cannot be undone.\n\n", (excerpt, "italic"))
        self.app.push_screen(ConfirmDialog("Delete note", message, yes="Delete", default=False), answered)

    @work(thread=True, group="notes-delete", exit_on_error=False)
    def _delete(self, note: NoteRow) -> None:
        delete_note(
            self.app.context.engine,
            note.id,
            actor=self._author(),
            now=self.app.context.clock(),
            created_at=note.created_at,
        )
        self.app.call_from_thread(self._saved, note)
