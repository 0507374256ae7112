"""`store.ip_geo`: recording visits (geolocating a new IP once) and refreshing pending addresses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session

from services.geoip import GeoResult, lookup, open_reader
from store.geo import locations_for_contact
from store.ip_geo import BATCH_SIZE, RefreshSummary, refresh_locations
from store.models import ContactIp, IpAddress
from tests.mmdb_fixture import LONDON, PARIS, SYDNEY_V6, UNKNOWN, write_mmdb
from tests.store_helpers import record_visit

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


class CountingLookup:
    """The tiny database's lookup, remembering which addresses it was asked about."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.asked: list[str] = []

    def __call__(self, ip: str) -> GeoResult | None:
        self.asked.append(ip)
        return lookup(self.reader, ip)


@pytest.fixture
def geo(tmp_path: Path) -> Iterator[CountingLookup]:
    reader = open_reader(write_mmdb(tmp_path / "city.mmdb"))
    yield CountingLookup(reader)
    reader.close()


def add_pending(engine: Engine, contact_id: int, *ips: str) -> None:
    with Session(engine) as session:
        for ip in ips:
            row = IpAddress(ip=ip)
            session.add(row)
            session.flush()
            session.add(ContactIp(contact_id=contact_id, ip_address_id=row.id, first_seen=T0, last_seen=T0))
        session.commit()


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(IpAddress.ip, IpAddress.lookup_status)).all())


