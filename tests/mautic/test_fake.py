"""The fake Mautic against the spec: shapes, types, paging, auth, rate limits and faults, in both versions."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.mautic import FakeMautic

AUTH = ("api", "secret")


@pytest.fixture(params=["5", "4"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeMautic]:
    with FakeMautic(version=request.param) as server:
        yield server
        assert server.errors == []


def get(fake: FakeMautic, path: str, **params: object) -> httpx.Response:
    return httpx.get(f"{fake.url}{path}", params=params, auth=AUTH)


def test_an_empty_contact_list_is_an_object_with_a_string_total(fake: FakeMautic) -> None:
    response = get(fake, "/api/contacts")
    assert response.status_code == 200
    assert response.text == '{"total":"0","contacts":{}}'  # LeadApiControllerFunctionalTest.php:280
    assert response.headers["Mautic-Version"] == {"5": "5.1.1", "4": "4.4.13"}[fake.version]


def test_a_contact_is_keyed_by_id_with_the_full_shape(fake: FakeMautic) -> None:
    contact = fake.add_contact(firstname="Jim", email="jim@example.com", tags=["vip"], ips=["1.2.3.4"])
    body = get(fake, "/api/contacts").json()
    item = body["contacts"][str(contact)]
    assert list(item)[:11] == [
        "isPublished", "dateAdded", "dateModified", "createdBy", "createdByUser", "modifiedBy", "modifiedByUser",
        "id", "points", "color", "fields",
    ]  # fmt: skip
    assert item["tags"] == {"vip": {"id": 1, "tag": "vip", "description": None}}
    assert item["ipAddresses"]["1.2.3.4"]["ipAddress"] == "1.2.3.4"
