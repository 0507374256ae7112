"""A small, hand-made database for the TUI tests and snapshots: stable across library versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from store.db import open_database
from store.models import (
    Campaign,
    CampaignMembership,
    Contact,
    ContactIp,
    DoNotContact,
    Event,
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
)
from store.normalize import normalize_email

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
HOSTILE_NAME = "[@click=app.quit]x[/]"
HOSTILE_COMPANY = "[bold red]Evil Corp[/]"
ANSI_LABEL = "Visited \x1b[31m/red\x1b[0m"

PEOPLE = [
    ("Ada", "Lovelace", "ada@analytical.example", "Analytical Engines", "London", "GB"),
    ("Grace", "Hopper", "grace@navy.example", "US Navy", "Arlington", "US"),
    ("José", "Núñez", "jose.nunez@ejemplo.example", "Telefónica", "Madrid", "ES"),
    ("Siobhán", "O'Brien", "siobhan@dublin.example", "Guinness", "Dublin", "IE"),
    ("太郎", "山田", "taro@yamada.example", "ヤマダ電機", "東京", "JP"),
    ("נועה", "כהן", "noa@cohen.example", "Teva", "Tel Aviv", "IL"),
    ("Mallory", HOSTILE_NAME, "mallory@evil.example", HOSTILE_COMPANY, "Nowhere", "XX"),
    ("Linus", "Torvalds", None, "Linux Foundation", "Portland", "US"),
]


def build_sample(path: Path, *, extra_contacts: int = 40) -> Path:
    """Contacts with accents, CJK, RTL and hostile strings; Ada has a long, tie-heavy history."""
    engine = open_database(path, create=True)
    with Session(engine) as session:
        contacts = []
        for index, (first, last, email, company, city, country) in enumerate(PEOPLE):
            contacts.append(
                Contact(
                    firstname=first,
                    lastname=last,
                    email=email,
                    email_normalized=normalize_email(email),
                    company=company,
                    city=city,
                    country=country,
                    position="Engineer" if index % 2 else "Director",
                    phone="+44 20 7946 0000" if index == 0 else None,
                    points=100 - index * 10,
                    stage="Customer" if index == 0 else "Lead",
                    owner="Sam Seller",
                    tags=["vip", "conference"] if index == 0 else [],
                    date_added=NOW - timedelta(days=400 - index),
                    last_active=None if index == 7 else NOW - timedelta(hours=index * 5),
                )
            )
        for n in range(extra_contacts):
            contacts.append(
                Contact(
                    firstname=f"Person{n:02d}",
                    lastname="Example",
                    email=f"person{n:02d}@example.com",
                    company="Example Ltd",
                    city="Leeds",
                    points=n,
                    date_added=NOW - timedelta(days=200),
                    last_active=NOW - timedelta(days=2, hours=n),
                )
            )
        session.add_all(contacts)
        session.flush()
        ada, grace = contacts[0], contacts[1]
        session.add_all(_history(ada.id))
        session.add(
            Event(
                contact_id=contacts[6].id,
                type="page.hit",
                occurred_at=NOW,
                label=ANSI_LABEL,
                details={"url": "[link=https://evil.example]x[/link]", "note": "\x1b]0;pwned\x07"},
            )
        )
        session.add(
            Event(
                contact_id=grace.id,
                type="page.hit",
                occurred_at=NOW - timedelta(hours=1),
                label="Visited /docs",
                details={"url": "https://navy.example/docs"},
            )
        )
        newsletter = Segment(name="Newsletter", alias="newsletter")
        vips = Segment(name="VIP", alias="vip")
        onboarding = Campaign(name="Onboarding")
        session.add_all([newsletter, vips, onboarding])
        session.flush()
        session.add_all(
            [
                SegmentMembership(segment_id=newsletter.id, contact_id=ada.id, date_added=NOW, manually_added=True),
                SegmentMembership(segment_id=vips.id, contact_id=ada.id, date_added=NOW, manually_removed=True),
                CampaignMembership(campaign_id=onboarding.id, contact_id=ada.id, date_added=NOW),
                Note(contact_id=ada.id, type="call", text="Called about renewal", author="Sam", date_time=NOW),
                DoNotContact(contact_id=grace.id, channel="email", reason="unsubscribed"),
            ]
        )
        london = IpAddress(
            ip="81.2.69.142",
            city="London",
            country="United Kingdom",
            country_code="GB",
            latitude=51.5142,
            longitude=-0.0931,
            lookup_status="found",
        )
        session.add(london)
        session.flush()
        session.add(
            ContactIp(
                contact_id=ada.id,
                ip_address_id=london.id,
                first_seen=NOW - timedelta(days=30),
                last_seen=NOW - timedelta(days=1),
            )
        )
        session.commit()
    engine.dispose()
    return path


def _history(contact_id: int) -> list[Event]:
    """180 events over 60 days, several sharing one timestamp, every kind of detail."""
    events = []
    for n in range(180):
        when = NOW - timedelta(hours=8 * (n // 3))  # three events per timestamp: ties to break
        kind = n % 6
        if kind == 0:
            events.append(
                Event(
                    contact_id=contact_id,
                    type="page.hit",
                    occurred_at=when,
                    label=f"Visited /pricing/{n}",
                    details={"url": f"https://analytical.example/pricing/{n}", "referrer": "search"},
                )
            )
        elif kind == 1:
            events.append(
                Event(
                    contact_id=contact_id,
                    type="form.submitted",
                    occurred_at=when,
                    label="Submitted form: Contact us",
                    details={
                        "form": "Contact us",
                        "values": {"name": "Ada", "city": "Zürich", "message": "Call me\nafter 5pm"},
                    },
                )
            )
        elif kind == 2:
            events.append(
                Event(
                    contact_id=contact_id,
                    type="email.sent",
                    occurred_at=when,
                    label=f"Email sent: Newsletter #{n}",
                    details={"subject": f"Newsletter #{n}", "opened": n % 4 == 2, "open_count": n % 5},
                )
            )
        elif kind == 3:
            events.append(
                Event(
                    contact_id=contact_id,
                    type="point.gained",
                    occurred_at=when,
                    label="+5 points",
                    details={"reason": "Form submitted"},
                    points_delta=5,
                )
            )
        elif kind == 4:
            events.append(
                Event(
                    contact_id=contact_id,
                    type="email.read",
                    occurred_at=when,
                    label=f"Opened: Newsletter #{n - 2}",
                    details={"opened_at": when.isoformat()},
                )
            )
        else:
            events.append(
                Event(
                    contact_id=contact_id,
                    type="lead.ipadded",
                    occurred_at=when,
                    label="Accessed from IP 81.2.69.142",
                    details={"ip": "81.2.69.142"},
                )
            )
    return events
