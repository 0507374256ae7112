"""Write or edit a note: type, an optional date and time, and a Markdown body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, RadioSet, Static

from store.db import describe_error
from store.notes import NOTE_TYPES, TYPE_LABELS, NoteError, NoteInvalid, NoteRow, parse_when
from tui.background import in_thread
from tui.context import InApp
from tui.dialogs.confirm import ConfirmDialog
from tui.inputs import TextEditor, TextInput
from widgets.toggles import MarkedRadioButton


@dataclass(frozen=True)
class NoteDraft:
    type: str
    text: str
    date_time: datetime | None


class NoteEditor(InApp, ModalScreen[NoteRow | None]):
    """Saves through `save` in a worker; stays open with the text when saving fails."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, save: Callable[[NoteDraft], NoteRow], *, note: NoteRow | None = None) -> None:
        super().__init__()
        self._title = title
        self._save = save
        self._note = note
        self._initial = (note.type, note.text, self._when_text(note)) if note else ("general", "", "")

    def _when_text(self, note: NoteRow) -> str:
        if note.date_time is None:
            return ""
        return note.date_time.astimezone(self.ctx.clock().tzinfo).strftime("%Y-%m-%d %H:%M")

    def compose(self) -> ComposeResult:
        kind, text, when = self._initial
        with Vertical(classes="dialog", id="note-dialog"):
            yield Static(Content.styled(self._title, "bold"), classes="dialog-title")
            with RadioSet(id="note-type"):
                for value in NOTE_TYPES:
                    yield MarkedRadioButton(TYPE_LABELS[value], value=value == kind, name=value)
            with Horizontal(id="note-when-row"):
                yield TextInput(when, placeholder="When: YYYY-MM-DD HH:MM", id="note-when")
                yield Static(id="note-when-hint")
            yield TextEditor(text, id="note-text", placeholder="Write the note (Markdown)…")
            yield Static(id="note-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ctrl+s", variant="primary", id="save")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextEditor)
        # What the editor shows is the baseline: a note holding escapes shows them as ␛, not as a change.
        self._initial = (self._initial[0], area.text, self._initial[2])
        self.set_focus(area)
        self._update_hint(self.query_one("#note-when", TextInput).value)

    def _type(self) -> str:
        pressed = self.query_one("#note-type", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "general"

    def _draft(self) -> NoteDraft:
        when = self.query_one("#note-when", TextInput).value.strip()
        date_time = parse_when(when, now=self.ctx.clock()) if when else None
        return NoteDraft(type=self._type(), text=self.query_one("#note-text", TextEditor).text, date_time=date_time)

    def _changed(self) -> bool:
        current = (self._type(), self.query_one("#note-text", TextEditor).text, self.query_one("#note-when").value)
        return current != self._initial

    def unsaved_work(self) -> str | None:
        return "the note you are writing" if self._changed() else None

    @on(TextInput.Changed, "#note-when")
    def _when_changed(self, event: TextInput.Changed) -> None:
        self._update_hint(event.value)

    def _update_hint(self, value: str) -> None:
        hint = self.query_one("#note-when-hint", Static)
        if not value.strip():
            hint.update(Content.styled("no date (required for calls and meetings)", "$text-muted"))
            return
        try:
            when = parse_when(value, now=self.ctx.clock())
        except NoteInvalid:
            hint.update(Content.styled("not a date yet", "$warning"))
            return
        local = when.astimezone(self.ctx.clock().tzinfo) if when else None
        hint.update(Content.styled(f"→ {local:%a %d %b %Y %H:%M}" if local else "", "$success"))

    def _error(self, message: str) -> None:
        self.query_one("#note-error", Static).update(Content.styled(message, "bold $error"))

    def action_save(self) -> None:
        try:
            draft = self._draft()
        except NoteInvalid as exc:
            self._error(str(exc))
            return
        self._error("")
        self._run_save(draft)

    def _run_save(self, draft: NoteDraft) -> None:
        def failed(exc: Exception) -> None:
            # Invalid, changed by someone else, or deleted meanwhile: said as it is. Anything else keeps the
            # text too, so the user can retry.
            self._error(str(exc) if isinstance(exc, NoteError) else f"Not saved: {describe_error(exc)}")

        in_thread(self, lambda: self._save(draft), self.dismiss, group="note-save", failed=failed)

    def action_cancel(self) -> None:
        if not self._changed():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        message = Content("You have unsaved changes in this note. Throw them away?")
        dialog = ConfirmDialog("Discard the note?", message, yes="Discard", no="Keep editing", default=False)
        self.app.push_screen(dialog, answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
