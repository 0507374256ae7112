"""Benchmark databases: up to millions of realistic contacts and events, the same for the same seed.

    python -m bench.generate --db /tmp/bench.db --contacts 1000000 --events 10000000 [--seed 1] [--force]

The schema is the store's own, made by its migrations (`open_database`). The rows are then bulk-loaded with
the plain sqlite3 driver, without a journal and without the secondary indexes and full-text triggers, which
are recreated afterwards from the very SQL the migrations wrote; the full-text indexes are rebuilt and the
query planner's statistics gathered (ANALYZE), as `dossier demo` does. Python makes the rows in a child process
while SQLite writes them in this one: the two halves take about as long as each other. A million contacts
and ten million events take about 80 s on two cores, 3 GB of memory and 4.8 GB of disk.

The data, relative to a fixed NOW (2026-11-20 12:00 UTC), so every run with the same arguments is the same:
- Events are one stream over the 18 months before NOW, in time order (ids follow time, as in a live system),
  twice as dense at the end as at the start, as a growing business's would be. Visits are bursts of page hits,
  sometimes ending in a form or a download; emails are sent, a third opened; points, stage changes and watched
  videos come in between. Each contact's first event is `lead.create` at its `date_added`.
- Contacts 1..H are the heavy ones (see `plan_heavy`), created first and busy until NOW; contact 1 is the
  busiest. The other contacts arrive one after another over the whole stream, so ids follow `date_added`;
  each has a long-tail (log-normal) weight for returning, so early arrivals have long histories and late
  ones a few events. One in eight never does anything: no events, no `last_active`.
- `last_active` is a contact's newest event, `points` the sum of its point changes, `stage` its last stage
  change, `date_modified` its last creation, stage or points change. A few notes, segment memberships and
  do-not-contact entries come with the contacts.
"""

from __future__ import annotations

import argparse
import json
import marshal
import math
import multiprocessing
import random
import re
import sqlite3
import sys
import time
import traceback
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = 86_400
SPAN = 548 * DAY  # eighteen months, as in the demo database
SIBLINGS = ("-wal", "-shm", "-journal")
CHUNK = 100_000  # events per executemany (and per message from the child process)
LONGEST_SESSION = 256  # events; sessions never straddle more than this past the end of a chunk

# The columns each table is written with, in the order of the rows' tuples.
COLUMNS = {
    "event": "contact_id, type, occurred_at, label, details, points_delta, actor",
    "contact": "id, firstname, lastname, email, email_normalized, phone, phone_e164, company, position, address1, "
    "address2, city, region, zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, "
    "date_modified, last_active, custom_fields",
    "segment": "id, name, alias, description, is_published, created_at",
    "campaign": "id, name, description, is_published, created_at",
    "email_template": "id, name, subject, body_text, body_html, created_at",
    "segment_membership": "segment_id, contact_id, date_added, manually_added, manually_removed",
    "note": "contact_id, type, text, date_time, author, created_at, updated_at, version",
    "do_not_contact": "contact_id, channel, reason, comments, date_added",
}
# External-content full-text indexes (contact_fts, note_fts), rebuilt from their tables after the load.
FTS_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5(%content=%'"
)
VIDEOS = (("Product tour", 312), ("Automation in 5 minutes", 298), ("Customer story: Nordlicht", 185))
VIDEOS += (("Webinar replay: Q3 roadmap", 2710), ("Setting up lead scoring", 421))
Row = tuple[Any, ...]


@dataclass
class Generated:
    path: Path
    contacts: int
    events: int
    heavy_ids: list[int]  # the busiest contacts, ids 1..len(heavy_ids), contact 1 is the busiest
    seconds: float


