"""A tiny GeoLite2-City-shaped `.mmdb` written with `mmdb_writer`, for the geolocation tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LONDON = "81.2.69.160"
PARIS = "2.125.160.216"
SYDNEY_V6 = "2001:218:1::1"
UNKNOWN = "8.8.8.8"  # public, but not in the tiny database


def _city(city: str, region: str, country: str, code: str, lat: float, lon: float, radius: int, tz: str) -> Any:
    return {
        "city": {"geoname_id": 1, "names": {"en": city, "de": city + "-de"}},
        "subdivisions": [{"iso_code": "X", "names": {"en": region}}],
        "country": {"iso_code": code, "names": {"en": country, "fr": country + "-fr"}},
        "location": {"latitude": lat, "longitude": lon, "accuracy_radius": radius, "time_zone": tz},
    }


def write_mmdb(path: Path, *, database_type: str = "GeoLite2-City", ip_version: int = 6) -> Path:
    """Write the tiny database to `path`: London, Paris (a country-level record) and Sydney (IPv6)."""
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(
        ip_version=ip_version, ipv4_compatible=ip_version == 6, database_type=database_type, languages=["en"]
    )
    london = _city("London", "England", "United Kingdom", "GB", 51.5142, -0.0931, 10, "Europe/London")
    writer.insert_network(IPSet(["81.2.69.0/24"]), london)
    writer.insert_network(
        IPSet(["2.125.160.0/24"]),
        {
            "country": {"iso_code": "FR", "names": {"en": "France"}},
            "location": {"latitude": 46.0, "longitude": 2.0, "accuracy_radius": 500, "time_zone": "Europe/Paris"},
        },
    )
    if ip_version == 6:
        sydney = _city("Sydney", "New South Wales", "Australia", "AU", -33.8591, 151.2002, 50, "Australia/Sydney")
        writer.insert_network(IPSet(["2001:218::/32"]), sydney)
    writer.to_db_file(str(path))
    return path
