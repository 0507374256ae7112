"""The top of the contact page: who the contact is, at a glance."""

from __future__ import annotations

from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal

from plain.literal import one_line
from store.activity import activity_series
from store.rows import ContactDetail
from tui.background import in_thread
from tui.contact.card import ContactCard
from tui.context import InApp
from widgets.activity_chart import ActivityChart
from widgets.avatar import Avatar


def initials(name: str) -> str:
    """Up to two initials of a display name, for the avatar tile."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return ("".join(letters[:1] + letters[-1:]) if len(letters) > 1 else "".join(letters)).upper() or "?"


class ContactHeader(InApp, Horizontal):
    """Avatar, identity card, and the engagements/points chart of the past 6 months."""

    def compose(self) -> ComposeResult:
        yield Avatar(id="avatar")
        yield ContactCard(id="card")
        yield ActivityChart(id="activity")

    def show(self, detail: ContactDetail, now: datetime) -> None:
        avatar = self.query_one(Avatar)
        if not avatar.showing_image:
            avatar.show_fallback(detail.email or "", initials(one_line(detail.name)))
        self.query_one(ContactCard).show(detail, now)
        # The picture waits for the card to be painted: fetching it imports the HTTP client and the image
        # code on the UI thread, which held the first painted page back by about a tenth of a second.
        self.call_after_refresh(self._load_avatar, detail)

    def forget_avatar(self) -> None:
        """Drop the picture shown, so the next `show` starts from the fallback of the new source."""
        self.query_one(Avatar).show_fallback("", "")

    def load_activity(self, contact_id: int, period: str) -> None:
        """Fetch the chart's series again (after a change of period or of the contact's events)."""
        engine, now = self.ctx.engine, self.ctx.clock()

        def read():
            import plotext  # noqa: F401  (its first import is slow: done here, off the UI thread)

            return activity_series(engine, contact_id, now=now, period=period)

        in_thread(self, read, self.query_one(ActivityChart).set_series, group="activity")

    @work(exclusive=True, group="avatar", exit_on_error=False)
    async def _load_avatar(self, detail: ContactDetail) -> None:
        """The fallback shows at once; a real picture replaces it when (and if) it arrives."""
        from services.avatar_loader import load_avatar
        from services.gravatar import size_for_cells

        avatar = self.query_one(Avatar)
        context = self.ctx
        settings = context.settings
        outcome = await load_avatar(
            context.engine,
            self.dossier.http,
            source=detail.avatar_source,
            email=detail.email,
            custom_fields=detail.custom_fields,
            size_px=size_for_cells(*avatar.size),
            base_url=settings.gravatar.base_url,
            timeout=min(settings.network.timeout, 3.0),
            offline=settings.network.offline,
            now=context.clock(),
            contact_id=detail.id,
        )
        if outcome.image is None or not avatar.show_image(outcome.image):
            avatar.show_fallback(outcome.fallback_seed, initials(one_line(detail.name)))
        avatar.status = outcome.caption
        # The caption says it quietly ("no Gravatar", "Gravatar unavailable"); the reason is a tooltip away.
        avatar.tooltip = outcome.message or None
