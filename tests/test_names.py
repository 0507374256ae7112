"""Names in the order their language writes them (issue 21: CJK names were shown given name first)."""

from __future__ import annotations

import pytest

from plain.names import person_name
from store.rows import display_name


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("里佳", "田中", "田中 里佳"),  # Japanese, kanji
        ("さゆり", "岡田", "岡田 さゆり"),
        ("伟", "王", "王 伟"),  # Chinese
        ("민준", "김", "김 민준"),  # Korean
        ("Ada", "Lovelace", "Ada Lovelace"),
        ("Yuki", "Tanaka", "Yuki Tanaka"),  # romanised: the writer chose the Western order
        ("", "田中", "田中"),
        ("里佳", "", "里佳"),
        ("  Ada ", " Lovelace ", "Ada Lovelace"),
        ("रिया", "मैती", "रिया मैती"),
    ],
)
def test_person_name(first: str, last: str, shown: str) -> None:
    assert person_name(first, last) == shown


def test_display_name_uses_the_order_and_falls_back_as_before() -> None:
    assert display_name(7, "里佳", "田中", None) == "田中 里佳"
    assert display_name(7, "", "", "a@example.com") == "a@example.com"
    assert display_name(7, "", "", None) == "Anonymous #7"
