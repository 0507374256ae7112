"""The fake Mautic against the spec (tests/mautic/SPEC.md): shapes, types, paging, auth and rate limits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.mautic import FakeMautic
from tests.mautic.sample import HOSTILE_COMPANY, SHARED_EMAIL

AUTH = ("api", "secret")
T0 = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)
CLIENT = {"grant_type": "client_credentials", "client_id": "sync", "client_secret": "s3cret"}
NOT_FOUND = '{"errors":[{"code":404,"message":"Item was not found.","details":[]}]}'


@pytest.fixture(params=["5", "4"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeMautic]:
    with FakeMautic(version=request.param, oauth_clients={"sync": "s3cret"}) as server:
        yield server
        assert server.errors == []


def get(fake: FakeMautic, path: str, params: Any = None, **options: Any) -> httpx.Response:
    options.setdefault("auth", AUTH)
    return httpx.get(f"{fake.url}{path}", params=params, **options)


def post(fake: FakeMautic, path: str, **options: Any) -> httpx.Response:
    options.setdefault("auth", AUTH)
    return httpx.post(f"{fake.url}{path}", **options)


def contacts(fake: FakeMautic, params: Any = None) -> dict[str, Any]:
    response = get(fake, "/api/contacts", params)
    assert response.status_code == 200, response.text
    return response.json()


def where_id_after(after: int, limit: int) -> list[tuple[str, Any]]:
    return [("where[0][col]", "id"), ("where[0][expr]", "gt"), ("where[0][val]", after), ("orderBy", "id"),
            ("orderByDir", "asc"), ("limit", limit)]  # fmt: skip


# -- contact shapes ---------------------------------------------------------------------------------------------
def test_an_empty_contact_list_is_an_object_with_a_string_total(fake: FakeMautic) -> None:
    response = get(fake, "/api/contacts")
    assert response.text == '{"total":"0","contacts":{}}'  # LeadApiControllerFunctionalTest.php:280
    assert response.headers["Mautic-Version"] == {"5": "5.1.1", "4": "4.4.13"}[fake.version]


def test_a_full_contact_has_every_key_in_order_with_keyed_tags_and_ips(fake: FakeMautic) -> None:
    owner, stage = fake.add_user("Sam", "Seller", "sam"), fake.add_stage("Customer")
    jim = fake.add_contact(firstname="Jim", email="jim@example.com", owner=owner, stage=stage, tags=["vip", "a"],
                           ips=["1.2.3.4", ("5.6.7.8", {"city": "Paris"})])  # fmt: skip
    item = contacts(fake)["contacts"][str(jim)]
    assert list(item) == [
        "isPublished", "dateAdded", "dateModified", "createdBy", "createdByUser", "modifiedBy", "modifiedByUser",
        "id", "points", "color", "fields", "lastActive", "owner", "ipAddresses", "tags", "utmtags", "stage",
        "dateIdentified", "preferredProfileImage", "doNotContact", "frequencyRules",
    ]  # fmt: skip
    assert item["dateModified"] is None and item["createdByUser"] == "Admin User" and item["id"] == jim
    assert list(item["tags"]) == ["a", "vip"] and item["tags"]["vip"] == {"id": 1, "tag": "vip", "description": None}
    assert item["ipAddresses"]["5.6.7.8"]["ipDetails"]["city"] == "Paris"
    assert set(item["ipAddresses"]["1.2.3.4"]) == {"ipAddress", "id", "ipDetails"}
    assert item["owner"] == {"createdByUser": "Admin User", "modifiedByUser": None, "id": owner, "username": "sam",
                             "firstName": "Sam", "lastName": "Seller"}  # fmt: skip
    assert item["stage"]["name"] == "Customer" and "dateAdded" not in item["stage"]
    assert (item["utmtags"], item["doNotContact"], item["frequencyRules"]) == ([], [], [])
    assert item["preferredProfileImage"] == "gravatar" and item["dateIdentified"] == "2024-06-03T09:30:00+00:00"


def test_empty_nested_collections_are_lists_and_fields_have_every_group(fake: FakeMautic) -> None:
    fake.add_contact(firstname="Ann")
    item = next(iter(contacts(fake)["contacts"].values()))
    assert (item["tags"], item["ipAddresses"], item["owner"], item["stage"]) == ([], [], None, None)
    fields = item["fields"]
    assert list(fields) == ["core", "social", "personal", "professional", "all"]
    assert fields["personal"] == [] and fields["professional"] == []
    assert list(fields["all"])[:3] == ["id", "title", "firstname"] and fields["all"]["id"] == item["id"]
    first = fields["core"]["firstname"]
    assert first == {"id": "2", "label": "First Name", "alias": "firstname", "type": "text", "group": "core",
                     "object": "lead", "is_fixed": "1", "properties": "a:0:{}", "default_value": None,
                     "value": "Ann", "normalizedValue": "Ann"}  # fmt: skip
    assert fields["core"]["attribution"]["properties"] == 'a:2:{s:9:"roundmode";i:4;s:5:"scale";i:2;}'


def test_normalized_value_of_null_is_empty_in_5_and_null_in_4(fake: FakeMautic) -> None:
    fake.add_contact(firstname="Ann")
    city = next(iter(contacts(fake)["contacts"].values()))["fields"]["core"]["city"]
    assert city["value"] is None
    assert city["normalizedValue"] == ("" if fake.version == "5" else None)


def test_value_types_differ_between_the_list_and_the_single_get(fake: FakeMautic) -> None:
    fake.add_field("opt_in", "Opt in", "boolean", "personal", {"no": "No", "yes": "Yes"})
    fake.add_field("seats", "Seats", "number", "professional")
    ann = fake.add_contact(firstname="Ann", opt_in=True, seats=12, points=7, attribution=3)
    listed = contacts(fake)["contacts"][str(ann)]["fields"]
    single = get(fake, f"/api/contacts/{ann}").json()["contact"]["fields"]
    assert listed["personal"]["opt_in"]["value"] == "1" and single["personal"]["opt_in"]["value"] == 1
    assert single["personal"]["opt_in"]["normalizedValue"] == "Yes"
    assert listed["professional"]["seats"]["value"] == 12 and single["all"]["points"] == 7
    assert single["core"]["attribution"]["value"] == 3.0 and '"value":3.0' in get(fake, f"/api/contacts/{ann}").text


def test_minimal_is_php_truthy_so_false_means_minimal(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    for value in ("1", "false", "no", "off"):
        item = contacts(fake, {"minimal": value})["contacts"][str(ann)]
        assert list(item)[-4:] == ["id", "points", "color", "fields"] and "all" in item["fields"]
    for value in ("0", ""):
        assert "lastActive" in contacts(fake, {"minimal": value})["contacts"][str(ann)]


def test_select_keeps_only_those_keys_and_drops_nulls(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann", email="ann@example.com")
    item = contacts(fake, [("select[]", "id"), ("select[]", "dateModified"), ("select[]", "email")])["contacts"][
        str(ann)
    ]
    assert item["id"] == ann and "dateModified" not in item
    assert (
        item["fields"]["core"]["email"]["value"] == "ann@example.com"
        and "default_value" not in item["fields"]["core"]["email"]
    )
    assert item["fields"]["social"] == [] and item["fields"]["all"] == {"id": ann, "email": "ann@example.com"}


# -- searching, filtering, ordering -----------------------------------------------------------------------------
def test_search_commands_and_the_catch_all(fake: FakeMautic) -> None:
    news = fake.add_segment("Newsletter", "newsletter")
    ann = fake.add_contact(firstname="Ann", lastname="Ünal", email="ann@example.com", city="Paris", tags=["vip"])
    bob = fake.add_contact(firstname="Bob", company="Parisian Bakery")
    visitor = fake.add_contact(ips=["9.9.9.9"])
    fake.join_segment(bob, news)

    def found(text: str) -> set[int]:
        return {int(key) for key in contacts(fake, {"search": text})["contacts"]}

    assert found("paris") == {ann, bob}  # LIKE %paris% on city and company
    assert found("city:Par") == {ann} and found("email:ann") == {ann} and found("name:ün") == {ann}
    assert found("is:anonymous") == {visitor} and found("!is:anonymous") == {ann, bob}
    assert found("tag:vi") == {ann} and found("segment:news") == {bob} and found("ip:9.9") == {visitor}
    assert found("is:unowned") == {ann, bob, visitor} and found("ann or bob") == {ann, bob}


def test_paging_by_id_with_where_sees_every_contact_once(fake: FakeMautic) -> None:
    ids = [fake.add_contact(firstname=f"C{index}") for index in range(25)]
    seen, after = [], 0
    while True:
        page = contacts(fake, where_id_after(after, 10))
        assert page["total"] == str(len([i for i in ids if i > after]))
        keys = [int(key) for key in page["contacts"]]
        if not keys:
            break
        assert keys == sorted(keys)
        seen += keys
        after = keys[-1]
    assert seen == ids


def test_offset_paging_in_the_default_order_overlaps_or_skips(fake: FakeMautic) -> None:
    ids = {fake.add_contact(firstname=f"C{index}") for index in range(40)}  # last_active NULL for all: all ties
    pages = [list(contacts(fake, {"start": start, "limit": 10})["contacts"]) for start in range(0, 40, 10)]
    assert all(len(page) == 10 for page in pages)
    assert len({key for page in pages for key in page}) < len(ids)  # LeadRepository::getDefaultOrder(): no tiebreaker
    assert contacts(fake, {"limit": 0})["contacts"].keys() == {str(i) for i in ids}
    assert len(contacts(fake)["contacts"]) == 30


def test_or_x_on_database_columns_finds_changed_and_new_contacts(fake: FakeMautic) -> None:
    old = fake.add_contact(firstname="Old", date_added=T0 - timedelta(days=9))
    changed = fake.add_contact(firstname="Changed", date_added=T0 - timedelta(days=9))
    fake.advance(60)
    fake.edit_contact(changed, city="Oslo")
    new = fake.add_contact(firstname="New")
    since = (T0 + timedelta(seconds=30)).strftime("%Y-%m-%d %H:%M:%S")
    params = [("where[0][expr]", "orX")]
    for index, column in enumerate(("l.date_modified", "date_added")):
        params += [(f"where[0][val][{index}][col]", column), (f"where[0][val][{index}][expr]", "gte"),
                   (f"where[0][val][{index}][val]", since)]  # fmt: skip
    assert set(contacts(fake, params)["contacts"]) == {str(changed), str(new)}
    camel = [(key, "dateModified" if value == "l.date_modified" else value) for key, value in params]
    response = get(fake, "/api/contacts", camel)  # nested clauses are not converted: an SQL error
    assert response.status_code == 500 and response.json()["errors"][0]["type"] is None
    assert "Looks like I encountered an error (error #500)" in response.json()["errors"][0]["message"]
    top = contacts(fake, [("where[0][col]", "dateAdded"), ("where[0][expr]", "lt"), ("where[0][val]", since)])
    assert set(top["contacts"]) == {str(old), str(changed)}


def test_where_values_are_html_escaped_and_null_never_compares(fake: FakeMautic) -> None:
    obrien = fake.add_contact(lastname="O'Brien", city="Cork")
    other = fake.add_contact(lastname="Smith")

    def found(expr: str, value: str, column: str = "lastname") -> set[int]:
        params = [("where[0][col]", column), ("where[0][expr]", expr), ("where[0][val]", value)]
        return {int(key) for key in contacts(fake, params)["contacts"]}

    assert found("eq", "O'Brien") == set() and found("like", "O%Brien") == {obrien}
    assert found("neq", "Cork", "city") == set()  # Smith's NULL city is not "not Cork"
    assert found("in", "Smith,Jones") == {other} and found("isNull", "", "city") == {other}
    assert (
        get(fake, "/api/contacts", {"where[0][col]": "nope", "where[0][expr]": "eq", "where[0][val]": 1}).status_code
        == 500
    )


def test_published_is_truthy_and_a_where_drops_the_force_filter(fake: FakeMautic) -> None:
    fake.add_segment("Live")
    hidden = fake.add_segment("Hidden", published=False)
    segments = get(fake, "/api/segments", {"published": "false"}).json()
    assert list(segments["lists"]) == ["1"] and segments["total"] == 1
    with_where = get(fake, "/api/segments", {"published": "1", "where[0][col]": "id", "where[0][expr]": "gte",
                                             "where[0][val]": 1}).json()  # fmt: skip
    assert list(with_where["lists"]) == ["1", str(hidden)]


# -- one contact, edits, deletes and merges -------------------------------------------------------------------
def test_a_missing_contact_and_a_bad_route_have_their_own_shapes(fake: FakeMautic) -> None:
    missing = get(fake, "/api/contacts/99")
    assert missing.status_code == 404 and missing.text == NOT_FOUND and "Mautic-Version" in missing.headers
    route = get(fake, "/api/contacts/abc")
    assert route.status_code == 404 and "Mautic-Version" not in route.headers
    assert route.json() == {"errors": [{"message": f'No route found for "GET {fake.url}/api/contacts/abc"',
                                        "code": 404, "type": None}]}  # fmt: skip
    assert httpx.delete(f"{fake.url}/api/contacts", auth=AUTH).status_code == 405


def test_a_merged_away_id_answers_with_the_winner_until_the_winner_goes(fake: FakeMautic) -> None:
    winner = fake.add_contact(firstname="Ann", email="ann@example.com")
    loser = fake.add_contact(firstname="Annie", city="Oslo", points=3)
    fake.merge_contacts(winner, loser)
    body = get(fake, f"/api/contacts/{loser}").json()["contact"]
    assert body["id"] == winner and body["fields"]["all"]["city"] == "Oslo" and body["points"] == 3
    assert body["dateModified"] is not None
    assert get(fake, f"/api/contacts/{loser}/activity").status_code == 200
    deleted = httpx.delete(f"{fake.url}/api/contacts/{loser}/delete", auth=AUTH).json()["contact"]
    assert deleted["id"] is None and deleted["fields"]["all"]["firstname"] == "Ann"
    assert get(fake, f"/api/contacts/{winner}").status_code == 404
    assert get(fake, f"/api/contacts/{loser}").text == NOT_FOUND and contacts(fake)["total"] == "0"


def test_patch_changes_values_and_date_modified_only_when_something_changed(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann", tags=["a", "b"], points=5)
    url = f"{fake.url}/api/contacts/{ann}/edit"
    fake.advance(60)
    same = httpx.patch(url, json={"firstname": "Ann", "lastname": "", "city": None}, auth=AUTH).json()["contact"]
    assert same["dateModified"] is None and same["modifiedByUser"] == "Admin User"
    edited = httpx.patch(url, json={"city": "Oslo", "tags": ["-a", "c"], "points": 0, "unknown": 1}, auth=AUTH)
    body = edited.json()["contact"]
    assert edited.status_code == 200 and body["fields"]["all"]["city"] == "Oslo"
    assert list(body["tags"]) == ["b", "c"] and body["points"] == 5  # a zero is dropped before saving
    assert body["dateModified"] == "2024-06-03T09:31:00+00:00"
    assert httpx.patch(f"{fake.url}/api/contacts/999/edit", json={"city": "x"}, auth=AUTH).text == NOT_FOUND


def test_a_last_active_only_patch_moves_date_modified_in_4_only(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    body = httpx.patch(f"{fake.url}/api/contacts/{ann}/edit", json={"lastActive": "2024-06-01 10:00:00"}, auth=AUTH)
    contact = body.json()["contact"]
    assert contact["lastActive"] == "2024-06-01T10:00:00+00:00"
    assert (contact["dateModified"] is not None) == (fake.version == "4")


def test_patching_another_contacts_email_merges_it_in(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    other = fake.add_contact(firstname="Other", email="ann@example.com", city="Rome")
    body = httpx.patch(f"{fake.url}/api/contacts/{ann}/edit", json={"email": "ann@example.com"}, auth=AUTH).json()
    assert body["contact"]["id"] == ann and body["contact"]["fields"]["all"]["city"] == "Rome"
    assert get(fake, f"/api/contacts/{other}").json()["contact"]["id"] == ann


# -- do not contact ---------------------------------------------------------------------------------------------
def test_dnc_add_and_remove_move_date_modified_and_report_the_record(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann", email="ann@example.com")
    fake.advance(120)
    added = post(fake, f"/api/contacts/{ann}/dnc/email/add", json={"reason": 2, "comments": "bounced"})
    assert added.status_code == 200
    odd = added.json()["contact"]
    assert odd["firstname"] == "Ann" and "all" not in odd["fields"] and "dateModified" in odd
    assert odd["doNotContact"][0]["reason"] == 2 and "dateAdded" not in odd["doNotContact"][0]
    assert get(fake, f"/api/contacts/{ann}").json()["contact"]["dateModified"] == "2024-06-03T09:32:00+00:00"
    removed = post(fake, f"/api/contacts/{ann}/dnc/email/remove").json()
    assert removed["recordFound"] is True and removed["contact"]["doNotContact"] == []
    assert post(fake, f"/api/contacts/{ann}/dnc/email/remove").json()["recordFound"] is False
    assert post(fake, "/api/contacts/99/dnc/email/add").text == NOT_FOUND


def test_dnc_reason_rules(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    bad = post(fake, f"/api/contacts/{ann}/dnc/email/add", data={"reason": "x"})
    detail = "Reason code needs to be an integer and higher than 0."
    assert bad.status_code == 400
    assert bad.json() == {"errors": [{"code": 400, "message": "Invalid reason code given",
                                      "details": [detail] if fake.version == "5" else detail}]}  # fmt: skip
    fake.add_dnc(ann, "email", reason=1)
    again = post(fake, f"/api/contacts/{ann}/dnc/email/add", json={"reason": 3}).json()["contact"]
    assert again["doNotContact"][0]["reason"] == 1  # "unsubscribed" is never overridden from the API
    post(fake, f"/api/contacts/{ann}/dnc/sms/add")
    reasons = {
        row["channel"]: row["reason"] for row in get(fake, f"/api/contacts/{ann}").json()["contact"]["doNotContact"]
    }
    assert reasons == {"email": 1, "sms": 3}


# -- activity ---------------------------------------------------------------------------------------------------
@pytest.fixture
def history(fake: FakeMautic) -> dict[str, int]:
    ann = fake.add_contact(firstname="Ann", email="ann@example.com")
    welcome = fake.add_email("Welcome", "Hello")
    hits = [
        fake.page_hit(ann, f"https://example.com/p{i}", f"Page {i}", at=T0 - timedelta(hours=i)) for i in range(1, 4)
    ]
    stat = fake.send_email(ann, welcome, at=T0 - timedelta(days=2))
    fake.open_email(stat, at=T0 - timedelta(days=1))
    fake.submit_form(ann, "Contact us", {"message": "Call me"}, at=T0 - timedelta(minutes=30))
    return {"ann": ann, "welcome": welcome, "stat": stat, "hit": hits[0]}


def activity(fake: FakeMautic, path: str = "/api/contacts/activity", params: Any = None) -> dict[str, Any]:
    response = get(fake, path, params)
    assert response.status_code == 200, response.text
    return response.json()


def test_activity_pages_per_event_type(fake: FakeMautic, history: dict[str, int]) -> None:
    first = activity(fake, params={"limit": 1})
    assert [event["event"] for event in first["events"]] == ["form.submitted", "page.hit", "email.read", "email.sent"]
    assert first["total"] == 6 and first["page"] == 1 and first["limit"] == 1
    assert first["maxPages"] == 3.0 and '"maxPages":3.0' in get(fake, "/api/contacts/activity", {"limit": 1}).text
    second = activity(fake, params={"limit": 1, "page": 2})
    assert [event["event"] for event in second["events"]] == ["page.hit"]
    assert list(first) == ["events", "filters", "order", "types", "total", "page", "limit", "maxPages"]
    assert first["filters"] == {"search": "", "includeEvents": [], "excludeEvents": []}
    assert first["order"] == ["timestamp", "DESC"]


def test_activity_events_have_their_subscribers_ids_and_labels(fake: FakeMautic, history: dict[str, int]) -> None:
    events = activity(fake, f"/api/contacts/{history['ann']}/activity")["events"]
    by_kind = {event["event"]: event for event in events}
    hit = next(e for e in events if e["event"] == "page.hit")
    assert hit["eventId"] == str(history["hit"]) and hit["eventLabel"] == {
        "label": "Page 1",
        "href": "https://example.com/p1",
    }
    assert hit["contactId"] == str(history["ann"]) and hit["eventType"] == "Page hit"
    assert by_kind["email.sent"]["eventId"] == f"email.sent{history['stat']}"
    assert by_kind["email.read"]["eventId"] == f"email.read{history['stat']}"
    assert by_kind["email.read"]["details"]["stat"]["email_id"] == str(history["welcome"])
    assert by_kind["form.submitted"]["details"]["submission"]["results"] == {"message": "Call me"}
    assert list(by_kind["form.submitted"]) == [
        "event",
        "eventId",
        "eventLabel",
        "eventType",
        "timestamp",
        "contactId",
        "details",
    ]
    fake.rename_email(history["welcome"], "Welcome v2")
    relabelled = activity(fake, params={"filters[includeEvents][]": "email.sent"})["events"]
    assert relabelled[0]["eventLabel"]["label"] == "Welcome v2" and relabelled[0]["eventLabel"]["isExternal"] is True


def test_activity_filters_by_date_type_and_search(fake: FakeMautic, history: dict[str, int]) -> None:
    window = {"filters[dateFrom]": "2024-06-03 06:30:00", "filters[dateTo]": "2024-06-03 08:30:00"}
    events = activity(fake, params=window)["events"]
    assert [e["eventLabel"]["label"] for e in events] == ["Page 1", "Page 2", "Page 3"]  # BETWEEN is inclusive
    excluded = activity(fake, params={"filters[excludeEvents][]": ["page.hit", "email.read"]})
    assert {e["event"] for e in excluded["events"]} == {"email.sent", "form.submitted"}
    fake.add_dnc(history["ann"], "email", reason=3)
    assert "lead.donotcontact" in {e["event"] for e in activity(fake)["events"]}
    searched = activity(fake, params={"filters[search]": "page 2"})
    assert [e["eventLabel"]["label"] for e in searched["events"]] == ["Page 2"] and searched["filters"][
        "search"
    ] == "page 2"
    assert "lead.donotcontact" not in {
        e["event"] for e in activity(fake, params={"filters[search]": "email"})["events"]
    }
    fake.remove_dnc(history["ann"], "email")
    assert "lead.donotcontact" not in {e["event"] for e in activity(fake)["events"]}  # the row is deleted
    assert get(fake, "/api/contacts/activity", {"filters[dateFrom]": "not a date"}).status_code == 500


def test_types_are_sorted_by_label_without_the_timeline_only_ones(fake: FakeMautic) -> None:
    types = activity(fake)["types"]
    labels = list(types.values())
    assert labels == sorted(labels, key=str.lower) and types["page.hit"] == "Page hit"
    assert not {"lead.create", "lead.identified", "lead.ipadded", "lead.apiadded"} & set(types)
    assert activity(fake)["maxPages"] == 0.0
    assert activity(fake, params={"filters[includeEvents][]": "nothing.such"})["maxPages"] == 1


def test_a_scheduled_campaign_event_is_now_then_changes_prefix(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    onboarding = fake.add_campaign("Onboarding")
    log = fake.schedule_campaign_event(ann, onboarding, "Send welcome", at=T0 + timedelta(days=2))
    [scheduled] = activity(fake)["events"]
    assert scheduled["event"] == "campaign.event.scheduled" and scheduled["eventId"] == f"campaign.event.scheduled{log}"
    assert (
        scheduled["timestamp"] == "2024-06-03T09:30:00+00:00"
        and scheduled["eventLabel"]["label"] == "Send welcome / Onboarding"
    )
    fake.advance(3600)
    assert activity(fake)["events"][0]["timestamp"] == "2024-06-03T10:30:00+00:00"  # NULL is read as "now"
    assert activity(fake, params={"filters[dateFrom]": "2024-01-01"})["events"] == []
    fake.execute_campaign_event(log, at=T0 + timedelta(hours=2))
    [done] = activity(fake)["events"]
    assert done["eventId"] == f"campaign.event{log}" and done["timestamp"] == "2024-06-03T11:30:00+00:00"


def test_membership_changes_are_events_with_stored_labels(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    news, drip = fake.add_segment("News"), fake.add_campaign("Drip")
    post(fake, f"/api/segments/{news}/contact/{ann}/add")
    post(fake, f"/api/campaigns/{drip}/contact/{ann}/add")
    fake.model.segments[news].name = "Renamed"
    events = {e["event"]: e for e in activity(fake)["events"]}
    assert events["segment_membership"]["eventLabel"] == "Contact added to segment, News"
    assert events["segment_membership"]["details"]["objectId"] == str(news)
    assert events["campaign_membership"]["eventLabel"] == "Contact added to campaign, Drip"
    assert get(fake, f"/api/contacts/{ann}").json()["contact"]["dateModified"] is None


# -- notes ------------------------------------------------------------------------------------------------------
def test_notes_list_is_a_plain_list_filtered_by_lead_and_paged_by_id(fake: FakeMautic) -> None:
    ann, bob = fake.add_contact(firstname="Ann"), fake.add_contact(firstname="Bob")
    notes = [fake.add_note(ann if i % 2 else bob, f"note {i}") for i in range(6)]
    body = get(fake, "/api/notes", [("where[0][col]", "lead"), ("where[0][expr]", "eq"), ("where[0][val]", ann),
                                    ("where[1][col]", "id"), ("where[1][expr]", "gt"), ("where[1][val]", notes[1]),
                                    ("orderBy", "id"), ("orderByDir", "ASC"), ("limit", 5)]).json()  # fmt: skip
    assert body["total"] == 2 and [n["id"] for n in body["notes"]] == [notes[3], notes[5]]
    assert body["notes"][0] == {"id": notes[3], "text": "note 3", "type": "general", "dateTime": None,
                                "lead": {"id": ann, "points": 0, "color": None, "fields": []}}  # fmt: skip
    assert get(fake, "/api/notes", {"minimal": "1", "limit": 1}).json()["notes"] == [{}]
    assert get(fake, "/api/notes/999").text == NOT_FOUND


def test_a_contacts_notes_omit_nulls(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    fake.add_note(ann, "<p>kept <b>as HTML</b></p>", type="call", date_time=T0)
    fake.advance(10)
    later = fake.add_note(ann, "later")
    fake.model.notes[later].type = None
    body = get(fake, f"/api/contacts/{ann}/notes").json()
    assert body["total"] == 2
    assert body["notes"] == [{"id": later, "text": "later", "lead": {}},
                             {"id": 1, "text": "<p>kept <b>as HTML</b></p>", "type": "call",
                              "dateTime": "2024-06-03T09:30:00+00:00", "lead": {}}]  # fmt: skip


def test_notes_are_created_edited_and_deleted_without_touching_the_contact(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    created = post(fake, "/api/notes/new", json={"lead": ann, "text": "<i>hi</i>", "type": "call",
                                                 "dateTime": "2024-06-01T10:00:00+00:00"})  # fmt: skip
    assert created.status_code == 201
    note = created.json()["note"]
    assert created.headers["Location"] == f"{fake.url}/api/notes/{note['id']}"
    assert note["dateTime"] == "2024-06-01T10:00:00+00:00" and note["text"] == "<i>hi</i>"
    form = post(fake, "/api/notes/new", data={"lead": str(ann), "text": "from a form"})
    assert form.status_code == 201 and form.json()["note"]["type"] == "general"
    assert post(fake, "/api/notes/new", json={"text": "x"}).json()["errors"][0]["message"] == "lead ID is mandatory"
    missing = post(fake, "/api/notes/new", json={"lead": 999, "text": "x"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["message"] == "Contact not found."
    edited = httpx.patch(
        f"{fake.url}/api/notes/{note['id']}/edit", json={"text": "edited", "dateTime": None}, auth=AUTH
    )
    assert edited.json()["note"]["text"] == "edited" and edited.json()["note"]["type"] == "call"
    assert edited.json()["note"]["dateTime"] is None
    deleted = httpx.delete(f"{fake.url}/api/notes/{note['id']}/delete", auth=AUTH).json()["note"]
    assert deleted["id"] is None and deleted["text"] == "edited"
    assert get(fake, f"/api/contacts/{ann}").json()["contact"]["dateModified"] is None


# -- segments and campaigns -------------------------------------------------------------------------------------
def test_segment_lists_and_a_contacts_segments(fake: FakeMautic) -> None:
    assert get(fake, "/api/segments").text == '{"total":0,"lists":[]}'
    news = fake.add_segment("Newsletter", "newsletter")
    hidden = fake.add_segment("Hidden", published=False)
    ann = fake.add_contact(firstname="Ann")
    assert get(fake, f"/api/contacts/{ann}/segments").text == '{"total":0,"lists":[]}'
    fake.join_segment(ann, news)
    fake.join_segment(ann, hidden, manual=False)
    item = get(fake, "/api/segments").json()["lists"][str(news)]
    assert list(item)[7:] == ["id", "name", "publicName", "alias", "description", "category", "filters", "isGlobal",
                              "isPreferenceCenter"]  # fmt: skip
    mine = get(fake, f"/api/contacts/{ann}/segments").json()
    assert mine["total"] == 2 and mine["lists"][str(hidden)] == {
        "id": hidden, "name": "Hidden", "alias": "hidden", "dateAdded": "2024-06-03T09:30:00+00:00",
        "manuallyAdded": False, "manuallyRemoved": False}  # fmt: skip
    assert get(fake, "/api/contacts/list/segments").json() == {
        str(news): {"id": news, "name": "Newsletter", "alias": "newsletter"}
    }
    assert get(fake, f"/api/segments/{news}").json()["list"]["alias"] == "newsletter"


def test_segment_add_and_remove_semantics(fake: FakeMautic) -> None:
    news, hidden = fake.add_segment("News"), fake.add_segment("Hidden", published=False)
    ann = fake.add_contact(firstname="Ann")
    fake.join_segment(ann, news, manual=False)  # a filter-based member
    assert post(fake, f"/api/segments/{news}/contact/{ann}/remove").json() == {"success": 1}
    assert fake.model.segment_members[ann][news].manually_removed is True  # kept, so the rebuild cannot re-add
    assert get(fake, f"/api/contacts/{ann}/segments").json()["lists"] == []
    assert fake.join_segment(ann, news, manual=False) is False
    assert post(fake, f"/api/segments/{news}/contact/{ann}/add").json() == {"success": 1}
    assert fake.model.segment_members[ann][news].manually_added is True
    post(fake, f"/api/segments/{news}/contact/{ann}/remove")
    assert news not in fake.model.segment_members[ann]  # a manual row is deleted
    assert post(fake, f"/api/segments/{news}/contact/{ann}/remove").json() == {"success": 1}
    assert post(fake, f"/api/segments/{hidden}/contact/{ann}/add").status_code == 403
    assert post(fake, f"/api/segments/99/contact/{ann}/add").text == NOT_FOUND
    assert post(fake, f"/api/segments/{news}/contact/99/add").json()["errors"][0]["message"] == "Contact not found."


def test_a_contacts_campaigns_hide_unpublished_and_removed_ones(fake: FakeMautic) -> None:
    news = fake.add_segment("News")
    onboarding = fake.add_campaign("Onboarding", segments=[news])
    drip, old = fake.add_campaign("Drip"), fake.add_campaign("Old", published=False)
    ann = fake.add_contact(firstname="Ann")
    for campaign in (onboarding, drip, old):
        assert post(fake, f"/api/campaigns/{campaign}/contact/{ann}/add").json() == {"success": 1}
    mine = get(fake, f"/api/contacts/{ann}/campaigns").json()
    assert mine["total"] == 2 and set(mine["campaigns"]) == {str(onboarding), str(drip)}
    assert mine["campaigns"][str(onboarding)]["listMembership"] == [news]
    assert mine["campaigns"][str(drip)]["lists"] == [] and "listMembership" not in mine["campaigns"][str(drip)]
    post(fake, f"/api/campaigns/{drip}/contact/{ann}/remove")
    assert set(get(fake, f"/api/contacts/{ann}/campaigns").json()["campaigns"]) == {str(onboarding)}
    post(fake, f"/api/campaigns/{drip}/contact/{ann}/add")
    assert fake.model.campaign_members[ann][drip].rotation == 2
    assert post(fake, f"/api/campaigns/{onboarding}/contact/{ann}/add").json() == {"success": 1}  # a silent no-op
    listed = get(fake, "/api/campaigns").json()
    assert listed["total"] == 3 and listed["campaigns"][str(onboarding)]["lists"][str(news)]["alias"] == "news"


def test_leaving_a_campaign_unschedules_its_events(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    drip = fake.add_campaign("Drip")
    fake.join_campaign(ann, drip)
    log = fake.schedule_campaign_event(ann, drip, "Wait", at=T0 + timedelta(days=1))
    fake.leave_campaign(ann, drip)
    event = next(e for e in activity(fake)["events"] if e["event"].startswith("campaign.event"))
    assert event["eventId"] == f"campaign.event{log}" and "<i " in event["eventLabel"]["label"]


# -- emails -----------------------------------------------------------------------------------------------------
def test_emails_list_parents_unless_a_where_is_given(fake: FakeMautic) -> None:
    june = fake.add_email("June", "June news")
    child = fake.add_email("June B", "June news (B)", parent=june)
    listed = get(fake, "/api/emails").json()
    assert listed["total"] == 1 and list(listed["emails"]) == [str(june)]
    assert listed["emails"][str(june)]["variantChildren"][0]["id"] == child
    assert set(
        get(fake, "/api/emails", {"where[0][col]": "id", "where[0][expr]": "gt", "where[0][val]": 0}).json()["emails"]
    ) == {str(june), str(child)}
    minimal = get(fake, "/api/emails", {"minimal": "1"}).json()["emails"][str(june)]
    assert list(minimal)[7:] == ["id", "name", "subject", "language", "category"]
    assert get(fake, f"/api/emails/{child}").json()["email"]["variantParent"]["id"] == june


def test_sending_an_email_ignores_dnc_in_5_only(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann", email="ann@example.com")
    welcome = fake.add_email("Welcome", "Hi")
    assert post(fake, f"/api/emails/{welcome}/contact/{ann}/send", json={"tokens": {"a": "b"}}).json() == {
        "success": True
    }
    fake.add_dnc(ann, "email", reason=1)
    modified = get(fake, f"/api/contacts/{ann}").json()["contact"]["dateModified"]
    answer = post(fake, f"/api/emails/{welcome}/contact/{ann}/send").json()
    assert answer == ({"success": True} if fake.version == "5" else {"success": False, "failed": []})
    sent = [e for e in activity(fake)["events"] if e["event"] == "email.sent"]
    assert len(sent) == (2 if fake.version == "5" else 1)
    assert get(fake, f"/api/contacts/{ann}").json()["contact"]["dateModified"] == modified
    assert post(fake, f"/api/emails/99/contact/{ann}/send").text == NOT_FOUND


# -- authentication ---------------------------------------------------------------------------------------------
def test_basic_auth_failures(fake: FakeMautic) -> None:
    none = get(fake, "/api/contacts", auth=None)
    assert none.status_code == 401
    assert none.json() == {"errors": [{"message": "API authorization denied.", "code": 401, "type": "access_denied"}]}
    wrong = get(fake, "/api/contacts", auth=("api", "nope"))
    assert (
        wrong.status_code == 401
        and wrong.json()["errors"][0]["message"] == "Authorization denied, invalid credentials."
    )
    fake.basic_auth = False
    disabled = get(fake, "/api/contacts")
    assert disabled.status_code == 403 and disabled.json()["errors"][0]["type"] == "access_denied"
    fake.api_enabled = False
    off = get(fake, "/api/contacts/abc")  # before routing
    assert off.status_code == 403 and off.json()["errors"][0]["type"] == "api_disabled"
    assert "Mautic\\u0027s Configuration" in off.text  # JsonResponse's JSON_HEX_APOS


def test_oauth2_client_credentials_and_expiry(fake: FakeMautic) -> None:
    token = httpx.post(f"{fake.url}/oauth/v2/token", data={"grant_type": "client_credentials", "client_id": "sync",
                                                          "client_secret": "s3cret"})  # fmt: skip
    assert token.status_code == 200 and token.headers["Cache-Control"] == "no-store"
    body = token.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"} and body["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    ann = fake.add_contact(firstname="Ann")
    edited = httpx.patch(f"{fake.url}/api/contacts/{ann}/edit", json={"city": "Oslo"}, headers=bearer).json()
    assert edited["contact"]["modifiedByUser"] == "sync [1]" and edited["contact"]["modifiedBy"] is None
    as_json = httpx.post(f"{fake.url}/oauth/v2/token", json={"grant_type": "client_credentials", "client_id": "sync",
                                                             "client_secret": "s3cret"})  # fmt: skip
    assert as_json.status_code == 200
    fake.advance(3600)
    expired = get(fake, "/api/contacts", auth=None, headers=bearer)
    assert expired.status_code == 401
    assert expired.json()["errors"][0] == {"message": "The access token provided has expired.", "code": 401,
                                           "type": "invalid_grant"}  # fmt: skip
    unknown = get(fake, "/api/contacts", auth=None, headers={"Authorization": "Bearer nope"})
    assert unknown.json()["errors"][0]["message"] == "The access token provided is invalid."
    bad = httpx.post(f"{fake.url}/oauth/v2/token", data={"grant_type": "client_credentials", "client_id": "sync",
                                                        "client_secret": "wrong"})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"][0]["type"] == "invalid_client"
    assert httpx.post(f"{fake.url}/oauth/v2/token", data={}).json()["errors"][0]["type"] == "invalid_request"


# -- rate limiting ----------------------------------------------------------------------------------------------
def test_rate_limit_headers_and_the_429_body(fake: FakeMautic) -> None:
    assert "X-RateLimit-Limit" not in get(fake, "/api/contacts").headers
    fake.rate_limit = 2
    reset = str(int(fake.now.timestamp()) + 3600)
    first = get(fake, "/api/contacts")
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == ("2", "1")
    assert first.headers["X-RateLimit-Reset"] == reset
    assert get(fake, "/api/contacts/99").headers["X-RateLimit-Remaining"] == "0"  # a controller 404 counts
    assert get(fake, "/api/contacts", auth=("api", "wrong")).status_code == 401  # not counted, no headers
    limited = get(fake, "/api/contacts")
    assert limited.status_code == 429 and limited.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert limited.text == ('{ "errors": [ { "code": 429, "message": "You exceeded the rate limit of 2 API calls per '
                            'hour.", "details": [] } ]}')  # fmt: skip
    assert "Retry-After" not in limited.headers and limited.headers["X-RateLimit-Remaining"] == "0"
    assert fake.limiter.buckets["basic"].calls == 3  # rejected calls count too
    fake.advance(3600)
    assert get(fake, "/api/contacts").headers["X-RateLimit-Remaining"] == "1"


def test_each_oauth_token_has_its_own_bucket(fake: FakeMautic) -> None:
    fake.rate_limit = 1
    tokens = []
    for _ in range(2):
        answer = httpx.post(f"{fake.url}/oauth/v2/token", data=CLIENT)
        assert "X-RateLimit-Limit" not in answer.headers  # /oauth/v2/token is not limited
        tokens.append(answer.json()["access_token"])
    for token in tokens:
        assert get(fake, "/api/contacts", auth=None, params={"access_token": token}).status_code == 200
    assert get(fake, "/api/contacts", auth=None, headers={"Authorization": f"Bearer {tokens[0]}"}).status_code == 429
    assert get(fake, "/api/contacts").status_code == 200  # basic auth: one shared bucket of its own


# -- faults and the request log ---------------------------------------------------------------------------------
def test_faults_and_recorded_requests(fake: FakeMautic) -> None:
    fake.fail_next(503, headers={"Retry-After": "1"})
    failed = get(fake, "/api/contacts")
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "1"
    fake.fail_next(502, body="<html>bad gateway</html>")
    assert get(fake, "/api/contacts").text == "<html>bad gateway</html>"
    fake.drop_next()
    with pytest.raises(httpx.RemoteProtocolError):
        get(fake, "/api/contacts")
    fake.slow_next(0.3)
    started = time.monotonic()
    assert get(fake, "/api/contacts").status_code == 200 and time.monotonic() - started >= 0.3
    post(fake, "/api/notes/new", json={"lead": 1, "text": "x"}, params={"where[0][col]": "id"})
    last = fake.requests[-1]
    assert (last.method, last.path, last.body) == ("POST", "/api/notes/new", {"lead": 1, "text": "x"})
    assert last.params == {"where": [{"col": "id"}]} and last.query == {"where[0][col]": ["id"]}
    assert last.headers["authorization"].startswith("Basic ") and last.raw_body == b'{"lead":1,"text":"x"}'


def test_a_fault_in_the_fake_is_a_500_and_recorded() -> None:
    with FakeMautic() as server:
        server.model.contacts[1] = None  # type: ignore[assignment]
        assert get(server, "/api/contacts").status_code == 500
        assert len(server.errors) == 1
    server.start()  # a restart comes back at the same address
    server.stop()


# -- the sample -------------------------------------------------------------------------------------------------
def test_the_sample_is_realistic_and_seeded() -> None:
    fake = FakeMautic.sample(n_contacts=40, events_per_contact=8, seed=4)
    again = FakeMautic.sample(n_contacts=40, events_per_contact=8, seed=4)
    with fake:
        listed = contacts(fake, {"limit": 0})["contacts"]
        anonymous = [c for c in listed.values() if c["dateIdentified"] is None]
        assert 10 <= len(anonymous) <= 30
        companies = [c["fields"]["all"]["company"] for c in listed.values()]
        emails = [c["fields"]["all"]["email"] for c in listed.values()]
        assert HOSTILE_COMPANY in companies and emails.count(SHARED_EMAIL) == 2
        assert any(c["doNotContact"] for c in listed.values()) and any(c["tags"] for c in listed.values())
        assert any(
            ip["ipDetails"]["city"] for c in listed.values() if c["ipAddresses"] for ip in c["ipAddresses"].values()
        )
        assert get(fake, "/api/notes").json()["total"] > 0
        old_drip = next(c.id for c in fake.model.campaigns.values() if not c.published)
        assert any(old_drip in rows for rows in fake.model.campaign_members.values())
        assert activity(fake)["total"] > 40 and fake.errors == []
    assert again.model.contacts[5].values == fake.model.contacts[5].values


def test_a_large_sample_builds_and_serves_pages_from_its_middle() -> None:
    # Its speed is the benchmark's business (bench/mautic_sync.py builds the fake at this size): here, that
    # a sample of this size is whole and pages through it land where they should.
    fake = FakeMautic.sample(10000, 100, 1)
    with fake:
        page = contacts(fake, where_id_after(5000, 200))
        assert len(page["contacts"]) == 200 and page["total"] == "5000"
        assert len(activity(fake, params={"limit": 50, "page": 4})["events"]) > 50
        assert len(activity(fake, "/api/contacts/77/activity")["events"]) > 0
        assert fake.errors == []


# -- more rules -------------------------------------------------------------------------------------------------
def test_put_replaces_the_contact_or_creates_one(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann", city="Oslo", points=4)
    body = httpx.put(f"{fake.url}/api/contacts/{ann}/edit", json={"firstname": "Ann", "points": 0}, auth=AUTH).json()
    assert body["contact"]["fields"]["all"]["city"] is None and body["contact"]["points"] == 0
    created = httpx.put(f"{fake.url}/api/contacts/999/edit", json={"firstname": "New"}, auth=AUTH)
    assert created.status_code == 201 and created.headers["Location"].endswith(f"/api/contacts/{ann + 1}")


def test_order_by_columns_directions_and_order_arrays(fake: FakeMautic) -> None:
    ids = [fake.add_contact(firstname=name, date_added=T0 - timedelta(days=i)) for i, name in enumerate("cab")]
    oldest_first = contacts(fake, {"orderBy": "date_added", "orderByDir": "ASC"})["contacts"]
    assert list(oldest_first) == [str(i) for i in ids[::-1]]
    assert list(contacts(fake, {"orderBy": "l.firstname"})["contacts"]) == [str(ids[1]), str(ids[2]), str(ids[0])]
    overridden = contacts(fake, {"orderBy": "firstname", "order[0][col]": "id", "order[0][dir]": "DESC"})
    assert list(overridden["contacts"]) == [str(i) for i in ids[::-1]]
    assert get(fake, "/api/contacts", {"orderBy": "id", "orderByDir": "sideways"}).status_code == 500
    assert get(fake, "/api/contacts", {"orderBy": "dateAdded"}).status_code == 500  # column names only


def test_tracked_activity_moves_last_active_but_not_date_modified(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann", email="ann@example.com")
    stage = fake.add_stage("Customer")
    stat = fake.send_email(ann, fake.add_email("Hi", "Hi"), at=T0 - timedelta(hours=3))
    fake.page_hit(ann, "https://example.com/", at=T0 - timedelta(hours=2))
    fake.open_email(stat, at=T0 - timedelta(hours=1))
    contact = get(fake, f"/api/contacts/{ann}").json()["contact"]
    assert contact["lastActive"] == "2024-06-03T08:30:00+00:00" and contact["dateModified"] is None
    fake.add_points(ann, 5, "Visited pricing", at=T0)
    fake.change_stage(ann, stage, at=T0)
    contact = get(fake, f"/api/contacts/{ann}").json()["contact"]
    assert contact["points"] == 5 and contact["stage"]["id"] == stage and contact["dateModified"] is not None
    labels = {e["event"]: e["eventLabel"] for e in activity(fake)["events"]}
    assert labels["point.gained"] == "Visited pricing / 5" and labels["stage.changed"] == f"{stage}: Customer"
    fake.model.stages[stage].name = "Renamed"
    assert {e["event"]: e["eventLabel"] for e in activity(fake)["events"]}["stage.changed"] == f"{stage}: Customer"


def test_activity_can_run_oldest_first_and_follows_a_merge(fake: FakeMautic) -> None:
    ann, annie = fake.add_contact(firstname="Ann"), fake.add_contact(firstname="Annie")
    fake.page_hit(ann, "https://example.com/a", at=T0 - timedelta(hours=2))
    fake.page_hit(annie, "https://example.com/b", at=T0 - timedelta(hours=1))
    ascending = activity(fake, params={"order[0]": "timestamp", "order[1]": "ASC"})["events"]
    assert [e["eventLabel"]["href"] for e in ascending] == ["https://example.com/a", "https://example.com/b"]
    fake.merge_contacts(ann, annie)
    merged = activity(fake, f"/api/contacts/{annie}/activity")["events"]
    assert {e["contactId"] for e in merged} == {str(ann)} and len(merged) == 2
    assert get(fake, "/api/contacts/999/activity").text == NOT_FOUND


def test_a_deleted_contact_takes_its_rows_with_it(fake: FakeMautic) -> None:
    news = fake.add_segment("News")
    ann = fake.add_contact(firstname="Ann")
    fake.add_note(ann, "gone soon")
    fake.join_segment(ann, news)
    fake.page_hit(ann, "https://example.com/")
    fake.add_dnc(ann, "email", reason=3)
    fake.delete_contact(ann)
    assert get(fake, "/api/notes").json() == {"total": 0, "notes": []}
    assert activity(fake)["events"] == [] and get(fake, f"/api/contacts/{ann}/segments").status_code == 404


def test_the_api_switch_covers_oauth_and_any_uri_mentioning_api(fake: FakeMautic) -> None:
    fake.api_enabled = False
    assert httpx.post(f"{fake.url}/oauth/v2/token", data=CLIENT).json()["errors"][0]["type"] == "api_disabled"
    assert httpx.get(f"{fake.url}/s/login?next=/api").status_code == 403
    assert httpx.get(f"{fake.url}/s/login").status_code == 200
    fake.api_enabled = True
    assert (
        httpx.post(f"{fake.url}/oauth/v2/token", data={**CLIENT, "grant_type": "password"}).json()["errors"][0]["type"]
        == "unauthorized_client"
    )


def test_note_validation_and_put(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    blank = post(fake, "/api/notes/new", json={"lead": ann, "text": ""})
    assert blank.status_code == 400 and blank.json()["errors"][0]["details"] == {"text": ["A value is required."]}
    created = httpx.put(f"{fake.url}/api/notes/50/edit", json={"lead": ann, "text": "via PUT"}, auth=AUTH)
    assert created.status_code == 201 and created.json()["note"]["type"] == "general"
    assert httpx.patch(f"{fake.url}/api/notes/50/edit", json={"text": "x"}, auth=AUTH).text == NOT_FOUND


def test_contact_notes_page_and_search(fake: FakeMautic) -> None:
    ann = fake.add_contact(firstname="Ann")
    for index in range(5):
        fake.add_note(ann, f"call {index}" if index % 2 else f"meeting {index}")
        fake.advance(1)
    newest_first = get(fake, f"/api/contacts/{ann}/notes", {"limit": 2}).json()
    assert newest_first["total"] == 5 and [n["text"] for n in newest_first["notes"]] == ["meeting 4", "call 3"]
    searched = get(fake, f"/api/contacts/{ann}/notes", {"search": "call", "orderByDir": "ASC"}).json()
    assert [n["text"] for n in searched["notes"]] == ["call 1", "call 3"]
