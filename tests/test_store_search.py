"""Contact search (FTS5 prefixes), the contact list's order and paging, lookups, and the contact page data."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from store.contacts import (
    ContactNotFound,
    count_contacts,
    get_contact,
    list_contacts,
    resolve_contact,
    search_contacts,
)
from store.models import (
    Campaign,
    CampaignMembership,
    Contact,
    ContactIp,
    DoNotContact,
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
    SocialProfile,
)
from store.rows import ContactSummary

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

PEOPLE = {
    "jane": dict(
        firstname="Jane", lastname="Doe", email="jane.doe@example.com", company="Acme Corp", city="Springfield"
    ),
    "jose": dict(firstname="José", lastname="Núñez", email="jose@ejemplo.es", company="Telefónica", city="Madrid"),
    "taro": dict(firstname="太郎", lastname="山田", email="taro@yamada.jp", company="ヤマダ電機", city="東京"),
    "siobhan": dict(
        firstname="Siobhán", lastname="O'Brien", email="siobhan@dublin.ie", company="Guinness", city="Dublin"
    ),
    "john": dict(firstname="John", lastname="Smith", email="john@smith.test", company="Acme Industries", city="Boston"),
    "janet": dict(firstname="Janet", lastname="Kowalski", email="janet@kowalski.test", company="Globex", city="Warsaw"),
    "andrea": dict(firstname="Andrea", lastname="Ortiz", email=None, company="", city="Lima"),
}


def shared_database(shared_engines, name: str) -> Iterator[Engine]:
    yield shared_engines(name)


@pytest.fixture
def people(engine: Engine, make_contact) -> dict[str, int]:
    """PEOPLE in a database of the test's own, for tests that change data."""
    return {key: make_contact(engine, **fields) for key, fields in PEOPLE.items()}


@pytest.fixture(scope="module")
def shared_engine(shared_engines) -> Iterator[Engine]:
    """PEOPLE's database, shared by this module's read-only tests (built once: it keeps the suite fast)."""
    yield from shared_database(shared_engines, "people")


@pytest.fixture(scope="module")
def shared_people(shared_engine: Engine, make_contact) -> dict[str, int]:
    return {key: make_contact(shared_engine, **fields) for key, fields in PEOPLE.items()}


def keys(people: dict[str, int], rows: list[ContactSummary]) -> list[str]:
    by_id = {contact_id: key for key, contact_id in people.items()}
    return [by_id.get(row.id, f"#{row.id}") for row in rows]


def set_fields(engine: Engine, contact_id: int, **fields) -> None:
    with Session(engine) as session:
        contact = session.get(Contact, contact_id)
        for name, value in fields.items():
            setattr(contact, name, value)
        session.add(contact)
        session.commit()


# search_contacts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jan", ["janet", "jane"]),
        ("Jane", ["janet", "jane"]),
        ("doe", ["jane"]),
        ("kowal", ["janet"]),
        ("jane.doe@", ["jane"]),
        ("jane.doe@example.com", ["jane"]),
        ("example", ["jane"]),
        ("smith.test", ["john"]),
        ("acme", ["john", "jane"]),
        ("glob", ["janet"]),
        ("spring", ["jane"]),
        ("BOSTON", ["john"]),
        ("andrea", ["andrea"]),
    ],
)
def test_search_matches_word_prefixes_in_names_email_company_and_city(
    shared_people, shared_engine, query, expected
) -> None:
    assert keys(shared_people, search_contacts(shared_engine, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme ind", ["john"]),
        ("jane acme", ["jane"]),
        ("acme jane", ["jane"]),
        ("jane boston", []),
        ("ja do", ["jane"]),
    ],
)
def test_search_words_are_all_required(shared_people, shared_engine, query, expected) -> None:
    assert keys(shared_people, search_contacts(shared_engine, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jose", ["jose"]),
        ("JOSÉ", ["jose"]),
        ("nunez", ["jose"]),
        ("núñ", ["jose"]),
        ("telefonica", ["jose"]),
        ("siobhan", ["siobhan"]),
    ],
)
def test_search_folds_accents_and_case(shared_people, shared_engine, query, expected) -> None:
    assert keys(shared_people, search_contacts(shared_engine, query)) == expected


