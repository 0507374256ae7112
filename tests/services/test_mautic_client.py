"""The Mautic API client against the fake Mautic built from Mautic's source (tests/mautic, versions 4.4 and 5.x),
and against a small hand-made server on 127.0.0.1 for answers no Mautic gives (login pages, odd bodies)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.mautic import MauticClient, MauticError
from tests.mautic import FakeMautic
from tests.mautic.server import Received
from tests.services.local_http import Handler, LocalServer, closed_port

USER, PASSWORD = "api-user", "s3cret-Pa55word"
CLIENT_ID, CLIENT_SECRET = "dossier-sync", "0auth-s3cret-value"
SETTINGS = "Configuration → API Settings"
Connect = Callable[..., MauticClient]


def _fake(version: str) -> FakeMautic:
    return FakeMautic(version=version, user=USER, password=PASSWORD, oauth_clients={CLIENT_ID: CLIENT_SECRET})


@pytest.fixture(params=["4", "5"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeMautic]:
    """Both Mautic versions, for what depends on Mautic's answers."""
    with _fake(request.param) as server:
        yield server
        assert server.errors == []


@pytest.fixture
def fake5() -> Iterator[FakeMautic]:
    """One version, for trouble on the wire that does not depend on Mautic's answers."""
    with _fake("5") as server:
        yield server
        assert server.errors == []


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connect(sleeps: list[float]) -> Iterator[Connect]:
    """`connect(url, user, password, **options)`: a client that records its sleeps instead of sleeping."""
    clients: list[MauticClient] = []

    def make(url: str, user: str = USER, password: str = PASSWORD, **options: Any) -> MauticClient:
        options = {"timeout": 2.0, "retries": 3, "sleep": sleeps.append} | options
        clients.append(MauticClient(url, user, password, **options))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def on_fake_time(fake: FakeMautic, connect: Connect, sleeps: list[float], **options: Any) -> MauticClient:
    """A client whose clock is the fake's (unless `clock` is given) and whose sleeps move the fake's on."""

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        fake.advance(seconds)

    return connect(fake.url, **({"clock": lambda: fake.now, "sleep": sleep} | options))


def failure(call: Callable[[], object], *secrets: str) -> MauticError:
    with pytest.raises(MauticError) as caught:
        call()
    for secret in (PASSWORD, CLIENT_SECRET, *secrets):
        assert secret not in str(caught.value)
    return caught.value


def where(fake: FakeMautic) -> str:
    return fake.url.removeprefix("http://")


def sent(fake: FakeMautic, path: str | None = None, method: str | None = None) -> list[Received]:
    return [r for r in fake.requests if (path is None or r.path == path) and (method is None or r.method == method)]


def json_route(status: int, body: object, headers: dict[str, str] | None = None) -> Callable[[Handler], None]:
    return lambda h: h.reply(status, json.dumps(body).encode(), "application/json", headers)


# -- reading ------------------------------------------------------------------------------------------------------
def test_check_counts_contacts_with_basic_auth_json_and_a_user_agent(fake: FakeMautic, connect: Connect) -> None:
    for name in ("Ann", "Bob", "Cy"):
        fake.add_contact(firstname=name)
    assert connect(fake.url).check() == 3
    (request,) = fake.requests
    assert (request.path, request.query) == ("/api/contacts", {"limit": ["1"], "select[]": ["id"]})
    assert request.headers["authorization"] == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("Dossier/")


def test_no_contacts_is_an_empty_answer_of_every_kind(fake: FakeMautic, connect: Connect) -> None:
    client = connect(fake.url)  # contacts come as {} with total "0"; notes, segments, campaigns and emails as []
    assert (client.check(), client.contacts(after_id=0), client.contact_ids(after_id=0)) == (0, [], [])
    assert [list(client.notes()), list(client.segments()), list(client.campaigns()), list(client.emails())] == [[]] * 4


def test_contacts_come_in_the_full_form_and_minimal_is_never_sent(fake: FakeMautic, connect: Connect) -> None:
    owner, stage = fake.add_user("Sam", "Seller", "sam"), fake.add_stage("Customer")
    ann = fake.add_contact(firstname="Ann", owner=owner, stage=stage, tags=["vip"], ips=["203.0.113.9"])
    fake.add_dnc(ann, "email", reason=2, comments="bounced")
    client = connect(fake.url)
    for contact in (*client.contacts(after_id=0), client.contact(ann)):
        assert contact is not None and contact["id"] == ann
        assert (contact["owner"]["username"], contact["stage"]["name"]) == ("sam", "Customer")
        assert (list(contact["tags"]), list(contact["ipAddresses"])) == (["vip"], ["203.0.113.9"])
        assert [(row["channel"], row["reason"]) for row in contact["doNotContact"]] == [("email", 2)]
    client.contact_ids(after_id=0)
    # PHP reads `minimal` with `if ($x)`: even "false" would drop tags, stage, owner, IPs and DNC (SPEC §0, §2.1).
    listings = sent(fake, "/api/contacts")
    assert len(listings) == 2 and all(r.query.get("minimal", ["0"]) in (["0"], [""]) for r in listings)


