"""`services.geoip`: opening City databases (and refusing others in one sentence), public addresses, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.geoip import (
    GeoIpError,
    GeoResult,
    database_note,
    embedded_database_path,
    is_public,
    lookup,
    open_reader,
)
from tests.mmdb_fixture import LONDON, PARIS, SYDNEY_V6, UNKNOWN, write_mmdb


@pytest.fixture
def mmdb(tmp_path: Path) -> Path:
    return write_mmdb(tmp_path / "city.mmdb")


def one_sentence(message: str) -> bool:
    return message.endswith(".") and "\n" not in message and "Traceback" not in message


def test_known_addresses_resolve_with_english_names(mmdb: Path) -> None:
    reader = open_reader(str(mmdb))
    try:
        assert lookup(reader, LONDON) == GeoResult(
            city="London",
            region="England",
            country="United Kingdom",
            country_code="GB",
            latitude=51.5142,
            longitude=-0.0931,
            accuracy_radius_km=10,
            time_zone="Europe/London",
        )
        paris = lookup(reader, PARIS)
        assert paris is not None and (paris.city, paris.country, paris.country_code) == ("", "France", "FR")
        sydney = lookup(reader, SYDNEY_V6)
        assert sydney is not None and sydney.city == "Sydney" and sydney.latitude == pytest.approx(-33.8591)
        mapped = lookup(reader, f"::ffff:{LONDON}")
        assert mapped is not None and mapped.city == "London"
    finally:
        reader.close()


def test_unknown_private_and_invalid_addresses_give_none(mmdb: Path) -> None:
    with open_reader(mmdb) as reader:
        for ip in (UNKNOWN, "10.1.2.3", "127.0.0.1", "192.168.0.1", "::1", "fe80::1", "not an ip", ""):
            assert lookup(reader, ip) is None, ip


def test_ipv6_address_in_an_ipv4_database_is_unknown(tmp_path: Path) -> None:
    with open_reader(write_mmdb(tmp_path / "v4.mmdb", ip_version=4)) as reader:
        assert lookup(reader, LONDON) is not None
        assert lookup(reader, SYDNEY_V6) is None


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("81.2.69.160", True),
        ("2001:218:1::1", True),
        (" 8.8.8.8 ", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.1.1", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("100.64.0.1", False),  # carrier-grade NAT: not global
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:81.2.69.160", True),
        ("999.1.1.1", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_public(ip: str, public: bool) -> None:
    assert is_public(ip) is public


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(GeoIpError) as caught:
        open_reader(str(tmp_path / "nope.mmdb"))
    assert "does not exist" in str(caught.value) and one_sentence(str(caught.value))


def test_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(GeoIpError, match="is a folder") as caught:
        open_reader(str(tmp_path))
    assert one_sentence(str(caught.value))


@pytest.mark.parametrize("content", [b"", b"this is not a database\n" * 100, bytes(range(256)) * 40])
def test_corrupt_file_is_one_sentence(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "corrupt.mmdb"
    path.write_bytes(content)
    with pytest.raises(GeoIpError, match=r"not a MaxMind \.mmdb database") as caught:
        open_reader(str(path))
    assert one_sentence(str(caught.value))


def test_truncated_database_is_one_sentence(mmdb: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.mmdb"
    path.write_bytes(mmdb.read_bytes()[:40])
    with pytest.raises(GeoIpError) as caught:
        open_reader(str(path))
    assert one_sentence(str(caught.value))


def test_country_database_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = write_mmdb(tmp_path / "country.mmdb", database_type="GeoLite2-Country")
    with pytest.raises(GeoIpError, match="GeoLite2-Country database, not a City one") as caught:
        open_reader(str(path))
    assert one_sentence(str(caught.value))


def test_no_database_configured_nor_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("services.geoip.embedded_database_path", lambda: None)
    with pytest.raises(GeoIpError, match=r"No GeoIP database is configured; set geo\.mmdb_path") as caught:
        open_reader(None)
    assert one_sentence(str(caught.value))


def test_note_names_the_database_and_flags_the_embedded_one(mmdb: Path) -> None:
    with open_reader(mmdb) as reader:
        assert database_note(reader).startswith("GeoLite2-City database built ")
        assert "2018" in database_note(reader, embedded=True)


@pytest.mark.skipif(embedded_database_path() is None, reason="maxminddb-geolite2 is not installed")
def test_embedded_database_resolves_public_and_skips_private() -> None:
    with open_reader(None) as reader:
        assert reader.metadata().database_type == "GeoLite2-City"
        london = lookup(reader, LONDON)
        assert london is not None and london.country_code == "GB" and london.latitude is not None
        assert lookup(reader, "192.168.1.1") is None
