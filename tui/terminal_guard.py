"""The last line of defence: no control character, direction override or unsafe link reaches the terminal.

Every display path already shows data literally (`plain.literal`: ESC as ␛). This filter runs on every line
every widget paints, including Textual's own (inputs, text areas, toasts, select overlays), so a path that
forgets is still harmless: a C0/C1 control or a direction control in a segment is removed (the terminal
gives it no cell, so widths do not change), and a hyperlink whose target holds one loses those characters
(a link travels inside an OSC 8 escape sequence that a stray ESC or BEL would end early).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from plain.literal import without_controls


class NoControlCharacters(LineFilter):
    """Removes what a terminal would act on from the segments of a line; printable text is untouched."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        cleaned: list[Segment] = []
        for segment in segments:
            text, style, control = segment
            if control:
                cleaned.append(segment)
                continue
            link = style.link if style is not None else None
            if link and not link.isprintable():
                style = style.update_link(without_controls(link) or None)  # type: ignore[union-attr]
            elif text.isprintable():
                cleaned.append(segment)
                continue
            text = without_controls(text)
            if text:
                cleaned.append(Segment(text, style))
        return cleaned
