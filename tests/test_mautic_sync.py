"""The Mautic sync end to end: the real client (services/mautic) and the store (store/interchange/mautic_sync)
against a fake Mautic built from Mautic's source (tests/mautic), for the 4.4 and 5.x shapes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from services.mautic import MauticClient
from store.event_search import trigram_query
from store.interchange.mautic_sync import MauticSummary, Stopped, source_name, sync_mautic
from tests.mautic import FakeMautic

pytestmark = pytest.mark.sqlite_only
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["4", "5"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeMautic]:
    with FakeMautic(version=request.param) as server:
        server.now = T0
        yield server
        assert server.errors == []


def client(fake: FakeMautic, **options: Any) -> MauticClient:
    return MauticClient(fake.url, "api", "secret", timeout=5, clock=lambda: fake.now, sleep=fake.advance, **options)


def sync(engine: Engine, fake: FakeMautic, **options: Any) -> MauticSummary:
    with client(fake) as source:
        return sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now, **options)


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def one(engine: Engine, sql: str, **params: Any) -> Any:
    return rows(engine, sql, **params)[0][0]


def contact_id(engine: Engine, remote: int) -> int:
    return one(engine, "SELECT contact_id FROM sync_state WHERE remote_id = :r", r=str(remote))


@pytest.fixture
def crm(fake: FakeMautic) -> dict[str, int]:
    """A small instance with one of everything."""
    owner = fake.add_user("Sam", "Seller", "sam")
    stage = fake.add_stage("Customer")
    news = fake.add_segment("Newsletter", "newsletter")
    onboarding = fake.add_campaign("Onboarding")
    hidden = fake.add_campaign("Old drip", published=False)
    welcome = fake.add_email("Welcome", "Welcome aboard")
    fake.add_field("twitter", "Twitter", group="social")
    ada = fake.add_contact(
        firstname="Ada",
        lastname="Lovelace",
        email="ada@example.com",
        company="Analytical Engines",
        city="London",
        twitter="@ada",
        owner=owner,
        stage=stage,
        tags=("vip", "speaker"),
        ips=(
            ("81.2.69.142", {"city": "London", "country": "United Kingdom", "latitude": "51.5", "longitude": "-0.09"}),
        ),
        points=12,
        date_added=T0 - timedelta(days=30),
    )
    fake.add_dnc(ada, "email", reason=1, comments="asked by phone")
    fake.join_segment(ada, news)
    fake.join_campaign(ada, onboarding)
    fake.join_campaign(ada, hidden)
    fake.page_hit(ada, "https://example.com/pricing", "Pricing", at=T0 - timedelta(days=2))
    stat = fake.send_email(ada, welcome, at=T0 - timedelta(days=3))
    fake.open_email(stat, at=T0 - timedelta(days=2, hours=3))
    fake.submit_form(ada, "Contact us", {"message": "Call me"}, at=T0 - timedelta(days=1))
    fake.add_note(ada, "<p>Called about the <b>renewal</b></p>", type="call", date_time=T0 - timedelta(days=1))
    visitor = fake.add_contact()  # an anonymous visitor: most of a real Mautic's contacts
    fake.page_hit(visitor, "https://example.com/", "Home", at=T0 - timedelta(hours=5))
    twin1 = fake.add_contact(firstname="Jo", email="jo@example.com")
    twin2 = fake.add_contact(firstname="Joanna", email="jo@example.com")
    return {"ada": ada, "visitor": visitor, "twin1": twin1, "twin2": twin2, "news": news, "onboarding": onboarding,
            "hidden": hidden, "welcome": welcome, "stat": stat}  # fmt: skip


def test_a_first_sync_brings_every_field_and_record(engine: Engine, fake: FakeMautic, crm: dict[str, int]) -> None:
    summary = sync(engine, fake)
    assert summary.created == 4 and summary.failed == []
    ada = contact_id(engine, crm["ada"])
    row = rows(
        engine,
        "SELECT firstname, company, city, points, stage, owner, tags, custom_fields FROM contact WHERE id = :i",
        i=ada,
    )[0]
    assert row[:6] == ("Ada", "Analytical Engines", "London", 12, "Customer", "Sam Seller")
    assert set(__import__("json").loads(row[6])) == {"vip", "speaker"}
    assert __import__("json").loads(row[7])["twitter"] == "@ada"
    assert rows(engine, "SELECT channel, reason, comments FROM do_not_contact WHERE contact_id = :i", i=ada) == [
        ("email", "unsubscribed", "asked by phone")
    ]
    located = rows(
        engine,
        "SELECT ip, city, latitude FROM ip_address JOIN contact_ip ON contact_ip.ip_address_id = ip_address.id "
        "WHERE contact_id = :i",
        i=ada,
    )
    assert located == [("81.2.69.142", "London", 51.5)]
    types = sorted(t for (t,) in rows(engine, "SELECT type FROM event WHERE contact_id = :i", i=ada))
    assert {"page.hit", "email.sent", "email.read", "form.submitted"} <= set(types)
    # The sync fills the History search index itself (store/interchange/mautic_events.py): it holds each event's
    # text exactly as the insert trigger would have written it, and the trigger is back for every later writer.
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO event_fts(event_fts, rank) VALUES ('integrity-check', 1)"))
    assert one(engine, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'event_fts_ai'") == 1
    matching = "SELECT event.type FROM event_fts JOIN event ON event.id = event_fts.rowid WHERE event_fts MATCH :q"
    assert rows(engine, matching, q=trigram_query("example.com/pricing")) == [("page.hit",)]
    assert [(t, x) for t, x in rows(engine, "SELECT type, text FROM note WHERE contact_id = :i", i=ada)] == [
        ("call", "Called about the renewal")
    ]
    assert one(engine, "SELECT date_time FROM note").startswith((T0 - timedelta(days=1)).strftime("%Y-%m-%d"))
    segments = rows(
        engine,
        "SELECT name FROM segment JOIN segment_membership ON segment_id = segment.id WHERE contact_id = :i",
        i=ada,
    )
    assert segments == [("Newsletter",)]
    # Two Mautic contacts sharing an email stay two contacts.
    assert contact_id(engine, crm["twin1"]) != contact_id(engine, crm["twin2"])


def test_a_second_sync_reads_no_timeline_again_and_doubles_nothing(engine, fake, crm) -> None:
    sync(engine, fake)
    counts = [one(engine, f"SELECT count(*) FROM {table}") for table in ("contact", "event", "note")]
    fake.advance(3600)
    fake.requests.clear()
    again = sync(engine, fake)
    assert (again.created, again.updated) == (0, 0)
    assert [one(engine, f"SELECT count(*) FROM {table}") for table in ("contact", "event", "note")] == counts
    # No per-contact activity was asked for: the activity stream covers every contact.
    assert not [r for r in fake.requests if r.path.endswith("/activity") and r.path != "/api/contacts/activity"]


def test_renaming_an_email_in_mautic_relabels_but_never_doubles(engine, fake, crm) -> None:
    sync(engine, fake)
    before = one(engine, "SELECT count(*) FROM event")
    fake.rename_email(crm["welcome"], "Welcome (2027 edition)")
    fake.advance(600)
    sync(engine, fake)
    assert one(engine, "SELECT count(*) FROM event") == before


# Each change made in Mautic: what makes it there, then a query over the contact it touched and its answer.
CHANGES: dict[str, tuple[Callable[[FakeMautic, dict[str, int], datetime], object], str, str, object]] = {
    "page hit": (
        lambda f, c, at: f.page_hit(c["ada"], "https://example.com/careers", "Careers", at=at),
        "ada", "SELECT count(*) FROM event WHERE contact_id = :i AND label LIKE '%Careers%'", 1,
    ),
    "email open": (
        lambda f, c, at: f.open_email(f.send_email(c["twin1"], c["welcome"], at=at), at=at),
        "twin1", "SELECT count(*) FROM event WHERE contact_id = :i AND type = 'email.read'", 1,
    ),
    "email send": (
        lambda f, c, at: f.send_email(c["ada"], c["welcome"], at=at),
        "ada", "SELECT count(*) FROM event WHERE contact_id = :i AND type = 'email.sent'", 2,
    ),
    "note": (
        lambda f, c, at: f.add_note(c["ada"], "Wants a demo", type="meeting", date_time=at),
        "ada", "SELECT type FROM note WHERE contact_id = :i AND text = 'Wants a demo'", "meeting",
    ),
    "segment join": (
        lambda f, c, at: f.join_segment(c["twin1"], c["news"], at=at),
        "twin1", "SELECT count(*) FROM segment_membership WHERE contact_id = :i", 1,
    ),
    "segment leave": (
        lambda f, c, at: f.leave_segment(c["ada"], c["news"], at=at),
        "ada", "SELECT count(*) FROM segment_membership WHERE contact_id = :i", 0,
    ),
    "campaign join": (
        lambda f, c, at: f.join_campaign(c["twin1"], c["onboarding"], at=at),
        "twin1", "SELECT count(*) FROM campaign_membership WHERE contact_id = :i", 1,
    ),
    "unsubscribe": (
        lambda f, c, at: f.add_dnc(c["twin1"], "email", reason=1),
        "twin1", "SELECT reason FROM do_not_contact WHERE contact_id = :i", "unsubscribed",
    ),
    "field edit": (
        lambda f, c, at: f.edit_contact(c["ada"], city="Cambridge"),
        "ada", "SELECT city FROM contact WHERE id = :i", "Cambridge",
    ),
}  # fmt: skip


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_made_in_mautic_arrives_with_the_next_sync(engine, fake, crm, change: str) -> None:
    make, who, sql, expected = CHANGES[change]
    sync(engine, fake)
    local = contact_id(engine, crm[who])
    before = one(engine, sql, i=local) if rows(engine, sql, i=local) else None
    assert before != expected  # the change is not there yet
    fake.advance(3600)
    make(fake, crm, fake.now)
    sync(engine, fake)
    assert one(engine, sql, i=local) == expected


def test_a_campaign_mautic_stops_listing_keeps_its_membership(engine, fake, crm) -> None:
    # /contacts/{id}/campaigns lists published campaigns only (CampaignBundle/Entity/CampaignRepository.php,
    # getPublishedCampaigns): a membership is seen while its campaign is published, and unpublishing the
    # campaign must not read as the contact leaving it.
    with fake.model.lock:
        fake.model.campaigns[crm["hidden"]].published = True
    sync(engine, fake)
    ada = contact_id(engine, crm["ada"])
    sql = (
        "SELECT name FROM campaign JOIN campaign_membership ON campaign_id = campaign.id"
        " WHERE contact_id = :i ORDER BY name"
    )
    assert [n for (n,) in rows(engine, sql, i=ada)] == ["Old drip", "Onboarding"]
    with fake.model.lock:
        fake.model.campaigns[crm["hidden"]].published = False
    fake.advance(3600)
    fake.join_segment(crm["ada"], crm["news"])  # a membership event: Ada's memberships are read again
    sync(engine, fake)
    assert [n for (n,) in rows(engine, sql, i=ada)] == ["Old drip", "Onboarding"]


def test_deleted_and_merged_contacts_follow(engine, fake, crm) -> None:
    sync(engine, fake)
    twin1, twin2 = contact_id(engine, crm["twin1"]), contact_id(engine, crm["twin2"])
    visitor = contact_id(engine, crm["visitor"])
    fake.advance(3600)
    fake.delete_contact(crm["visitor"])
    fake.merge_contacts(crm["twin1"], crm["twin2"])
    summary = sync(engine, fake)
    assert (summary.deleted, summary.merged) == (1, 1)
    assert one(engine, "SELECT deleted_at IS NOT NULL FROM contact WHERE id = :i", i=visitor) == 1
    assert one(engine, "SELECT merged_into_id FROM contact WHERE id = :i", i=twin2) == twin1
    # The merge is Dossier's own, so it can be undone.
    assert one(engine, "SELECT count(*) FROM merge_record WHERE winner_id = :w", w=twin1) == 1


def test_a_contact_deleted_while_paging_makes_no_other_skip(engine, fake) -> None:
    ids = [fake.add_contact(firstname=f"P{n}", email=f"p{n}@example.com") for n in range(450)]

    class Deleting(MauticClient):
        pages = 0

        def contacts(self, **kwargs: Any) -> list[dict]:
            page = super().contacts(**kwargs)
            self.pages += 1
            if self.pages == 1:
                fake.delete_contact(ids[3])  # a contact already read: offsets would now skip one
            return page

    with Deleting(fake.url, "api", "secret", timeout=5, clock=lambda: fake.now, sleep=fake.advance) as source:
        sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now)
    assert one(engine, "SELECT count(*) FROM sync_state") == 449  # every live contact; the deleted one is hidden
    assert {r for (r,) in rows(engine, "SELECT remote_id FROM sync_state")} == {str(i) for i in ids if i != ids[3]}


def test_a_sync_stopped_anywhere_resumes_with_nothing_lost_or_doubled(engine, fake, crm) -> None:
    for n in range(30):
        other = fake.add_contact(firstname=f"P{n}", email=f"p{n}@example.com")
        fake.page_hit(other, f"https://example.com/{n}", f"Page {n}")
    asked = {"n": 0}

    def stop_after(limit: int):
        def stop() -> bool:
            asked["n"] += 1
            return asked["n"] > limit

        return stop

    stops = 0
    for limit in range(1, 400, 3):  # each run stops a little later; every run resumes where the last one stopped
        asked["n"] = 0
        try:
            sync(engine, fake, stop=stop_after(limit))
            break
        except Stopped:
            stops += 1
    assert stops >= 5
    sync(engine, fake)
    assert one(engine, "SELECT count(*) FROM sync_state") == 34
    assert one(engine, "SELECT count(*) FROM event WHERE type = 'page.hit'") == 32
    doubled = "SELECT count(*) FROM (SELECT remote_key FROM event GROUP BY remote_key HAVING count(*) > 1)"
    assert one(engine, doubled) == 0


def test_the_hourly_rate_limit_is_waited_out_not_hammered(engine, fake, crm) -> None:
    fake.rate_limit = 5
    waits: list[datetime] = []
    with client(fake, on_wait=waits.append) as source:
        sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now)
    assert waits  # the run needed more than 5 calls: it waited for the window's end, saying until when
    # Each hourly window took its 5 calls and at most one refused one: the client waits, it does not hammer.
    assert len(fake.requests) <= (len(waits) + 1) * 6
    assert fake.now >= T0 + timedelta(hours=len(waits))
    assert one(engine, "SELECT count(*) FROM sync_state") == 4


def test_anonymous_visitors_cost_no_requests_of_their_own(engine, fake) -> None:
    for _ in range(40):
        visitor = fake.add_contact()
        fake.page_hit(visitor, "https://example.com/", "Home")
    sync(engine, fake)
    per_contact = [r for r in fake.requests if r.path.count("/") >= 4 and r.path.startswith("/api/contacts/")]
    assert per_contact == []
    assert one(engine, "SELECT count(*) FROM event") == 40


def test_social_fields_named_after_a_network_become_social_profiles(engine, fake) -> None:
    from services.social import handle_readers

    fake.add_field("mastodon", "Mastodon", group="social")
    fake.add_field("github", "GitHub", group="social")
    ada = fake.add_contact(firstname="Ada", mastodon="@ada@Example.Social", github="not a handle!")
    with client(fake) as source:
        sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now, social=handle_readers())
    local = contact_id(engine, ada)
    profiles = rows(engine, "SELECT network, handle FROM social_profile WHERE contact_id = :i", i=local)
    assert profiles == [("mastodon", "ada@example.social")]  # as the Social tab would take it
    custom = __import__("json").loads(one(engine, "SELECT custom_fields FROM contact WHERE id = :i", i=local))
    assert custom["github"] == "not a handle!"  # not a GitHub user name: kept as the field it is
    fake.advance(3600)
    fake.edit_contact(ada, city="Paris")
    with client(fake) as source:  # a second sync adds nothing twice
        sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now, social=handle_readers())
    assert one(engine, "SELECT count(*) FROM social_profile") == 1