def test_contacts_are_paged_by_id_and_stay_complete_when_one_is_deleted(fake: FakeMautic, connect: Connect) -> None:
    ids = [fake.add_contact(firstname=f"C{n}") for n in range(8)]
    client = connect(fake.url)
    seen, after = [], 0
    while page := client.contacts(after_id=after, limit=3):
        seen += [contact["id"] for contact in page]
        after = page[-1]["id"]
        if len(seen) == 3:
            fake.delete_contact(ids[1])  # already read: an offset would now skip ids[3]
    assert seen == ids
    asked = [r.query for r in sent(fake, "/api/contacts")]
    assert [q["where[0][val]"] for q in asked] == [["0"], [str(ids[2])], [str(ids[5])], [str(ids[7])]]
    assert {(q["where[0][col]"][0], q["where[0][expr]"][0], q["orderBy"][0], q["limit"][0]) for q in asked} == {
        ("id", "gt", "id", "3")
    }
    assert client.contact_ids(after_id=ids[4], limit=2) == ids[5:7]
    assert sent(fake, "/api/contacts")[-1].query["select[]"] == ["id"]


def test_changed_since_finds_the_new_and_the_changed_contacts(fake: FakeMautic, connect: Connect) -> None:
    start = fake.now
    old = fake.add_contact(firstname="Old", date_added=start - timedelta(days=9))
    changed = fake.add_contact(firstname="Changed", date_added=start - timedelta(days=9))
    fake.advance(60)
    fake.edit_contact(changed, city="Oslo")
    new = fake.add_contact(firstname="New")
    client = connect(fake.url)
    found = client.contacts(after_id=0, changed_since=start + timedelta(seconds=30))
    assert [contact["id"] for contact in found] == [changed, new]
    assert [contact["id"] for contact in client.contacts(after_id=0)] == [old, changed, new]


def test_contacts_keyed_by_id_are_sorted_and_a_string_total_is_a_number(local_server: LocalServer, connect) -> None:
    contacts = {"9": {"id": 9, "fields": {}}, "3": {"id": "3", "fields": {}}, "12": {"id": 12, "fields": {}}}
    local_server.routes["/api/contacts"] = json_route(200, {"total": "40", "contacts": contacts})
    client = connect(local_server.url(""))
    assert (client.check(), [c["id"] for c in client.contacts(after_id=0)]) == (40, ["3", 9, 12])


def test_a_server_that_ignores_the_id_filter_is_named_not_read_forever(local_server: LocalServer, connect) -> None:
    # Always the same page, whatever where[] asks: paging by id would never end.
    contacts = [{"id": n, "fields": {}} for n in range(1, 4)]
    local_server.routes["/api/contacts"] = json_route(200, {"total": "3", "contacts": contacts})
    client = connect(local_server.url(""))
    assert [c["id"] for c in client.contacts(after_id=0)] == [1, 2, 3]
    with pytest.raises(MauticError, match=r"ignored the id filter of /api/contacts \(where\[\]\)"):
        client.contacts(after_id=3)


def test_a_contact_gone_is_none_and_a_merged_one_answers_with_the_winner(fake: FakeMautic, connect: Connect) -> None:
    gone, winner, loser = (fake.add_contact(firstname=name) for name in ("Gone", "Ann", "Annie"))
    note = fake.add_note(gone, "about to go")
    fake.delete_contact(gone)
    fake.merge_contacts(winner, loser)
    client = connect(fake.url)
    assert (client.contact(gone), client.contact_segments(gone), client.contact_campaigns(gone)) == (None,) * 3
    assert client.note(note) is None
    merged = client.contact(loser)
    assert merged is not None and merged["id"] == winner  # the caller compares ids (SPEC §12)


def test_activity_of_every_contact_is_read_from_a_date_until_max_pages(fake: FakeMautic, connect: Connect) -> None:
    since = fake.now - timedelta(days=1)
    ann, bob = fake.add_contact(firstname="Ann"), fake.add_contact(firstname="Bob")
    welcome = fake.add_email("Welcome", "Hello")
    fake.page_hit(ann, "https://example.com/old", at=since - timedelta(hours=1))
    hits = [
        fake.page_hit((ann, bob)[n % 2], f"https://example.com/{n}", at=since + timedelta(hours=n)) for n in range(5)
    ]
    stat = fake.send_email(bob, welcome, at=since + timedelta(minutes=5))
    events = list(connect(fake.url).activity(since=since, limit=2))
    assert sorted(e["eventId"] for e in events) == sorted([*map(str, hits), f"email.sent{stat}"])
    asked = [r.query for r in sent(fake, "/api/contacts/activity")]  # `limit` is per event type: 5 hits, 3 pages
    assert [q["page"] for q in asked] == [["1"], ["2"], ["3"]]
    assert asked[0]["filters[dateFrom]"] == [since.strftime("%Y-%m-%d %H:%M:%S")]
    assert (asked[0]["limit"], asked[0]["order[0]"], asked[0]["order[1]"]) == (["2"], ["timestamp"], ["ASC"])


