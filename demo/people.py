"""Demo people: names, companies and addresses from many countries, plus likely duplicates and traps."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, replace
from typing import Any

from faker import Faker
from faker.decode import unidecode

from demo.data import (
    APOSTROPHE_NAMES,
    CITIES,
    EMPLOYEES,
    INDUSTRIES,
    LOCALES,
    POSITIONS,
    REPS,
    SOURCES,
    STAGE_WEIGHTS,
    TAGS,
    City,
    Locale,
)
from store.normalize import normalize_email

DAY = 86_400
SPAN = 548 * DAY  # eighteen months
HOSTILE_COMPANY = "[bold red]Acme[/]"
HOSTILE_LASTNAME = "[@click=app.quit]x[/]"
# Fixed positions, so every demo database has the same traps whatever its size and seed.
PINNED: dict[int, tuple[str, str | None]] = {1: ("en_US", None), 2: ("de_DE", None), 3: ("en_US", "O'Brien")}
PINNED[4] = ("it_IT", "D'Angelo")
_LEGAL = {"inc", "llc", "ltd", "plc", "group", "ag", "gmbh", "kg", "sa", "sas", "sarl", "srl", "spa", "sl", "bv"}
_LEGAL |= {"and", "und", "et", "y", "e", "sp", "z", "oo", "ab", "hb", "as", "ltda", "co", "the", "son", "sons"}


@dataclass(slots=True)
class Person:
    """One contact being generated; times are UTC epoch seconds."""

    id: int
    locale: Locale
    city: City
    firstname: str
    lastname: str
    email: str | None
    phone: str | None
    company: str
    position: str
    address1: str
    zipcode: str
    website: str
    stage: str
    owner: str
    tags: list[str]
    custom_fields: dict[str, Any]
    added: int
    activity: int
    source: str
    handle: str
    twin_of: int | None = None
    do_not_contact: bool = False
    points: int = 0
    last_active: int | None = None
    modified: int = 0


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, for emails, domains and handles."""
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower())


