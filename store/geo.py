"""Where a contact has been: their IP addresses' known locations, one row per place, newest first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, text

from store.tables import Columns, table

_IP = Columns("IpAddress")
_SEEN = Columns("ContactIp")


# Usable coordinates (BETWEEN is never true for NULL). SQL text, so `has_locations`, asked before the contact
# page first paints, needs no model classes (see store.tables).
_VALID_COORDINATES = "ip_address.latitude BETWEEN -90 AND 90 AND ip_address.longitude BETWEEN -180 AND 180"


@dataclass(frozen=True, slots=True)
class LocationRow:
    """One place the contact was seen, with the IP addresses seen there; `distance_km` is from the place
    seen before it (the next row, as rows run newest first), None for the first place."""

    city: str
    region: str
    country: str
    latitude: float
    longitude: float
    ips: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    distance_km: float | None = None


@dataclass(slots=True)
class _Place:
    ips: list[str]
    first_seen: datetime
    last_seen: datetime


def _valid(lat: float | None, lon: float | None) -> bool:
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def locations_for_contact(engine: Engine, contact_id: int) -> list[LocationRow]:
    """The contact's distinct locations (city, region, country and coordinates), newest `last_seen` first.

    IP addresses without coordinates, or with coordinates out of range, are left out rather than shown at
    (0, 0). Distances are geodesic (WGS-84), from each place to the one seen before it.
    """
    query = (
        select(_IP.ip, _IP.city, _IP.region, _IP.country, _IP.latitude, _IP.longitude)
        .add_columns(_SEEN.first_seen, _SEEN.last_seen)
        .select_from(table("IpAddress"))
        .join(table("ContactIp"), _SEEN.ip_address_id == _IP.id)
        .where(_SEEN.contact_id == contact_id, text(_VALID_COORDINATES))
        .order_by(_IP.ip)
    )
    places: dict[tuple[str, str, str, float, float], _Place] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            if not _valid(row.latitude, row.longitude):
                continue
            key = (row.city, row.region, row.country, round(row.latitude, 4), round(row.longitude, 4))
            place = places.setdefault(key, _Place([], row.first_seen, row.last_seen))
            place.ips.append(row.ip)
            place.first_seen = min(place.first_seen, row.first_seen)
            place.last_seen = max(place.last_seen, row.last_seen)
    in_time_order = sorted(places.items(), key=lambda item: (item[1].last_seen, item[1].first_seen, item[0]))
    rows: list[LocationRow] = []
    previous: tuple[float, float] | None = None
    for (city, region, country, lat, lon), place in in_time_order:
        rows.append(
            LocationRow(
                city=city,
                region=region,
                country=country,
                latitude=lat,
                longitude=lon,
                ips=tuple(place.ips),
                first_seen=place.first_seen,
                last_seen=place.last_seen,
                distance_km=None if previous is None else _distance_km(previous, (lat, lon)),
            )
        )
        previous = (lat, lon)
    rows.reverse()
    return rows


def _distance_km(start: tuple[float, float], end: tuple[float, float]) -> float:
    from geopy.distance import geodesic  # deferred: only needed once there are two places

    return geodesic(start, end).km


def has_locations(engine: Engine, contact_id: int) -> bool:
    """Whether the contact has at least one IP address with usable coordinates (decides the Map tab)."""
    query = text(
        "SELECT EXISTS (SELECT 1 FROM contact_ip JOIN ip_address ON ip_address.id = contact_ip.ip_address_id"
        f" WHERE contact_ip.contact_id = :contact AND {_VALID_COORDINATES})"
    )
    with engine.connect() as conn:
        return bool(conn.execute(query, {"contact": contact_id}).scalar())