@pytest.mark.parametrize("query", ["山", "山田", "太", "ヤマダ", "東京"])
def test_search_finds_cjk_names_by_their_leading_characters(shared_people, shared_engine, query) -> None:
    assert keys(shared_people, search_contacts(shared_engine, query)) == ["taro"]


@pytest.mark.parametrize("query", ["o'bri", "O'Brien", "o\u2019bri", "siobhán o'b"])
def test_search_treats_apostrophes_as_separators(shared_people, shared_engine, query) -> None:
    assert keys(shared_people, search_contacts(shared_engine, query)) == ["siobhan"]


@pytest.mark.parametrize("query", ["", "   ", "'", "@.-", "*", '"', "()", "--", "\t\n"])
def test_search_with_nothing_searchable_returns_nothing(shared_people, shared_engine, query) -> None:
    assert search_contacts(shared_engine, query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"', []),
        ('jane"', ["janet", "jane"]),
        ('"jane doe"', ["jane"]),
        ("jane*", ["janet", "jane"]),
        ("AND", ["andrea"]),
        ("jane AND", []),
        ("jane OR john", []),
        ("NOT", []),
        ("NEAR(", []),
        ("NEAR(jane doe)", []),
        ("-jane", ["janet", "jane"]),
        ("firstname:jane", []),
        (":", []),
        ("^jane", ["janet", "jane"]),
        ("{jane}", ["janet", "jane"]),
        ("jane +", ["janet", "jane"]),
        ("\\", []),
        ("%", []),
        ("_", []),
        ("'; DROP TABLE contact; --", []),
    ],
)
def test_search_never_passes_fts_syntax_through(shared_people, shared_engine, query, expected) -> None:
    assert keys(shared_people, search_contacts(shared_engine, query)) == expected
    assert count_contacts(shared_engine) == len(PEOPLE)


def test_search_excludes_merged_away_contacts(people, engine, make_contact) -> None:
    make_contact(engine, firstname="Jane", lastname="Doe", email="jane@old.test", merged_into_id=people["jane"])
    assert keys(people, search_contacts(engine, "jane doe")) == ["jane"]


def test_search_follows_updates(people, engine) -> None:
    set_fields(engine, people["jane"], firstname="Joan", city="Shelbyville")
    assert keys(people, search_contacts(engine, "jane")) == ["janet", "jane"]  # still in her email
    assert keys(people, search_contacts(engine, "jane doe")) == ["jane"]
    set_fields(engine, people["jane"], email="joan@example.com")
    assert keys(people, search_contacts(engine, "jane")) == ["janet"]
    assert keys(people, search_contacts(engine, "joan")) == ["jane"]
    assert keys(people, search_contacts(engine, "spring")) == []
    assert keys(people, search_contacts(engine, "shelby")) == ["jane"]
    # An update of a column outside the index keeps the indexed words.
    set_fields(engine, people["jane"], points=50, position="CEO")
    assert keys(people, search_contacts(engine, "joan doe")) == ["jane"]


def test_search_follows_a_merge(people, engine) -> None:
    set_fields(engine, people["janet"], merged_into_id=people["jane"])
    assert keys(people, search_contacts(engine, "jan")) == ["jane"]


def test_search_follows_deletes(people, engine) -> None:
    with Session(engine) as session:
        session.delete(session.get(Contact, people["jane"]))
        session.commit()
    assert keys(people, search_contacts(engine, "jan")) == ["janet"]
    assert search_contacts(engine, "doe") == []


