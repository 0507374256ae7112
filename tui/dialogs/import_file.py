"""Import contacts from a CSV file or vCards (a .vcf file or a folder of them), with progress and a summary.

The format follows the path: a folder or a `.vcf`/`.vcard` file is vCard, anything else whose first line is
`BEGIN:VCARD` too, the rest CSV. The import runs in a thread; it writes in batches, one transaction each, so
Esc during an import stops it after the current batch and keeps every batch already written. A live Mautic
instance is imported from the command line (the dialog shows the command).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from store.csv_columns import CsvImportError
from store.csv_import import import_csv
from store.db import describe_error
from store.vcard_import import import_vcards
from tui.inputs import TextInput
from widgets.literal import one_line

MAUTIC_HINT = "From a Mautic instance: dossier import mautic --url URL --user USER"
SHOWN_FAILURES = 3


class _Stopped(Exception):
    """Raised from the progress callback between batches when the user pressed Esc."""


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did, whatever the format."""

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    failed: list[str]
    stopped: bool = False

    def sentence(self) -> str:
        unit = "cards" if self.kind == "vCard" else "rows"
        if self.stopped:
            return f"Stopped after {self.rows:,} {unit}; everything read before that is saved."
        return (
            f"Read {self.rows:,} {unit}: {self.created:,} created, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.skipped:,} skipped, {len(self.failed):,} failed."
        )


def detect_kind(path: Path) -> str:
    """ "vCard" or "CSV" for what is at `path` (see the module docstring)."""
    if path.is_dir() or path.suffix.lower() in (".vcf", ".vcard"):
        return "vCard"
    try:
        with path.open("rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return "CSV"
    return "vCard" if head.upper().startswith(b"BEGIN:VCARD") else "CSV"


class ImportDialog(ModalScreen[bool]):
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
        self._import(path, detect_kind(path))

    def action_close(self) -> None:
        if self._busy:
            self._stop_asked = True
            self._status("Stopping after the current batch…")
            return
        self.dismiss(self._wrote_any)

    def _progress(self, kind: str, started: float):
        unit = "cards" if kind == "vCard" else "rows"

        def report(count: int) -> None:
            if self._stop_asked or get_current_worker().is_cancelled:
                raise _Stopped
            rate = count / max(time.perf_counter() - started, 1e-6)
            self.app.call_from_thread(self._status, f"Importing {kind}: {count:,} {unit} · {rate:,.0f} {unit}/s")

        return report

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, path: Path, kind: str) -> None:
        engine = self.app.context.engine
        report = self._progress(kind, time.perf_counter())
        seen = 0

        def short(reasons: list[str]) -> list[str]:
            # `/long/path/people.csv:4: reason` reads as `people.csv:4: reason` in a narrow dialog.
            folder = f"{path.parent if path.is_file() else path}/"
            return [reason.removeprefix(folder) for reason in reasons]

        def counting(count: int) -> None:
            nonlocal seen
            seen = count
            report(count)

        try:
            if kind == "vCard":
                result = import_vcards(engine, path, now=self.app.context.clock(), progress=counting)
                outcome = ImportOutcome(
                    kind, seen, result.created, result.updated, result.unchanged, result.skipped, short(result.failed)
                )
            else:
                result = import_csv(engine, path, progress=counting)
                outcome = ImportOutcome(
                    kind,
                    result.rows,
                    result.created,
                    result.updated,
                    result.unchanged,
                    result.skipped,
                    short(result.failed),
                )
        except _Stopped:
            outcome = ImportOutcome(kind, seen, 0, 0, 0, 0, [], stopped=True)
        except OSError as exc:
            self.app.call_from_thread(self._finish, None, f"Cannot read {path}: {exc.strerror or exc}.")
            return
        except CsvImportError as exc:
            self.app.call_from_thread(self._finish, None, str(exc))
            return
        except Exception as exc:
            self.app.call_from_thread(self._finish, None, describe_error(exc))
            return
        self.app.call_from_thread(self._finish, outcome, None)

    def _finish(self, outcome: ImportOutcome | None, error: str | None) -> None:
        self._busy = False
        self._finished = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = False
        if outcome is None:
            self._status(one_line(error or "The import failed."), error=True)
            self._wrote_any = True  # earlier batches may have been written
        else:
            self._wrote_any = outcome.stopped or bool(outcome.created or outcome.updated)
            lines = [outcome.sentence()]
            lines += [one_line(reason) for reason in outcome.failed[:SHOWN_FAILURES]]
            if len(outcome.failed) > SHOWN_FAILURES:
                lines.append(
                    f"… and {len(outcome.failed) - SHOWN_FAILURES:,} more failures (dossier import on "
                    "the command line lists them all)."
                )
            self._status("\n".join(lines))
        self.query_one("#import-keys", Static).update(Content("Enter or Esc closes"))
