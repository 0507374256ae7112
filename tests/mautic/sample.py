"""FakeMautic.sample(): a realistic, seeded instance. About half the contacts are anonymous visitors; names
carry accents and CJK; two contacts share an email; one company holds markup and an ANSI escape; there are tags,
IPs with lookup details, DNC rows, notes, and memberships including one in an unpublished campaign."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tests.mautic import changes
from tests.mautic.entities import SYSTEM
from tests.mautic.history import NULL, bulk_extend

if TYPE_CHECKING:
    from tests.mautic.control import FakeMautic

HOSTILE_COMPANY = "[@click=app.quit]x[/] \x1b[31mRed Herring Ltd"
SHARED_EMAIL = "shared.inbox@example.com"
FIRST = ["Zoë", "José", "Søren", "Amélie", "Björn", "Łukasz", "Ana", "Chloé", "Jürgen", "Nuno", "Ingrid", "Ayşe",
         "Olivia", "Liam", "Maëlle", "Dmitrii", "Siobhán", "Ngozi", "Rafael", "Hana"]  # fmt: skip
LAST = ["Ünal", "Álvarez", "Kierkegaard", "Dubois", "Nyström", "Wałęsa", "Müller", "O'Brien", "García", "Smith",
        "Okafor", "Novák", "Ferreira", "Lindqvist", "Kowalska", "Moreau"]  # fmt: skip
CJK = [("太郎", "山田"), ("美咲", "佐藤"), ("伟", "王"), ("민준", "김"), ("秀英", "李")]
COMPANIES = ["Acme Corp", "Globex", "Initech", "Société Générale", "株式会社サンプル", "Umbrella plc", "Nordlicht GmbH"]
PLACES = [("Paris", "France"), ("Berlin", "Germany"), ("Tokyo", "Japan"), ("São Paulo", "Brazil"),
          ("London", "United Kingdom"), ("Kraków", "Poland"), ("Lagos", "Nigeria"), ("Montréal", "Canada")]  # fmt: skip
TAGS = ["vip", "newsletter", "partner", "trial", "customer", "événement"]
PAGES = [("https://example.com/", "Home"), ("https://example.com/pricing", "Pricing"),
         ("https://example.com/blog/launch", "We launched"), ("https://example.com/docs", None),
         ("https://example.com/careers", "Careers"), ("https://example.com/contact", "Contact us")]  # fmt: skip
POINT_EVENTS = [("Visited pricing", 5), ("Downloaded the guide", 10), ("Opened a newsletter", 2), ("Went quiet", -3)]
# Event kinds and their weights in the generated history.
KINDS = [("hit", 45), ("email", 22), ("form", 8), ("points", 10), ("stage", 4), ("campaign", 11)]


def _ip(rng: random.Random) -> tuple[str, dict[str, str]]:
    city, country = rng.choice(PLACES)
    address = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return address, {"city": city, "country": country, "isp": "Example Telecom", "timezone": "UTC"}


def populate(fake: FakeMautic, n_contacts: int, events_per_contact: int, seed: int) -> None:
    """Fill `fake` deterministically from `seed`."""
    rng = random.Random(seed)
    now = fake.now
    users = [
        fake.add_user("Sam", "Seller", "sam"),
        fake.add_user("Mia", "Müller", "mia"),
        fake.add_user("健", "田中", "ken"),
    ]
    stages = [fake.add_stage(name) for name in ("Lead", "Prospect", "Customer")]
    news, vip = fake.add_segment("Newsletter", "newsletter"), fake.add_segment("VIP", "vip")
    webinar, old_list = fake.add_segment("Webinar attendees"), fake.add_segment("Old list", published=False)
    onboarding = fake.add_campaign("Onboarding", segments=[news])
    nurture, old_drip = fake.add_campaign("Nurture"), fake.add_campaign("Old drip", published=False)
    welcome, june = fake.add_email("Welcome", "Welcome aboard"), fake.add_email("June news", "What's new in June")
    emails = [welcome, june, fake.add_email("June news B", "June: what's new", parent=june)]
    fake.add_field("industry", "Industry", "select", "professional", {"list": "Software|Retail|Energy|Education"})
    fake.add_field("newsletter_opt_in", "Newsletter opt-in", "boolean", "personal", {"no": "No", "yes": "Yes"})
    campaign_steps = {onboarding: ["Send welcome email", "Wait 2 days"], nurture: ["Tag as engaged"]}
    model = fake.model
    for campaign_id, names in campaign_steps.items():
        for name in names:
            event_id = model.next_id("campaign_event")
            model.campaigns[campaign_id].events[name] = event_id
            model.campaign_event_names[event_id] = name
    strings = model.history.strings
    pages = [(strings.add(url), strings.add(title)) for url, title in PAGES]
    point_labels = [(strings.add(f"{name} / {delta}"), delta) for name, delta in POINT_EVENTS]
    stage_labels = [(strings.add(f"{sid}: {model.stages[sid].name}"), sid) for sid in stages]
    steps = [(cid, eid) for cid in campaign_steps for eid in model.campaigns[cid].events.values()]
    form_values = [
        strings.add(json.dumps({"message": text}, ensure_ascii=False)) for text in ("Call me", "Devis ?", "")
    ]
    form_name = strings.add("Contact us")
    model.forms.setdefault("Contact us", 1)
    bulk: dict[str, dict[str, list]] = {
        "hits": {"contact": [], "ts": [], "url": [], "title": []},
        "stats": {"contact": [], "ts": [], "email": [], "read": []},
        "submissions": {"contact": [], "ts": [], "form": [], "values": []},
        "points": {"contact": [], "ts": [], "label": [], "delta": []},
        "stages": {"contact": [], "ts": [], "label": [], "stage": []},
        "campaign_events": {"contact": [], "ts": [], "campaign": [], "event": [], "trigger": [], "state": []},
    }
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    for index in range(n_contacts):
        anonymous = index > 2 and rng.random() < 0.5
        added = now - timedelta(days=rng.uniform(1, 365))
        if anonymous:
            contact_id = fake.add_contact(ips=[_ip(rng)], date_added=added)
        else:
            first, last = rng.choice(CJK) if rng.random() < 0.12 else (rng.choice(FIRST), rng.choice(LAST))
            city, country = rng.choice(PLACES)
            email = SHARED_EMAIL if index in (1, 2) else f"contact{index}@example.{rng.choice(['com', 'fr', 'jp'])}"
            contact_id = fake.add_contact(
                firstname=first,
                lastname=last,
                email=email,
                company=HOSTILE_COMPANY if index == 0 else rng.choice(COMPANIES),
                city=city,
                country=country,
                industry=rng.choice(["Software", "Retail", "Energy", None]),
                newsletter_opt_in=rng.random() < 0.5,
                owner=rng.choice([*users, None]),
                stage=rng.choice([*stages, None]),
                tags=rng.sample(TAGS, rng.randint(0, 3)),
                ips=[_ip(rng) for _ in range(rng.randint(0, 2))],
                date_added=added,
            )
        span = (now - added).total_seconds()
        start = added.timestamp()
        last_seen = NULL
        points = 0
        for _ in range(events_per_contact):
            kind = "hit" if anonymous else rng.choice(kinds)
            ts = start + rng.random() * span
            if kind == "hit":
                url, title = rng.choice(pages)
                _add(bulk["hits"], contact_id, ts, url=url, title=title)
                last_seen = ts if math.isnan(last_seen) or ts > last_seen else last_seen
            elif kind == "email":
                read = ts + rng.uniform(60, 86400) if rng.random() < 0.5 else NULL
                _add(
                    bulk["stats"],
                    contact_id,
                    ts,
                    email=rng.choice(emails),
                    read=read if read < now.timestamp() else NULL,
                )
            elif kind == "form":
                _add(bulk["submissions"], contact_id, ts, form=form_name, values=rng.choice(form_values))
            elif kind == "points":
                label, delta = rng.choice(point_labels)
                points += delta
                _add(bulk["points"], contact_id, ts, label=label, delta=delta)
            elif kind == "stage":
                label, stage_id = rng.choice(stage_labels)
                _add(bulk["stages"], contact_id, ts, label=label, stage=stage_id)
            else:
                campaign_id, event_id = rng.choice(steps)
                _add(bulk["campaign_events"], contact_id, ts, campaign=campaign_id, event=event_id, trigger=ts, state=0)
        contact = model.contacts[contact_id]
        contact.points = max(0, points)
        if not math.isnan(last_seen):
            contact.last_active = datetime.fromtimestamp(last_seen, UTC)
        if not anonymous:
            _relate(
                fake, rng, index, contact_id, added, [news, vip, webinar, old_list], [onboarding, nurture, old_drip]
            )
    for email_id in bulk["stats"]["email"]:
        model.emails[email_id].sent_count += 1
    for name, columns in bulk.items():
        contacts, stamps = columns.pop("contact"), columns.pop("ts")
        bulk_extend(getattr(model.history, name), contacts, stamps, **columns)


def _add(columns: dict[str, list], contact: int, ts: float, **values: float | int) -> None:
    columns["contact"].append(contact)
    columns["ts"].append(ts)
    for name, value in values.items():
        columns[name].append(value)


def _relate(
    fake: FakeMautic, rng: random.Random, index: int, contact: int, added: datetime, segments: list[int],
    campaigns: list[int],
) -> None:  # fmt: skip
    """Memberships, an earlier edit, DNC rows, notes and the odd scheduled event for one identified contact."""
    news, vip, webinar, old_list = segments
    onboarding, nurture, old_drip = campaigns
    joined = added + timedelta(hours=rng.uniform(1, 48))
    if index == 0 or rng.random() < 0.4:
        fake.join_segment(contact, news, manual=False, at=joined)
        fake.join_campaign(contact, onboarding, manual=False, at=joined)
    if rng.random() < 0.12:
        fake.join_segment(contact, vip, at=joined)
    if rng.random() < 0.1:
        fake.join_segment(contact, webinar, at=joined)
        fake.leave_segment(contact, webinar, at=joined + timedelta(days=1))
    if index == 0 or rng.random() < 0.05:
        fake.join_segment(contact, old_list, at=joined)
        fake.join_campaign(contact, old_drip, at=joined)  # never listed by /contacts/{id}/campaigns: unpublished
    if rng.random() < 0.15:
        fake.join_campaign(contact, nurture, at=joined)
    row = fake.model.contacts[contact]
    if rng.random() < 0.5:  # edited once since it was added; the rest keep dateModified NULL
        row.date_modified = min(fake.now, added + timedelta(days=rng.uniform(0, 60)))
        row.modified_by, row.modified_by_user = row.created_by, row.created_by_user
    if index == 0 or rng.random() < 0.06:
        when = min(fake.now, joined + timedelta(days=rng.uniform(0, 90)))
        reason, comments = rng.choice([1, 2, 3]), rng.choice(["", "Asked by phone"])
        changes.add_dnc(fake.model, row, "email", reason, comments, when=when)
        changes.save(fake.model, row, SYSTEM, {"dnc_channel_status"}, when)
    if index == 0 or rng.random() < 0.2:
        for _ in range(rng.randint(1, 2)):
            text = rng.choice(["<p>Called about the <b>renewal</b></p>", "Met at the fair", "Prefers 電話"])
            kind = rng.choice(["general", "call", "meeting", "email"])
            fake.add_note(contact, text, type=kind, date_time=joined + timedelta(days=rng.uniform(0, 30)))
    if rng.random() < 0.02:
        fake.schedule_campaign_event(contact, onboarding, "Wait 2 days", fake.now + timedelta(days=rng.randint(1, 5)))
