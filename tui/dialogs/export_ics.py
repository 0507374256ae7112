"""Export the calendar to an iCalendar (.ics) file that calendar programs import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from plain.words import plural
from store.interchange.ics import export_ics
from tui.background import in_thread, sentence
from tui.context import InApp
from tui.inputs import TextInput


def _day(text: str, label: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label} must be a date like 2026-12-31, not {text!r}.") from None


class ExportIcsDialog(InApp, ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "export", "Export", priority=True, id="ics.export"),
        Binding("escape", "dismiss", "Cancel", id="ics.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ics-dialog"):
            yield Static(Content.styled("Export the calendar (.ics)", "bold"), classes="dialog-title")
            yield Label("File")
            # A relative name is written to the folder Dossier was started from.
            yield TextInput("dossier-calendar.ics", id="ics-path")
            with Horizontal(id="ics-range"):
                with Vertical():
                    yield Label("From (optional)")
                    yield TextInput(placeholder="YYYY-MM-DD", id="ics-from")
                with Vertical():
                    yield Label("To (optional)")
                    yield TextInput(placeholder="YYYY-MM-DD", id="ics-to")
            yield Static(id="ics-error")
            yield Static(
                Content("Every dated note becomes an event; exporting again updates rather than duplicates."),
                classes="dialog-hint",
            )
            yield Static(Content("Enter exports · Esc cancels"), classes="dialog-hint")

    def action_export(self) -> None:
        error = self.query_one("#ics-error", Static)
        try:
            start = _day(self.query_one("#ics-from", TextInput).value, "From")
            end = _day(self.query_one("#ics-to", TextInput).value, "To")
        except ValueError as exc:
            error.update(Content.styled(str(exc), "bold $error"))
            return
        path = Path(self.query_one("#ics-path", TextInput).value.strip()).expanduser().absolute()
        self._export(path, start, end)

    def _export(self, path: Path, start: date | None, end: date | None) -> None:
        engine, now = self.ctx.engine, self.ctx.clock()

        def done(count: int) -> None:
            self.dossier.say(f"Wrote {plural(count, 'event')} to {path}.", title="Calendar exported")
            self.dismiss()

        def failed(exc: Exception) -> None:
            message = f"Could not write {path}: {exc.strerror or exc}." if isinstance(exc, OSError) else sentence(exc)
            self.query_one("#ics-error", Static).update(Content.styled(message, "bold $error"))

        in_thread(
            self,
            lambda: export_ics(engine, start=start, end=end, out=path, now=now),
            done,
            group="ics",
            failed=failed,
        )