def test_no_activity_takes_one_request(fake: FakeMautic, connect: Connect) -> None:
    fake.add_contact(firstname="Quiet")
    assert list(connect(fake.url).activity()) == []
    assert [r.path for r in fake.requests] == ["/api/contacts/activity"]


def test_notes_are_paged_by_id_and_a_deleted_one_skips_no_other(fake: FakeMautic, connect: Connect) -> None:
    ann, bob = fake.add_contact(firstname="Ann"), fake.add_contact(firstname="Bob")
    notes = [fake.add_note((ann, bob)[n % 2], f"<p>Note {n}</p>", "call") for n in range(5)]
    client = connect(fake.url)
    reading = client.notes(limit=2)
    first = [next(reading)["id"], next(reading)["id"]]
    fake.delete_note(notes[0])
    assert first + [note["id"] for note in reading] == notes
    asked = [r.query for r in sent(fake, "/api/notes")]
    assert [(q["where[0][col]"], q["where[0][expr]"], q["where[0][val]"]) for q in asked] == [
        (["id"], ["gt"], [str(after)]) for after in (0, notes[1], notes[3])
    ]
    assert [note["text"] for note in client.notes(after_id=notes[2])] == ["<p>Note 3</p>", "<p>Note 4</p>"]


def test_segments_campaigns_and_emails(fake: FakeMautic, connect: Connect) -> None:
    news, hidden = fake.add_segment("Newsletter", "newsletter"), fake.add_segment("Old", published=False)
    onboarding, drip = fake.add_campaign("Onboarding", segments=[news]), fake.add_campaign("Drip", published=False)
    fake.add_email("Welcome", "Welcome aboard")
    ann, loner = fake.add_contact(firstname="Ann"), fake.add_contact(firstname="Loner")
    fake.join_segment(ann, news)
    fake.join_segment(ann, hidden, manual=False)
    fake.join_campaign(ann, onboarding)
    fake.join_campaign(ann, drip)
    client = connect(fake.url)
    mine = client.contact_segments(ann)
    assert mine is not None and [(s["id"], s["alias"], s["manuallyAdded"]) for s in mine] == [
        (news, "newsletter", True),
        (hidden, "old", False),
    ]
    campaigns = client.contact_campaigns(ann)  # an unpublished campaign is never listed here
    assert campaigns is not None and [(c["id"], c["listMembership"]) for c in campaigns] == [(onboarding, [news])]
    assert (client.contact_segments(loner), client.contact_campaigns(loner)) == ([], [])
    assert [segment["name"] for segment in client.segments()] == ["Newsletter", "Old"]
    assert [campaign["name"] for campaign in client.campaigns()] == ["Onboarding", "Drip"]
    assert [email["subject"] for email in client.emails()] == ["Welcome aboard"]


def test_a_listing_longer_than_a_page_is_read_on(fake5: FakeMautic, connect: Connect) -> None:
    for n in range(201):
        fake5.add_segment(f"Segment {n}")
    assert len(list(connect(fake5.url).segments())) == 201
    assert [r.query["start"] for r in sent(fake5, "/api/segments")] == [["0"], ["200"]]


# -- addresses ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["/mautic", "/mautic/", "/mautic/api", "/mautic/api/"])
def test_a_path_prefix_is_kept_and_a_trailing_slash_or_api_tolerated(suffix: str, local_server, connect) -> None:
    local_server.routes["/mautic/api/contacts"] = json_route(200, {"total": "2", "contacts": {}})
    assert connect(local_server.url(suffix)).check() == 2
    assert [request.path for request in local_server.received] == ["/mautic/api/contacts"]


def test_credentials_in_the_url_are_used_and_never_shown(fake5: FakeMautic, connect: Connect) -> None:
    fake5.add_contact(firstname="Ann")
    url = f"http://{USER}:{PASSWORD}@{where(fake5)}"
    assert connect(url, "", "").check() == 1
    error = failure(connect(url + "/m", "", "").check)
    assert str(error).startswith(f"Is {fake5.url}/m the Mautic base URL?")


