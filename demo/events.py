"""Demo activity: bursty, recent-heavy timelines of page hits, forms, emails, points and stages."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import NamedTuple

from demo.data import (
    ASSETS,
    BUDGETS,
    FORMS,
    MAIL_CLIENTS,
    MESSAGES,
    PAGES,
    REFERRERS,
    REPS,
    SITE,
    STAGES,
    USER_AGENTS,
)
from demo.people import DAY, HOSTILE_COMPANY, HOSTILE_LASTNAME, SPAN, Person
from demo.texts import TEMPLATES

# contact_id, type, occurred_at (epoch seconds), label, details (JSON text), points_delta, actor
Row = tuple[int, str, int, str, str, int | None, str | None]
ENGAGEMENT = frozenset({"page.hit", "form.submitted", "email.read", "asset.download"})
ANSI_RED = "\x1b[31mred\x1b[0m"
HOSTILE_FORM = {"name": "[b]boss[/b]", "message": "[link=https://x]y[/link]"}


class Blast(NamedTuple):
    at: int
    name: str
    subject: str


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def make_blasts(rng: random.Random, now: int) -> list[Blast]:
    """Bulk sends: a fortnightly newsletter and a few campaign mailings, each at one time for everyone."""
    start = now - SPAN - (now - SPAN) % DAY + 9 * 3600
    newsletter = TEMPLATES[1]
    blasts = [Blast(t, newsletter.name, newsletter.subject) for t in range(start + 7 * DAY, now - DAY, 14 * DAY)]
    for template in (TEMPLATES[2], TEMPLATES[3], TEMPLATES[6], TEMPLATES[7]):
        for _ in range(rng.randint(3, 6)):
            at = now - rng.randint(2 * DAY, SPAN)
            blasts.append(Blast(at - at % 60, template.name, template.subject))
    return sorted(blasts)


class ActivityMaker:
    """Generates one person's own events; cheap random picks from precomputed lists keep it fast."""

    def __init__(self, rng: random.Random, now: int, blasts: list[Blast]) -> None:
        self.rng = rng
        self.now = now
        self.blasts = blasts
        self.page_bag = [i for i, page in enumerate(PAGES) for _ in range(page[2])]
        self.hit_labels = [f"Visited {path}" for path, _, _ in PAGES]
        self.pricing = next(i for i, page in enumerate(PAGES) if page[0] == "/pricing")
        self._hits: dict[tuple[int, int, int], str] = {}

    def events(self, p: Person) -> list[Row]:
        rng = self.rng
        actor = (p.owner or rng.choice(REPS)) if p.source == "manual" else None
        rows: list[Row] = [
            (p.id, "lead.create", p.added, "Contact created", json.dumps({"source": p.source}), None, actor)
        ]
        if not p.activity:
            return rows
        if p.email:  # emails are sent (and opened) only where there is an address to send them to
            self._emails(p, rows)
        self._stages(p, rows)
        if p.company == HOSTILE_COMPANY:
            self._hostile_hit(p, rows)
        if p.lastname == HOSTILE_LASTNAME:
            self._form(p, rows, self.when(p), "Contact us", HOSTILE_FORM)
        if rng.random() < 0.1:
            delta = rng.choice((5, 10, 15, 25, -5, -10))
            self._points(p, rows, self.when(p), delta, "manual", "Manual adjustment", p.owner or rng.choice(REPS))
        centers = [p.added + int((self.now - p.added) * rng.betavariate(1.6, 1)) for _ in range(rng.randint(1, 6))]
        devices = rng.sample(range(len(USER_AGENTS)), 2)
        while len(rows) < p.activity:
            start = self.when(p, rng.choice(centers) if rng.random() < 0.65 else None)
            self._session(p, rows, start, devices[0] if rng.random() < 0.75 else devices[1])
        return rows

    def when(self, p: Person, center: int | None = None) -> int:
        """A time in the person's life, near `center` if given, else biased towards the recent past."""
        rng = self.rng
        life = self.now - p.added
        offset = rng.gauss(0, 2.5 * DAY) if center is not None else life * rng.betavariate(1.4, 1)
        at = (p.added if center is None else center) + int(offset)
        if at >= self.now - 600:
            at = self.now - 600 - rng.randint(0, min(3 * DAY, life))
        return max(at, p.added + 60)

    def _session(self, p: Person, rows: list[Row], at: int, device: int) -> None:
        rng = self.rng
        previous = -1
        referrer = rng.randrange(len(REFERRERS))
        for _ in range(1 + int(rng.expovariate(0.35))):
            page = rng.choice(self.page_bag)
            details = self._hit(page, previous, referrer, device)
            rows.append((p.id, "page.hit", at, self.hit_labels[page], details, None, None))
            if page == self.pricing and rng.random() < 0.25:
                self._points(p, rows, at, 5, "page.hit", "Visited pricing")
            previous, referrer = page, -1
            at += rng.randint(4, 180)
        roll = rng.random()
        if roll < 0.1:
            self._form(p, rows, at, rng.choice(FORMS), {})
        elif roll < 0.15:
            asset = rng.choice(ASSETS)
            download = {"asset": asset, "url": f"{SITE}/assets/{asset.replace(' ', '-').lower()}"}
            rows.append((p.id, "asset.download", at, f"Downloaded: {asset}", json.dumps(download), None, None))
            self._points(p, rows, at, 5, "asset.download", "Asset downloaded")

    def _hit(self, page: int, previous: int, referrer: int, device: int) -> str:
        key = (page, previous * 100 + referrer, device)
        if key not in self._hits:
            path, title, _ = PAGES[page]
            source = f"{SITE}{PAGES[previous][0]}" if previous >= 0 else REFERRERS[referrer]
            ua, kind = USER_AGENTS[device]
            hit = {"url": f"{SITE}{path}", "referrer": source, "title": title, "user_agent": ua, "device": kind}
            self._hits[key] = json.dumps(hit)
        return self._hits[key]

    def _form(self, p: Person, rows: list[Row], at: int, form: str, extra: dict[str, str]) -> None:
        rng = self.rng
        values = {"name": f"{p.firstname} {p.lastname}".strip(), "email": p.email or ""}
        if form in ("Contact us", "Request a demo", "Free trial"):
            values["company"] = p.company
        if form in ("Contact us", "Request a demo"):
            values["message"] = rng.choice(MESSAGES)
        if form == "Request a demo":
            values["budget"] = rng.choice(BUDGETS)
        values.update(extra)
        details = {"form": form, "form_id": FORMS.index(form) + 1, "values": values}
        rows.append((p.id, "form.submitted", at, f"Submitted form: {form}", json.dumps(details), None, None))
        self._points(p, rows, at, 10, "form.submitted", "Form submitted")

    def _points(
        self, p: Person, rows: list[Row], at: int, delta: int, action: str, reason: str, actor: str | None = None
    ) -> None:
        details = json.dumps({"action": action, "reason": reason, "delta": delta})
        rows.append((p.id, "point.gained", at, f"{delta:+d} points: {reason}", details, delta, actor))

    def _emails(self, p: Person, rows: list[Row]) -> None:
        rng = self.rng
        eligible = [b for b in self.blasts if b.at > p.added]
        sends = rng.sample(eligible, min(len(eligible), max(1, p.activity // 6)))
        if p.source == "web form":
            sends.append(Blast(p.added + rng.randint(30, 300), TEMPLATES[0].name, TEMPLATES[0].subject))
        open_rate = rng.random() * 0.8
        for blast in sends:
            subject = blast.subject.replace("{firstname}", p.firstname)
            details: dict[str, object] = {"email": blast.name, "subject": subject, "opened": False, "open_count": 0}
            first = blast.at + 30 + int(rng.expovariate(1 / 7200))
            if rng.random() < open_rate and first < self.now - 60:
                last = min(self.now - 60, first + rng.randint(0, 3 * DAY))
                count = 1 if last == first else 2 + int(rng.expovariate(1))
                details.update(opened=True, open_count=count, first_opened=iso(first), last_opened=iso(last))
                client, kind = rng.choice(MAIL_CLIENTS)
                read = {
                    "email": blast.name,
                    "subject": subject,
                    "opened_at": iso(first),
                    "client": client,
                    "device": kind,
                }
                rows.append((p.id, "email.read", first, f"Opened: {subject}", json.dumps(read), None, None))
                if rng.random() < 0.3:
                    self._points(p, rows, first, 2, "email.read", "Email opened")
            rows.append((p.id, "email.sent", blast.at, f"Email sent: {subject}", json.dumps(details), None, None))

    def _stages(self, p: Person, rows: list[Row]) -> None:
        if not p.stage:
            return
        steps = STAGES[: STAGES.index(p.stage) + 1]
        times = sorted(self.when(p) for _ in steps)
        previous = ""
        for n, (stage, at) in enumerate(zip(steps, times, strict=True)):
            label = f"Stage changed: {previous} → {stage}" if previous else f"Stage set: {stage}"
            actor = (p.owner or REPS[0]) if n >= 2 else None
            details = json.dumps({"from": previous, "to": stage})
            rows.append((p.id, "stage.changed", at, label, details, None, actor))
            previous = stage
        p.modified = max(p.modified, times[-1])

    def _hostile_hit(self, p: Person, rows: list[Row]) -> None:
        at = self.when(p)
        hit = {"url": f"{SITE}/promo", "referrer": "", "title": f"{ANSI_RED} Summer sale", "device": "desktop"}
        # A title-setting escape: in a mail client's name, or in the referrer of a contact with no email address.
        owned = "\x1b]0;owned\x07Outlook"
        if not p.email:
            hit["referrer"] = owned
        rows.append((p.id, "page.hit", at, "Visited /promo", json.dumps(hit), None, None))
        if p.email:
            read = {"email": "Case study", "subject": "Hello", "opened_at": iso(at), "client": owned}
            rows.append((p.id, "email.read", at + 5, "Opened: Hello", json.dumps(read), None, None))
