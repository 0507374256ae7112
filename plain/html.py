"""HTML to readable text, for what arrives as HTML (Mastodon posts, Mautic notes and email bodies)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BREAKS = frozenset({"br"})
_BLOCKS = frozenset({"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})
_HIDDEN = frozenset({"script", "style", "template"})
_SPACES = re.compile(r"[ \t\f\v\r]+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment: tags dropped, entities decoded, paragraphs kept as blank lines.

    The result is plain text: whatever it contains (brackets, escapes) is for showing literally.
    """
    if "<" not in html and "&" not in html:
        # No tag and no entity: the parser would give the text back unchanged (a sync turns a million event
        # labels, nearly all plain: ~6 µs each through the parser, ~0.3 µs here). Printable text holds no whitespace
        # but the space, so without doubled or outer spaces there is nothing to tidy either.
        if html.isprintable() and "  " not in html and html[:1] != " " and html[-1:] != " ":
            return html
        text = html
    else:
        parser = _TextParser()
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