def test_refresh_stores_found_unknown_and_private(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane = make_contact(engine, first_name="Jane")
    add_pending(engine, jane, LONDON, PARIS, SYDNEY_V6, UNKNOWN, "10.0.0.7", "127.0.0.1")
    summary = refresh_locations(engine, geo, now=T0)
    assert summary == RefreshSummary(looked_up=4, found=3, unknown=1, skipped_private=2)
    assert sorted(geo.asked) == sorted([LONDON, PARIS, SYDNEY_V6, UNKNOWN])  # private ones never asked
    assert statuses(engine) == {
        LONDON: "found",
        PARIS: "found",
        SYDNEY_V6: "found",
        UNKNOWN: "unknown",
        "10.0.0.7": "private",
        "127.0.0.1": "private",
    }
    with Session(engine) as session:
        london = session.exec(select(IpAddress).where(IpAddress.ip == LONDON)).scalar_one()
        assert (london.city, london.region, london.country, london.country_code) == (
            "London",
            "England",
            "United Kingdom",
            "GB",
        )
        assert (london.latitude, london.longitude, london.accuracy_radius_km) == (51.5142, -0.0931, 10)
        assert london.time_zone == "Europe/London"
        assert london.looked_up_at is not None
    assert {row.city for row in locations_for_contact(engine, jane)} == {"London", "", "Sydney"}


def test_second_refresh_looks_nothing_up_again(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane = make_contact(engine, first_name="Jane")
    add_pending(engine, jane, LONDON, UNKNOWN, "192.168.1.1")
    refresh_locations(engine, geo, now=T0)
    geo.asked.clear()
    assert refresh_locations(engine, geo, now=T0) == RefreshSummary()
    assert geo.asked == []
    assert statuses(engine)[UNKNOWN] == "unknown"


def test_refresh_all_looks_up_again_but_never_private(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane = make_contact(engine, first_name="Jane")
    add_pending(engine, jane, LONDON, UNKNOWN, "192.168.1.1")
    refresh_locations(engine, geo, now=T0)
    geo.asked.clear()
    summary = refresh_locations(engine, geo, now=T0, only_pending=False)
    assert summary == RefreshSummary(looked_up=2, found=1, unknown=1, skipped_private=1)
    assert sorted(geo.asked) == sorted([LONDON, UNKNOWN])


def test_refresh_all_clears_a_location_the_database_no_longer_knows(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, first_name="Jane")
    add_pending(engine, jane, LONDON)
    refresh_locations(engine, lambda ip: GeoResult(city="London", latitude=51.5, longitude=-0.1), now=T0)
    assert [row.city for row in locations_for_contact(engine, jane)] == ["London"]
    assert refresh_locations(engine, lambda ip: None, now=T0, only_pending=False).unknown == 1
    assert locations_for_contact(engine, jane) == []


def test_refresh_one_contact_leaves_others_pending(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane, john = make_contact(engine, first_name="Jane"), make_contact(engine, first_name="John")
    add_pending(engine, jane, LONDON)
    add_pending(engine, john, SYDNEY_V6)
    assert refresh_locations(engine, geo, contact_id=jane, now=T0).found == 1
    assert statuses(engine) == {LONDON: "found", SYDNEY_V6: "pending"}


def test_refresh_runs_in_batches(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, first_name="Jane")
    ips = [f"81.2.{i // 250}.{i % 250 + 1}" for i in range(BATCH_SIZE * 2 + 7)]
    add_pending(engine, jane, *ips)
    asked: list[str] = []
    summary = refresh_locations(engine, lambda ip: asked.append(ip) or None, now=T0)
    assert summary.looked_up == summary.unknown == len(ips)
    assert sorted(asked) == sorted(ips)


def test_a_failing_lookup_keeps_finished_batches(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, first_name="Jane")
    ips = [f"81.2.{i // 250}.{i % 250 + 1}" for i in range(BATCH_SIZE + 3)]
    add_pending(engine, jane, *ips)
    calls = 0

    def flaky(ip: str) -> None:
        nonlocal calls
        calls += 1
        if calls > BATCH_SIZE:
            raise RuntimeError("boom")
        return None

    with pytest.raises(RuntimeError):
        refresh_locations(engine, flaky, now=T0)
    counts = list(statuses(engine).values())
    assert counts.count("unknown") == BATCH_SIZE and counts.count("pending") == 3


def test_record_visit_geolocates_once_and_counts_hits(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane, john = make_contact(engine, first_name="Jane"), make_contact(engine, first_name="John")
    first = record_visit(engine, jane, LONDON, seen_at=T0, lookup=geo)
    again = record_visit(engine, jane, LONDON, seen_at=T0 + timedelta(days=2), lookup=geo)
    earlier = record_visit(engine, jane, LONDON, seen_at=T0 - timedelta(days=1), lookup=geo)
    other = record_visit(engine, john, LONDON, seen_at=T0, lookup=geo)
    assert first == again == earlier == other
    assert geo.asked == [LONDON]  # cached per IP, across contacts
    with Session(engine) as session:
        link = session.get(ContactIp, (jane, first))
        assert link is not None and link.hits == 3
        assert link.first_seen.replace(tzinfo=UTC) == T0 - timedelta(days=1)
        assert link.last_seen.replace(tzinfo=UTC) == T0 + timedelta(days=2)
    assert [row.city for row in locations_for_contact(engine, jane)] == ["London"]


def test_record_visit_unknown_private_and_deferred(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane = make_contact(engine, first_name="Jane")
    record_visit(engine, jane, UNKNOWN, seen_at=T0, lookup=geo)
    record_visit(engine, jane, UNKNOWN, seen_at=T0, lookup=geo)
    record_visit(engine, jane, "192.168.0.9", seen_at=T0, lookup=geo)
    record_visit(engine, jane, "::FFFF:81.2.69.1", seen_at=T0, lookup=None)
    assert geo.asked == [UNKNOWN]
    assert statuses(engine) == {UNKNOWN: "unknown", "192.168.0.9": "private", "81.2.69.1": "pending"}
    assert refresh_locations(engine, geo, now=T0).found == 1


def test_record_visit_refuses_a_non_address(engine: Engine, make_contact, geo: CountingLookup) -> None:
    jane = make_contact(engine, first_name="Jane")
    with pytest.raises(ValueError, match="is not an IP address"):
        record_visit(engine, jane, "not-an-ip", seen_at=T0, lookup=geo)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ip_address")).scalar() == 0