def test_a_url_that_is_not_a_web_address_is_refused_at_once() -> None:
    for url in ("mautic.example.com", f"ftp://{USER}:{PASSWORD}@example.com", "http://"):
        assert "is not a web address; it should look like https://mautic.example.com." in str(
            failure(lambda url=url: MauticClient(url, USER, PASSWORD))
        )


def test_a_password_is_never_sent_unencrypted_off_this_machine() -> None:
    for auth in ("basic", "oauth2"):
        error = failure(lambda auth=auth: MauticClient("http://mautic.example.com", USER, PASSWORD, auth=auth))
        assert str(error) == (
            "Dossier will not send the Mautic password unencrypted to mautic.example.com; "
            "use https:// (as in https://mautic.example.com)."
        )
    for url in ("http://localhost:8080", "http://127.0.0.1", "http://[::1]:80", "https://mautic.example.com"):
        MauticClient(url, USER, PASSWORD).close()


# -- refusals -----------------------------------------------------------------------------------------------------
def test_a_wrong_password_is_one_sentence(fake: FakeMautic, connect: Connect) -> None:
    error = failure(connect(fake.url, password="wrong-" + PASSWORD[::-1]).check, "wrong-" + PASSWORD[::-1])
    assert str(error) == (
        f"Mautic at {where(fake)} rejected the credentials (Mautic said: Authorization denied, invalid credentials);"
        f" check them, and that API basic auth (or the OAuth2 credential) is enabled in Mautic's {SETTINGS}."
    )
    assert (error.status, len(fake.requests)) == (401, 1)  # not retried


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("api_enabled", "API disabled. You need to enable the API in the API settings of Mautic's Configuration"),
        (
            "basic_auth",
            "Basic Auth disabled. You need to enable HTTP basic auth in the API settings of Mautic's Configuration",
        ),
    ],
)
def test_a_disabled_api_or_basic_auth_is_a_403_sentence(fake, connect: Connect, setting: str, said: str) -> None:
    setattr(fake, setting, False)
    error = failure(connect(fake.url).check)
    assert str(error) == (
        f"Mautic at {where(fake)} refused access to /api/contacts (Mautic said: {said}): enable the API in"
        f" {SETTINGS}, or give this user's role permission to view contacts."
    )
    assert (error.status, len(fake.requests)) == (403, 1)


def test_a_wrong_base_url_is_a_404_question(fake: FakeMautic, connect: Connect) -> None:
    error = failure(connect(fake.url + "/mautic").check)  # the web server's own 404 page, not Mautic's
    assert str(error) == f"Is {fake.url}/mautic the Mautic base URL? /api/contacts was not found there (404)."
    assert (error.status, len(fake.requests)) == (404, 1)


def test_a_login_page_is_not_the_api(local_server: LocalServer, connect: Connect) -> None:
    page = b"<!DOCTYPE html><html><body><form>Log in</form></body></html>"
    local_server.routes["/api/contacts"] = lambda h: h.reply(200, page, "text/html; charset=UTF-8")
    assert str(failure(connect(local_server.url("")).check)) == (
        f"127.0.0.1:{local_server.port} answered with a web page, not the API: check the URL"
        " (like https://mautic.example.com)."
    )


def test_a_redirect_to_a_login_page_is_not_the_api(local_server: LocalServer, connect: Connect) -> None:
    local_server.routes["/api/contacts"] = lambda h: h.reply(302, headers={"Location": "/s/login"})
    local_server.routes["/s/login"] = lambda h: h.reply(200, b"<html><body>Login</body></html>", "text/html")
    assert "answered with a web page, not the API" in str(failure(connect(local_server.url("")).check))
    assert [request.path for request in local_server.received] == ["/api/contacts", "/s/login"]


def test_server_messages_lose_markup_and_control_characters_and_are_cut(fake5: FakeMautic, connect) -> None:
    message = "<b>Bad</b> request:\x1b[31m field\r\n" + "x" * 500 + f" {PASSWORD}"
    fake5.fail_next(400, body={"errors": [{"code": 400, "message": message, "details": []}]})
    text = str(failure(connect(fake5.url).check))
    assert text.startswith(f"Mautic at {where(fake5)} answered 400 (Bad Request) for /api/contacts")
    assert "(Mautic said: Bad request: field xxx" in text
    assert "<" not in text and "\x1b" not in text and "[31m" not in text and "\n" not in text
    assert text.endswith("…).") and len(text) < 300
    assert len(fake5.requests) == 1


