"""The Mautic API client against a fake Mautic (and a few hand-made answers) on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from services.mautic import MauticClient, MauticError
from tests.mautic_api import HOSTILE_COMPANY, HOSTILE_POSITION, FakeMautic
from tests.services.local_http import Handler, LocalServer, closed_port

USER, PASSWORD = "api-user", "s3cret-Pa55word"
Connect = Callable[..., MauticClient]


@pytest.fixture
def fake() -> Iterator[FakeMautic]:
    with FakeMautic.sample(n_contacts=7, events_per_contact=7, seed=5, require_auth=(USER, PASSWORD)) as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connect(sleeps: list[float]) -> Iterator[Connect]:
    """`connect(url, **options)`: a client that records its sleeps instead of sleeping, closed after the test."""
    clients: list[MauticClient] = []

    def make(url: str, user: str = USER, password: str = PASSWORD, **options) -> MauticClient:
        options = {"timeout": 2.0, "retries": 3, "sleep": sleeps.append} | options
        clients.append(MauticClient(url, user, password, **options))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def failure(call: Callable[[], object]) -> MauticError:
    with pytest.raises(MauticError) as caught:
        call()
    assert PASSWORD not in str(caught.value)
    return caught.value


def json_route(status: int, body: object, headers: dict[str, str] | None = None) -> Callable[[Handler], None]:
    return lambda h: h.reply(status, json.dumps(body).encode(), "application/json", headers)


# -- reading ------------------------------------------------------------------------------------------------------
def test_check_counts_contacts_with_basic_auth_json_and_a_user_agent(fake: FakeMautic, connect: Connect) -> None:
    assert connect(fake.url).check() == 7
    (request,) = fake.received
    assert (request.path, fake.queries()[0]) == ("/api/contacts", {"limit": "1"})
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("Dossier/")


def test_contacts_are_paged_in_id_order(fake: FakeMautic, connect: Connect) -> None:
    client = connect(fake.url)
    pages = [client.contacts_page(start, 3) for start in (0, 3, 6)]
    assert [total for total, _ in pages] == [7, 7, 7]
    assert [[contact["id"] for contact in contacts] for _, contacts in pages] == [[1, 4, 7], [10, 13, 16], [19]]
    assert fake.queries()[1] == {"start": "3", "limit": "3", "orderBy": "id", "orderByDir": "asc", "minimal": "false"}
    contact = pages[0][1][2]
    assert contact["fields"]["all"]["company"] == HOSTILE_COMPANY
    assert contact["fields"]["core"]["company"]["value"] == HOSTILE_COMPANY


def test_contacts_keyed_by_id_are_sorted_and_a_string_total_is_a_number(local_server: LocalServer, connect) -> None:
    contacts = {"9": {"id": 9, "fields": {}}, "3": {"id": "3", "fields": {}}, "12": {"id": 12, "fields": {}}}
    local_server.routes["/api/contacts"] = json_route(200, {"total": "40", "contacts": contacts})
    total, page = connect(local_server.url("")).contacts_page(0, 3)
    assert (total, [contact["id"] for contact in page]) == (40, ["3", 9, 12])


def test_no_contacts_is_an_empty_list(connect: Connect) -> None:
    with FakeMautic() as empty:  # PHP sends an empty collection as [], not {}
        client = connect(empty.url)
        assert (client.check(), client.contacts_page(0, 10)) == (0, (0, []))


def test_activity_is_read_page_by_page_newest_first(fake: FakeMautic, connect: Connect) -> None:
    events = list(connect(fake.url).activity(1, limit=3))
    assert len(events) == 7
    assert [event["timestamp"] for event in events] == sorted((e["timestamp"] for e in events), reverse=True)
    assert [query["page"] for query in fake.queries("/activity")] == ["1", "2", "3"]
    assert {query["limit"] for query in fake.queries("/activity")} == {"3"}
    kinds = {event["event"]: event for event in events}
    assert kinds["form.submitted"]["details"]["submission"]["results"]["email"] == "visitor1@example.com"
    assert kinds["email.read"]["details"]["stat"]["openDetails"][0]["datetime"].count(":") == 2
    assert "eventId" not in kinds["page.hit"]  # Mautic does not identify every event


def test_a_contact_without_activity_takes_one_request(connect: Connect) -> None:
    with FakeMautic() as server:
        server.add_contact(5, firstname="Quiet")
        assert list(connect(server.url).activity(5)) == []
        assert server.paths == ["/api/contacts/5/activity"]


def test_notes_are_paged_by_start_and_limit(fake: FakeMautic, connect: Connect) -> None:
    for hour in range(5):
        fake.add_note(19, f"<p>Note {hour}</p>", "call", at=datetime.fromisoformat(f"2024-05-01T0{hour}:00+00:00"))
    notes = list(connect(fake.url).notes(19, limit=2))
    assert [note["text"] for note in notes] == [f"<p>Note {hour}</p>" for hour in (4, 3, 2, 1, 0)]
    assert [query["start"] for query in fake.queries("/notes")] == ["0", "2", "4"]


@pytest.mark.parametrize("key", ["lists", "segments"])
@pytest.mark.parametrize("keyed", [True, False])
def test_segments_come_under_either_key_keyed_or_listed(key: str, keyed: bool, connect: Connect) -> None:
    with FakeMautic.sample(n_contacts=4, segments_key=key, keyed_by_id=keyed) as server:
        client = connect(server.url)
        memberships = client.contact_segments(1)
        assert [(segment["id"], segment["alias"], segment["manuallyAdded"]) for segment in memberships] == [
            (1, "newsletter", False),
            (2, "customers", True),
        ]
        server.add_contact(99, firstname="Loner")
        assert client.contact_segments(99) == []
        assert [segment["name"] for segment in client.segments(limit=2)] == [
            "Newsletter",
            "Customers",
            "Événements 2024",
        ]
        assert [query["start"] for query in server.queries("/api/segments")] == ["0", "2"]


def test_campaigns_and_emails(fake: FakeMautic, connect: Connect) -> None:
    client = connect(fake.url)
    (membership,) = client.contact_campaigns(1)
    assert (membership["name"], membership["listMembership"]) == ("Welcome Campaign", [1])
    assert client.contact_campaigns(10) == []
    assert [campaign["name"] for campaign in client.campaigns()] == ["Welcome Campaign", "Re-engagement"]
    emails = list(client.emails(limit=1))
    assert [email["subject"] for email in emails] == [
        "Welcome aboard, {contactfield=firstname}!",
        "What's new in March",
        "On se revoit ?",
    ]
    assert emails[2]["fromAddress"] is None and emails[1]["plainText"] is None
    assert len(fake.queries("/api/emails")) == 3


@pytest.mark.parametrize("suffix", ["/mautic", "/mautic/", "/mautic/api", "/mautic/api/"])
def test_a_path_prefix_is_kept_and_a_trailing_slash_or_api_tolerated(suffix: str, connect: Connect) -> None:
    with FakeMautic.sample(n_contacts=2, prefix="/mautic") as server:
        assert connect(server.root_url + suffix).check() == 2
        assert server.paths == ["/mautic/api/contacts"]


def test_credentials_in_the_url_are_used_and_never_shown(connect: Connect) -> None:
    with FakeMautic.sample(n_contacts=2, require_auth=(USER, PASSWORD), prefix="/m") as server:
        url = f"http://{USER}:{PASSWORD}@127.0.0.1:{server.port}/m"
        assert connect(url, "", "").check() == 2
        error = failure(connect(url.removesuffix("/m"), "", "").check)
        assert str(error).startswith(f"Is http://127.0.0.1:{server.port} the Mautic base URL?")


# -- refusals -----------------------------------------------------------------------------------------------------
def test_a_wrong_password_says_so_and_mentions_the_api_settings(fake: FakeMautic, connect: Connect) -> None:
    error = failure(connect(fake.url, password="wrong-" + PASSWORD[::-1]).check)
    assert str(error) == (
        f"Mautic at 127.0.0.1:{fake.port} rejected the user name or password (Mautic said: API authorization denied);"
        " check them, and that API basic auth is enabled in Mautic's Configuration → API Settings."
    )
    assert error.status == 401
    assert len(fake.received) == 1  # no retry


def test_a_disabled_api_is_a_403_sentence(fake: FakeMautic, connect: Connect) -> None:
    fake.api_enabled = False
    error = failure(connect(fake.url).check)
    assert str(error).startswith(f"Mautic at 127.0.0.1:{fake.port} refused access (Mautic said: API disabled.")
    assert str(error).endswith(
        ": enable the API in Configuration → API Settings, or give this user's role permission to view contacts."
    )
    assert error.status == 403


def test_a_wrong_base_url_is_a_404_question(connect: Connect) -> None:
    with FakeMautic.sample(n_contacts=1, prefix="/mautic") as server:
        error = failure(connect(server.root_url).check)
        assert str(error) == f"Is {server.root_url} the Mautic base URL? /api/contacts was not found there (404)."
        assert len(server.received) == 1


def test_a_contact_gone_since_listing_is_a_404_with_its_path(fake: FakeMautic, connect: Connect) -> None:
    fake.delete_contact(4)
    error = failure(lambda: list(connect(fake.url).activity(4)))
    assert str(error) == (
        f"Mautic at 127.0.0.1:{fake.port} answered 404 (Not Found) for /api/contacts/4/activity"
        " (Mautic said: Item was not found)."
    )
    assert error.status == 404


def test_a_login_page_is_not_the_api(fake: FakeMautic, connect: Connect) -> None:
    fake.served_html_login = True
    error = failure(connect(fake.url).check)
    assert str(error) == (
        f"127.0.0.1:{fake.port} answered with a web page, not the API: check the URL (like https://mautic.example.com)."
    )


def test_a_redirect_to_a_login_page_is_not_the_api(local_server: LocalServer, connect: Connect) -> None:
    local_server.routes["/api/contacts"] = lambda h: h.reply(302, headers={"Location": "/s/login"})
    local_server.routes["/s/login"] = lambda h: h.reply(200, b"<html><body>Login</body></html>", "text/html")
    assert "answered with a web page, not the API" in str(failure(connect(local_server.url("")).check))


def test_server_messages_lose_markup_and_control_characters_and_are_cut(local_server, connect: Connect) -> None:
    message = "<b>Bad</b> request:\x1b[31m field\r\n" + "x" * 500 + f" {PASSWORD}"
    local_server.routes["/api/contacts"] = json_route(400, {"errors": [{"code": 400, "message": message}]})
    text = str(failure(connect(local_server.url("")).check))
    assert text.startswith(f"Mautic at 127.0.0.1:{local_server.port} answered 400 (Bad Request) for /api/contacts")
    assert "(Mautic said: Bad request: field xxx" in text
    assert "<" not in text and "\x1b" not in text and "\n" not in text
    assert "…)." in text and len(text) < 300
    assert len(local_server.received) == 1


def test_a_password_echoed_by_the_server_is_masked(local_server: LocalServer, connect: Connect) -> None:
    body = {"errors": [{"code": 422, "message": f"Password {PASSWORD} is not allowed"}]}
    local_server.routes["/api/contacts"] = json_route(422, body)
    assert "(Mautic said: Password ••• is not allowed)" in str(failure(connect(local_server.url("")).check))


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (b"total=3", "sent /api/contacts in a form Dossier cannot read (not JSON)."),
        (b'{"total": "x", "contacts": []}', "sent /api/contacts in a form Dossier does not know."),
        (b'["not", "an", "object"]', "sent /api/contacts in a form Dossier does not know."),
    ],
)
def test_answers_of_the_wrong_form_are_named(local_server: LocalServer, connect: Connect, body, sentence) -> None:
    local_server.routes["/api/contacts"] = lambda h: h.reply(200, body, "application/json")
    assert str(failure(connect(local_server.url("")).check)) == f"Mautic at 127.0.0.1:{local_server.port} {sentence}"


def test_a_body_larger_than_the_cap_is_not_read(fake: FakeMautic, connect: Connect) -> None:
    error = failure(lambda: connect(fake.url, max_bytes=2048).contacts_page(0, 5))
    assert (
        str(error)
        == f"Mautic at 127.0.0.1:{fake.port} sent more than 0.00195312 MB for /api/contacts; it was not read."
    )


def test_a_url_that_is_not_a_web_address_is_refused_at_once() -> None:
    for url in ("mautic.example.com", f"ftp://{USER}:{PASSWORD}@example.com", "http://"):
        assert "is not a web address; it should look like https://mautic.example.com." in str(
            failure(lambda url=url: MauticClient(url, USER, PASSWORD))
        )


def test_a_password_is_never_sent_unencrypted_off_this_machine() -> None:
    error = failure(lambda: MauticClient("http://mautic.example.com", USER, PASSWORD))
    assert str(error) == (
        "Dossier will not send the Mautic password unencrypted to mautic.example.com; "
        "use https:// (as in https://mautic.example.com)."
    )
    for url in ("http://localhost:8080", "http://127.0.0.1", "http://[::1]:80", "https://mautic.example.com"):
        MauticClient(url, USER, PASSWORD).close()


# -- retries ------------------------------------------------------------------------------------------------------
def test_429_waits_as_long_as_retry_after_says_within_a_cap(fake, connect: Connect, sleeps: list[float]) -> None:
    fake.fail_next(429, retry_after=7)
    fake.fail_next(429, retry_after=3600)
    assert connect(fake.url).check() == 7
    assert sleeps == [7.0, 60.0]
    assert fake.paths == ["/api/contacts"] * 3


def test_a_retry_after_that_is_not_a_number_falls_back_to_backoff(local_server, connect, sleeps) -> None:
    answers = iter([(429, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}), (503, {"Retry-After": "nan"})])

    def limited(handler: Handler) -> None:
        status, headers = next(answers, (200, {}))
        json_route(status, {"total": 4, "contacts": []}, headers)(handler)

    local_server.routes["/api/contacts"] = limited
    assert connect(local_server.url(""), backoff=0.1).check() == 4
    assert sleeps == [0.1, 0.2]


def test_500_twice_then_success_backs_off_exponentially(fake, connect: Connect, sleeps: list[float]) -> None:
    client = connect(fake.url, backoff=0.25)
    expected = list(client.activity(1, limit=10))
    fake.fail_next(500, times=2)
    assert list(client.activity(1, limit=10)) == expected
    assert sleeps == [0.25, 0.5]


def test_a_server_that_stays_unavailable_is_given_up_after_the_retries(fake, connect, sleeps: list[float]) -> None:
    fake.fail_next(503, times=10)
    error = failure(connect(fake.url, retries=4, backoff=1).check)
    assert (
        str(error)
        == f"The Mautic server at 127.0.0.1:{fake.port} kept answering 503 (Service Unavailable) after 4 attempts."
    )
    assert (error.status, sleeps, len(fake.received)) == (503, [1, 2, 4], 4)


@pytest.mark.parametrize("partial", [False, True])
def test_a_dropped_connection_is_tried_again(fake: FakeMautic, connect: Connect, sleeps, partial: bool) -> None:
    client = connect(fake.url)
    assert len(list(client.activity(1, limit=3))) == 7
    fake.received.clear()
    fake.drop_on("/activity", partial=partial)
    assert len(list(client.activity(1, limit=3))) == 7
    assert [query["page"] for query in fake.queries("/activity")] == ["1", "1", "2", "3"]
    assert sleeps == [0.5]


def test_a_drop_in_the_middle_of_an_import_is_tried_again(fake: FakeMautic, connect: Connect) -> None:
    client = connect(fake.url)
    fake.drop_after(2)
    assert client.contacts_page(0, 3)[0] == 7
    assert client.contact_segments(1)
    assert client.contact_campaigns(1)
    assert fake.paths[2:] == ["/api/contacts/1/campaigns"] * 2


def test_a_server_that_keeps_hanging_up_is_given_up(fake: FakeMautic, connect: Connect) -> None:
    fake.drop_on("/api/contacts", times=5)
    error = failure(connect(fake.url, retries=2).check)
    assert str(error) == f"The Mautic server at 127.0.0.1:{fake.port} kept dropping the connection (2 attempts)."


def test_a_refused_connection_is_a_clear_sentence(connect: Connect, sleeps: list[float]) -> None:
    port = closed_port()
    error = failure(connect(f"http://127.0.0.1:{port}", retries=2).check)
    assert str(error) == f"Cannot reach 127.0.0.1:{port}: connection refused (2 attempts)."
    assert (error.status, sleeps) == (None, [0.5])


def test_a_slow_answer_times_out_and_is_tried_again(local_server: LocalServer, connect: Connect) -> None:
    answers = iter([0.5, 0.0])

    def slow(handler: Handler) -> None:
        time.sleep(next(answers, 0.5))
        json_route(200, {"total": 1, "contacts": {"1": {"id": 1}}})(handler)

    local_server.routes["/api/contacts"] = slow
    assert connect(local_server.url(""), timeout=0.2).check() == 1
    error = failure(connect(local_server.url(""), timeout=0.1, retries=2).check)
    assert str(error) == f"The Mautic server at 127.0.0.1:{local_server.port} did not answer within 0.1 s (2 attempts)."


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_other_than_429_are_not_retried(local_server: LocalServer, connect, sleeps, status) -> None:
    local_server.routes["/api/contacts"] = json_route(status, {"errors": [{"code": status, "message": "No."}]})
    assert failure(connect(local_server.url("")).check).status == status
    assert (len(local_server.received), sleeps) == (1, [])


# -- the fake itself ----------------------------------------------------------------------------------------------
def test_the_sample_is_varied_and_deterministic() -> None:
    first, again = FakeMautic.sample(n_contacts=12, seed=9), FakeMautic.sample(n_contacts=12, seed=9)
    assert first.contacts == again.contacts and first.events == again.events
    values = [contact["fields"]["all"] for contact in first.contacts.values()]
    assert any(value["email"] is None for value in values)
    assert any(not (value["firstname"] or "").isascii() for value in values)
    assert {HOSTILE_COMPANY, HOSTILE_POSITION} <= {value["company"] for value in values} | {
        v["position"] for v in values
    }
    kinds = {event["event"] for events in first.events.values() for event in events}
    assert {"form.submitted", "email.read", "email.sent", "page.hit"} <= kinds
    assert any(contact["dateModified"] is None for contact in first.contacts.values())
    assert any(contact["dateAdded"].endswith("-05:00") for contact in first.contacts.values())


def test_touch_changes_a_field_and_bumps_date_modified(fake: FakeMautic, connect: Connect) -> None:
    latest = max(contact["dateModified"] or contact["dateAdded"] for contact in fake.contacts.values())
    fake.touch(7, "city", "Coimbra")
    contact = next(c for c in connect(fake.url).contacts_page(0, 10)[1] if c["id"] == 7)
    assert contact["fields"]["all"]["city"] == contact["fields"]["core"]["city"]["value"] == "Coimbra"
    assert datetime.fromisoformat(contact["dateModified"]) > datetime.fromisoformat(latest)
