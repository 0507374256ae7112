"""Event tables stored column by column, so a sample holds a million events in a few tens of megabytes.

Each table is one Mautic table behind the timeline (page_hits, email_stats, form_submissions, point and stage
logs, lead_event_log, campaign_lead_event_log). A row's id is its position plus one, as AUTO_INCREMENT gives;
rows of deleted contacts keep their place with contact 0.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

NULL = math.nan  # a NULL DATETIME in a timestamp column
_EMPTY = array("i")


class Strings:
    """Interned strings: labels, URLs and form values are stored once and referenced by number."""

    def __init__(self) -> None:
        self.items: list[str] = [""]
        self.index: dict[str, int] = {"": 0}

    def add(self, text: str | None) -> int:
        if not text:
            return 0
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(text)
        return found

    def __getitem__(self, number: int) -> str:
        return self.items[number]


class Table:
    """One event table: a contact and a timestamp column, extra integer or float columns, and the rows of
    each contact. `version` changes with every write, so cached orderings know when to rebuild."""

    def __init__(self, name: str, **columns: str) -> None:
        self.name = name
        self.contact = array("i")
        self.ts = array("d")
        self.cols = {column: array(code) for column, code in columns.items()}
        self.by_contact: dict[int, array] = {}
        self.version = 0

    def __len__(self) -> int:
        return len(self.contact)

    def append(self, contact: int, ts: float, **values: Any) -> int:
        """Add a row; returns its id."""
        row = len(self.contact)
        self.contact.append(contact)
        self.ts.append(ts)
        for column, data in self.cols.items():
            data.append(values[column])
        rows = self.by_contact.get(contact)
        if rows is None:
            rows = self.by_contact[contact] = array("i")
        rows.append(row)
        self.version += 1
        return row + 1

    def row(self, row_id: int) -> int | None:
        """The position of a live row by id, or None."""
        row = row_id - 1
        if 0 <= row < len(self.contact) and self.contact[row]:
            return row
        return None

    def get(self, row: int, column: str) -> Any:
        return self.cols[column][row]

    def set(self, row: int, column: str, value: Any) -> None:
        if column == "ts":
            self.ts[row] = value
        else:
            self.cols[column][row] = value
        self.version += 1

    def rows_of(self, contact: int) -> array:
        return self.by_contact.get(contact, _EMPTY)

    def drop_contact(self, contact: int) -> None:
        """Cascade a deleted contact: its rows stay in place but belong to nobody."""
        for row in self.by_contact.pop(contact, _EMPTY):
            self.contact[row] = 0
        self.version += 1

    def move(self, loser: int, winner: int) -> None:
        """A merge hands the loser's rows to the winner (LEAD_POST_MERGE subscribers update lead_id)."""
        rows = self.by_contact.pop(loser, _EMPTY)
        if not rows:
            return
        for row in rows:
            self.contact[row] = winner
        self.by_contact[winner] = array("i", sorted([*self.rows_of(winner), *rows]))
        self.version += 1


class History:
    """Every event table of one instance, and the strings they share."""

    def __init__(self) -> None:
        self.strings = Strings()
        self.hits = Table("page_hits", url="i", title="i")
        self.stats = Table("email_stats", email="i", read="d")
        self.submissions = Table("form_submissions", form="i", values="i")
        self.points = Table("lead_points_change_log", label="i", delta="i")
        self.stages = Table("lead_stages_change_log", label="i", stage="i")
        self.segment_log = Table("lead_event_log (segment)", segment="i", added="b", label="i")
        self.campaign_log = Table("lead_event_log (campaign)", campaign="i", added="b", label="i")
        # state: 0 executed, 1 scheduled, 2 unscheduled by a removal (a failed log, shown as triggered)
        self.campaign_events = Table("campaign_lead_event_log", campaign="i", event="i", trigger="d", state="b")
        self.scheduled: set[int] = set()  # rows of campaign_events still scheduled

    def tables(self) -> list[Table]:
        return [
            self.hits,
            self.stats,
            self.submissions,
            self.points,
            self.stages,
            self.segment_log,
            self.campaign_log,
            self.campaign_events,
        ]

    def drop_contact(self, contact: int) -> None:
        for table in self.tables():
            table.drop_contact(contact)
        self.scheduled = {row for row in self.scheduled if self.campaign_events.contact[row]}

    def move(self, loser: int, winner: int) -> None:
        for table in self.tables():
            table.move(loser, winner)


def bulk_extend(table: Table, contacts: list[int], stamps: list[float], **columns: list[Any]) -> None:
    """Append many rows at once (the sample's million events), keeping the per-contact index."""
    first = len(table.contact)
    table.contact.extend(array("i", contacts))
    table.ts.extend(array("d", stamps))
    for name, values in columns.items():
        table.cols[name].extend(array(table.cols[name].typecode, values))
    index = table.by_contact
    for offset, contact in enumerate(contacts):
        rows = index.get(contact)
        if rows is None:
            rows = index[contact] = array("i")
        rows.append(first + offset)
    table.version += 1
