"""plain/: the text helpers every layer shares (literal display, outside JSON, counted words)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product
from typing import NamedTuple

from plain import html
from plain.json_text import jsonable, loads
from plain.literal import literal, one_line, without_controls
from plain.words import label_of, plural, sentence_case


def test_literal_makes_every_kind_of_unsafe_character_visible() -> None:
    assert literal("a\x1b]0;t\x07b\x9bc\x7fd") == "a␛]0;t␇b\ufffdc␡d"
    assert literal("line\nnext\ttab") == "line\nnext\ttab"
    assert one_line("line\nnext\ttab\rend") == "line next tab end"
    # Direction overrides would show one address as another; lone surrogates cannot be encoded.
    assert literal("ada@\u202eelpmaxe.com") == "ada@⟪U+202E⟫elpmaxe.com"
    assert literal("x\u2066y\u2069") == "x⟪U+2066⟫y⟪U+2069⟫"
    assert literal("bad\ud800") == "bad\ufffd"
    # Right-to-left names themselves are text, not controls.
    assert literal("נועה כהן") == "נועה כהן" and literal("山田 太郎") == "山田 太郎"


def test_without_controls_keeps_widths() -> None:
    assert without_controls("a\x1b[2Jb\u202ec\x85") == "a[2Jbc"
    assert without_controls("x\ud800") == "x\ufffd"


def test_lone_surrogates_in_outside_json_become_replacement_characters() -> None:
    assert loads(b'{"firstname": "Ada\\ud800", "tags": ["\\udfff"], "\\ud801": 1, "ok": "\\ud83d\\ude00"}') == {
        "firstname": "Ada\ufffd",
        "tags": ["\ufffd"],
        "\ufffd": 1,
        "ok": "😀",
    }
    assert loads('{"plain": "text"}') == {"plain": "text"}


def test_plural() -> None:
    assert [plural(n, "event") for n in (0, 1, 2, 1204)] == ["0 events", "1 event", "2 events", "1,204 events"]
    assert plural(3, "entry", "entries") == "3 entries"


def test_labels_keep_initials_in_capitals() -> None:
    assert sentence_case("IP addresses") == "IP addresses"
    assert sentence_case("social profiles") == "Social profiles"
    assert [label_of(k) for k in ("ip_address", "form_id", "url", "user_agent", "utm_source", "city")] == [
        "IP address",
        "Form ID",
        "URL",
        "User agent",
        "UTM source",
        "City",
    ]


def test_jsonable_writes_a_named_tuple_record_as_an_object() -> None:
    class Row(NamedTuple):
        id: int
        seen: datetime

    when = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert jsonable({"rows": [Row(7, when)], "pair": (1, 2)}) == {
        "rows": [{"id": 7, "seen": "2026-12-03T09:00:00+00:00"}],
        "pair": [1, 2],
    }


def _parsed(fragment: str) -> str:
    """`html_to_text` with every fragment through the parser, as it was before plain text took a shortcut."""
    parser = html._TextParser()
    parser.feed(fragment)
    parser.close()
    lines = [html._SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    return html.re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def test_text_without_tags_or_entities_reads_as_the_parser_reads_it() -> None:
    # Every string of up to four of these: letters, the spaces the tidying collapses, line breaks of each kind,
    # and whitespace that is not ASCII (kept inside a line, stripped at its ends).
    alphabet = ["a", "é", " ", "  ", "\n", "\r", "\t", "\x0b", "\xa0", "\u2028", "\x85", "\u3000", "\x1b"]
    for size in range(5):
        for parts in product(alphabet, repeat=size):
            fragment = "".join(parts)
            assert html.html_to_text(fragment) == _parsed(fragment), repr(fragment)
    assert html.html_to_text("Pricing page") == "Pricing page"


def test_html_to_text_drops_tags_and_decodes_entities() -> None:
    assert html.html_to_text("<p>Called about the <b>renewal</b> &amp; more</p><p>Next</p>") == (
        "Called about the renewal & more\n\nNext"
    )
