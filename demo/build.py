"""The demo database: a realistic, deterministic marketing CRM built in a few seconds.

Everything is generated in memory from one seed first, then written with bulk INSERTs in one transaction,
so the same seed and the same `now` always give the same rows.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine

from demo.events import ENGAGEMENT, ActivityMaker, Row, make_blasts
from demo.links import LinkMaker
from demo.people import DAY, SPAN, PeopleMaker, Person
from demo.texts import CAMPAIGNS, SEGMENTS, TEMPLATES
from plain.errors import UserError
from plain.words import plural
from store.db import DatabaseError, db_time, open_database
from store.fts import APPLICATION_ID
from store.normalize import normalize_email
from store.phones import normalize_phone

SIBLINGS = ("-wal", "-shm", "-journal")
# The SQLite header's user version of a database `build_demo` made ("DEMO"): only such a file is replaced
# by `--force`. Dossier's own schema never sets the user version.
DEMO_MARK = 0x44454D4F


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


# The bulk INSERTs' columns; the generators build tuples in these orders. Times are epoch seconds
# until `_write` turns them into SQLAlchemy's text form.
COLUMNS: dict[str, tuple[str, ...]] = {
    "contact": _columns(
        "id firstname lastname email email_normalized phone phone_e164 company position address1 address2 city "
        "region zipcode country website points stage owner tags avatar_source date_added date_modified "
        "last_active custom_fields"
    ),
    "segment": _columns("id name alias description is_published created_at"),
    "campaign": _columns("id name description is_published created_at"),
    "email_template": _columns("id name subject body_text body_html created_at"),
    "ip_address": _columns(
        "id ip city region country country_code latitude longitude accuracy_radius_km time_zone lookup_status "
        "looked_up_at"
    ),
    "segment_membership": _columns("segment_id contact_id date_added manually_added manually_removed"),
    "campaign_membership": _columns(
        "campaign_id contact_id date_added manually_added manually_removed date_last_exited"
    ),
    "contact_ip": _columns("contact_id ip_address_id first_seen last_seen hits"),
    "social_profile": _columns("contact_id network handle profile feed status"),
    "note": _columns("contact_id type text date_time author created_at updated_at version"),
    "do_not_contact": _columns("contact_id channel reason comments date_added"),
    "event": _columns("contact_id type occurred_at label details points_delta actor"),
}
TIME_COLUMNS = {"date_added", "date_modified", "last_active", "created_at", "updated_at", "looked_up_at"}
TIME_COLUMNS |= {"occurred_at", "first_seen", "last_seen", "date_time", "date_last_exited"}
TIMES = {name: tuple(i for i, col in enumerate(cols) if col in TIME_COLUMNS) for name, cols in COLUMNS.items()}


class DemoExists(UserError):
    """The demo database file is already there and `force` was not given; the message is for the user."""


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    contacts: int
    events: int
    notes: int
    seconds: float


def build_demo(
    path: Path,
    *,
    contacts: int = 1000,
    seed: int = 42,
    force: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Build a demo database at `path` with `contacts` people and their history, relative to `now`.

    Refuses to touch an existing file unless `force`, and even then replaces only a database that
    `build_demo` made (it carries `DEMO_MARK`): never a user's CRM, another program's file or a text file.
    The new database is built beside `path` and takes its place only once complete, so a failed build
    leaves the old file as it was. The same `seed` and `now` always give the same rows.
    """
    started = time.perf_counter()
    path = Path(path).expanduser().absolute()
    say = progress or (lambda _message: None)
    if contacts < 0:
        raise ValueError("The number of contacts cannot be negative.")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file.")
    if path.exists() or path.is_symlink():
        if not force:
            raise DemoExists(f"{path} already exists; pass --force to replace it.")
        _check_replaceable(path)
    moment = _minute(now)
    say(f"Generating {plural(contacts, 'contact')} and their history…")
    tables = generate(contacts, seed, int(moment.timestamp()))
    say("Creating the database…")
    building = path.with_name(f".{path.name}.{secrets.token_hex(4)}.building")
    try:
        engine = open_database(building, create=True)
        try:
            say(f"Writing {plural(len(tables['event']), 'event')}…")
            _write(engine, tables)
        finally:
            engine.dispose()
        # The old database's write-ahead log must not be applied to the new file: it goes first.
        _remove_siblings(path)
        os.replace(building, path)
    except BaseException:
        # Never leave a half-built demo behind: the next run would open it as if it were complete.
        _remove_siblings(building)
        building.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    say(f"Done in {seconds:.1f} s.")
    return DemoSummary(path, len(tables["contact"]), len(tables["event"]), len(tables["note"]), seconds)


