"""A contact's family: the contact and every contact merged into it, at any depth. Its events are theirs.

A merge leaves the other contact's events where they are: the other contact points at the survivor through
`merged_into_id`, and everything that reads a contact's events (History, the chart, the counts) reads its
family's. Moving them had been one UPDATE of every event, and no index could make that quick. Measured on a
copy of the 100,000-contact bench database, moving 100,000 events: 0.66 s before the commit, of which 0.36 s
is rewriting the rows themselves (with every index on the event table dropped), the rest the three indexes
that hold contact_id; committing writes every changed page to the log and the database, 0.5 s more. Now a
merge costs the same however busy the contacts are, and undoing it gives the events back by clearing the
pointer. Events that older merges moved stay where they were moved to, and their undo moves them back by id.

Nearly every contact is its own whole family: one indexed lookup finds no one merged into it, and each read
keeps the statement it had for one contact.
"""

from __future__ import annotations

from typing import Any

from store.lookup import Run

# Who was merged into the contact, then who was merged into them, ...; UNION (not ALL) stops even at a cycle.
_MERGED_IN = (
    "WITH RECURSIVE merged(id) AS ("
    "SELECT contact.id FROM contact WHERE contact.merged_into_id = :id "
    "UNION SELECT contact.id FROM contact JOIN merged ON contact.merged_into_id = merged.id) "
    "SELECT id FROM merged"
)


def family(run: Run, contact_id: int) -> tuple[int, ...]:
    """The contact's id first, then every contact merged into it, at any depth, by id."""
    merged = sorted(row[0] for row in run(_MERGED_IN, {"id": contact_id}) if row[0] != contact_id)
    return (contact_id, *merged)


def among(column: str, ids: tuple[int, ...], name: str = "member") -> tuple[str, dict[str, Any]]:
    """`column` is one of `ids`, as SQL text and its parameters (`:member0`, ...): for one contact, the same
    equality as ever, so its plans do not change."""
    params = {f"{name}{n}": value for n, value in enumerate(ids)}
    if len(ids) == 1:
        return f"{column} = :{name}0", params
    return f"{column} IN ({', '.join(f':{key}' for key in params)})", params