def test_search_rows_are_summaries(shared_people, shared_engine) -> None:
    [row] = search_contacts(shared_engine, "jane.doe")
    assert row == ContactSummary(
        id=shared_people["jane"],
        name="Jane Doe",
        email="jane.doe@example.com",
        company="Acme Corp",
        city="Springfield",
        points=0,
        last_active=None,
    )


@pytest.mark.parametrize("limit", [1, 4, 5, 23, 50])
def test_search_pages_are_disjoint_and_newest_first(engine, make_contact, limit) -> None:
    ids = [make_contact(engine, firstname="Pat", lastname=f"Number{i}") for i in range(23)]
    make_contact(engine, firstname="Kim")
    pages: list[list[int]] = []
    before_id = None
    while True:
        page = [row.id for row in search_contacts(engine, "pat", before_id=before_id, limit=limit)]
        if not page:
            break
        assert len(page) <= limit
        pages.append(page)
        before_id = page[-1]
    assert [contact_id for page in pages for contact_id in page] == sorted(ids, reverse=True)
    assert all(len(page) == limit for page in pages[:-1])


# list_contacts and count_contacts


@pytest.fixture(scope="module")
def listed_engine(shared_engines) -> Iterator[Engine]:
    yield from shared_database(shared_engines, "listed")


@pytest.fixture(scope="module")
def listed(listed_engine: Engine, make_contact) -> list[int]:
    """25 live contacts (15 active at 5 equal-valued times, 10 never active) and 2 merged away.

    Returns the live ids in the order the list must show them.
    """
    times = [T0 - timedelta(days=d) for d in (0, 3, 3, 3, 7, 7, 7, 9, 9, 9, 1, 1, 1, 0, 0)]
    plan: list[datetime | None] = [*times, *([None] * 10)]
    random.Random(5).shuffle(plan)
    live = [(make_contact(listed_engine, firstname=f"C{i}", last_active=when), when) for i, when in enumerate(plan)]
    make_contact(listed_engine, firstname="Gone", last_active=T0 + timedelta(days=1), merged_into_id=live[0][0])
    make_contact(listed_engine, firstname="GoneNever", merged_into_id=live[1][0])
    active = sorted(((when, cid) for cid, when in live if when is not None), reverse=True)
    never = sorted((cid for cid, when in live if when is None), reverse=True)
    return [cid for _, cid in active] + never


@pytest.mark.parametrize("limit", [1, 4, 5, 14, 15, 16, 25, 100])
def test_list_pages_through_equal_times_and_never_active_without_gaps(listed_engine, listed, limit) -> None:
    seen: list[ContactSummary] = []
    after = None
    for _ in range(30):
        page = list_contacts(listed_engine, after=after, limit=limit)
        if not page:
            break
        assert len(page) <= limit
        seen += page
        after = (page[-1].last_active, page[-1].id)
    else:
        pytest.fail("paging did not end")
    assert [row.id for row in seen] == listed
    assert [row.last_active is None for row in seen] == [False] * 15 + [True] * 10


def test_list_first_page(listed_engine, listed) -> None:
    page = list_contacts(listed_engine, limit=4)
    assert [row.id for row in page] == listed[:4]
    assert all(row.last_active == T0 for row in page[:3])


def test_list_continues_inside_the_never_active_part(listed_engine, listed) -> None:
    page = list_contacts(listed_engine, after=(None, listed[17]), limit=3)
    assert [row.id for row in page] == listed[18:21]


def test_count_contacts_counts_only_live_contacts(listed_engine, listed) -> None:
    assert count_contacts(listed_engine) == 25


def test_count_and_list_of_an_empty_database(engine) -> None:
    assert count_contacts(engine) == 0
    assert list_contacts(engine) == []
    assert search_contacts(engine, "a") == []


def test_list_names_contacts_without_a_name(engine, make_contact) -> None:
    by_email = make_contact(engine, email="only@mail.test", last_active=T0)
    anonymous = make_contact(engine)
    rows = list_contacts(engine)
    assert [(row.id, row.name) for row in rows] == [
        (by_email, "only@mail.test"),
        (anonymous, f"Anonymous #{anonymous}"),
    ]


