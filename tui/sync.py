"""Syncing with Mautic from the app: ctrl+r (or the palette) runs one sync in the background, ctrl+r again
stops it after the contact at hand, and `[mautic] interval` runs one every so many minutes.

The sync is the CLI's (push the outbox, then pull; services/mautic, store/interchange/mautic_sync) in a thread
worker. What it is doing, and how many changes wait for Mautic, shows in the title bar of every screen
("Mautic: activity · 1,204 events", "3 changes waiting for Mautic"); the end says what came in.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.worker import Worker

from plain.words import plural

if TYPE_CHECKING:
    from tui.app import DossierApp


class MauticSync:
    def __init__(self, app: DossierApp) -> None:
        self.app = app
        self.worker: Worker[None] | None = None
        self.stop_asked = False
        self.status = ""  # what the title bar says about Mautic now
        self.waiting: dict[str, int] = {}

    @property
    def configured(self) -> bool:
        settings = self.app.context.settings.mautic
        return bool(settings.url and settings.user)

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    def start_timer(self) -> None:
        minutes = self.app.context.settings.mautic.interval
        if self.configured and minutes > 0:
            self.app.set_interval(minutes * 60, lambda: self.start(quiet=True))
        self.count_waiting()

    def toggle(self) -> None:
        """ctrl+r: start a sync, or stop the one running."""
        if self.running:
            self.stop_asked = True
            self._show("Mautic: stopping after the contact at hand…")
            return
        self.start()

    def start(self, *, quiet: bool = False) -> None:
        if self.running:
            return
        if not self.configured:
            if not quiet:
                self.app.say(
                    "Set mautic.url and mautic.user in the settings (and the secret in DOSSIER_MAUTIC__SECRET or "
                    "the keyring) to sync with Mautic, then choose Reload settings (ctrl+p).",
                    title="Mautic",
                    severity="warning",
                )
            return
        self.stop_asked = False
        self._show("Mautic: connecting…")
        self.worker = self.app.run_worker(
            lambda: self._run(timed=quiet), thread=True, group="mautic-sync", exit_on_error=False
        )

    def _run(self, *, timed: bool) -> None:
        from services.mautic.round import sync_round
        from services.mautic.send import client_for
        from store.db import describe_error
        from store.interchange.mautic_sync import MauticSummary, Stopped, source_name

        context = self.app.context
        settings = context.settings.mautic
        summary = MauticSummary()
        call = self.app.call_from_thread

        def waiting(until: datetime) -> None:
            call(self._show, f"Mautic: waiting for its hourly API limit (until {until.astimezone():%H:%M})")

        try:
            origin = source_name(settings.url)
            with client_for(settings, on_wait=waiting) as client:

                def progress(done: MauticSummary) -> None:
                    counts = [plural(done.rows, "contact"), plural(done.events, "event")]
                    counts.append(plural(client.requests, "request"))
                    call(self._show, f"Mautic: {done.stage} · {' · '.join(counts)}")

                pushed = sync_round(
                    context.engine,
                    client,
                    origin,
                    summary,
                    stage=lambda words: call(self._show, f"Mautic: {words}"),
                    progress=progress,
                    stop=lambda: self.stop_asked,
                    due_only=timed,
                )
        except Stopped:
            call(self._finished, "Stopped; the next sync goes on from there.", "warning")
        except Exception as exc:  # one sentence, whatever failed; what was done is kept
            call(self._finished, describe_error(exc), "error")
        else:
            sent = f"sent {plural(pushed.sent, 'change')}; " if pushed.sent else ""
            held = pushed.refused + pushed.conflicts
            words = (
                f"{sent}{plural(summary.created + summary.updated, 'contact')} new or changed, "
                f"{plural(summary.events, 'event')}, {plural(summary.notes, 'note')}."
            )
            if held:
                words += f" {plural(held, 'change')} need you (palette: mautic: changes waiting)."
            call(self._finished, words, "warning" if held or pushed.problem else "information")

    def _finished(self, message: str, severity: SeverityLevel) -> None:
        self.app.say(message, title="Mautic sync", severity=severity)
        self.worker = None
        self.count_waiting()
        self.app.refresh_contact_pages()

    def count_waiting(self) -> None:
        """Read how many changes wait for Mautic (in a thread), then show it."""
        from store.sync.outbox import waiting

        engine = self.app.context.engine

        def read() -> None:
            counts = waiting(engine)
            self.app.call_from_thread(self._counted, counts)

        self.app.run_worker(read, thread=True, group="mautic-waiting", exclusive=True, exit_on_error=False)

    def _counted(self, counts: dict[str, int]) -> None:
        self.waiting = counts
        if not self.running:
            self._show("")

    def _show(self, status: str) -> None:
        if not status and self.waiting:
            status = waiting_words(self.waiting)
        self.status = status
        self.app.sub_title = f"{self.app.context.database_name}{' · ' + status if status else ''}"


def waiting_words(counts: dict[str, int]) -> str:
    """What the title bar says of the outbox, short enough for 80 columns beside a name."""
    pending, held = counts.get("pending", 0), counts.get("refused", 0) + counts.get("conflict", 0)
    need = "needs" if held == 1 else "need"
    if pending and held:
        return f"Mautic: {pending:,} waiting, {held:,} {need} you"
    if held:
        return f"{plural(held, 'change')} for Mautic {need} you"
    return f"{plural(pending, 'change')} waiting for Mautic" if pending else ""
