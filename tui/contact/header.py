"""The top of the contact page: who the contact is, at a glance."""

from __future__ import annotations

from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from plain.literal import one_line
from plain.times import local_date, relative
from store.activity import activity_series
from store.rows import ContactDetail
from tui.background import in_thread
from tui.context import InApp
from widgets.activity_chart import ActivityChart
from widgets.avatar import Avatar


def initials(name: str) -> str:
    """Up to two initials of a display name, for the avatar tile."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return ("".join(letters[:1] + letters[-1:]) if len(letters) > 1 else "".join(letters)).upper() or "?"


def card(detail: ContactDetail, now: datetime) -> Content:
    """The contact's identity and key facts as styled, literal text."""
    lines: list[Content] = [Content.styled(one_line(detail.name), "bold $text-primary")]
    role = " at ".join(one_line(part) for part in (detail.position, detail.company) if part)
    if role:
        lines.append(Content(role))
    reach = "  ·  ".join(one_line(part) for part in (detail.email, detail.phone or detail.mobile) if part)
    if reach:
        lines.append(Content(reach))
    if detail.location:
        lines.append(Content(one_line(detail.location)))
    # What a user must not miss comes before what may be cut at 80x24: do-not-contact, and where the record
    # lives (changes made here go back there).
    if detail.do_not_contact:
        lines.append(Content.styled(f"Do not contact: {', '.join(detail.do_not_contact)}", "bold $error"))
    if detail.origin:
        system, _, address = detail.origin.partition(" ")
        lines.append(
            Content.assemble(
                (f"From {system.capitalize()} ", "$text-muted"),
                one_line(f"#{detail.origin_id}"),
                (" · synced ", "$text-muted"),
                relative(detail.synced_at, now),
                (f" · {one_line(address.split('://')[-1])}", "$text-muted"),
            )
        )
    facts: list[tuple[str, str] | str] = [
        ("Points ", "$text-muted"),
        (f"{detail.points:,}", "bold"),
        ("   Stage ", "$text-muted"),
        one_line(detail.stage or "—"),
        ("   Owner ", "$text-muted"),
        one_line(detail.owner or "—"),
    ]
    lines.append(Content.assemble(*facts))
    if detail.tags:
        lines.append(Content.assemble(("Tags ", "$text-muted"), one_line(", ".join(detail.tags))))
    if detail.segments:
        lines.append(Content.assemble(("Segments ", "$text-muted"), one_line(", ".join(detail.segments))))
    if detail.campaigns:
        lines.append(Content.assemble(("Campaigns ", "$text-muted"), one_line(", ".join(detail.campaigns))))
    lines.append(
        Content.assemble(
            ("Added ", "$text-muted"),
            local_date(detail.date_added, now),
            ("   Last active ", "$text-muted"),
            relative(detail.last_active, now),
        )
    )
    lines.append(
        Content.assemble(
            (f"{detail.event_count:,}", "bold"),
            (" events · ", "$text-muted"),
            (f"{detail.note_count:,}", "bold"),
            (" notes" if detail.note_count != 1 else " note", "$text-muted"),
        )
    )
    return Content("\n").join(lines)


class ContactHeader(InApp, Horizontal):
    """Avatar, identity card, and the engagements/points chart of the past 6 months."""

    def compose(self) -> ComposeResult:
        yield Avatar(id="avatar")
        yield Static(Content.styled("Loading…", "$text-muted"), id="card")
        yield ActivityChart(id="activity")

    def show(self, detail: ContactDetail, now: datetime) -> None:
        avatar = self.query_one(Avatar)
        if not avatar.showing_image:
            avatar.show_fallback(detail.email or "", initials(one_line(detail.name)))
        self.query_one("#card", Static).update(card(detail, now))
        self._load_avatar(detail)

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
