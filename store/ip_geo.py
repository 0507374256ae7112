"""IP addresses' locations in the store: record a visit (geolocating a new IP once) and refresh pending ones.

`ip_address.lookup_status` is "pending" (never looked up), "found" (location fields set), "unknown" (the
database had no answer; remembered, not asked again) or "private" (private, loopback, reserved and the like:
never looked up). The lookup itself is a plain callable, so the store knows nothing of MaxMind.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, select, update

from store.db import writing
from store.dialect import insert
from store.models import ContactIp, IpAddress, table_of


class GeoLocation(Protocol):
    """What a lookup answers (e.g. `services.geoip.GeoResult`); the store does not import services.

    Its fields are read-only properties, so a frozen dataclass satisfies it.
    """

    @property
    def city(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def country_code(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...
    @property
    def accuracy_radius_km(self) -> int | None: ...
    @property
    def time_zone(self) -> str: ...


Lookup = Callable[[str], GeoLocation | None]

BATCH_SIZE = 500
PENDING, FOUND, UNKNOWN, PRIVATE = "pending", "found", "unknown", "private"

_ip = table_of(IpAddress)
_contact_ip = table_of(ContactIp)


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    looked_up: int = 0
    found: int = 0
    unknown: int = 0
    skipped_private: int = 0


def normalize_ip(ip: str) -> str:
    """The canonical text of an address (`2001:DB8:0::1` is `2001:db8::1`, `::ffff:1.2.3.4` is `1.2.3.4`);
    `ValueError` in one sentence if it is not one."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"{ip!r} is not an IP address.") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return address.compressed


def is_public(ip: str) -> bool:
    """Whether the address is a valid, globally routed one worth looking up (not private, loopback, reserved,
    link-local, multicast, shared or unspecified); `services.geoip.is_public` is this one."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except (ValueError, AttributeError):
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_reserved
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
    )


_NO_LOCATION: dict[str, Any] = {
    "city": "",
    "region": "",
    "country": "",
    "country_code": "",
    "latitude": None,
    "longitude": None,
    "accuracy_radius_km": None,
    "time_zone": "",
}


def _values(ip: str, lookup: Lookup, now: datetime) -> dict[str, Any]:
    """The ip_address columns to set after deciding about `ip` (without looking up a private one)."""
    if not is_public(ip):
        return {**_NO_LOCATION, "lookup_status": PRIVATE, "looked_up_at": now}
    result = lookup(ip)
    if result is None:  # a location from an earlier lookup is cleared: the status says what the fields mean
        return {**_NO_LOCATION, "lookup_status": UNKNOWN, "looked_up_at": now}
    return {
        "city": result.city,
        "region": result.region,
        "country": result.country,
        "country_code": result.country_code,
        "latitude": result.latitude,
        "longitude": result.longitude,
        "accuracy_radius_km": result.accuracy_radius_km,
        "time_zone": result.time_zone,
        "lookup_status": FOUND,
        "looked_up_at": now,
    }


def refresh_locations(
    engine: Engine,
    reader_lookup: Lookup,
    *,
    contact_id: int | None = None,
    now: datetime,
    only_pending: bool = True,
) -> RefreshSummary:
    """Geolocate the IP addresses of one contact (or of everyone) not looked up yet, or all of them again
    with `only_pending=False`. Private and reserved addresses are marked "private" without a lookup; an
    address the database does not know is remembered as "unknown". Works in transactions of 500 addresses.
    """
    now = now.astimezone(UTC)
    looked_up = found = unknown = private = 0
    last_id = 0
    while True:
        query = select(_ip.c.id, _ip.c.ip).where(_ip.c.id > last_id).order_by(_ip.c.id).limit(BATCH_SIZE)
        if only_pending:
            query = query.where(_ip.c.lookup_status == PENDING)
        if contact_id is not None:
            linked = select(_contact_ip.c.ip_address_id).where(_contact_ip.c.contact_id == contact_id)
            query = query.where(_ip.c.id.in_(linked))
        with writing(engine) as conn:
            rows = conn.execute(query).all()
            for row in rows:
                values = _values(row.ip, reader_lookup, now)
                conn.execute(update(_ip).where(_ip.c.id == row.id).values(**values))
                status = values["lookup_status"]
                if status == PRIVATE:
                    private += 1
                    continue
                looked_up += 1
                if status == FOUND:
                    found += 1
                else:
                    unknown += 1
        if len(rows) < BATCH_SIZE:
            break
        last_id = rows[-1].id
    return RefreshSummary(looked_up=looked_up, found=found, unknown=unknown, skipped_private=private)


def ensure_ip(conn: Connection, ip: str) -> tuple[int, str]:
    """The id and lookup status of the address row for `ip` (already normalised), added blank if missing."""
    blank = {"city": "", "region": "", "country": "", "country_code": "", "time_zone": "", "lookup_status": PENDING}
    conn.execute(insert(conn, _ip).values(ip=ip, **blank).on_conflict_do_nothing(index_elements=[_ip.c.ip]))
    row = conn.execute(select(_ip.c.id, _ip.c.lookup_status).where(_ip.c.ip == ip)).one()
    return row.id, row.lookup_status
