"""Where a contact has been: their IP addresses' known locations, one row per place, newest first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, exists, select
from sqlmodel import col

from store.models import ContactIp, IpAddress

_VALID_COORDINATES = and_(
    col(IpAddress.latitude).is_not(None),
    col(IpAddress.longitude).is_not(None),
    col(IpAddress.latitude).between(-90, 90),
    col(IpAddress.longitude).between(-180, 180),
)


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
        select(
            col(IpAddress.ip),
            col(IpAddress.city),
            col(IpAddress.region),
            col(IpAddress.country),
            col(IpAddress.latitude),
            col(IpAddress.longitude),
            col(ContactIp.first_seen),
            col(ContactIp.last_seen),
        )
        .join(ContactIp, col(ContactIp.ip_address_id) == IpAddress.id)
        .where(col(ContactIp.contact_id) == contact_id, _VALID_COORDINATES)
        .order_by(IpAddress.ip)
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
    query = select(
        exists().where(
            col(ContactIp.contact_id) == contact_id,
            col(ContactIp.ip_address_id) == IpAddress.id,
            _VALID_COORDINATES,
        )
    )
    with engine.connect() as conn:
        return bool(conn.execute(query).scalar())
