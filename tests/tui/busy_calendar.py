"""A month with crowded days for the calendar's tests and snapshots, added to a copy of the sample database.

Wednesday 18 November 2026 holds seven notes, Tuesday 17th exactly five; Ada has forty more notes written
after the 18th, so one of that day's notes is deep in her Notes list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from store.db import open_database
from store.models import Note

BUSY_DAY = datetime(2026, 11, 18, tzinfo=UTC)
FIVE_DAY = datetime(2026, 11, 17, tzinfo=UTC)
# (contact id, type, hour, minute, text): names of every width, from the sample's people.
BUSY = [
    (2, "meeting", 9, 0, "Quarterly review with the Navy procurement office"),
    (3, "call", 10, 15, "José asked for the Spanish contract"),
    (4, "email", 11, 30, "Sent Siobhán the brewery case study"),
    (1, "call", 13, 0, "Ada: budget approved for the second engine"),
    (5, "meeting", 14, 45, "Demo for Yamada Denki's Tokyo team"),
    (6, "call", 16, 0, "Noa wants a Hebrew interface"),
    (8, "general", 17, 30, "Linus has no email address; ask for one"),
]
FIVE = [(9 + n, "call", 9 + n, 0, f"Follow-up call number {n + 1}") for n in range(5)]
ADA_CALL = "Ada: budget approved for the second engine"
DEEP_NOTES = 40


def seed_busy_month(db: Path) -> None:
    engine = open_database(db)
    with Session(engine) as session:
        for day, rows in ((BUSY_DAY, BUSY), (FIVE_DAY, FIVE)):
            for contact_id, kind, hour, minute, text in rows:
                when = day.replace(hour=hour, minute=minute)
                session.add(Note(contact_id=contact_id, type=kind, text=text, author="Sam", date_time=when))
        for n in range(DEEP_NOTES):  # newer than the 18th, so the call on the 18th sorts below them
            written = BUSY_DAY + timedelta(days=1, hours=n)
            session.add(Note(contact_id=1, text=f"Note {n + 1} of the week", author="Sam", created_at=written))
        session.commit()
    engine.dispose()
