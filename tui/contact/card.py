"""The contact's identity card in the page header, laid out for the room it has.

At 120x36 the card has ten lines and about fifty columns; at 80x24, eight lines and about thirty-five. Cut by
the edge, what disappeared depended on the contact (the counts, `Last active 202…`, `Owner…`). Here every line
has a priority: when the lines do not all fit, the least important go first, never the name, do-not-contact,
where the record lives or how active the contact is. Facts that share a line (points, stage and owner; the
counts and the last activity) flow onto the next line instead of being cut, and anything still too wide
ends in an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.content import Content
from textual.widget import Widget

from plain.literal import one_line
from plain.times import local_date, relative
from store.rows import ContactDetail

GAP = "   "


@dataclass(frozen=True, slots=True)
class CardLine:
    """One line of the card as written; it may take more than one row when its pieces flow."""

    priority: int  # 0 is kept first
    pieces: tuple[Content, ...]
    gap: str = GAP  # between pieces that share a row


def fact(label: str, value: str, style: str = "") -> Content:
    return Content.assemble((f"{label} ", "$text-muted"), (value, style) if style else value)


def card_lines(detail: ContactDetail, now: datetime) -> list[CardLine]:
    """Everything the card can say, in reading order, each with its priority."""
    lines = [CardLine(0, (Content.styled(one_line(detail.name), "bold $text-primary"),))]
    if detail.do_not_contact:
        notice = f"Do not contact: {', '.join(detail.do_not_contact)}"
        lines.append(CardLine(0, (Content.styled(notice, "bold $error"),)))
    if detail.origin:
        system, _, address = detail.origin.partition(" ")
        origin = Content.assemble(
            (f"From {system.capitalize()} ", "$text-muted"),
            one_line(f"#{detail.origin_id}"),
            (" · synced ", "$text-muted"),
            relative(detail.synced_at, now),
            (f" · {one_line(address.split('://')[-1])}", "$text-muted"),
        )
        lines.append(CardLine(1, (origin,)))
    role = " at ".join(one_line(part) for part in (detail.position, detail.company) if part)
    if role:
        lines.append(CardLine(3, (Content(role),)))
    if detail.email:
        lines.append(CardLine(1, (Content(one_line(detail.email)),)))
    if detail.phone or detail.mobile:
        lines.append(CardLine(3, (Content(one_line(detail.phone or detail.mobile or "")),)))
    notes = "note" if detail.note_count == 1 else "notes"
    events = "event" if detail.event_count == 1 else "events"
    lines.append(
        CardLine(
            1,
            (
                Content.assemble((f"{detail.event_count:,}", "bold"), (f" {events}", "$text-muted")),
                Content.assemble((f"{detail.note_count:,}", "bold"), (f" {notes}", "$text-muted")),
                fact("Last active", relative(detail.last_active, now)),
            ),
            " · ",
        )
    )
    facts = [fact("Points", f"{detail.points:,}", "bold")]
    # An empty stage or owner says nothing worth a row at 80x24: it is left out rather than shown as "—".
    for label, value in (("Stage", detail.stage), ("Owner", detail.owner)):
        if value:
            facts.append(fact(label, one_line(value)))
    lines.append(CardLine(2, tuple(facts)))
    if detail.location:
        lines.append(CardLine(4, (Content(one_line(detail.location)),)))
    for priority, label, values in (
        (5, "Tags", detail.tags),
        (6, "Segments", detail.segments),
        (6, "Campaigns", detail.campaigns),
    ):
        if values:
            lines.append(CardLine(priority, (fact(label, one_line(", ".join(values))),)))
    lines.append(CardLine(7, (fact("Added", local_date(detail.date_added, now)),)))
    return lines


def flow(pieces: tuple[Content, ...], width: int, gap: str = GAP) -> list[Content]:
    """Pieces side by side while they fit, the next one on a row of its own; a row too wide ends in `…`."""
    rows: list[Content] = []
    for piece in pieces:
        joined = rows[-1] + Content.styled(gap, "$text-muted") + piece if rows else piece
        if rows and joined.cell_length <= width:
            rows[-1] = joined
        else:
            rows.append(piece)
    return [row.truncate(width, ellipsis=True) if row.cell_length > width else row for row in rows]


def fit(lines: list[CardLine], width: int, height: int) -> list[Content]:
    """The rows to show in `width` x `height`: whole lines by priority, then shown in reading order. When a
    line has no room, the card says how many are left out and the key that shows them all (`i`)."""
    laid = [flow(line.pieces, max(width, 1), line.gap) for line in lines]

    def keep(room: int) -> set[int]:
        kept: set[int] = set()
        for index in sorted(range(len(lines)), key=lambda index: lines[index].priority):
            if len(laid[index]) <= room:
                kept.add(index)
                room -= len(laid[index])
        return kept

    kept = keep(height)
    rows = [row for index, rows in enumerate(laid) if index in kept for row in rows]
    if len(kept) == len(lines) or not rows:
        return rows
    # Say what is left out and how to see it: beside the name where it fits, else on a row of its own.
    more = Content.styled(f"+{len(lines) - len(kept)} more · i", "$text-muted")
    beside = rows[0] + Content("   ") + more
    if beside.cell_length <= width:
        return [beside, *rows[1:]]
    if height < 2:
        return rows
    kept = keep(height - 1)
    rows = [row for index, rows in enumerate(laid) if index in kept for row in rows]
    return [*rows, more.truncate(width, ellipsis=True) if more.cell_length > width else more]


class ContactCard(Widget):
    """Shows `card_lines` fitted to the widget's size, again whenever the size changes."""

    DEFAULT_CSS = """
    ContactCard {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[CardLine] = [CardLine(0, (Content.styled("Loading…", "$text-muted"),))]

    def show(self, detail: ContactDetail, now: datetime) -> None:
        self._lines = card_lines(detail, now)
        self.refresh(layout=True)

    @property
    def max_rows(self) -> int:
        """The rows the header has room for: its max-height (11 wide, 9 narrow in app.tcss) less its border."""
        header = self.parent
        limit = header.styles.max_height if isinstance(header, Widget) else None
        if limit is None:
            return 10
        return int(limit.value) - header.styles.gutter.height

    def rows(self, width: int) -> list[Content]:
        return fit(self._lines, width, self.max_rows)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.rows(width))

    def render(self) -> Content:
        return Content("\n").join(self.rows(self.content_region.width or self.size.width))


class WholeCard(ContactCard):
    """Every line of the card, on as many rows as they take (the details dialog, `i`)."""

    @property
    def max_rows(self) -> int:
        return 1_000
