"""How times are shown: relative when recent, a date otherwise, always in local time."""

from __future__ import annotations

from datetime import datetime


def relative(when: datetime | None, now: datetime) -> str:
    """'just now', '5 min ago', '3 h ago', '4 d ago', else the local date."""
    if when is None:
        return "never"
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return when.astimezone(now.tzinfo).strftime("%Y-%m-%d")
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 86400 * 30:
        return f"{int(seconds // 86400)} d ago"
    return when.astimezone(now.tzinfo).strftime("%Y-%m-%d")


def local_date(when: datetime | None, now: datetime) -> str:
    """A date in the viewer's time zone, or an em dash."""
    return when.astimezone(now.tzinfo).strftime("%Y-%m-%d") if when else "—"
