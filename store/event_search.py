"""The History search index: every event's searchable text, folded, so a search that matches nothing is quick.

The History search finds events whose label or any value inside their details contains what was typed,
case and accents folded (store/timeline.py). That needs a look at every event of the contact; the index
narrows it to the few events holding every three-letter piece of the folded needle, and the same exact
test then runs on those alone. The index only ever narrows: an event's indexed text holds each value
folded whole, so any event today's test accepts holds every piece of the needle, and the result is the same.

- SQLite: an FTS5 table with the trigram tokenizer over `dossier_event_text(label, details)` (the Python
  `event_text`, registered on every connection), kept in sync by triggers (migration 0009_history_search).
  It keeps no positions (detail=none: a third of the size, quicker to build), so a needle is the AND of
  its trigrams rather than a phrase; the exact test removes what that lets through.
- PostgreSQL: a GIN pg_trgm index on the same text made by a SQL function; `LIKE` uses it directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from store.db import fold
from store.lookup import Run

INDEX_TEXT = "dossier_event_text(event.label, event.details)"
# More candidates than this and the index no longer saves anything: reading the contact's own events,
# newest first, finds a page of matches of so common a needle sooner than the index can list them.
MOST_CANDIDATES = 20_000
# Up to this many, fetching each candidate by id (~10 µs) beats walking the contact's events in order and
# looking each up among the candidates (~0.4 µs an event, until a page of matches is found).
FEW_CANDIDATES = 1_000


def _folded(value: str) -> str:
    # ASCII folds to its lower case (NFKD and the accent marks change nothing): the common case, much quicker.
    return value.lower() if value.isascii() else fold(value) or ""


def _atoms(value: Any) -> Iterator[str]:
    """Every scalar inside a JSON value, as the text SQLite's json_tree atom turns into when folded."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _atoms(item)
    elif isinstance(value, list):
        for item in value:
            yield from _atoms(item)
    elif isinstance(value, bool):
        yield "1" if value else "0"  # json_tree's atom of true and false
    elif isinstance(value, int):
        yield str(value)
        if not -(2**63) <= value < 2**63:
            yield str(float(value))  # SQLite reads an integer beyond 64 bits as a real
    elif value is not None:
        yield str(value)


def event_text(label: str | None, details: str | bytes | None) -> str:
    """An event's searchable text: its label and every value in its details (JSON text), folded, one per line."""
    if details:
        try:
            value = json.loads(details)
        except ValueError:
            text = details.decode() if isinstance(details, bytes) else details
            return "\n".join([_folded(label or ""), _folded(text)])
        return value_text(label, value)
    return _folded(label or "")


def value_text(label: str | None, details: Any) -> str:
    """`event_text` of details not yet written as JSON: for a writer that fills the index itself (a Mautic sync
    indexes its events without reading back what it just wrote). JSON's own values (the details of an event
    read from JSON) give the same text as their JSON text does."""
    parts = [_folded(label or "")]
    if type(details) is dict:
        _fold_atoms(details.values(), parts)
    else:
        parts += [_folded(atom) for atom in _atoms(details)]
    return "\n".join(parts)


def _fold_atoms(values: Iterable[Any], parts: list[str]) -> None:
    """`_folded` of each of `_atoms(values)`, appended in the same order: strings, dicts and lists (nearly every
    value) without a generator each, which took most of the time of indexing an event."""
    for value in values:
        kind = type(value)
        if kind is str:
            parts.append(value.lower() if value.isascii() else fold(value) or "")
        elif kind is dict:
            _fold_atoms(value.values(), parts)
        elif kind is list:
            _fold_atoms(value, parts)
        elif value is not None:
            parts += [_folded(atom) for atom in _atoms(value)]


def trigram_query(needle: str) -> str | None:
    """The FTS5 query for events whose text holds every three-character piece of the folded needle.

    None when the folded needle is shorter than three characters (the index cannot narrow it). Each piece
    is a quoted string, so nothing typed reaches FTS5's query syntax.
    """
    folded = _folded(needle)
    pieces = sorted({folded[i : i + 3] for i in range(len(folded) - 2)})
    if not pieces:
        return None
    return " AND ".join('"' + piece.replace('"', '""') + '"' for piece in pieces[:32])


@dataclass(frozen=True, slots=True)
class Narrowing:
    """What the index says: `condition` (SQL text on `event`, with `params`) keeps the events that may contain
    the needle; with `by_id`, they are few enough to fetch one by one rather than walk the contact's events
    testing each against them. On PostgreSQL the condition reads the `:needle` of the exact test."""

    condition: str
    params: dict[str, Any]
    by_id: bool


_MATCHING = "SELECT event_fts.rowid FROM event_fts WHERE event_fts MATCH :trigrams"


def narrowing(run: Run, dialect: str, needle: str) -> Narrowing | None:
    """The events the index says may contain `needle`, folded; None when the index cannot help (too short
    a needle, or too common a one: see MOST_CANDIDATES)."""
    fts_query = trigram_query(needle)
    if fts_query is None:
        return None
    if dialect == "postgresql":
        # The planner weighs the trigram index against the contact's own events by itself.
        return Narrowing(f"{INDEX_TEXT} LIKE '%' || dossier_fold(:needle) || '%' ESCAPE '\\'", {}, by_id=False)
    params = {"trigrams": fts_query}
    [(count,)] = run(
        f"SELECT count(*) FROM ({_MATCHING} LIMIT :most) AS candidate", {**params, "most": MOST_CANDIDATES + 1}
    )
    if count > MOST_CANDIDATES:
        return None
    return Narrowing(f"event.id IN ({_MATCHING})", params, by_id=count <= FEW_CANDIDATES)
