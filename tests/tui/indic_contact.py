"""A contact with a Devanagari name whose points run at half her engagements, week by week."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from store.db import open_database
from store.models import Contact, Event
from store.normalize import normalize_email
from tests.tui.sample import NOW

NAME = ("अनुष्का", "शर्मा")  # two spacing vowel signs (ा), which Rich counts as no cell; ु is none anywhere
EMAIL = "anushka.sharma@example.in"


def add_indic_contact(db: Path) -> int:
    """Add Anushka: 0-8 page hits a week for 26 weeks and half as many points, so that on their own
    round scales (8 and 4) the two lines have one shape."""
    engine = open_database(db)
    with Session(engine) as session:
        contact = Contact(
            firstname=NAME[0],
            lastname=NAME[1],
            email=EMAIL,
            email_normalized=normalize_email(EMAIL),
            company="शर्मा Traders",
            city="Mumbai",
            points=0,
            date_added=NOW - timedelta(days=400),
            last_active=NOW - timedelta(hours=3),
        )
        session.add(contact)
        session.flush()
        assert contact.id is not None
        for week in range(26):
            hits = 2 * ((week * 3) % 5)
            when = NOW - timedelta(weeks=week, hours=1)
            for hit in range(hits):
                session.add(
                    Event(
                        contact_id=contact.id,
                        type="page.hit",
                        occurred_at=when - timedelta(minutes=hit),
                        label=f"Visited /pricing/{hit}",
                        details={},
                    )
                )
            if hits:
                session.add(
                    Event(
                        contact_id=contact.id,
                        type="point.gained",
                        occurred_at=when,
                        label="Pricing visits",
                        details={},
                        points_delta=hits // 2,
                    )
                )
        session.commit()
        contact_id = contact.id
    engine.dispose()
    return contact_id
