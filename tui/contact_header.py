"""The top of the contact page: who the contact is, at a glance."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from store.rows import ContactDetail
from tui.timefmt import local_date, relative
from widgets.literal import one_line


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
    lines.append(
        Content.assemble(
            ("Added ", "$text-muted"),
            local_date(detail.date_added, now),
            ("   Last active ", "$text-muted"),
            relative(detail.last_active, now),
        )
    )
    if detail.do_not_contact:
        lines.append(Content.styled(f"Do not contact: {', '.join(detail.do_not_contact)}", "bold $error"))
    return Content("\n").join(lines)


class ContactHeader(Horizontal):
    """Avatar tile, identity card, and the space the engagement chart will fill."""

    def compose(self) -> ComposeResult:
        yield Static("", id="avatar")
        yield Static(Content.styled("Loading…", "$text-muted"), id="card")
        yield Static("", id="activity")

    def show(self, detail: ContactDetail, now: datetime) -> None:
        self.query_one("#avatar", Static).update(Content.styled(initials(one_line(detail.name)), "bold"))
        self.query_one("#card", Static).update(card(detail, now))
        summary = Content.assemble(
            ("Activity\n", "bold"),
            (f"{detail.event_count:,}", "bold $accent"),
            " events\n",
            (f"{detail.note_count:,}", "bold $accent"),
            " notes\n",
            (f"{len(detail.campaigns):,}", "bold $accent"),
            " campaigns\n",
            (f"{len(detail.locations):,}", "bold $accent"),
            " locations",
        )
        self.query_one("#activity", Static).update(summary)
