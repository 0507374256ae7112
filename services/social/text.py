"""Turning what networks send into plain data: timestamps to aware datetimes, counts to ints (HTML to text is
`plain.html`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive ones are taken as UTC), or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def count(value: Any) -> int | None:
    """A non-negative count, or None when the network sent something else."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def string(value: Any) -> str:
    """A string field, or "" when the network sent something else."""
    return value if isinstance(value, str) else ""


def mapping(value: Any) -> dict[str, Any]:
    """An object field, or {} when the network sent something else."""
    return value if isinstance(value, dict) else {}