# resolve_contact


def test_resolve_by_id(shared_people, shared_engine) -> None:
    jane = shared_people["jane"]
    assert resolve_contact(shared_engine, jane) == (jane, None)
    assert resolve_contact(shared_engine, str(jane)) == (jane, None)
    assert resolve_contact(shared_engine, f"  {jane} ") == (jane, None)


@pytest.mark.parametrize("ref", ["jane.doe@example.com", "JANE.DOE@EXAMPLE.COM", " Jane.Doe@Example.com\n"])
def test_resolve_by_email_ignores_case_and_spaces(shared_people, shared_engine, ref) -> None:
    assert resolve_contact(shared_engine, ref) == (shared_people["jane"], None)


def test_resolve_by_email_needs_the_exact_address(shared_people, shared_engine) -> None:
    with pytest.raises(ContactNotFound) as info:
        resolve_contact(shared_engine, "jane.doe+news@example.com")
    assert str(info.value) == "No contact has the email address 'jane.doe+news@example.com'."


def test_resolve_by_email_prefers_the_live_contact(engine, make_contact) -> None:
    survivor = make_contact(engine, firstname="Survivor")
    make_contact(engine, email="shared@mail.test", merged_into_id=survivor)
    live = make_contact(engine, email="shared@mail.test")
    assert resolve_contact(engine, "shared@mail.test") == (live, None)


def test_resolve_follows_a_merge_chain(engine, make_contact) -> None:
    last = make_contact(engine, firstname="Last", email="last@mail.test")
    middle = make_contact(engine, firstname="Middle", email="middle@mail.test", merged_into_id=last)
    first = make_contact(engine, firstname="First", email="first@mail.test", merged_into_id=middle)
    assert resolve_contact(engine, first) == (last, first)
    assert resolve_contact(engine, middle) == (last, middle)
    assert resolve_contact(engine, "first@mail.test") == (last, first)
    assert resolve_contact(engine, last) == (last, None)


def test_resolve_stops_on_a_merge_cycle(engine, make_contact) -> None:
    a = make_contact(engine, firstname="A")
    b = make_contact(engine, firstname="B", merged_into_id=a)
    set_fields(engine, a, merged_into_id=b)
    assert resolve_contact(engine, a) == (b, a)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("999", "No contact has the id 999."),
        (999, "No contact has the id 999."),
        ("nobody@example.com", "No contact has the email address 'nobody@example.com'."),
        ("hello", "'hello' is neither a contact id nor an email address."),
        ("", "'' is neither a contact id nor an email address."),
        ("-1", "'-1' is neither a contact id nor an email address."),
        ("1.5", "'1.5' is neither a contact id nor an email address."),
    ],
)
def test_resolve_unknown_contacts(shared_people, shared_engine, ref, message) -> None:
    with pytest.raises(ContactNotFound) as info:
        resolve_contact(shared_engine, ref)
    assert str(info.value) == message


def test_resolve_superscript_digits_is_not_found(shared_people, shared_engine) -> None:
    with pytest.raises(ContactNotFound):
        resolve_contact(shared_engine, "²")


def test_resolve_a_huge_id_is_not_found(shared_people, shared_engine) -> None:
    with pytest.raises(ContactNotFound) as info:
        resolve_contact(shared_engine, "99999999999999999999")
    assert str(info.value) == "No contact has the id 99999999999999999999."


# get_contact


@pytest.fixture(scope="module")
def full_engine(shared_engines) -> Iterator[Engine]:
    yield from shared_database(shared_engines, "full")