def test_a_password_echoed_by_the_server_is_masked(fake5: FakeMautic, connect: Connect) -> None:
    fake5.fail_next(422, body={"errors": [{"code": 422, "message": f"Password {PASSWORD} is not allowed"}]})
    assert "(Mautic said: Password ••• is not allowed)" in str(failure(connect(fake5.url).check))


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (b"total=3", "sent /api/contacts in a form Dossier cannot read (not JSON)."),
        (b'{"total": "x", "contacts": {}}', "sent /api/contacts in a form Dossier does not know."),
        (b'["not", "an", "object"]', "sent /api/contacts in a form Dossier does not know."),
    ],
)
def test_answers_of_the_wrong_form_are_named(local_server: LocalServer, connect, body, sentence) -> None:
    local_server.routes["/api/contacts"] = lambda h: h.reply(200, body, "application/json")
    assert str(failure(connect(local_server.url("")).check)) == f"Mautic at 127.0.0.1:{local_server.port} {sentence}"


def test_a_body_larger_than_the_cap_is_not_read(fake5: FakeMautic, connect: Connect) -> None:
    fake5.add_contact(firstname="Ann")  # a full contact is several kB
    error = failure(lambda: connect(fake5.url, max_bytes=2048).contacts(after_id=0))
    assert str(error) == f"Mautic at {where(fake5)} sent more than 0.00195312 MB for /api/contacts; it was not read."


