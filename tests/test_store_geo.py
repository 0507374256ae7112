"""A contact's locations: one row per place, newest first, distances between places, bad coordinates skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from store.geo import has_locations, locations_for_contact
from store.models import ContactIp, IpAddress
from tests.conftest import MakeContact

PARIS = {"city": "Paris", "region": "Île-de-France", "country": "France", "latitude": 48.8566, "longitude": 2.3522}
LONDON = {"city": "London", "region": "England", "country": "United Kingdom", "latitude": 51.5074, "longitude": -0.1278}
SYDNEY = {"city": "Sydney", "region": "NSW", "country": "Australia", "latitude": -33.8688, "longitude": 151.2093}


def day(n: int) -> datetime:
    return datetime(2026, 1, n, 12, tzinfo=UTC)


def seen(engine: Engine, contact_id: int, ip: str, first: int, last: int, **place: object) -> None:
    with Session(engine) as session:
        address = IpAddress(ip=ip, lookup_status="found", **place)
        session.add(address)
        session.flush()
        assert address.id is not None
        session.add(
            ContactIp(contact_id=contact_id, ip_address_id=address.id, first_seen=day(first), last_seen=day(last))
        )
        session.commit()


@pytest.fixture
def contact(engine: Engine, make_contact: MakeContact) -> int:
    return make_contact(engine, firstname="Ada", email="ada@example.com")


def test_no_addresses_means_no_locations(engine: Engine, contact: int) -> None:
    assert locations_for_contact(engine, contact) == []
    assert not has_locations(engine, contact)


def test_addresses_at_one_place_make_one_row(engine: Engine, contact: int) -> None:
    seen(engine, contact, "192.0.2.1", 1, 3, **PARIS)
    seen(engine, contact, "192.0.2.2", 2, 5, **PARIS)
    [row] = locations_for_contact(engine, contact)
    assert (row.city, row.country) == ("Paris", "France")
    assert row.ips == ("192.0.2.1", "192.0.2.2")
    assert (row.first_seen, row.last_seen) == (day(1), day(5))
    assert row.distance_km is None
    assert has_locations(engine, contact)


def test_newest_first_with_distance_from_the_place_before(engine: Engine, contact: int) -> None:
    seen(engine, contact, "192.0.2.1", 1, 2, **PARIS)
    seen(engine, contact, "198.51.100.7", 3, 4, **LONDON)
    seen(engine, contact, "203.0.113.9", 5, 6, **SYDNEY)
    rows = locations_for_contact(engine, contact)
    assert [row.city for row in rows] == ["Sydney", "London", "Paris"]
    assert rows[2].distance_km is None
    assert rows[1].distance_km == pytest.approx(344, abs=5)
    assert rows[0].distance_km == pytest.approx(16_990, rel=0.01)


def test_a_revisited_place_counts_from_its_last_visit(engine: Engine, contact: int) -> None:
    seen(engine, contact, "192.0.2.1", 1, 9, **PARIS)
    seen(engine, contact, "198.51.100.7", 3, 4, **LONDON)
    rows = locations_for_contact(engine, contact)
    assert [row.city for row in rows] == ["Paris", "London"]
    assert rows[0].distance_km == pytest.approx(344, abs=5)


@pytest.mark.parametrize(
    "coordinates",
    [
        {"latitude": None, "longitude": None},
        {"latitude": 48.8, "longitude": None},
        {"latitude": 91.0, "longitude": 2.0},
        {"latitude": 48.8, "longitude": -180.5},
        {"latitude": float("nan"), "longitude": 2.0},
    ],
)
def test_missing_or_out_of_range_coordinates_are_skipped(engine: Engine, contact: int, coordinates: dict) -> None:
    seen(engine, contact, "192.0.2.66", 1, 2, city="Nowhere", **coordinates)
    assert locations_for_contact(engine, contact) == []
    assert not has_locations(engine, contact)
    seen(engine, contact, "192.0.2.1", 3, 4, **PARIS)
    assert [row.city for row in locations_for_contact(engine, contact)] == ["Paris"]
    assert has_locations(engine, contact)


def test_other_contacts_locations_are_not_mixed_in(engine: Engine, contact: int, make_contact: MakeContact) -> None:
    other = make_contact(engine, firstname="Bob", email="bob@example.com")
    seen(engine, other, "192.0.2.1", 1, 2, **PARIS)
    assert locations_for_contact(engine, contact) == []
    assert not has_locations(engine, contact)
    assert has_locations(engine, other)