@pytest.fixture(scope="module")
def full_contact(full_engine: Engine, make_contact, add_events) -> int:
    contact_id = make_contact(
        full_engine,
        firstname="Ada",
        lastname="Lovelace",
        email="ada@analytical.test",
        phone="+44 20 7946 0000",
        company="Analytical Engines",
        position="Director",
        city="London",
        region="England",
        country="GB",
        points=42,
        stage="Customer",
        owner="grace",
        tags=["vip", "math"],
        last_active=T0,
        date_added=T0 - timedelta(days=400),
        custom_fields={"favourite": "engines", "shoe_size": 38},
    )
    other = make_contact(full_engine, firstname="Other")
    add_events(
        full_engine, contact_id, [{"type": "page.hit", "occurred_at": T0 - timedelta(hours=h)} for h in range(3)]
    )
    add_events(full_engine, other, [{"type": "page.hit", "occurred_at": T0}])
    with Session(full_engine) as session:
        segments = [Segment(name=name) for name in ("Newsletter", "Leads", "Removed segment")]
        campaigns = [Campaign(name=name) for name in ("Welcome", "Removed campaign", "Nurture")]
        ips = [IpAddress(ip=ip, city=city, country=country) for ip, city, country in IP_ROWS]
        session.add_all([*segments, *campaigns, *ips])
        session.flush()
        session.add_all(
            [
                SegmentMembership(segment_id=segments[0].id, contact_id=contact_id),
                SegmentMembership(segment_id=segments[1].id, contact_id=contact_id, manually_added=True),
                SegmentMembership(segment_id=segments[2].id, contact_id=contact_id, manually_removed=True),
                SegmentMembership(segment_id=segments[0].id, contact_id=other),
                CampaignMembership(campaign_id=campaigns[0].id, contact_id=contact_id),
                CampaignMembership(campaign_id=campaigns[1].id, contact_id=contact_id, manually_removed=True),
                CampaignMembership(campaign_id=campaigns[2].id, contact_id=contact_id),
                ContactIp(contact_id=contact_id, ip_address_id=ips[0].id, first_seen=T0, last_seen=T0),
                ContactIp(
                    contact_id=contact_id,
                    ip_address_id=ips[1].id,
                    first_seen=T0 - timedelta(days=30),
                    last_seen=T0 + timedelta(days=1),
                ),
                ContactIp(
                    contact_id=contact_id,
                    ip_address_id=ips[2].id,
                    first_seen=T0 - timedelta(days=90),
                    last_seen=T0 - timedelta(days=60),
                ),
                Note(contact_id=contact_id, text="Called about engines"),
                Note(contact_id=contact_id, type="meeting", text="Lunch"),
                Note(contact_id=other, text="Not Ada's"),
                SocialProfile(contact_id=contact_id, network="mastodon", handle="@ada@math.social"),
                SocialProfile(contact_id=contact_id, network="github", handle="ada"),
                DoNotContact(contact_id=contact_id, channel="sms"),
                DoNotContact(contact_id=contact_id, channel="email", reason="unsubscribed"),
            ]
        )
        session.commit()
    return contact_id


IP_ROWS = [("192.0.2.1", "London", "GB"), ("198.51.100.7", "Zürich", "CH"), ("203.0.113.9", "", "")]


def test_get_contact_fields(full_engine, full_contact) -> None:
    detail = get_contact(full_engine, full_contact)
    assert detail.id == full_contact
    assert detail.name == "Ada Lovelace"
    assert (detail.firstname, detail.lastname, detail.email) == ("Ada", "Lovelace", "ada@analytical.test")
    assert (detail.phone, detail.mobile) == ("+44 20 7946 0000", None)
    assert (detail.company, detail.position) == ("Analytical Engines", "Director")
    assert detail.location == "London, England, GB"
    assert (detail.points, detail.stage, detail.owner) == (42, "Customer", "grace")
    assert detail.tags == ["vip", "math"]
    assert detail.custom_fields == {"favourite": "engines", "shoe_size": 38}
    assert detail.last_active == T0
    assert detail.date_added == T0 - timedelta(days=400)
    assert detail.merged_from is None