def plan_heavy(contacts: int, events: int, heavy_events: int) -> list[int]:
    """How many events each heavy contact (ids 1..H) gets: `heavy_events` each, as a rule.

    H = min(3, events // (2 * heavy_events)), at least 1: the heavy contacts never take more than half of the
    events. One heavy contact never takes more than a quarter, so a quick run (10,000 contacts, 100,000 events)
    still has a contact 1 with 25,000. With very few contacts the quota grows until no other contact can
    outdo contact 1; with 3 contacts or fewer they are all heavy and share every event.
    """
    per = min(heavy_events, events // 4)
    if contacts == 0 or per <= 0:
        return []
    count = min(contacts, 3, max(1, events // (2 * heavy_events)))
    if count == contacts:
        quotas = [events // count] * count
        quotas[0] += events - sum(quotas)
        return quotas
    return [max(per, -(-(events + contacts - count) // contacts))] * count


class Clock:
    """Times as the store writes them (`store.db.db_time`: UTC text), by position in the event stream."""

    def __init__(self, events: int) -> None:
        now = int(NOW.timestamp())
        start = now - SPAN
        self.day0 = start - start % DAY
        self.offset = start - self.day0  # seconds from midnight of the first day to the first event
        self.now = now - self.day0
        self.scale = 3 / max(events, 1)
        self.days = [datetime.fromtimestamp(self.day0 + n * DAY, UTC).strftime("%Y-%m-%d ") for n in range(600)]
        self.hms = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]
        self.ms = [f"{n:03d}000" for n in range(1000)]

    def seconds(self, index: int) -> float:
        """Seconds after the first midnight of the stream's event `index`: the rate doubles from start to NOW."""
        return self.offset + SPAN * (math.sqrt(1.0 + self.scale * (index + 0.5)) - 1.0)

    def text(self, seconds: float) -> str:
        whole = int(seconds)
        day, second = divmod(whole, DAY)
        return self.days[day] + self.hms[second] + self.ms[int((seconds - whole) * 1000)]

    def stamp(self, index: int) -> str:
        return self.text(self.seconds(index))

    def window(self, start: int, stop: int) -> list[str]:
        """The times of events `start` to `stop`: what `stamp` gives, with the calls inlined for speed."""
        sqrt, offset, scale, days, hms, ms = math.sqrt, self.offset, self.scale, self.days, self.hms, self.ms
        times = []
        append = times.append
        for index in range(start, stop):
            at = offset + SPAN * (sqrt(1.0 + scale * (index + 0.5)) - 1.0)
            whole = int(at)
            day, second = divmod(whole, DAY)
            append(days[day] + hms[second] + ms[int((at - whole) * 1000)])
        return times


@dataclass
class Locale:
    country_code: str
    tld: str
    firsts: list[tuple[str, str]]  # (name, ASCII slug)
    lasts: list[tuple[str, str]]
    companies: list[tuple[str, str]]  # (name, domain label or "")
    streets: list[str]
    zipcodes: list[str]
    phones: list[tuple[str, str, str]]  # (number up to its last 4 digits, %-pattern of the rest, E.164 head)
    cities: list[Any]
    free_mail: list[str]


def make_locales(seed: int, size: int) -> tuple[list[Locale], list[int]]:
    """Pools of `size` names, companies and addresses for each of the demo's locales, from seeded Faker, and
    each locale's weight: Faker is far too slow to call a million times."""
    from faker import Faker

    from store.demo_contacts import _LEGAL
    from store.demo_data import CITIES, LOCALES

    locales = []
    for n, spec in enumerate(LOCALES):
        fake = Faker(spec.code)
        fake.seed_instance(seed * 1000 + n)
        if spec.code == "ja_JP":  # (kanji, katakana, romaji): the romaji make the email address
            firsts = [(name[0], _slug(name[2])) for name in (fake.first_name_pair() for _ in range(size))]
            lasts = [(name[0], _slug(name[2])) for name in (fake.last_name_pair() for _ in range(size))]
        else:
            firsts = [(name, _slug(name)) for name in (fake.first_name() for _ in range(size))]
            lasts = [(name, _slug(name)) for name in (fake.last_name() for _ in range(size))]
        companies = []
        for name in dict.fromkeys(fake.company() for _ in range(size)):
            words = [w for w in re.split(r"[^a-z0-9]+", _ascii(name)) if len(w) > 1 and w not in _LEGAL]
            companies.append((name, "-".join(words[:2])))
        phones = [_phone_pattern(fake.phone_number(), spec.country_code) for _ in range(min(size, 60))]
        locales.append(
            Locale(
                country_code=spec.country_code,
                tld=spec.tld,
                firsts=[pair for pair in dict.fromkeys(firsts) if pair[1]] or [("Alex", "alex")],
                lasts=[pair for pair in dict.fromkeys(lasts) if pair[1]] or [("Smith", "smith")],
                companies=companies,
                streets=[fake.street_address().replace("\n", ", ") for _ in range(size)],
                zipcodes=[fake.postcode() for _ in range(size)],
                phones=[phone for phone in phones if phone is not None],
                cities=[city for city in CITIES if city.country_code == spec.country_code],
                free_mail=[domain.split(".", 1)[0] for domain in spec.free_mail],
            )
        )
    return locales, [spec.weight for spec in LOCALES]


def _ascii(text: str) -> str:
    from faker.decode import unidecode

    return unidecode(text).lower()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _ascii(text))


def _phone_pattern(raw: str, region: str) -> tuple[str, str, str] | None:
    """Split a number so its last 4 digits can vary; None unless its E.164 form ends in the same 4 digits
    (numbers with an extension, or that do not parse, are left out)."""
    from store.phones import normalize_phone

    e164 = normalize_phone(raw, region)
    digits = [n for n, char in enumerate(raw) if char.isdigit()]
    if e164 is None or len(digits) < 8 or "".join(raw[n] for n in digits[-4:]) != e164[-4:]:
        return None
    cut = digits[-4]
    return raw[:cut], re.sub(r"\d", "%s", raw[cut:].replace("%", "%%")), e164[:-4]


class People:
    """Each person's name, email and company; person `n` is contact `n + 1`."""

    def __init__(self, rng: random.Random, locales: list[Locale], weights: list[int], count: int) -> None:
        rand = rng.random
        self.locale = rng.choices(range(len(locales)), weights, k=count)
        self.firsts: list[str] = []
        self.lasts: list[str] = []
        self.emails: list[str] = []
        self.companies: list[str] = []
        self.domains: list[str] = []
        taken: dict[str, int] = {}
        for index in self.locale:
            loc = locales[index]
            first, first_slug = loc.firsts[int(rand() * len(loc.firsts))]
            last, last_slug = loc.lasts[int(rand() * len(loc.lasts))]
            company, domain = loc.companies[int(rand() * len(loc.companies))] if rand() < 0.9 else ("", "")
            mail = domain if domain and rand() < 0.5 else loc.free_mail[int(rand() * len(loc.free_mail))]
            local = f"{first_slug}.{last_slug}"
            number = taken.get(local, 0) + 1
            taken[local] = number
            # Addresses live under the reserved .example domain (RFC 2606), as in the demo database.
            self.emails.append(f"{local}{number}@{mail}.example" if number > 1 else f"{local}@{mail}.example")
            self.firsts.append(first)
            self.lasts.append(last)
            self.companies.append(company)
            self.domains.append(domain)


class Activity:
    """The event stream: one session of one contact at a time, in time order, made in chunks of rows.

    Every detail that does not depend on the person is JSON encoded once; only forms, and emails with the
    person's name in the subject, are encoded per event. What the contacts table needs from the stream is
    kept per person: arrival, newest event, points and stage.
    """

    def __init__(self, rng: random.Random, people: People, clock: Clock, total: int, quotas: list[int]) -> None:
        from store.demo_copy import TEMPLATES
        from store.demo_data import ASSETS, MAIL_CLIENTS, PAGES, REFERRERS, REPS, SITE, STAGES, USER_AGENTS

        self.rng, self.rand, self.people, self.clock = rng, rng.random, people, clock
        self.total, self.quotas = total, quotas
        count = len(people.emails)
        self.first = [0] * count  # stream position of the arrival
        self.last = [-1] * count  # stream position of the newest event
        self.added = [""] * count
        self.active: list[str | None] = [None] * count
        self.modified = [""] * count
        self.points = [0] * count
        self.stage = bytearray(count)
        self.rows: list[Row] = []
        self.times: list[str] = []
        self.base = 0
        self.reps, self.stages = REPS, STAGES
        self.referrers = len(REFERRERS)
        self.page_bag = [n for n, page in enumerate(PAGES) for _ in range(page[2])]
        self.pricing = next(n for n, page in enumerate(PAGES) if page[0] == "/pricing")
        self.hit_labels = [f"Visited {path}" for path, _, _ in PAGES]
        sources = [*REFERRERS, *(f"{SITE}{path}" for path, _, _ in PAGES)]  # the search engine, else the last page
        self.hits = [
            [
                [
                    json.dumps(
                        {"url": SITE + path, "referrer": source, "title": title, "user_agent": ua, "device": kind}
                    )
                    for ua, kind in USER_AGENTS
                ]
                for source in sources
            ]
            for path, title, _ in PAGES
        ]
        self.devices = [n for n, weight in enumerate((30, 20, 6, 10, 20, 10, 4)) for _ in range(weight)]
        self.visit_sizes = [min(LONGEST_SESSION - 4, 1 + int(rng.expovariate(0.35))) for _ in range(4096)]
        self.assets = [
            (f"Downloaded: {a}", json.dumps({"asset": a, "url": f"{SITE}/assets/{_file(a)}"})) for a in ASSETS
        ]
        self.clients = list(MAIL_CLIENTS)
        self.mail_bag = [n for n, weight in enumerate((3, 40, 8, 12, 6, 3, 18, 10)) for _ in range(weight)]
        self.templates = [(json.dumps(t.name), t.subject, json.dumps(t.subject)) for t in TEMPLATES]
        self.stage_steps = [
            (f"Stage changed: {STAGES[n - 1]} → {stage}" if n else f"Stage set: {stage}",
             json.dumps({"from": STAGES[n - 1] if n else "", "to": stage}))
            for n, stage in enumerate(STAGES)
        ]  # fmt: skip
        self.videos = [
            (f"Watched: {title}", json.dumps({"video": title, "url": f"{SITE}/videos/{_file(title)}",
                                               "duration": length, "watched_seconds": length * share // 100}))
            for title, length in VIDEOS
            for share in (10, 25, 50, 75, 100)
        ]  # fmt: skip
        self.creates = [json.dumps({"source": s}) for s in ("web form", "web form", "web form", "import", "api")]
        self.creates.append(json.dumps({"source": "manual"}))
        self._scores: dict[tuple[int, str, str], tuple[str, str]] = {}

    def chunks(self, size: int = CHUNK) -> Iterator[list[Row]]:
        """The whole stream, about `size` rows at a time."""
        rand, total, heavy = self.rand, self.total, len(self.quotas)
        heavy_left = list(self.quotas)
        normal_left = total - sum(heavy_left)
        normal = len(self.first) - heavy
        weights = self._weights(normal)
        cumulative = list(accumulate(weights))
        spacing = total / normal if normal else 0.0  # stream positions between two arrivals
        cap = max(heavy_left) - 1 if heavy_left else total  # most events any other contact may have
        counts = [0] * len(self.first)
        arrived = misses = 0
        full = False  # everyone arrived so far has all the events they may have
        i = 0
        self._window(0, size)
        for p in range(heavy):  # the heavy contacts were the first to arrive
            i = self._create(p, i)
            heavy_left[p] -= 1
        while i < total:
            if i - self.base >= size:
                yield self.rows
                self._window(i, size)
            start = i
            left = sum(heavy_left)
            if left and (not normal_left or rand() * (left + normal_left) < left):
                x = rand() * left
                p = 0
                while x >= heavy_left[p]:
                    x -= heavy_left[p]
                    p += 1
                i = self._session(p, i, heavy_left[p])
                heavy_left[p] -= i - start
            elif arrived < normal and (arrived * spacing <= i or full or not cumulative[arrived - 1]):
                p = heavy + arrived
                arrived += 1
                full = False
                self.first[p] = i
                self.added[p] = self.modified[p] = self.times[i - self.base]
                room = min(normal_left, cap)
                if not weights[p - heavy] or room <= 0:
                    continue
                i = self._create(p, i)
                if room > 1:
                    i = self._session(p, i, room - 1)
                normal_left -= i - start
                counts[p] = i - start
            else:
                p = heavy + bisect(cumulative, rand() * cumulative[arrived - 1], 0, arrived - 1)
                room = min(normal_left, cap - counts[p])
                if room <= 0:
                    # Only in small databases: the next person arrives early; when there is nobody left who
                    # may have more, contact 1 takes the rest.
                    misses += 1
                    full = arrived < normal
                    if misses > 1000 and not full:
                        heavy_left[0] += normal_left
                        normal_left = 0
                    continue
                misses = 0
                i = self._session(p, i, room)
                normal_left -= i - start
                counts[p] += i - start
            self.last[p] = i - 1
            self.active[p] = self.times[i - 1 - self.base]
        for p in range(heavy + arrived, heavy + normal):  # arrivals due after the last event
            self.first[p] = min(max(total - 1, 0), int((p - heavy) * spacing))
            self.added[p] = self.modified[p] = self.clock.stamp(self.first[p])
        if self.rows:
            yield self.rows
        self.rows, self.times = [], []

    def _window(self, start: int, size: int) -> None:
        self.rows = []
        self.base = start
        self.times = self.clock.window(start, min(self.total, start + size + LONGEST_SESSION))

    def _weights(self, count: int) -> list[float]:
        """Each normal person's long-tail share of the returning visits; one in eight never does anything."""
        rng = self.rng
        weights = [0.0 if rng.random() < 0.125 else rng.lognormvariate(0.0, 1.1) for _ in range(count)]
        return weights if any(weights) or not count else [1.0] * count

    def _create(self, p: int, i: int) -> int:
        details = self.creates[int(self.rand() * len(self.creates))]
        actor = self.reps[p % len(self.reps)] if details.endswith('"manual"}') else None
        at = self.times[i - self.base]
        self.rows.append((p + 1, "lead.create", at, "Contact created", details, None, actor))
        self.first[p] = i
        self.added[p] = self.modified[p] = at
        return i + 1

    def _session(self, p: int, i: int, room: int) -> int:
        roll = self.rand()
        if roll < 0.68:
            return self._visit(p, i, room)
        if roll < 0.90:
            return self._email(p, i, room)
        if roll < 0.93:
            label, details = self.videos[int(self.rand() * len(self.videos))]
            self.rows.append((p + 1, "video.watched", self.times[i - self.base], label, details, None, None))
            return i + 1
        step = self.stage[p]
        if roll < 0.96 and step < len(self.stages):
            label, details = self.stage_steps[step]
            actor = self.reps[p % len(self.reps)] if step >= 2 else None
            at = self.times[i - self.base]
            self.rows.append((p + 1, "stage.changed", at, label, details, None, actor))
            self.stage[p] = step + 1
            self.modified[p] = at
            return i + 1
        delta = (5, 10, 15, 25, -5, -10)[int(self.rand() * 6)]
        return self._score(p, i, delta, "manual", "Manual adjustment", self.reps[p % len(self.reps)])

    def _visit(self, p: int, i: int, room: int) -> int:
        rand, append, times, base = self.rand, self.rows.append, self.times, self.base
        bag, labels, hits, referrers, pricing = self.page_bag, self.hit_labels, self.hits, self.referrers, self.pricing
        size, cid = len(bag), p + 1
        n = min(room, self.visit_sizes[int(rand() * 4096)])
        device = self.devices[int(rand() * len(self.devices))]
        source = int(rand() * referrers)
        priced = False
        for j in range(i - base, i - base + n):
            page = bag[int(rand() * size)]
            append((cid, "page.hit", times[j], labels[page], hits[page][source][device], None, None))
            source = referrers + page
            priced = priced or page == pricing
        i += n
        if n == room:
            return i
        roll = rand()
        if roll < 0.06:
            return self._form(p, i, room - n)
        if roll < 0.09:
            label, details = self.assets[int(rand() * len(self.assets))]
            append((cid, "asset.download", times[i - base], label, details, None, None))
            return self._score(p, i + 1, 5, "asset.download", "Asset downloaded") if room - n > 1 else i + 1
        if priced and roll < 0.25:
            return self._score(p, i, 5, "page.hit", "Visited pricing")
        return i

    def _form(self, p: int, i: int, room: int) -> int:
        from store.demo_data import BUDGETS, FORMS, MESSAGES

        rng, people = self.rng, self.people
        form = rng.choice(FORMS)
        values = {"name": f"{people.firsts[p]} {people.lasts[p]}", "email": people.emails[p]}
        if form in ("Contact us", "Request a demo", "Free trial"):
            values["company"] = people.companies[p]
        if form in ("Contact us", "Request a demo"):
            values["message"] = rng.choice(MESSAGES)
        if form == "Request a demo":
            values["budget"] = rng.choice(BUDGETS)
        details = json.dumps({"form": form, "form_id": FORMS.index(form) + 1, "values": values})
        at = self.times[i - self.base]
        self.rows.append((p + 1, "form.submitted", at, f"Submitted form: {form}", details, None, None))
        return self._score(p, i + 1, 10, "form.submitted", "Form submitted") if room > 1 else i + 1

    def _email(self, p: int, i: int, room: int) -> int:
        rand, append, times, base, cid = self.rand, self.rows.append, self.times, self.base, p + 1
        name_json, subject, subject_json = self.templates[self.mail_bag[int(rand() * len(self.mail_bag))]]
        if "{firstname}" in subject:
            subject = subject.replace("{firstname}", self.people.firsts[p])
            subject_json = json.dumps(subject)
        head = f'{{"email": {name_json}, "subject": {subject_json}'
        if rand() < 0.01:
            details = head + ', "reason": "550 5.1.1 Mailbox unavailable"}'
            append((cid, "email.failed", times[i - base], f"Email failed: {subject}", details, None, None))
            return i + 1
        if room < 2 or rand() >= 0.35:
            details = head + ', "opened": false, "open_count": 0}'
            append((cid, "email.sent", times[i - base], f"Email sent: {subject}", details, None, None))
            return i + 1
        read = times[i + 1 - base]
        opened = last = f"{read[:10]}T{read[11:]}+00:00"  # ISO 8601, as the demo writes times into details
        count = 1
        if rand() < 0.4:
            later = self.clock.text(min(self.clock.seconds(i + 1) + rand() * 3 * DAY, self.clock.now - 60))
            count, last = 2 + int(rand() * 4), f"{later[:10]}T{later[11:]}+00:00"
        details = (
            f'{head}, "opened": true, "open_count": {count}, "first_opened": "{opened}", "last_opened": "{last}"}}'
        )
        append((cid, "email.sent", times[i - base], f"Email sent: {subject}", details, None, None))
        client, kind = self.clients[int(rand() * len(self.clients))]
        details = f'{head}, "opened_at": "{opened}", "client": "{client}", "device": "{kind}"}}'
        append((cid, "email.read", read, f"Opened: {subject}", details, None, None))
        if room > 2 and rand() < 0.3:
            return self._score(p, i + 2, 2, "email.read", "Email opened")
        return i + 2

    def _score(self, p: int, i: int, delta: int, action: str, reason: str, actor: str | None = None) -> int:
        key = (delta, action, reason)
        if key not in self._scores:
            details = json.dumps({"action": action, "reason": reason, "delta": delta})
            self._scores[key] = (f"{delta:+d} points: {reason}", details)
        label, details = self._scores[key]
        at = self.times[i - self.base]
        self.rows.append((p + 1, "point.gained", at, label, details, delta, actor))
        self.points[p] += delta
        self.modified[p] = at
        return i + 1


def _file(title: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", title.lower()).strip("-")


def make_rows(activity: Activity, contacts: Contacts) -> Iterator[tuple[str, Any]]:
    """Every table's rows, as (table, rows) in chunks: the events first, since the contacts are made of them."""
    for rows in activity.chunks():
        yield "event", rows
    yield "contact", contacts.columns()
    yield from contacts.links()


class RowFeed:
    """`make_rows` run in a forked child process, so Python makes rows while SQLite writes them here.

    Without fork (not on Linux or macOS) the rows are made in this process instead. Enter it before opening
    the database, so the child holds no copy of the connection.
    """

    def __init__(self, activity: Activity, contacts: Contacts) -> None:
        self.activity, self.contacts = activity, contacts
        self.child: Any = None
        self.receiver: Any = None
        self.finished = False

    def __enter__(self) -> RowFeed:
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.receiver, sender = context.Pipe(duplex=False)
            self.child = context.Process(target=_produce, args=(self.activity, self.contacts, sender), daemon=True)
            self.child.start()
            sender.close()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.child is not None:
            if not self.finished:  # this side failed: the child may be waiting to send more
                self.child.kill()
            self.child.join()
            self.receiver.close()

    def rows(self) -> Iterator[tuple[str, Any]]:
        if self.child is None:
            yield from make_rows(self.activity, self.contacts)
            return
        while True:
            try:
                table, rows = marshal.loads(self.receiver.recv_bytes())
            except EOFError:
                raise RuntimeError("The row generator stopped without a word.") from None
            if table == "done":
                self.finished = True
                return
            if table == "error":
                raise RuntimeError(f"The row generator failed:\n{rows}")
            yield table, rows


def _produce(activity: Activity, contacts: Contacts, sender: Any) -> None:
    # marshal, not pickle: three times faster for lists of tuples of strings and numbers, which it was made for.
    try:
        for message in make_rows(activity, contacts):
            sender.send_bytes(marshal.dumps(message))
        sender.send_bytes(marshal.dumps(("done", [])))
    except BaseException:
        sender.send_bytes(marshal.dumps(("error", traceback.format_exc())))
    finally:
        sender.close()


class Contacts:
    """The contact rows, made a column at a time, then the segments, memberships, notes and do-not-contact
    entries that go with them."""

    def __init__(self, rng: random.Random, people: People, locales: list[Locale], activity: Activity) -> None:
        self.rng, self.people, self.locales, self.activity = rng, people, locales, activity
        self.cities: list[Any] = []

    def columns(self) -> tuple[list[Any], ...]:
        """The contact table, a list per column: far quicker to send to the parent than a million rows."""
        from store.demo_data import EMPLOYEES, INDUSTRIES, POSITIONS, REPS, TAGS
        from store.normalize import normalize_email

        rng, rand, people, act = self.rng, self.rng.random, self.people, self.activity
        count = len(people.emails)
        locales = [self.locales[n] for n in people.locale]
        cities = self.cities = [loc.cities[int(rand() * len(loc.cities))] for loc in locales]
        phones, e164s = self._phones(locales)
        tags = ["[]"] * 256 + [json.dumps(rng.sample(TAGS, rng.choice((1, 1, 2, 2, 3, 4)))) for _ in range(256)]
        custom = ["{}"] * 40 + [json.dumps({"industry": i, "employees": e}) for i in INDUSTRIES for e in EMPLOYEES]
        return (
            list(range(1, count + 1)),
            people.firsts,
            people.lasts,
            people.emails,
            [normalize_email(email) for email in people.emails],
            phones,
            e164s,
            people.companies,
            [POSITIONS[int(rand() * len(POSITIONS))] if company else "" for company in people.companies],
            [loc.streets[int(rand() * len(loc.streets))] for loc in locales],
            [""] * count,
            [city.name for city in cities],
            [city.region for city in cities],
            [loc.zipcodes[int(rand() * len(loc.zipcodes))] for loc in locales],
            [city.country for city in cities],
            [
                f"https://www.{d}.{loc.tld}" if d and rand() < 0.4 else ""
                for d, loc in zip(people.domains, locales, strict=True)
            ],
            act.points,
            [act.stages[step - 1] if step else "" for step in act.stage],
            [REPS[int(rand() * len(REPS))] if rand() < 0.85 else "" for _ in range(count)],
            [tags[int(rand() * len(tags))] for _ in range(count)],
            ["gravatar"] * count,
            act.added,
            act.modified,
            act.active,
            [custom[int(rand() * len(custom))] for _ in range(count)],
        )

    def _phones(self, locales: list[Locale]) -> tuple[list[str | None], list[str | None]]:
        """Seven in ten have a phone: a real-looking number of their country with random last 4 digits."""
        rand = self.rng.random
        phones: list[str | None] = []
        e164s: list[str | None] = []
        for loc in locales:
            if loc.phones and rand() < 0.7:
                head, pattern, e164_head = loc.phones[int(rand() * len(loc.phones))]
                digits = f"{int(rand() * 10_000):04d}"
                phones.append(head + pattern % tuple(digits))
                e164s.append(e164_head + digits)
            else:
                phones.append(None)
                e164s.append(None)
        return phones, e164s

    def links(self) -> Iterator[tuple[str, list[Row]]]:
        """The demo's segments, campaigns and email templates; a market segment or the newsletter for four
        contacts in ten, do-not-contact for one in a hundred, and notes (25 for each heavy contact)."""
        from store.demo_copy import CAMPAIGNS, SEGMENTS, TEMPLATES
        from store.demo_data import MARKET

        rand, act, clock = self.rng.random, self.activity, self.activity.clock
        created = clock.text(clock.offset - 45 * DAY)
        yield (
            "segment",
            [
                (n + 1, name, name.lower().replace(" ", "-"), text, published, created)
                for n, (name, text, published) in enumerate(SEGMENTS)
            ],
        )
        yield (
            "campaign",
            [(n + 1, name, text, published, created) for n, (name, text, published) in enumerate(CAMPAIGNS)],
        )
        yield "email_template", [(n + 1, *template, created) for n, template in enumerate(TEMPLATES)]
        segment_id = {name: n + 1 for n, (name, _, _) in enumerate(SEGMENTS)}
        memberships: list[Row] = []
        do_not_contact: list[Row] = []
        notes: list[Row] = []
        for p, city in enumerate(self.cities):
            roll = rand()
            if roll < 0.25:
                memberships.append((segment_id[MARKET.get(city.country_code, "EMEA")], p + 1, act.added[p], 0, 0))
            elif roll > 0.85:
                memberships.append((segment_id["Newsletter"], p + 1, act.modified[p], 0, 0))
            if roll < 0.01:
                reason = "Unsubscribed via the email footer link"
                do_not_contact.append((p + 1, "email", "unsubscribed", reason, act.modified[p]))
            if p < len(act.quotas):
                notes += self._notes(p, 25)
            elif 0.5 < roll < 0.52:
                notes += self._notes(p, 1 + int(rand() * 3))
        yield "segment_membership", memberships
        yield "do_not_contact", do_not_contact
        yield "note", notes

    def _notes(self, p: int, count: int) -> list[Row]:
        from store.demo_copy import NOTE_TYPES, NOTES, PLANNED
        from store.demo_data import EVENTS_MET, PLANS, REPS, TOOLS

        rng, act, clock = self.rng, self.activity, self.activity.clock
        values = {
            "firstname": self.people.firsts[p],
            "company": self.people.companies[p] or "their company",
            "event": rng.choice(EVENTS_MET),
            "plan": rng.choice(PLANS),
            "seats": rng.choice((5, 10, 25, 50, 120)),
            "tool": rng.choice(TOOLS),
        }
        kinds, weights = zip(*NOTE_TYPES, strict=True)
        notes = []
        for _ in range(count):
            kind = rng.choices(kinds, weights)[0]
            upcoming = kind in PLANNED and rng.random() < 0.1
            text = rng.choice((PLANNED if upcoming else NOTES)[kind]).format_map(values)
            created = clock.seconds(rng.randint(act.first[p], max(act.first[p], act.last[p])))
            when = None
            if kind in PLANNED:  # calls and meetings are on the calendar: logged after, or planned ahead
                at = clock.now + rng.randint(3600, 30 * DAY) if upcoming else created - rng.randint(0, 7200)
                when = clock.text(at - at % 900)
            stamp = clock.text(created)
            notes.append((p + 1, kind, text, when, REPS[p % len(REPS)], stamp, stamp, 1))
        return notes


def generate(
    path: Path,
    *,
    contacts: int,
    events: int,
    seed: int = 1,
    heavy_events: int = 100_000,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Write a new benchmark database at `path`: `contacts` contacts sharing `events` events.

    Refuses (FileExistsError) to touch an existing file; a failed run leaves no file behind. The same
    arguments always give the same rows.
    """
    from store.db import open_database

    started = time.perf_counter()
    path = Path(path).expanduser()
    say = progress or (lambda _message: None)
    if min(contacts, events, heavy_events) < 0:
        raise ValueError("Contacts, events and heavy events cannot be negative.")
    if events and not contacts:
        raise ValueError("Events need at least one contact.")
    if path.exists():
        raise FileExistsError(f"{path} already exists; remove it first or pass --force.")
    open_database(path, create=True).dispose()
    try:
        quotas = plan_heavy(contacts, events, heavy_events)
        say("Preparing names, companies and addresses…")
        locales, weights = make_locales(seed, min(300, 40 + contacts // 50))
        people = People(random.Random(f"{seed}:people"), locales, weights, contacts)
        activity = Activity(random.Random(f"{seed}:events"), people, Clock(events), events, quotas)
        with RowFeed(activity, Contacts(random.Random(f"{seed}:contacts"), people, locales, activity)) as feed:
            _load(path, feed, say)
    except BaseException:
        remove_database(path)
        raise
    seconds = time.perf_counter() - started
    say(f"Done in {seconds:.1f} s.")
    return Generated(path, contacts, events, list(range(1, len(quotas) + 1)), seconds)


def _load(path: Path, feed: RowFeed, say: Callable[[str], None]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # Indexes and full-text triggers are recreated from the SQL the migrations wrote, once, at the end.
        saved = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        ).fetchall()
        for kind, name, _ in saved:
            conn.execute(f'DROP {kind.upper()} "{name}"')
        # A brand-new file, deleted if anything fails, needs no journal.
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        total, written, report = feed.activity.total, 0, 1_000_000
        for table, rows in feed.rows():
            columns = COLUMNS[table]
            marks = ", ".join("?" * (columns.count(",") + 1))
            if isinstance(rows, tuple):  # the contacts come a column at a time
                say(f"Contacts: {len(rows[0]):,}")
                rows = zip(*rows, strict=True)
            conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            if table == "event":
                written += len(rows)
                if written >= report or written == total:
                    say(f"Events: {written:,} of {total:,}")
                    report += 1_000_000
        conn.execute("COMMIT")
        say("Indexes and full-text search…")
        _index(conn, saved)
        say("Statistics…")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _index(conn: sqlite3.Connection, saved: list[tuple[str, str, str]]) -> None:
    """Recreate the indexes and triggers, then fill the full-text indexes from their tables."""
    # Measured: SQLite's sorter builds indexes fastest with the default small page cache and the file
    # memory-mapped (inserting, though, is slower with a memory map, and with a small cache).
    for pragma in ("cache_size = -2000", "mmap_size = 8589934592"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    for _, _, sql in saved:
        conn.execute(sql)
    for (name,) in conn.execute(FTS_TABLES).fetchall():
        # A 256 MiB buffer instead of 1 MiB flushes a few big segments rather than hundreds of small ones
        # to merge: half the time. Then the option's row goes, leaving the configuration the migration made.
        conn.execute(f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', 268435456)")
        conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        conn.execute(f"DELETE FROM {name}_config WHERE k = 'hashsize'")
    conn.execute("COMMIT")


def remove_database(path: Path) -> None:
    """Delete a database file and its journal and WAL siblings, where they exist."""
    for file in (path, *(path.with_name(path.name + suffix) for suffix in SIBLINGS)):
        file.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the database file to write")
    parser.add_argument("--contacts", type=int, required=True, help="how many contacts")
    parser.add_argument("--events", type=int, required=True, help="how many events in all")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same rows (default 1)")
    parser.add_argument("--heavy-events", type=int, default=100_000, help="events of each heavy contact")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    args = parser.parse_args(argv)
    path = args.db.expanduser()
    if path.is_dir():
        print(f"{path} is a folder, not a database file.", file=sys.stderr)
        return 1
    if path.exists() and not args.force:
        print(f"{path} already exists; pass --force to replace it.", file=sys.stderr)
        return 1
    remove_database(path)
    started = time.perf_counter()
    try:
        result = generate(
            path,
            contacts=args.contacts,
            events=args.events,
            seed=args.seed,
            heavy_events=args.heavy_events,
            progress=lambda message: print(f"{time.perf_counter() - started:6.1f} s  {message}", file=sys.stderr),
        )
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    rows = result.contacts + result.events
    print(
        f"{result.path}: {result.contacts:,} contacts and {result.events:,} events ({rows:,} rows) in "
        f"{result.seconds:.1f} s, {rows / result.seconds:,.0f} rows/s; heavy contacts {result.heavy_ids}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