def is_demo(path: Path) -> bool:
    """Whether the file is a database that `build_demo` made (its SQLite header carries `DEMO_MARK`)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return False
    try:
        marks = conn.execute("PRAGMA application_id").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return marks == (APPLICATION_ID, DEMO_MARK)


def _check_replaceable(path: Path) -> None:
    if path.is_symlink() or not path.is_file():
        raise DatabaseError(f"{path} is not a regular file; --force replaces only a demo database.")
    if not is_demo(path):
        raise DatabaseError(
            f"{path} is not a demo database that `dossier demo` built, so --force leaves it alone; "
            "choose another --db for the demo."
        )


def _remove_siblings(path: Path) -> None:
    for suffix in SIBLINGS:
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _minute(now: datetime | None) -> datetime:
    moment = datetime.now(UTC) if now is None else now
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(second=0, microsecond=0)


def generate(contacts: int, seed: int, now: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in memory; all randomness comes from `seed`."""
    rng = random.Random(seed)
    people = PeopleMaker(rng, seed, now).people(contacts)
    activity = ActivityMaker(rng, now, make_blasts(rng, now))
    links = LinkMaker(activity)
    events: list[Row] = []
    for person in people:
        rows = activity.events(person)
        links.add(person, rows)
        _settle(person, rows, rng, now)
        events.extend(rows)
    # Ids follow time, as in a live system; ties keep the order they were generated in.
    events.sort(key=itemgetter(2))
    created = now - SPAN - 45 * DAY
    tables: dict[str, list[tuple[Any, ...]]] = dict(links.tables)
    tables["contact"] = [_contact_row(p) for p in people]
    tables["segment"] = [
        (n + 1, name, name.lower().replace(" ", "-"), text, published, created + n * DAY)
        for n, (name, text, published) in enumerate(SEGMENTS)
    ]
    tables["campaign"] = [
        (n + 1, name, text, published, created + n * 3 * DAY) for n, (name, text, published) in enumerate(CAMPAIGNS)
    ]
    tables["email_template"] = [(n + 1, *template, created - n * DAY) for n, template in enumerate(TEMPLATES)]
    tables["event"] = events
    return tables


def _settle(p: Person, rows: list[Row], rng: random.Random, now: int) -> None:
    """Points are the sum of the point events; last active is the newest thing the person did."""
    p.points = sum(row[5] for row in rows if row[5] is not None)
    p.last_active = max((row[2] for row in rows if row[1] in ENGAGEMENT), default=None)
    p.modified = max(p.modified, p.added + int((now - p.added) * rng.random() ** 2))


def _e164(p: Person) -> str | None:
    return normalize_phone(p.phone, p.city.country_code) if p.phone else None


def _contact_row(p: Person) -> tuple[Any, ...]:
    return (
        *(p.id, p.firstname, p.lastname, p.email, normalize_email(p.email), p.phone, _e164(p), p.company, p.position),
        *(p.address1, "", p.city.name, p.city.region, p.zipcode, p.city.country, p.website, p.points, p.stage),
        *(p.owner, json.dumps(p.tags), "gravatar", p.added, p.modified, p.last_active, json.dumps(p.custom_fields)),
    )


def _texts(rows: Iterable[tuple[Any, ...]], columns: tuple[int, ...]) -> Iterable[list[Any]]:
    """Rows with their epoch-second times (at `columns`) in SQLAlchemy's text form.

    `db_time` formats each day once and the time of day is plain arithmetic (every demo time is a whole
    second): strftime on each of the ~160,000 times of the default demo cost half a second.
    """
    days: dict[int, str] = {}
    for row in rows:
        values = list(row)
        for column in columns:
            ts = values[column]
            if ts is not None:
                day, second = divmod(ts, DAY)
                if day not in days:
                    days[day] = db_time(datetime.fromtimestamp(day * DAY, UTC))[:11]
                values[column] = f"{days[day]}{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000000"
        yield values


def _write(engine: Engine, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    raw = engine.raw_connection()
    try:
        # The demo is a SQLite file; sqlite3's executemany takes the rows as they are made, not a whole list.
        cursor = cast(sqlite3.Cursor, raw.cursor())
        # A brand-new file, deleted if anything fails, needs no write-ahead log while loading: each page is
        # written once, instead of to the WAL and again at the checkpoint.
        cursor.execute("PRAGMA journal_mode = DELETE")
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.execute("BEGIN")
        for name, columns in COLUMNS.items():
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"
            cursor.executemany(sql, _texts(tables[name], TIMES[name]))
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
        cursor.execute(f"PRAGMA user_version = {DEMO_MARK}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    finally:
        raw.close()
