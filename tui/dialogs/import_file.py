"""Import contacts from a CSV file or vCards (a .vcf file or a folder of them), with progress and a summary.

The format follows the path, as the format registry decides (`store.interchange.formats.detect`): a folder
or a `.vcf`/`.vcard` file is vCard, anything else whose first line is `BEGIN:VCARD` too, the rest CSV. The
import runs in a thread; it writes in batches, one transaction each, so Esc during an import stops it after
the current batch and keeps every batch already written. A live Mautic instance is imported from the
command line (the dialog shows the command).
"""

from __future__ import annotations

import time
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from plain.errors import UserError
from plain.literal import one_line
from plain.words import plural
from store.db import describe_error
from store.interchange.counts import ImportCounts
from store.interchange.formats import FileFormat, detect
from tui.context import InApp
from tui.inputs import TextInput

MAUTIC_HINT = "From a Mautic instance: dossier import mautic --url URL --user USER"
SHOWN_FAILURES = 3


class _Stopped(Exception):
    """Raised from the progress callback between batches when the user pressed Esc."""


def report(counts: ImportCounts, unit: str, folder: str) -> list[str]:
    """The summary line and the first failures, their paths made relative to `folder` (the dialog is narrow)."""
    lines = [
        f"Read {plural(counts.rows, unit.removesuffix('s'), unit)}: {counts.created:,} created, "
        f"{counts.updated:,} updated, {counts.unchanged:,} unchanged, {counts.skipped:,} skipped, "
        f"{len(counts.failed):,} failed."
    ]
    lines += [reason.removeprefix(folder) for reason in counts.failed[:SHOWN_FAILURES]]
    if len(counts.failed) > SHOWN_FAILURES:
        more = len(counts.failed) - SHOWN_FAILURES
        lines.append(f"… and {plural(more, 'more failure')} (dossier import on the command line lists them all).")
    return lines


class ImportDialog(InApp, ModalScreen[bool]):
    """Returns True when something was written (the list reloads)."""

    BINDINGS = [
        # Not a priority binding: Enter typed right after a pasted path must wait for the path to land in the input.
        Binding("enter", "submit", "Import", id="import.run"),
        Binding("escape", "close", "Cancel", id="import.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self._stop_asked = False
        self._wrote_any = False
        self._finished = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-dialog"):
            yield Static(Content.styled("Import contacts", "bold"), classes="dialog-title")
            yield Label("CSV file, .vcf file or folder of .vcf files")
            yield TextInput(placeholder="~/Downloads/contacts.csv", id="import-path")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static(id="import-status")
            yield Static(
                Content(
                    "CSV from Mautic, Google, Outlook or HubSpot; re-importing a file adds no duplicates "
                    "(contacts are matched by email)."
                ),
                classes="dialog-hint",
            )
            yield Static(Content(MAUTIC_HINT), classes="dialog-hint", id="import-mautic")
            yield Static(Content("Enter imports · Esc cancels"), classes="dialog-hint", id="import-keys")

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False

    def _status(self, message: str, *, error: bool = False) -> None:
        style = "bold $error" if error else ""
        self.query_one("#import-status", Static).update(Content.styled(message, style) if style else Content(message))

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self._finished:
            self.dismiss(self._wrote_any)
            return
        if self._busy:
            return
        raw = self.query_one("#import-path", TextInput).value.strip()
        if not raw:
            self._status("Type the path of a CSV file, a .vcf file or a folder.", error=True)
            return
        path = Path(raw).expanduser().absolute()
        if not path.exists():
            self._status(f"{one_line(str(path))} does not exist.", error=True)
            return
        self._busy = True
        self.query_one("#import-path", TextInput).disabled = True
        self.query_one("#import-progress").display = True
        self.query_one("#import-keys", Static).update(Content("Importing… Esc stops after the current batch"))
        self._import(path, detect(path))

    def action_close(self) -> None:
        if self._busy:
            self._stop_asked = True
            self._status("Stopping after the current batch…")
            return
        self.dismiss(self._wrote_any)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, path: Path, fmt: FileFormat) -> None:
        engine = self.ctx.engine
        unit, kind = fmt.unit, fmt.label
        started = time.perf_counter()
        seen = 0

        def progress(count: int) -> None:
            # Called after each written batch: the place to stop cleanly.
            nonlocal seen
            seen = count
            if self._stop_asked or get_current_worker().is_cancelled:
                raise _Stopped
            rate = count / max(time.perf_counter() - started, 1e-6)
            self.app.call_from_thread(self._status, f"Importing {kind}: {count:,} {unit} · {rate:,.0f} {unit}/s")

        try:
            counts = fmt.read(engine, path, now=self.ctx.clock(), progress=progress)
        except _Stopped:
            lines, wrote = [f"Stopped after {seen:,} {unit}; everything read before that is saved."], True
        except OSError as exc:
            self.app.call_from_thread(self._finish, [f"Cannot read {path}: {exc.strerror or exc}."], True, error=True)
            return
        except UserError as exc:  # the file cannot be imported at all; nothing was written
            self.app.call_from_thread(self._finish, [str(exc)], False, error=True)
            return
        except Exception as exc:  # earlier batches may have been written
            self.app.call_from_thread(self._finish, [describe_error(exc)], True, error=True)
            return
        else:
            folder = f"{path.parent if path.is_file() else path}/"
            lines, wrote = report(counts, unit, folder), bool(counts.created or counts.updated)
        self.app.call_from_thread(self._finish, lines, wrote)

    def _finish(self, lines: list[str], wrote: bool, *, error: bool = False) -> None:
        self._busy = False
        self._finished = True
        self._wrote_any = wrote
        self.query_one("#import-progress", ProgressBar).display = False
        self._status("\n".join(one_line(line) for line in lines), error=error)
        self.query_one("#import-keys", Static).update(Content("Enter or Esc closes"))
