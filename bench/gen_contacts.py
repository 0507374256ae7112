"""Benchmark data: the contact rows and what comes with them (notes, memberships, DNC), for bench.generate."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from bench.gen_activity import DAY, Activity, Row
from bench.gen_people import Locale, People


class Contacts:
    """The contact rows, made a column at a time, then the segments, memberships, notes and do-not-contact
    entries that go with them."""

    def __init__(self, rng: random.Random, people: People, locales: list[Locale], activity: Activity) -> None:
        self.rng, self.people, self.locales, self.activity = rng, people, locales, activity
        self.cities: list[Any] = []

    def columns(self) -> tuple[list[Any], ...]:
        """The contact table, a list per column: far quicker to send to the parent than a million rows."""
        from demo.data import EMPLOYEES, INDUSTRIES, POSITIONS, REPS, TAGS
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
        from demo.data import MARKET
        from demo.texts import CAMPAIGNS, SEGMENTS, TEMPLATES

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
        from demo.data import EVENTS_MET, PLANS, REPS, TOOLS
        from demo.texts import NOTE_TYPES, NOTES, PLANNED

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
