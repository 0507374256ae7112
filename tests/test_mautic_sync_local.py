"""The Mautic sync meeting what Dossier already holds: store/interchange/mautic_sync.py with the real client against
the fake Mautic (tests/mautic). Records are matched by Mautic id and never by email; a merge made here is followed;
segments, campaigns and templates keep their Mautic id through renames; strings stay as Mautic sent them; and
memberships are read again after a stopped run or when a user sends a change back to Mautic's version."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from services.mautic import MauticClient
from store.contacts import get_contact, search_contacts
from store.do_not_contact import set_do_not_contact
from store.interchange.mautic_records import parse_time, read_contact, read_event
from store.interchange.mautic_sync import MauticSummary, Stopped, source_name, sync_mautic
from store.merge.duplicates import find_duplicates_for
from store.merge.merging import merge_contacts, preview_merge
from store.models import Segment
from store.notes import list_notes
from store.sync.outbox import changes, forget
from tests.mautic import FakeMautic
from tests.test_mautic_sync import contact_id, one, rows

pytestmark = pytest.mark.sqlite_only
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MARKUP = "[@click=app.quit]Zoë[/]"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: a terminal that obeys it writes to the clipboard


@pytest.fixture(params=["4", "5"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeMautic]:
    with FakeMautic(version=request.param) as server:
        server.now = T0
        yield server
        assert server.errors == []


def sync(engine: Engine, fake: FakeMautic, **options: Any) -> MauticSummary:
    with MauticClient(fake.url, "api", "secret", timeout=5, clock=lambda: fake.now, sleep=fake.advance) as source:
        return sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now, **options)


def later(engine: Engine, fake: FakeMautic, **options: Any) -> MauticSummary:
    """The next sync, an hour on."""
    fake.advance(3600)
    return sync(engine, fake, **options)


def groups(engine: Engine, kind: str, contact_id: int) -> list[str]:
    sql = f"SELECT name FROM {kind} JOIN {kind}_membership ON {kind}_id = {kind}.id WHERE contact_id = :i ORDER BY name"
    return [name for (name,) in rows(engine, sql, i=contact_id)]


# What Mautic sends is kept as sent


def test_unknown_fields_become_custom_fields_and_hostile_strings_are_kept_literally(engine, fake) -> None:
    fake.add_field("title", "Title")
    fake.add_field("shoe_size", "Shoe size", type="number")
    zoe = fake.add_contact(
        firstname="Zoë", lastname=MARKUP, email="zoe@example.com", company="\x1b[31mRed Herring", title="Dr",
        twitter=CLIPBOARD, shoe_size=38,
    )  # fmt: skip
    fake.submit_form(zoe, "Contact us", {"message": CLIPBOARD}, at=T0 - timedelta(hours=1))
    fake.add_note(zoe, f"Asked about {MARKUP}", date_time=T0)

    sync(engine, fake)

    contact = get_contact(engine, contact_id(engine, zoe))
    assert (contact.firstname, contact.lastname, contact.company) == ("Zoë", MARKUP, "\x1b[31mRed Herring")
    assert contact.custom_fields == {"title": "Dr", "twitter": CLIPBOARD, "shoe_size": "38"}
    [details] = [json.loads(d) for (d,) in rows(engine, "SELECT details FROM event WHERE type = 'form.submitted'")]
    assert details["submission"]["results"] == {"message": CLIPBOARD}  # the UI shows it literally; the store keeps it
    assert [note.text for note in list_notes(engine, contact.id)] == [f"Asked about {MARKUP}"]
    assert [row.id for row in search_contacts(engine, "zoe")] == [contact.id]


# Contacts already here


def test_a_contact_brought_with_its_mautic_id_is_that_contact(engine, fake, make_contact) -> None:
    ada = fake.add_contact(firstname="Ada", email="ada@example.com", city="London")
    mine = make_contact(engine, firstname="Old", external_id=str(ada), email="old@example.com")  # a CSV import's

    summary = sync(engine, fake)

    assert (summary.created, summary.updated) == (0, 1)
    assert contact_id(engine, ada) == mine
    contact = get_contact(engine, mine)
    assert (contact.firstname, contact.email, contact.city) == ("Ada", "ada@example.com", "London")
    assert one(engine, "SELECT count(*) FROM contact") == 1


def test_contacts_sharing_an_email_are_never_joined_by_the_sync(engine, fake, make_contact) -> None:
    # Mautic lets two contacts share an address, and a person may be in Dossier already under it: only a user's
    # merge may join records, so the sync makes one contact per Mautic contact and leaves Dossier's alone.
    mine = make_contact(engine, firstname="Jo", lastname="Local", email=" JO@Example.com ", city="Porto")
    twin1 = fake.add_contact(firstname="Jo", email="jo@example.com", city="Lisbon")
    twin2 = fake.add_contact(firstname="Joanna", email="jo@example.com")

    summary = sync(engine, fake)

    assert summary.created == 2
    assert len({mine, contact_id(engine, twin1), contact_id(engine, twin2)}) == 3
    kept = get_contact(engine, mine)
    assert (kept.firstname, kept.lastname, kept.city, kept.email) == ("Jo", "Local", "Porto", " JO@Example.com ")
    assert rows(engine, "SELECT count(*) FROM sync_state WHERE contact_id = :i", i=mine) == [(0,)]
    # They are offered to the user as duplicates instead.
    offered = {candidate.contact.id for candidate in find_duplicates_for(engine, mine)}
    assert {contact_id(engine, twin1), contact_id(engine, twin2)} <= offered


def test_a_contact_merged_here_keeps_receiving_updates_on_the_survivor(engine, fake, make_contact) -> None:
    news = fake.add_segment("Newsletter")
    ada = fake.add_contact(firstname="Ada", email="ada@example.com")
    sync(engine, fake)
    survivor = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada.l@example.com")
    merged = contact_id(engine, ada)
    merge_contacts(engine, preview_merge(engine, survivor, merged, now=T0), actor="sam", now=T0)

    fake.advance(3600)
    fake.edit_contact(ada, city="Lyon")
    fake.page_hit(ada, "https://example.com/pricing", "Pricing")
    fake.add_note(ada, "Called back")
    fake.join_segment(ada, news)
    summary = later(engine, fake)

    assert (summary.created, summary.merged, summary.deleted) == (0, 0, 0)
    assert get_contact(engine, survivor).city == "Lyon"
    assert one(engine, "SELECT count(*) FROM event WHERE contact_id = :i AND label LIKE '%Pricing%'", i=survivor) == 1
    assert [note.text for note in list_notes(engine, survivor)] == ["Called back"]
    assert groups(engine, "segment", survivor) == ["Newsletter"]
    assert one(engine, "SELECT merged_into_id FROM contact WHERE id = :i", i=merged) == survivor
    assert one(engine, "SELECT count(*) FROM event WHERE contact_id = :i", i=merged) == 0  # nothing lands on it


# Segments, campaigns and emails


def test_segments_campaigns_and_templates_keep_their_mautic_id_through_renames(engine, fake) -> None:
    news = fake.add_segment("Newsletter", "newsletter")
    drip = fake.add_campaign("Onboarding")
    welcome = fake.add_email("Welcome", "Welcome aboard", html="<p>Hello <b>there</b></p>")
    ada = fake.add_contact(firstname="Ada", email="ada@example.com")
    fake.join_segment(ada, news)
    fake.join_campaign(ada, drip)
    sync(engine, fake)
    with fake.model.lock:
        fake.model.segments[news].name = "Monthly newsletter"
        fake.model.campaigns[drip].name = "Onboarding 2027"
    fake.rename_email(welcome, "Welcome (new)")
    fake.model.emails[welcome].subject = "Welcome!"

    later(engine, fake)

    assert rows(engine, "SELECT name, external_id FROM segment") == [("Monthly newsletter", str(news))]
    assert rows(engine, "SELECT name, external_id FROM campaign") == [("Onboarding 2027", str(drip))]
    assert rows(engine, "SELECT name, subject, body_text, external_id FROM email_template") == [
        ("Welcome (new)", "Welcome!", "Hello there", str(welcome))
    ]
    contact = contact_id(engine, ada)
    assert (groups(engine, "segment", contact), groups(engine, "campaign", contact)) == (
        ["Monthly newsletter"],
        ["Onboarding 2027"],
    )


def test_a_segment_made_here_is_never_taken_for_mautics_of_the_same_name(engine, fake) -> None:
    with Session(engine) as session:
        session.add(Segment(name="VIP", alias="vip"))
        session.commit()
    vip = fake.add_segment("VIP", "vip")
    fake.join_segment(fake.add_contact(firstname="Ada", email="ada@example.com"), vip)

    sync(engine, fake)

    assert rows(engine, "SELECT external_id FROM segment ORDER BY id") == [(None,), (str(vip),)]
    assert rows(engine, "SELECT count(*) FROM segment_membership JOIN segment ON segment.id = segment_id "
                        "WHERE external_id IS NULL") == [(0,)]  # fmt: skip


# Memberships read again


def stop_in_memberships(summary: MauticSummary) -> Callable[[], bool]:
    """Stop once the memberships step has done one contact."""
    return lambda: summary.stage == "memberships"


def test_a_run_stopped_in_the_memberships_step_resumes_them(engine, fake) -> None:
    news, drip = fake.add_segment("Newsletter"), fake.add_campaign("Onboarding")
    people = [fake.add_contact(firstname=f"P{n}", email=f"p{n}@example.com") for n in range(5)]
    for person in people:
        fake.join_segment(person, news, at=T0 - timedelta(hours=1))  # before the overlap the next run reads again
    summary = MauticSummary()

    with pytest.raises(Stopped):
        sync(engine, fake, summary=summary, stop=stop_in_memberships(summary))
    assert one(engine, "SELECT count(*) FROM segment_membership") == 1
    fake.requests.clear()
    later(engine, fake)

    assert one(engine, "SELECT count(*) FROM segment_membership") == 5
    asked = [r.path for r in fake.requests if r.path.endswith("/segments") and r.path != "/api/segments"]
    assert asked == [f"/api/contacts/{person}/segments" for person in people[1:]]  # the first was not asked again

    # A later run stopped there resumes the same way.
    fake.advance(3600)
    for person in people:
        fake.join_campaign(person, drip)
    summary = MauticSummary()
    with pytest.raises(Stopped):
        later(engine, fake, summary=summary, stop=stop_in_memberships(summary))
    assert one(engine, "SELECT count(*) FROM campaign_membership") == 1
    later(engine, fake)
    assert one(engine, "SELECT count(*) FROM campaign_membership") == 5


def test_a_change_dropped_for_mautics_version_is_undone_by_the_next_sync(engine, fake) -> None:
    ada = fake.add_contact(firstname="Ada", email="ada@example.com")
    fake.add_dnc(ada, "email", reason=1, comments="unsubscribed by link")
    sync(engine, fake)
    later(engine, fake)  # past the overlap: Ada is no longer read again for changes just before the last run
    contact = contact_id(engine, ada)
    set_do_not_contact(engine, contact, "email", False, actor="sam", now=T0)  # made contactable here
    assert get_contact(engine, contact).do_not_contact == []
    [change] = changes(engine)

    forget(engine, change.id)  # the user keeps Mautic's version
    later(engine, fake)

    assert get_contact(engine, contact).do_not_contact == ["email"]
    assert rows(engine, "SELECT reason, comments FROM do_not_contact") == [("unsubscribed", "unsubscribed by link")]
    assert not [r for r in fake.requests if "/dnc/" in r.path]  # nothing was sent
    fake.requests.clear()
    later(engine, fake)
    assert not [r for r in fake.requests if r.path == f"/api/contacts/{ada}"]  # read again once, not every time


# Reading Mautic's JSON


def test_reading_mautic_json() -> None:
    assert parse_time("2024-05-01 10:00:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)  # naive Mautic times are UTC
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
    assert read_event({"event": "page.hit", "timestamp": "2024-01-01"}) is None  # no id: it could not be told apart
    plain = read_event({"event": "x", "eventId": 7, "timestamp": "2024-01-01", "details": "plain"})
    assert plain is not None and plain["details"] == {"value": "plain"}
    assert source_name("https://user:pw@Crm.Example.com/mautic/") == "mautic https://crm.example.com/mautic"
