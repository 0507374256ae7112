"""Benchmark data: one event stream in time order (visits, forms, emails, points, stages, videos)."""

from __future__ import annotations

import json
import math
import random
import re
from bisect import bisect
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from bench.gen_people import People

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = 86_400
SPAN = 548 * DAY  # eighteen months, as in the demo database
CHUNK = 100_000  # events per executemany (and per message from the child process)
LONGEST_SESSION = 256  # events; sessions never straddle more than this past the end of a chunk

VIDEOS = (("Product tour", 312), ("Automation in 5 minutes", 298), ("Customer story: Nordlicht", 185))
VIDEOS += (("Webinar replay: Q3 roadmap", 2710), ("Setting up lead scoring", 421))
Row = tuple[Any, ...]


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


class Activity:
    """The event stream: one session of one contact at a time, in time order, made in chunks of rows.

    Every detail that does not depend on the person is JSON encoded once; only forms, and emails with the
    person's name in the subject, are encoded per event. What the contacts table needs from the stream is
    kept per person: arrival, newest event, points and stage.
    """

    def __init__(self, rng: random.Random, people: People, clock: Clock, total: int, quotas: list[int]) -> None:
        from demo.data import ASSETS, MAIL_CLIENTS, PAGES, REFERRERS, REPS, SITE, STAGES, USER_AGENTS
        from demo.texts import TEMPLATES

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
        from demo.data import BUDGETS, FORMS, MESSAGES

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