class PeopleMaker:
    """Makes `Person`s from seeded Faker instances and one `random.Random`; nothing global is touched."""

    def __init__(self, rng: random.Random, seed: int, now: int) -> None:
        self.rng = rng
        self.seed = seed
        self.now = now
        self._fakers: dict[str, Faker] = {}
        self._emails: set[str] = set()
        self._weights = [loc.weight for loc in LOCALES]
        self._stages = [s for s, _ in STAGE_WEIGHTS]
        self._stage_weights = [w for _, w in STAGE_WEIGHTS]

    def faker(self, code: str) -> Faker:
        if code not in self._fakers:
            fake = Faker(code)
            fake.seed_instance(self.seed * 1000 + len(self._fakers))
            self._fakers[code] = fake
        return self._fakers[code]

    def people(self, count: int) -> list[Person]:
        """`count` contacts with ids 1..count; the last ~1% are second records of earlier people."""
        rng = self.rng
        twins = min(max(3, count // 100), count // 4)
        base = count - twins
        people = [self.person(i + 1, *PINNED.get(i, (None, None))) for i in range(base)]
        heavy = rng.sample(range(len(PINNED), base), min(max(1, count // 300), max(0, base - len(PINNED))))
        for index in heavy:
            people[index].activity = rng.randint(20_000, 40_000)
            people[index].added = self.now - SPAN + rng.randint(DAY, 20 * DAY)
        if base > 2:
            people[1].company = HOSTILE_COMPANY
            people[2].lastname = HOSTILE_LASTNAME
            for index in (1, 2):
                people[index].activity = max(people[index].activity, 30)
        candidates = [p for p in people[len(PINNED) :] if p.email and p.activity < 20_000]
        originals = rng.sample(candidates, min(twins, len(candidates)))
        people.extend(self.twin(base + n + 1, original, n) for n, original in enumerate(originals))
        # A demo of a handful has too few people to copy: the rest are people of their own.
        people.extend(self.person(pid) for pid in range(len(people) + 1, count + 1))
        reachable = [p for p in people if p.email and p.activity]
        for person in rng.sample(reachable, min(len(reachable), max(1, count // 50))):
            person.do_not_contact = True
        return people

    def person(self, pid: int, code: str | None = None, surname: str | None = None) -> Person:
        """A new person, from locale `code` (else a weighted random one), with `surname` if given."""
        rng = self.rng
        locale = next(loc for loc in LOCALES if loc.code == code) if code else rng.choices(LOCALES, self._weights)[0]
        fake = self.faker(locale.code)
        male = rng.random() < 0.5
        if locale.code == "ja_JP":
            first = fake.first_name_male_pair() if male else fake.first_name_female_pair()
            last = fake.last_name_pair()
            firstname, lastname, ascii_name = first[0], last[0], (first[2], last[2])
        else:
            firstname = fake.first_name_male() if male else fake.first_name_female()
            lastname = fake.last_name_male() if male else fake.last_name_female()
            ascii_name = (firstname, lastname)
        if surname is None and locale.code in APOSTROPHE_NAMES and rng.random() < 0.04:
            surname = rng.choice(APOSTROPHE_NAMES[locale.code])
        if surname is not None:
            lastname, ascii_name = surname, (ascii_name[0], surname)
        company = fake.company() if rng.random() < 0.9 else ""
        domain = self._domain(company, locale)
        cities = [c for c in CITIES if c.country_code == locale.country_code]
        email = self._email(ascii_name, domain, locale) if rng.random() < 0.9 else None
        added = self.now - int(rng.betavariate(1.0, 1.2) * (SPAN - DAY)) - rng.randint(3600, DAY)
        activity = 0 if rng.random() < 0.1 else min(600, max(3, int(rng.lognormvariate(math.log(60), 0.9))))
        custom: dict[str, Any] = {}
        if rng.random() < 0.5:
            custom["industry"] = rng.choice(INDUSTRIES)
            custom["employees"] = rng.choice(EMPLOYEES)
        if rng.random() < 0.35:
            custom["linkedin"] = f"https://www.linkedin.com/in/{slug(ascii_name[0])}-{slug(ascii_name[1])}"
        return Person(
            id=pid,
            locale=locale,
            city=rng.choice(cities),
            firstname=firstname,
            lastname=lastname,
            email=email,
            phone=fake.phone_number() if rng.random() < 0.7 else None,
            company=company,
            position=rng.choice(POSITIONS) if company else "",
            address1=fake.street_address().replace("\n", ", "),
            zipcode=fake.postcode(),
            website=f"https://www.{domain}" if domain and rng.random() < 0.4 else "",
            stage=rng.choices(self._stages, self._stage_weights)[0],
            owner=rng.choice(REPS) if rng.random() < 0.85 else "",
            tags=rng.sample(TAGS, rng.choices((0, 1, 2, 3, 4), (30, 30, 20, 12, 8))[0]),
            custom_fields=custom,
            added=added,
            activity=activity,
            source=rng.choice(SOURCES),
            handle=self._handle(ascii_name),
        )

    def twin(self, pid: int, original: Person, n: int) -> Person:
        """A second record of the same person, as an import or a second form fill would make it."""
        rng = self.rng
        assert original.email is not None
        local, _, domain = original.email.partition("@")
        if n % 2 == 0:
            email = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.capitalize()
        else:
            email = f"{local}+{rng.choice(('news', 'crm', 'work'))}@{domain}"
        return replace(
            original,
            id=pid,
            email=email,
            phone=original.phone if rng.random() < 0.5 else None,
            stage=rng.choice(("", "Lead")),
            tags=original.tags[:1],
            custom_fields={},
            added=rng.randint(original.added, self.now - 3600),
            activity=rng.randint(3, 15),
            source=rng.choice(("import", "web form")),
            twin_of=original.id,
        )

    def _domain(self, company: str, locale: Locale) -> str:
        words = [w for w in re.split(r"[^a-z0-9]+", unidecode(company).lower()) if len(w) > 1 and w not in _LEGAL]
        return f"{'-'.join(words[:2])}.{locale.tld}" if words else ""

    def _email(self, ascii_name: tuple[str, str], domain: str, locale: Locale) -> str:
        rng = self.rng
        first, last = slug(ascii_name[0]), slug(ascii_name[1])
        if not first or not last:
            first, last = slug(self.faker(locale.code).user_name()), ""
        if not domain or rng.random() < 0.4:
            domain = rng.choice(locale.free_mail)
        # Demo addresses live under the reserved .example domain (RFC 2606): a demo database pointed at a
        # real SMTP server can never mail a real person.
        domain = domain.split(".", 1)[0] + ".example"
        pattern = rng.randrange(5) if last else 5
        local = (f"{first}.{last}", f"{first[0]}{last}", f"{first}{last[0]}", f"{first}_{last}", f"{first}{last}")
        base = local[pattern] if pattern < 5 else first
        email, number = f"{base}@{domain}", 2
        while normalize_email(email) in self._emails:
            email, number = f"{base}{number}@{domain}", number + 1
        self._emails.add(normalize_email(email) or email)
        return email

    def _handle(self, ascii_name: tuple[str, str]) -> str:
        first, last = slug(ascii_name[0]), slug(ascii_name[1])
        return f"{first[:1]}{last}"[:15] or f"user{self.rng.randint(100, 999)}"