# -- OAuth2 client credentials ------------------------------------------------------------------------------------
def test_oauth2_fetches_one_token_and_sends_it_as_bearer(fake: FakeMautic, connect: Connect) -> None:
    ann = fake.add_contact(firstname="Ann")
    client = connect(fake.url, CLIENT_ID, CLIENT_SECRET, auth="oauth2")
    assert (client.check(), client.check()) == (1, 1)
    client.add_note(ann, "via OAuth2", "general", None)
    token, *others = sent(fake)
    assert (token.method, token.path, "authorization" in token.headers) == ("POST", "/oauth/v2/token", False)
    assert token.body == {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    (issued,) = fake.tokens
    assert [(r.path, r.headers["authorization"]) for r in others] == [
        ("/api/contacts", f"Bearer {issued}"),
        ("/api/contacts", f"Bearer {issued}"),
        ("/api/notes/new", f"Bearer {issued}"),
    ]
    assert fake.model.notes[max(fake.model.notes)].text == "via OAuth2"


def test_an_expired_token_is_renewed_once(fake: FakeMautic, connect: Connect) -> None:
    fake.token_lifetime = 60
    client = connect(fake.url, CLIENT_ID, CLIENT_SECRET, auth="oauth2")
    client.check()
    fake.advance(61)
    assert client.check() == 0
    paths = [r.path for r in fake.requests]
    assert paths == ["/oauth/v2/token", "/api/contacts", "/api/contacts", "/oauth/v2/token", "/api/contacts"]
    fake.token_lifetime = 0  # every token is born expired: renewing once is all there is to do
    error = failure(connect(fake.url, CLIENT_ID, CLIENT_SECRET, auth="oauth2").check)
    assert str(error).startswith(
        f"Mautic at {where(fake)} rejected the credentials (Mautic said: The access token provided has expired);"
    )
    assert [r.path for r in fake.requests[len(paths) :]] == ["/oauth/v2/token", "/api/contacts"] * 2


def test_a_wrong_client_secret_is_one_sentence(fake: FakeMautic, connect: Connect) -> None:
    error = failure(connect(fake.url, CLIENT_ID, "not-the-secret", auth="oauth2").check, "not-the-secret")
    assert str(error) == (
        f"Mautic at {where(fake)} refused the OAuth2 client credentials (Mautic said: The client credentials are"
        " invalid); check the client id and secret, and that an administrator created the credential."
    )
    assert (error.status, [r.path for r in fake.requests]) == (400, ["/oauth/v2/token"])


def test_oauth2_with_the_api_disabled_says_so_not_the_credentials(fake: FakeMautic, connect: Connect) -> None:
    fake.api_enabled = False  # ApiSubscriber answers /oauth/v2/token too (SPEC §1.2)
    error = failure(connect(fake.url, CLIENT_ID, CLIENT_SECRET, auth="oauth2").check)
    assert str(error).startswith(f"Mautic at {where(fake)} refused access to /oauth/v2/token (Mautic said: API")
    assert f"enable the API in {SETTINGS}" in str(error) and error.status == 403


def test_trouble_while_fetching_a_token_is_tried_again(fake5: FakeMautic, connect: Connect, sleeps) -> None:
    fake5.fail_next(503)
    fake5.drop_next()
    assert connect(fake5.url, CLIENT_ID, CLIENT_SECRET, auth="oauth2").check() == 0
    assert [r.path for r in fake5.requests] == ["/oauth/v2/token"] * 3 + ["/api/contacts"]
    assert sleeps == [0.5, 1.0]


# -- the hourly rate limit ----------------------------------------------------------------------------------------
def reset_of(fake: FakeMautic) -> datetime:
    return datetime.fromtimestamp(fake.limiter.buckets["basic"].reset, UTC)


def test_a_used_up_window_is_waited_out_without_asking_into_it(fake, connect, sleeps: list[float]) -> None:
    fake.rate_limit = 3
    waits: list[datetime] = []
    client = on_fake_time(fake, connect, sleeps, on_wait=waits.append)
    resets = []
    for _ in range(7):
        assert client.check() == 0
        resets.append(reset_of(fake))
    first, second = resets[0], resets[3]
    assert waits == [first, second] and resets == [first] * 3 + [second] * 3 + [resets[6]]
    assert sleeps == [3601.0, 3601.0]  # to the window's end, and past its last second
    assert len(fake.requests) == 7  # no request was refused: the client knew the window was used up


def test_a_window_used_up_by_another_caller_costs_one_refused_request(fake, connect, sleeps) -> None:
    fake.rate_limit = 2
    for _ in range(2):  # every basic-auth caller shares one bucket (SPEC §10)
        assert httpx.get(f"{fake.url}/api/contacts", auth=(USER, PASSWORD)).status_code == 200
    window = reset_of(fake)
    waits: list[datetime] = []
    assert on_fake_time(fake, connect, sleeps, on_wait=waits.append).check() == 0
    ours = [r for r in fake.requests if r.headers["user-agent"].startswith("Dossier/")]
    assert len(ours) == 2 and waits == [window] and fake.now > window
    assert fake.limiter.buckets["basic"].calls == 1  # the new window holds only the request after the wait


def test_a_wait_beyond_max_wait_is_a_sentence(fake: FakeMautic, connect: Connect, sleeps: list[float]) -> None:
    fake.rate_limit = 2
    waits: list[datetime] = []
    client = on_fake_time(fake, connect, sleeps, on_wait=waits.append, max_wait=600)
    client.check()
    client.check()
    error = failure(client.check)
    until = reset_of(fake).astimezone().strftime("%H:%M")
    assert str(error) == f"Mautic at {where(fake)} allows no more API calls this hour (until {until})."
    assert (error.status, len(fake.requests), waits, sleeps) == (429, 2, [], [])
    refused = on_fake_time(fake, connect, sleeps, max_wait=600)  # knows nothing yet: asks once, is refused
    assert str(failure(refused.check)) == str(error) and len(fake.requests) == 3


def test_a_clock_ahead_of_mautics_gives_up_instead_of_asking_forever(fake5, connect, sleeps) -> None:
    fake5.rate_limit = 1

    def ahead() -> datetime:
        assert len(fake5.requests) < 20, "the client keeps asking into a used-up window"
        return fake5.now + timedelta(hours=2)  # every reset Mautic names is in this client's past

    client = on_fake_time(fake5, connect, sleeps, clock=ahead)
    client.check()
    error = failure(client.check)
    assert str(error) == f"The Mautic server at {where(fake5)} kept answering 429 (Too Many Requests) after 3 attempts."
    assert (len(fake5.requests), sleeps) == (4, [0.5, 1.0])


# -- writing ------------------------------------------------------------------------------------------------------
def test_notes_are_added_edited_and_deleted(fake: FakeMautic, connect: Connect) -> None:
    ann = fake.add_contact(firstname="Ann")
    client = connect(fake.url)
    when = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    note = client.add_note(ann, "<p>Called</p>", "call", when)
    assert sent(fake)[-1].body == {
        "lead": ann,
        "text": "<p>Called</p>",
        "type": "call",
        "dateTime": "2024-06-01T12:00:00+00:00",
    }
    stored = fake.model.notes[note]
    assert (stored.contact, stored.text, stored.type, stored.date_time) == (ann, "<p>Called</p>", "call", when)
    client.edit_note(note, "Called back", "meeting", None)
    edit = sent(fake)[-1]
    assert (edit.method, edit.path) == ("PATCH", f"/api/notes/{note}/edit")
    assert edit.body == {"text": "Called back", "type": "meeting", "dateTime": None}
    assert client.note(note) == {
        "id": note,
        "text": "Called back",
        "type": "meeting",
        "dateTime": None,
        "lead": {"id": ann, "points": 0, "color": None, "fields": []},
    }
    client.delete_note(note)
    client.delete_note(note)  # gone there already: what was asked is true
    assert note not in fake.model.notes
    assert [r.method for r in sent(fake, f"/api/notes/{note}/delete")] == ["DELETE", "DELETE"]


def test_memberships_are_switched(fake: FakeMautic, connect: Connect) -> None:
    news, drip = fake.add_segment("Newsletter"), fake.add_campaign("Drip")
    ann = fake.add_contact(firstname="Ann")
    client = connect(fake.url)
    client.set_membership("segment", news, ann, True)
    client.set_membership("campaign", drip, ann, True)
    assert [s["id"] for s in client.contact_segments(ann) or []] == [news]
    assert [c["id"] for c in client.contact_campaigns(ann) or []] == [drip]
    client.set_membership("segment", news, ann, False)
    client.set_membership("campaign", drip, ann, False)
    assert (client.contact_segments(ann), client.contact_campaigns(ann)) == ([], [])
    assert [(r.method, r.path, r.body) for r in fake.requests if r.method == "POST"] == [
        ("POST", f"/api/segments/{news}/contact/{ann}/add", None),
        ("POST", f"/api/campaigns/{drip}/contact/{ann}/add", None),
        ("POST", f"/api/segments/{news}/contact/{ann}/remove", None),
        ("POST", f"/api/campaigns/{drip}/contact/{ann}/remove", None),
    ]


def test_do_not_contact_is_added_and_removed(fake: FakeMautic, connect: Connect) -> None:
    ann = fake.add_contact(firstname="Ann")
    client = connect(fake.url)
    client.add_do_not_contact(ann, "email", 3, "asked on the phone")
    assert sent(fake)[-1].body == {"reason": 3, "comments": "asked on the phone"}
    contact = client.contact(ann)
    assert contact is not None
    assert [(r["channel"], r["reason"], r["comments"]) for r in contact["doNotContact"]] == [
        ("email", 3, "asked on the phone")
    ]
    client.remove_do_not_contact(ann, "email")
    assert sent(fake)[-1].path == f"/api/contacts/{ann}/dnc/email/remove"
    assert (client.contact(ann) or {})["doNotContact"] == []


def test_an_email_is_sent_or_mautic_says_why_not(fake: FakeMautic, connect: Connect) -> None:
    ann = fake.add_contact(firstname="Ann", email="ann@example.com")
    welcome = fake.add_email("Welcome", "Welcome aboard")
    client = connect(fake.url)
    client.send_email(welcome, ann)
    assert (sent(fake)[-1].method, sent(fake)[-1].path) == ("POST", f"/api/emails/{welcome}/contact/{ann}/send")
    fake.add_dnc(ann, "email", reason=1)
    if fake.version == "5":  # a transactional send ignores do-not-contact (SPEC §9)
        client.send_email(welcome, ann)
    else:
        error = failure(lambda: client.send_email(welcome, ann))
        assert str(error) == "Mautic did not send the email (the contact may be do-not-contact)."
    sends = [e for e in client.activity() if e["event"] == "email.sent"]
    assert len(sends) == {"5": 2, "4": 1}[fake.version]


WRITES: dict[str, tuple[Callable[[MauticClient, dict[str, int]], object], int, str, str]] = {
    "a note on a contact gone": (
        lambda c, ids: c.add_note(999, "x", "general", None),
        404,
        "/api/notes/new",
        "Contact not found",
    ),
    "an empty note": (
        lambda c, ids: c.add_note(ids["ann"], "", "general", None),
        400,
        "/api/notes/new",
        "text: A value is required",
    ),
    "an edit of a note gone": (
        lambda c, ids: c.edit_note(999, "x", "general", None),
        404,
        "/api/notes/999/edit",
        "Item was not found",
    ),
    "an unpublished segment": (
        lambda c, ids: c.set_membership("segment", ids["hidden"], ids["ann"], True),
        403,
        "",
        "You do not have access to the requested area/action",
    ),
    "a campaign gone": (
        lambda c, ids: c.set_membership("campaign", 999, ids["ann"], False),
        404,
        "/api/campaigns/999/contact/{ann}/remove",
        "Item was not found",
    ),
    "do-not-contact reason 0": (
        lambda c, ids: c.add_do_not_contact(ids["ann"], "email", 0, ""),
        400,
        "/api/contacts/{ann}/dnc/email/add",
        "Invalid reason code given",
    ),
}


@pytest.mark.parametrize("case", list(WRITES))
def test_a_refused_write_carries_mautics_own_message(fake: FakeMautic, connect: Connect, case: str) -> None:
    write, status, path, said = WRITES[case]
    ids = {"ann": fake.add_contact(firstname="Ann"), "hidden": fake.add_segment("Hidden", published=False)}
    error = failure(lambda: write(connect(fake.url), ids))
    assert error.status == status and f"(Mautic said: {said})" in str(error)
    if path:
        assert f"answered {status} " in str(error) and f"for {path.format(**ids)} " in str(error)
    assert len(fake.requests) == 1  # a refusal is not tried again


# -- trouble on the wire ------------------------------------------------------------------------------------------
def test_a_429_from_a_proxy_waits_as_retry_after_says_within_a_cap(fake5, connect, sleeps: list[float]) -> None:
    fake5.fail_next(429, headers={"Retry-After": "7"})  # not Mautic's limiter: no X-RateLimit-Reset
    fake5.fail_next(429, headers={"Retry-After": "3600"})
    assert connect(fake5.url).check() == 0
    assert (sleeps, [r.path for r in fake5.requests]) == ([7.0, 60.0], ["/api/contacts"] * 3)


def test_a_retry_after_that_is_not_a_number_falls_back_to_backoff(fake5, connect, sleeps) -> None:
    fake5.fail_next(429, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"})
    fake5.fail_next(503, headers={"Retry-After": "nan"})
    assert connect(fake5.url, backoff=0.1).check() == 0
    assert sleeps == [0.1, 0.2]


def test_500_twice_then_success_backs_off_exponentially(fake5, connect, sleeps: list[float]) -> None:
    fake5.page_hit(fake5.add_contact(firstname="Ann"), "https://example.com/")
    client = connect(fake5.url, backoff=0.25)
    expected = list(client.activity())
    fake5.fail_next(500, times=2)
    assert list(client.activity()) == expected and len(expected) == 1
    assert sleeps == [0.25, 0.5]


def test_a_server_that_stays_unavailable_is_given_up_after_the_retries(fake5, connect, sleeps) -> None:
    fake5.fail_next(503, times=10)
    error = failure(connect(fake5.url, retries=4, backoff=1).check)
    assert str(error) == (
        f"The Mautic server at {where(fake5)} kept answering 503 (Service Unavailable) after 4 attempts."
    )
    assert (error.status, sleeps, len(fake5.requests)) == (503, [1, 2, 4], 4)


def test_a_drop_in_the_middle_of_a_run_is_tried_again(fake5: FakeMautic, connect: Connect, sleeps) -> None:
    ann = fake5.add_contact(firstname="Ann")
    client = connect(fake5.url)
    assert client.check() == 1
    fake5.drop_next()
    assert client.contact_segments(ann) == []
    assert client.contact_campaigns(ann) == []
    assert [r.path for r in fake5.requests][1:] == [f"/api/contacts/{ann}/segments"] * 2 + [
        f"/api/contacts/{ann}/campaigns"
    ]
    assert sleeps == [0.5]


def test_an_answer_cut_short_is_tried_again(local_server: LocalServer, connect: Connect, sleeps) -> None:
    body = json.dumps({"total": "4", "contacts": {}}).encode()
    answers = iter(["cut"])

    def flaky(handler: Handler) -> None:
        if next(answers, None) is None:
            handler.reply(200, body, "application/json")
        else:  # the headers promise the whole body; the connection closes after five bytes of it
            handler.close_connection = True
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[:5])

    local_server.routes["/api/contacts"] = flaky
    assert connect(local_server.url("")).check() == 4
    assert (len(local_server.received), sleeps) == (2, [0.5])


def test_a_server_that_keeps_hanging_up_is_given_up(fake5: FakeMautic, connect: Connect) -> None:
    fake5.drop_next(times=5)
    error = failure(connect(fake5.url, retries=2).check)
    assert str(error) == f"The Mautic server at {where(fake5)} kept dropping the connection (2 attempts)."
    assert len(fake5.requests) == 2


def test_a_refused_connection_is_a_clear_sentence(connect: Connect, sleeps: list[float]) -> None:
    port = closed_port()
    error = failure(connect(f"http://127.0.0.1:{port}", retries=2).check)
    assert str(error) == f"Cannot reach 127.0.0.1:{port}: connection refused (2 attempts)."
    assert (error.status, sleeps) == (None, [0.5])


def test_a_slow_answer_times_out_and_is_tried_again(fake5: FakeMautic, connect: Connect) -> None:
    fake5.slow_next(0.5)
    assert connect(fake5.url, timeout=0.2).check() == 0
    assert len(fake5.requests) == 2
    fake5.slow_next(0.5, times=2)
    error = failure(connect(fake5.url, timeout=0.1, retries=2).check)
    assert str(error) == f"The Mautic server at {where(fake5)} did not answer within 0.1 s (2 attempts)."


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_other_than_429_are_not_retried(fake5: FakeMautic, connect, sleeps, status: int) -> None:
    fake5.fail_next(status, body={"errors": [{"code": status, "message": "No."}]})
    assert failure(connect(fake5.url).check).status == status
    assert (len(fake5.requests), sleeps) == (1, [])


def test_a_write_refused_for_want_of_permission_names_the_permission(fake: FakeMautic, connect: Connect) -> None:
    ada = fake.add_contact(firstname="Ada")
    fake.fail_next(
        403,
        body={
            "errors": [{"code": 403, "message": "You do not have access to the requested area/action.", "details": []}]
        },
    )
    error = failure(lambda: connect(fake.url).add_note(ada, "Hello", "general", None))
    assert "refused access to /api/notes/new (Mautic said: You do not have access" in str(error)
    assert str(error).endswith("or give this user's role permission to edit contacts.")
