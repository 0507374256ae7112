"""Long and hostile strings added to a copy of the sample database, for the snapshots that show them."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from store.db import open_database
from store.models import Note, Segment, SegmentMembership
from tests.tui.sample import NOW

HOSTILE_NOTE = "[b]Board[/b] meeting [@click=app.quit]x[/] \x1b[31mred\x1b[0m: the second engine's budget"
LONG_NOTE = "Renewal " + "and the long tail of a very long note " * 4 + "that ends here"
LONG_SEGMENT = "Customers who opened every newsletter in 2026 and clicked the pricing page [@click=app.quit]x[/]"


def seed_hostile(db: Path) -> None:
    """Ada (contact 1) gets a hostile meeting note, a long general note and a long, hostile segment."""
    engine = open_database(db)
    with Session(engine) as session:
        session.add(Note(contact_id=1, type="meeting", text=HOSTILE_NOTE, author="[i]Sam[/i]", date_time=NOW))
        session.add(Note(contact_id=1, type="general", text=LONG_NOTE, author="Sam", created_at=NOW))
        segment = Segment(name=LONG_SEGMENT, alias="long")
        session.add(segment)
        session.flush()
        session.add(SegmentMembership(segment_id=segment.id, contact_id=1, date_added=NOW, manually_added=True))
        session.commit()
    engine.dispose()
