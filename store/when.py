"""Local time: reading a date someone typed ("tomorrow 14:00") and the viewer's days as UTC ranges.

A zone is a `tzinfo` (a `zoneinfo.ZoneInfo` follows DST changes) or None for the system's time zone,
which the C library knows the DST rules of.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from plain.errors import UserError

DEFAULT_TIME = time(9, 0)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {
    **{name: n for n, name in enumerate(WEEKDAYS)},
    **{name: n for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"))},
    "sunday": 6,
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}
_TIME = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?"
_TRAILING_TIME = re.compile(rf"(?:^|[\st]|\sat\s){_TIME}$")
_ISO_DATE = re.compile(r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})")
_IN = re.compile(r"in (?P<count>\d{1,4}) (?P<unit>days?|weeks?)")
HELP = "use YYYY-MM-DD HH:MM, today, tomorrow 14:00, fri 9:30 or in 3 days"


class WhenInvalid(UserError, ValueError):
    """Typed text is not a date and time; the message is one sentence for the user."""


def zone_of(now: datetime) -> tzinfo | None:
    """The zone `now` was read in; None (the system zone, with its DST rules) when `now` carries only the
    system zone's current offset, as `datetime.now().astimezone()` does."""
    tz = now.tzinfo
    if tz is None or (isinstance(tz, timezone) and now.astimezone().utcoffset() == now.utcoffset()):
        return None
    return tz


def to_local(moment: datetime, zone: tzinfo | None) -> datetime:
    """An aware datetime in the zone (None: the system zone)."""
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def localize(wall: datetime, zone: tzinfo | None) -> datetime:
    """A naive local wall-clock time as aware UTC. A time the clocks skip raises `WhenInvalid`; a time
    that happens twice (clocks going back) means the first one."""
    moment = wall.replace(tzinfo=zone) if zone is not None else wall.astimezone()
    moment = moment.astimezone(UTC)
    if to_local(moment, zone).replace(tzinfo=None) != wall:
        raise WhenInvalid(
            f"{wall:%H:%M} does not exist on {wall:%Y-%m-%d} in your time zone (the clocks go forward); "
            "choose another time."
        )
    return moment


def local_midnight(day: date, zone: tzinfo | None) -> datetime:
    """The start of a local day as aware UTC (the first instant of the day, even on a DST change).

    At the ends of the calendar (1 January of year 1 east of UTC, the last days of 9999 west of it) the
    instant is outside what a datetime holds: the first or last instant there is stands in for it.
    """
    wall = datetime.combine(day, time())
    try:
        try:
            return localize(wall, zone)
        except WhenInvalid:
            # Some zones skip midnight itself; the day then starts at the first minute that exists.
            return localize(wall + timedelta(hours=1), zone)
    except WhenInvalid:
        raise
    except (OverflowError, OSError, ValueError):  # ValueError: "year 0 is out of range"
        return datetime.min.replace(tzinfo=UTC) if day.year == 1 else datetime.max.replace(tzinfo=UTC)


def parse_when_text(text: str, *, now: datetime) -> datetime | None:
    """Read a date and time typed in the viewer's local time; returns aware UTC, or None when blank.

    Accepts `YYYY-MM-DD HH:MM`, `YYYY-MM-DD` (09:00), `today`, `tomorrow`, `yesterday`, a weekday
    (`mon`..`sun` or the full name: the next such day, a week ahead on that day itself), `in 3 days`,
    `in 2 weeks`, each optionally followed by a time (`14:00`, `9:30`, `2pm`), a time alone (today), and
    `now`. `now` is the viewer's aware local time. Raises `WhenInvalid` with one sentence.
    """
    typed = " ".join(text.split())
    spoken = typed.lower()
    if not spoken:
        return None
    if spoken == "now":
        return now.astimezone(UTC).replace(second=0, microsecond=0)
    zone = zone_of(now)
    today = to_local(now, zone).date()
    at = DEFAULT_TIME
    match = _TRAILING_TIME.search(spoken)
    if match and (match["minute"] or match["ampm"]):
        at = _time(match, typed)
        spoken = spoken[: match.start()].strip()
    day = _day(spoken, today, typed)
    try:
        return localize(datetime.combine(day, at), zone)
    except WhenInvalid:
        raise
    except (OverflowError, OSError, ValueError):
        raise WhenInvalid(f"{_quoted(typed)} is too near the end of the calendar; choose a nearer date.") from None


def _quoted(typed: str) -> str:
    return repr(typed if len(typed) <= 40 else typed[:39] + "…")


def _time(match: re.Match[str], typed: str) -> time:
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise WhenInvalid(f"Could not read {_quoted(typed)}: with am or pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenInvalid(f"Could not read {_quoted(typed)}: a time is 00:00 to 23:59.")
    return time(hour, minute)


def _day(spoken: str, today: date, typed: str) -> date:
    spoken = spoken.removeprefix("next ")
    try:
        if spoken in ("", "today", "tomorrow", "yesterday"):
            return today + timedelta(days=_RELATIVE.get(spoken, 0))
        if spoken in _WEEKDAY_NAMES:
            ahead = (_WEEKDAY_NAMES[spoken] - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead)
        if found := _IN.fullmatch(spoken):
            days = int(found["count"]) * (7 if found["unit"].startswith("week") else 1)
            return today + timedelta(days=days)
        if found := _ISO_DATE.fullmatch(spoken):
            year, month, day = int(found["year"]), int(found["month"]), int(found["day"])
            try:
                return date(year, month, day)
            except ValueError:
                raise WhenInvalid(
                    f"There is no {year:04}-{month:02}-{day:02} in the calendar; check the month and day."
                ) from None
    except OverflowError:
        pass
    raise WhenInvalid(f"Could not read {_quoted(typed)} as a date; {HELP}.")
