"""Demo relations: segments, campaigns, IP locations, social profiles, notes and do-not-contact entries.

Rows are tuples in the column order of the INSERT statements in `demo.build`; times are epoch seconds.
Each relation that Mautic records in the timeline also adds its event to the person's event list.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from demo.data import CITIES, EVENTS_MET, MARKET, PLANS, REPS, TOOLS, City
from demo.events import ActivityMaker, Row
from demo.people import DAY, HOSTILE_LASTNAME, Person
from demo.texts import CAMPAIGNS, MARKET_SEGMENTS, NOTE_TYPES, NOTES, PLANNED, SEGMENTS

Rows = list[tuple[Any, ...]]
SEGMENT_ID = {name: n + 1 for n, (name, _, _) in enumerate(SEGMENTS)}
CAMPAIGN_ID = {name: n + 1 for n, (name, _, _) in enumerate(CAMPAIGNS)}
# Chance of joining each segment or campaign that is not decided by country or stage.
SEGMENT_ODDS = {"Newsletter": 0.55, "Webinar attendees": 0.15, "High intent": 0.1, "Partners": 0.04}
SEGMENT_ODDS["Old import 2023"] = 0.08
CAMPAIGN_ODDS = {"Black Friday 2025": 0.25, "Webinar: Q3 roadmap": 0.15, "Win-back": 0.1, "Enterprise ABM": 0.06}
INSTANCES = ("mastodon.social", "fosstodon.org", "hachyderm.io")
TABLES: tuple[str, ...] = ("segment_membership", "campaign_membership", "ip_address", "contact_ip")
TABLES += ("social_profile", "note", "do_not_contact")
HOSTILE_NOTE = "Said it was [red]urgent[/red]; see [@click=app.quit]here[/]\x1b[2J"


class LinkMaker:
    """Builds the relation tables for a list of people, in order, from the activity maker's random source."""

    def __init__(self, activity: ActivityMaker) -> None:
        self.activity = activity
        self.rng = activity.rng
        self.now = activity.now
        self.tables: dict[str, Rows] = {name: [] for name in TABLES}
        self._ips: dict[str, int] = {}
        self._first_ip: dict[int, int] = {}

    def add(self, p: Person, events: list[Row]) -> None:
        """Add every relation of one person, and the matching events to `events`.

        People with no activity get no timeline entries beyond their creation: no memberships, no visits.
        """
        if p.activity:
            self._segments(p, events)
            self._campaigns(p, events)
            self._locations(p, events)
        self._social(p)
        self._notes(p)
        if p.do_not_contact:
            self._do_not_contact(p, events)

    def _member(self, p: Person, events: list[Row], kind: str, name: str) -> tuple[int, bool, bool]:
        rng = self.rng
        at = self.activity.when(p)
        manual, removed = rng.random() < 0.15, rng.random() < 0.02
        actor = (p.owner or REPS[1]) if manual else None
        details = json.dumps({kind: name, "action": "added", "manually": manual})
        events.append((p.id, f"{kind}_membership", at, f"Added to {kind}: {name}", details, None, actor))
        if removed:
            gone = min(self.now - 60, at + rng.randint(DAY, 30 * DAY))
            details = json.dumps({kind: name, "action": "removed", "manually": True})
            events.append((p.id, f"{kind}_membership", gone, f"Removed from {kind}: {name}", details, None, REPS[2]))
        return at, manual, removed

    def _segments(self, p: Person, events: list[Row]) -> None:
        rng = self.rng
        names = [MARKET.get(p.city.country_code, MARKET_SEGMENTS[0])] if rng.random() < 0.85 else []
        names += [name for name, odds in SEGMENT_ODDS.items() if rng.random() < odds]
        if p.stage in ("MQL", "SQL", "Opportunity") or "trial" in p.tags:
            names.append("Trial users")
        if p.stage == "Customer":
            names += ["Customers", "Churn risk"] if rng.random() < 0.2 else ["Customers"]
        for name in sorted(names, key=SEGMENT_ID.__getitem__):
            at, manual, removed = self._member(p, events, "segment", name)
            self.tables["segment_membership"].append((SEGMENT_ID[name], p.id, at, manual, removed))

    def _campaigns(self, p: Person, events: list[Row]) -> None:
        rng = self.rng
        names = ["Onboarding drip"] if p.source == "web form" and rng.random() < 0.4 else []
        names += [name for name, odds in CAMPAIGN_ODDS.items() if rng.random() < odds]
        for name in names:
            at, manual, removed = self._member(p, events, "campaign", name)
            exited = at + 14 * DAY if name == "Onboarding drip" and at + 14 * DAY < self.now else None
            self.tables["campaign_membership"].append((CAMPAIGN_ID[name], p.id, at, manual, removed, exited))

    def _locations(self, p: Person, events: list[Row]) -> None:
        rng = self.rng
        roll = rng.random()
        count = 1 if roll < 0.6 else rng.randint(2, 4) if roll < 0.7 else 0
        seen: set[int] = set()
        if p.twin_of in self._first_ip:
            seen.add(self._first_ip[p.twin_of])
            self._link(p, events, self._first_ip[p.twin_of])
        for n in range(count):
            city = p.city if n == 0 else rng.choice(CITIES)
            ip_id = self._new_ip(city)
            if ip_id not in seen:
                seen.add(ip_id)
                self._link(p, events, ip_id)
                self._first_ip.setdefault(p.id, ip_id)

    def _new_ip(self, city: City) -> int:
        rng = self.rng
        while True:
            ip = ".".join(str(part) for part in (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255)))
            ip = f"{ip}.{rng.randint(1, 254)}"
            if ip not in self._ips and ipaddress.IPv4Address(ip).is_global:
                break
        ip_id = len(self._ips) + 1
        self._ips[ip] = ip_id
        lat = round(city.latitude + rng.uniform(-0.05, 0.05), 4)
        lon = round(city.longitude + rng.uniform(-0.05, 0.05), 4)
        radius = rng.choice((5, 10, 20, 50, 100))
        row = (ip_id, ip, city.name, city.region, city.country, city.country_code, lat, lon, radius, city.time_zone)
        self.tables["ip_address"].append((*row, "found", None))
        return ip_id

    def _link(self, p: Person, events: list[Row], ip_id: int) -> None:
        rng = self.rng
        first = self.activity.when(p)
        hits = 1 + int(rng.expovariate(1 / 25))
        last = first if hits == 1 else rng.randint(first, self.now - 60)
        self.tables["contact_ip"].append((p.id, ip_id, first, last, hits))
        row = self.tables["ip_address"][ip_id - 1]
        if row[-1] is None:  # looked up when first seen
            self.tables["ip_address"][ip_id - 1] = (*row[:-1], first + rng.randint(1, 90))
        ip, city, country = row[1], row[2], row[4]
        details = json.dumps({"ip": ip, "city": city, "country": country})
        events.append((p.id, "lead.ipadded", first, f"Accessed from IP {ip}", details, None, None))

    def _social(self, p: Person) -> None:
        rng = self.rng
        if rng.random() >= 0.15:
            return
        for network in sorted(rng.sample(("mastodon", "bluesky", "github"), rng.choice((1, 1, 2)))):
            handle = {
                "mastodon": f"{p.handle}@{rng.choice(INSTANCES)}",
                "bluesky": f"{p.handle}.bsky.social",
                "github": p.handle,
            }[network]
            self.tables["social_profile"].append((p.id, network, handle, "{}", "[]", ""))

    def _notes(self, p: Person) -> None:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4, 5), (40, 25, 15, 12, 8))[0] if rng.random() < 0.3 else 0
        values = {
            "firstname": p.firstname or "them",
            "company": p.company or "their company",
            "event": rng.choice(EVENTS_MET),
            "plan": rng.choice(PLANS),
            "seats": rng.choice((5, 10, 25, 50, 120)),
            "tool": rng.choice(TOOLS),
        }
        kinds = tuple(kind for kind, _ in NOTE_TYPES)
        weights = tuple(weight for _, weight in NOTE_TYPES)
        for _ in range(count):
            kind = rng.choices(kinds, weights)[0]
            upcoming = kind in PLANNED and rng.random() < 0.1
            self._note(p, kind, rng.choice((PLANNED if upcoming else NOTES)[kind]).format_map(values), upcoming)
        if p.lastname == HOSTILE_LASTNAME:
            self._note(p, "general", HOSTILE_NOTE)

    def _note(self, p: Person, kind: str, text: str, upcoming: bool = False) -> None:
        """A note; calls and meetings are on the calendar, logged after they happened or planned ahead."""
        rng = self.rng
        created = self.activity.when(p)
        updated = min(self.now - 60, created + rng.randint(60, 5 * DAY)) if rng.random() < 0.2 else created
        when = None
        if kind in PLANNED:
            when = self.now + rng.randint(3600, 30 * DAY) if upcoming else created - rng.randint(0, 7200)
            when -= when % 900
        author = p.owner or rng.choice(REPS)
        self.tables["note"].append((p.id, kind, text, when, author, created, updated, 1))

    def _do_not_contact(self, p: Person, events: list[Row]) -> None:
        rng = self.rng
        at = self.activity.when(p)
        if rng.random() < 0.7:
            reason, comment, label = "unsubscribed", "Unsubscribed via the email footer link", "Unsubscribed from email"
        else:
            reason, comment, label = "bounced", "Hard bounce: 550 5.1.1 user unknown", "Email bounced"
        self.tables["do_not_contact"].append((p.id, "email", reason, comment, at))
        details = json.dumps({"channel": "email", "reason": reason, "comments": comment})
        events.append((p.id, "dnc.added", at, label, details, None, None))
