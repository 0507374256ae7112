"""Counting words for the user: "1 contact", "2 contacts", "1,204 events"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and the word, singular for exactly one (`many` when the plural is not word + "s")."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