def test_get_contact_memberships_leave_out_manual_removals(full_engine, full_contact) -> None:
    detail = get_contact(full_engine, full_contact)
    assert detail.segments == ["Leads", "Newsletter"]
    assert detail.campaigns == ["Nurture", "Welcome"]


def test_get_contact_counts_only_its_own_events_and_notes(full_engine, full_contact) -> None:
    detail = get_contact(full_engine, full_contact)
    assert (detail.event_count, detail.note_count) == (3, 2)


def test_get_contact_locations_newest_first(full_engine, full_contact) -> None:
    detail = get_contact(full_engine, full_contact)
    assert [(loc.ip, loc.city, loc.country, loc.last_seen) for loc in detail.locations] == [
        ("198.51.100.7", "Zürich", "CH", T0 + timedelta(days=1)),
        ("192.0.2.1", "London", "GB", T0),
        ("203.0.113.9", "", "", T0 - timedelta(days=60)),
    ]
    assert detail.locations[1].first_seen == T0


def test_get_contact_social_profiles_and_do_not_contact(full_engine, full_contact) -> None:
    detail = get_contact(full_engine, full_contact)
    assert [(p.network, p.handle) for p in detail.social_profiles] == [
        ("github", "ada"),
        ("mastodon", "@ada@math.social"),
    ]
    assert sorted(detail.do_not_contact) == ["email", "sms"]


def test_get_contact_of_a_bare_contact(engine, make_contact) -> None:
    contact_id = make_contact(engine)
    detail = get_contact(engine, contact_id)
    assert detail.name == f"Anonymous #{contact_id}"
    assert (detail.segments, detail.campaigns, detail.locations, detail.social_profiles) == ([], [], [], [])
    assert (detail.event_count, detail.note_count, detail.do_not_contact) == (0, 0, [])
    assert detail.location == ""


def test_get_contact_unknown_id(engine) -> None:
    with pytest.raises(ContactNotFound) as info:
        get_contact(engine, 404)
    assert str(info.value) == "No contact has the id 404."


def test_contact_detail_to_json_is_plain_json(full_engine, full_contact) -> None:
    document = json.loads(json.dumps(get_contact(full_engine, full_contact).to_json()))
    assert document["id"] == full_contact
    assert document["name"] == "Ada Lovelace"
    assert document["last_active"] == "2026-01-15T12:00:00+00:00"
    assert document["segments"] == ["Leads", "Newsletter"]
    assert document["event_count"] == 3
    assert document["locations"][0] == {
        "ip": "198.51.100.7",
        "city": "Zürich",
        "region": "",
        "country": "CH",
        "latitude": None,
        "longitude": None,
        "first_seen": "2025-12-16T12:00:00+00:00",
        "last_seen": "2026-01-16T12:00:00+00:00",
    }
    assert document["social_profiles"] == [
        {"network": "github", "handle": "ada"},
        {"network": "mastodon", "handle": "@ada@math.social"},
    ]
    assert document["custom_fields"] == {"favourite": "engines", "shoe_size": 38}
    assert document["merged_from"] is None


@pytest.mark.parametrize("typed", ["⑴", "½", "(1)", "a:*", "x & !y", "'", "<->"])
def test_symbols_that_fold_into_punctuation_are_never_query_syntax(engine: Engine, typed: str) -> None:
    assert search_contacts(engine, typed) == []  # and no error from either database's query parser


def test_a_phrase_does_not_run_from_one_field_into_the_next(engine: Engine, make_contact) -> None:
    ada = make_contact(engine, firstname="Ada", lastname="Lovelace", email="countess@analytical.test")
    assert [c.id for c in search_contacts(engine, "ada lovelace")] == [ada]  # two words: each anywhere
    assert search_contacts(engine, "ada.lovelace") == []  # one phrase: first and last name are two fields
    assert [c.id for c in search_contacts(engine, "countess@analytical")] == [ada]
