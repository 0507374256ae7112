"""IP geolocation from a MaxMind City database (`.mmdb`): open it, tell public from private addresses, look up.

The database is the configured `geo.mmdb_path`, else the one embedded in the optional `maxminddb-geolite2`
package (a GeoLite2 City database from 2018: old, so `database_note` says so). Every failure to open one is
a `GeoIpError` whose message is one sentence for the user.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from plain.errors import UserError
from store.ip_geo import is_public

if TYPE_CHECKING:
    from maxminddb.reader import Reader

__all__ = ["GeoIpError", "GeoResult", "database_note", "is_public", "lookup", "open_reader"]

EMBEDDED_PACKAGE = "maxminddb-geolite2"


class GeoIpError(UserError):
    """The GeoIP database is missing, unreadable or of the wrong kind; the message is one sentence."""


@dataclass(frozen=True, slots=True)
class GeoResult:
    """What a City database knows about one IP address; empty text or None where it knows nothing."""

    city: str = ""
    region: str = ""
    country: str = ""
    country_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accuracy_radius_km: int | None = None
    time_zone: str = ""


def embedded_database_path() -> str | None:
    """The path of the GeoLite2 City database shipped by `maxminddb-geolite2`, if that package is installed."""
    try:
        from _maxminddb_geolite2 import geolite2_database
    except ImportError:
        return None
    path = geolite2_database()
    return path if os.path.isfile(path) else None


def open_reader(path: str | os.PathLike[str] | None) -> Reader:
    """A reader on the City database at `path`, else on the embedded one; `GeoIpError` if there is none usable."""
    import maxminddb

    if path:
        path = os.path.expanduser(os.fspath(path))
        origin = str(path)
    else:
        path = embedded_database_path()
        if path is None:
            raise GeoIpError(
                "No GeoIP database is configured; set geo.mmdb_path to a GeoLite2 or GeoIP2 City .mmdb file "
                f"(or install the {EMBEDDED_PACKAGE} package for an old, 2018 database)."
            )
        origin = f"The embedded {EMBEDDED_PACKAGE} database"
    if os.path.isdir(path):
        raise GeoIpError(f"{origin} is a folder; point geo.mmdb_path at a City .mmdb file.")
    try:
        reader = maxminddb.open_database(path)
    except FileNotFoundError as exc:
        raise GeoIpError(f"{origin} does not exist; point geo.mmdb_path at a City .mmdb file.") from exc
    except OSError as exc:
        raise GeoIpError(f"{origin} cannot be read: {exc.strerror or exc}.") from exc
    except (maxminddb.InvalidDatabaseError, ValueError) as exc:
        raise GeoIpError(f"{origin} is not a MaxMind .mmdb database, or it is corrupt.") from exc
    kind = str(reader.metadata().database_type or "")
    if "city" not in kind.casefold():
        reader.close()
        raise GeoIpError(
            f"{origin} is a {kind or 'untyped'} database, not a City one; use a GeoLite2 or GeoIP2 City .mmdb file."
        )
    return reader


def database_built(reader: Reader) -> datetime:
    """When the database was built (UTC)."""
    return datetime.fromtimestamp(reader.metadata().build_epoch, UTC)


def database_note(reader: Reader, *, embedded: bool = False) -> str:
    """One line naming the database and its age; `embedded` adds that the packaged 2018 data may be out of date."""
    note = f"{reader.metadata().database_type} database built {database_built(reader):%Y-%m-%d}"
    if embedded:
        note += f" (the embedded {EMBEDDED_PACKAGE} data, from 2018: locations may be out of date)"
    return note


def lookup(reader: Reader, ip: str) -> GeoResult | None:
    """What the database knows of `ip` (English names), or None: unknown to it, not public, or not an address."""
    import maxminddb

    if not is_public(ip):
        return None
    address = ipaddress.ip_address(ip.strip())
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:a.b.c.d is the IPv4 address, whatever the database aliases
    try:
        record = reader.get(address)
    except ValueError:  # an IPv6 address in an IPv4-only database, or not an address after all
        return None
    except maxminddb.InvalidDatabaseError as exc:
        raise GeoIpError("The GeoIP database is corrupt; replace the .mmdb file.") from exc
    if not isinstance(record, dict):
        return None
    return _result(record)


def _result(record: dict[str, Any]) -> GeoResult | None:
    country = _dict(record.get("country")) or _dict(record.get("registered_country"))
    location = _dict(record.get("location"))
    subdivisions = record.get("subdivisions")
    region = _dict(subdivisions[0]) if isinstance(subdivisions, list) and subdivisions else {}
    result = GeoResult(
        city=_name(record.get("city")),
        region=_name(region),
        country=_name(country),
        country_code=str(country.get("iso_code") or ""),
        latitude=_float(location.get("latitude")),
        longitude=_float(location.get("longitude")),
        accuracy_radius_km=_int(location.get("accuracy_radius")),
        time_zone=str(location.get("time_zone") or ""),
    )
    if not (result.country or result.country_code or result.city) and result.latitude is None:
        return None
    return result


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str:
    names = _dict(_dict(value).get("names"))
    name = names.get("en")
    return name if isinstance(name, str) else ""


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
