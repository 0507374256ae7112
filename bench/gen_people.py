"""Benchmark data: people of several locales (names, emails, phones, companies, cities), for bench.generate."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any


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

    from demo.data import CITIES, LOCALES
    from demo.people import _LEGAL

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
