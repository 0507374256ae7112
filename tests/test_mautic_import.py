"""store.interchange.mautic_import against an in-process source serving Mautic's JSON shapes (the HTTP client and the
whole CLI are tested against a real local server in tests/test_cli_mautic.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from store.contacts import get_contact, search_contacts
from store.interchange.mautic_import import import_mautic, source_name
from store.interchange.mautic_records import parse_time, read_contact, read_event
from store.models import Contact, Event
from store.notes import list_notes
from store.timeline import timeline_page

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
ORIGIN = "mautic https://crm.example.com"


def mautic_contact(remote_id: int, **fields: Any) -> dict[str, Any]:
    base = {"id": remote_id, "firstname": f"First{remote_id}", "lastname": "Doe", "email": f"p{remote_id}@x.example"}
    base.update(fields)
    return {
        "id": remote_id,
        "dateAdded": "2025-01-02T03:04:05+00:00",
        "dateModified": "2026-01-01T00:00:00+00:00",
        "lastActive": "2026-11-01T10:00:00+00:00",
        "points": 12,
        "tags": [{"id": 1, "tag": "vip"}],
        "stage": {"id": 2, "name": "Lead"},
        "owner": {"id": 1, "firstName": "Sam", "lastName": "Seller"},
        "doNotContact": [],
        "ipAddresses": {},
        "fields": {"all": base},
    }


class Source:
    """Mautic's data in memory; `fail_after` contacts' activity raises, as a dropped connection would."""

    def __init__(self) -> None:
        self.contacts: dict[int, dict[str, Any]] = {}
        self.events: dict[int, list[dict[str, Any]]] = {}
        self.notes_by: dict[int, list[dict[str, Any]]] = {}
        self.member_of: dict[int, list[dict[str, Any]]] = {}
        self.campaigns_of: dict[int, list[dict[str, Any]]] = {}
        self.segment_list = [{"id": 7, "name": "Newsletter", "alias": "newsletter", "isPublished": True}]
        self.campaign_list = [{"id": 3, "name": "Onboarding", "description": "<p>Welcome <b>flow</b></p>"}]
        self.email_list = [
            {"id": 5, "name": "Welcome", "subject": "Hi {contactfield=firstname}", "customHtml": "<p>Hello</p>"}
        ]
        self.activity_calls: list[int] = []
        self.fail_at: int | None = None

    def contacts_page(self, start: int, limit: int) -> tuple[int, list[dict]]:
        ordered = [self.contacts[key] for key in sorted(self.contacts)]
        return len(ordered), ordered[start : start + limit]

    def activity(self, contact_id: int) -> Iterator[dict]:
        if self.fail_at is not None and contact_id == self.fail_at:
            raise ConnectionError("connection dropped")
        self.activity_calls.append(contact_id)
        yield from self.events.get(contact_id, [])

    def notes(self, contact_id: int) -> Iterator[dict]:
        yield from self.notes_by.get(contact_id, [])

    def contact_segments(self, contact_id: int) -> list[dict]:
        return self.member_of.get(contact_id, [])

    def contact_campaigns(self, contact_id: int) -> list[dict]:
        return self.campaigns_of.get(contact_id, [])

    def segments(self) -> Iterator[dict]:
        yield from self.segment_list

    def campaigns(self) -> Iterator[dict]:
        yield from self.campaign_list

    def emails(self) -> Iterator[dict]:
        yield from self.email_list


def hit(at: str, url: str = "/pricing") -> dict[str, Any]:
    return {
        "event": "page.hit",
        "eventType": "Page hit",
        "eventLabel": {"label": url, "href": url},
        "timestamp": at,
        "details": {"hit": {"url": url}},
    }


@pytest.fixture
def source() -> Source:
    src = Source()
    for remote_id in (1, 2, 3):
        src.contacts[remote_id] = mautic_contact(remote_id)
    src.contacts[2]["fields"]["all"].update(firstname="Zoë", lastname="[@click=app.quit]", title="Dr", twitter="zoe")
    src.events[1] = [
        hit("2026-11-01T10:00:00+00:00"),
        hit("2026-11-01T10:00:00+00:00"),  # two identical hits stay two
        {
            "event": "form.submitted",
            "eventLabel": "Contact us",
            "timestamp": "2026-10-30 08:00:00",
            "details": {"form": {"name": "Contact us"}, "submission": {"message": "\x1b[31mhi"}},
        },
        {
            "event": "point.gained",
            "eventLabel": "Visited pricing",
            "timestamp": "2026-10-29T08:00:00+00:00",
            "details": {"log": {"delta": 5, "eventName": "Visited pricing"}},
        },
        {
            "event": "email.read",
            "eventLabel": "Welcome",
            "timestamp": "2026-10-28T08:00:00+00:00",
            "details": {"stat": {"dateRead": "2026-10-28T08:00:00+00:00", "openCount": 2}},
        },
    ]
    src.notes_by[1] = [
        {"id": 9, "text": "<p>Called about <b>renewal</b></p>", "type": "call", "dateTime": "2026-12-01T14:00:00+00:00"}
    ]
    src.member_of[1] = [{"id": 7, "name": "Newsletter", "alias": "newsletter"}]
    src.member_of[2] = [{"id": 8, "name": "Only on a contact", "alias": "hidden"}]
    src.campaigns_of[1] = [{"id": 3, "name": "Onboarding", "manuallyRemoved": False, "manuallyAdded": True}]
    src.contacts[3]["doNotContact"] = [{"channel": "email", "reason": 1, "comments": "unsubscribed by link"}]
    src.contacts[3]["ipAddresses"] = {
        "81.2.69.142": {
            "ipAddress": "81.2.69.142",
            "ipDetails": {"city": "London", "country": "United Kingdom", "latitude": 51.5, "longitude": -0.09},
        }
    }
    return src


def run(engine: Engine, source: Source, **kwargs: Any):
    return import_mautic(engine, source, origin=ORIGIN, now=NOW, page_size=2, **kwargs)


def contact_id(engine: Engine, remote_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(Contact.id).where(Contact.external_id == str(remote_id))).scalar_one()


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in (
                "contact",
                "event",
                "note",
                "segment",
                "campaign",
                "segment_membership",
                "campaign_membership",
                "email_template",
                "do_not_contact",
                "contact_ip",
                "sync_state",
            )
        }


def test_imports_contacts_with_fields_events_notes_memberships(engine: Engine, source: Source) -> None:
    summary = run(engine, source)

    assert (summary.total, summary.created, summary.updated, summary.unchanged, summary.failed) == (3, 3, 0, 0, [])
    assert (summary.events, summary.notes, summary.segments, summary.campaigns, summary.templates) == (5, 1, 1, 1, 1)
    first = get_contact(engine, contact_id(engine, 1))
    assert (first.firstname, first.email, first.points, first.stage, first.owner) == (
        "First1",
        "p1@x.example",
        12,
        "Lead",
        "Sam Seller",
    )
    assert first.tags == ["vip"]
    assert first.segments == ["Newsletter"] and first.campaigns == ["Onboarding"]
    page = timeline_page(engine, contact_id(engine, 1), limit=10)
    assert [row.type for row in page] == ["page.hit", "page.hit", "form.submitted", "point.gained", "email.read"]
    assert page[0].label == "/pricing"
    points = next(row for row in page if row.type == "point.gained")
    assert points.points_delta == 5
    form = next(row for row in page if row.type == "form.submitted")
    assert form.details["submission"]["message"] == "\x1b[31mhi"  # stored as sent; the UI shows it literally
    assert form.occurred_at == datetime(2026, 10, 30, 8, tzinfo=UTC)  # naive Mautic times are UTC
    [note] = list_notes(engine, contact_id(engine, 1))
    assert (note.type, note.text, note.date_time) == (
        "call",
        "Called about renewal",
        datetime(2026, 12, 1, 14, tzinfo=UTC),
    )


def test_unknown_fields_are_custom_fields_and_hostile_strings_are_kept_literally(
    engine: Engine, source: Source
) -> None:
    run(engine, source)

    zoe = get_contact(engine, contact_id(engine, 2))
    assert (zoe.firstname, zoe.lastname) == ("Zoë", "[@click=app.quit]")
    assert zoe.custom_fields == {"title": "Dr", "twitter": "zoe"}
    assert zoe.segments == ["Only on a contact"]  # a segment only seen on a contact is created too
    assert [row.id for row in search_contacts(engine, "zoe")] == [contact_id(engine, 2)]


def test_do_not_contact_and_ip_locations_are_imported(engine: Engine, source: Source) -> None:
    run(engine, source)

    third = get_contact(engine, contact_id(engine, 3))
    assert third.do_not_contact == ["email"]
    [place] = third.locations
    assert (place.ip, place.city, place.latitude) == ("81.2.69.142", "London", 51.5)


def test_a_second_run_changes_nothing_and_asks_for_no_activity(engine: Engine, source: Source) -> None:
    run(engine, source)
    before = counts(engine)
    source.activity_calls.clear()

    again = run(engine, source)

    assert (again.created, again.updated, again.unchanged, again.events, again.notes) == (0, 0, 3, 0, 0)
    assert source.activity_calls == []
    assert counts(engine) == before


def test_a_changed_contact_is_updated_with_only_its_new_events(engine: Engine, source: Source) -> None:
    run(engine, source)
    source.contacts[1]["dateModified"] = "2026-11-10T00:00:00+00:00"
    source.contacts[1]["fields"]["all"]["company"] = "Acme"
    source.events[1].insert(0, hit("2026-11-09T09:00:00+00:00", "/signup"))

    again = run(engine, source)

    assert (again.created, again.updated, again.unchanged, again.events) == (0, 1, 2, 1)
    assert get_contact(engine, contact_id(engine, 1)).company == "Acme"
    with engine.connect() as conn:
        assert conn.execute(select(Event.id).where(Event.contact_id == contact_id(engine, 1))).all().__len__() == 6


def test_a_run_that_stops_keeps_whole_contacts_and_the_next_run_resumes(engine: Engine, source: Source) -> None:
    source.fail_at = 2
    with pytest.raises(ConnectionError):
        run(engine, source)
    assert counts(engine)["contact"] == 1  # contact 2 is not half-written
    assert counts(engine)["sync_state"] == 1

    source.fail_at = None
    source.activity_calls.clear()
    summary = run(engine, source)

    assert (summary.created, summary.unchanged) == (2, 1)
    assert source.activity_calls == [2, 3]
    assert counts(engine)["contact"] == 3 and counts(engine)["event"] == 5


def test_contacts_already_here_are_matched_by_mautic_id_then_email(
    engine: Engine, source: Source, make_contact
) -> None:
    by_id = make_contact(engine, firstname="Old", external_id="1", email="old@x.example")
    by_email = make_contact(engine, firstname="Local", email=" P2@X.example ")

    summary = run(engine, source)

    assert (summary.created, summary.updated) == (1, 2)
    assert contact_id(engine, 1) == by_id and get_contact(engine, by_id).firstname == "First1"
    assert contact_id(engine, 2) == by_email


def test_a_contact_merged_locally_keeps_receiving_updates_on_the_survivor(engine: Engine, source: Source) -> None:
    run(engine, source)
    loser = contact_id(engine, 1)
    with engine.begin() as conn:
        survivor = conn.execute(
            text(
                "INSERT INTO contact (firstname, lastname, company, position, address1, address2, city, region, "
                "zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, date_modified, "
                "custom_fields) VALUES ('S', '', '', '', '', '', '', '', '', '', '', 0, '', '', '[]', 'gravatar', "
                "'2026-01-01', '2026-01-01', '{}') RETURNING id"
            )
        ).scalar_one()
        conn.execute(text("UPDATE contact SET merged_into_id = :s WHERE id = :l"), {"s": survivor, "l": loser})
    source.contacts[1]["dateModified"] = "2026-11-11T00:00:00+00:00"
    source.contacts[1]["fields"]["all"]["city"] = "Lyon"

    again = run(engine, source)

    assert again.created == 0
    assert get_contact(engine, survivor).city == "Lyon"


def test_a_contact_without_an_id_is_reported_and_the_rest_imported(engine: Engine, source: Source) -> None:
    source.contacts[0] = {"fields": {"all": {"firstname": "Nobody"}}}

    summary = run(engine, source)

    assert summary.failed == ["contact #?: the contact has no id"]
    assert summary.created == 3


def test_templates_and_groups_are_upserted_by_mautic_id(engine: Engine, source: Source) -> None:
    run(engine, source)
    source.email_list[0]["subject"] = "Welcome!"
    run(engine, source)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, subject, body_text FROM email_template")).all()
        campaign = conn.execute(text("SELECT description FROM campaign")).scalar_one()
    assert rows == [("Welcome", "Welcome!", "Hello")]
    assert campaign == "Welcome flow"


def test_reading_mautic_json() -> None:
    assert parse_time("2024-05-01 10:00:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_time("2024-05-01T12:00:00+02:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_time("yesterday") is None and parse_time(None) is None
    grouped = {
        "id": "4",
        "fields": {"core": {"firstname": {"alias": "firstname", "value": "Ada"}}, "social": {"twitter": {"value": ""}}},
        "tags": [],
        "points": "3",
    }
    contact = read_contact(grouped)
    assert (contact.remote_id, contact.values, contact.custom) == ("4", {"firstname": "Ada", "points": 3}, {})
    assert read_event({"event": "page.hit"}) is None
    assert read_event({"event": "x", "timestamp": "2024-01-01", "details": "plain"})["details"] == {"value": "plain"}
    assert source_name("https://user:pw@Crm.Example.com/mautic/") == "mautic https://crm.example.com/mautic"
