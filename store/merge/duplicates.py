"""Likely duplicates: the same person recorded twice, found through indexed normal forms, never by a scan.

Two contacts are suggested as one person when they share a normalised email address, a phone number
(E.164), or a similar name (in either order) at the same company or the same company email domain. A
similar name alone is never enough: Jane Does are common. Lookups are index reads: email and phone have
their own indexes, company and email domain have expression indexes (migration 0003_merge).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import ColumnClause, Engine, func, literal_column, select
from sqlalchemy.engine import Row

from store.contacts import ContactNotFound
from store.db import fold
from store.dialect import email_domain as email_domain_sql
from store.models import Contact, table_of
from store.phones import normalize_phone, pretty_phone, region_for_country
from store.rows import ContactSummary, summary_of

NAME_SIMILARITY = 85  # token_sort_ratio: "Doe Jane" and "Jane Doe" score 100, "Jon Smith"/"John Smith" 95
GROUP_SCAN_LIMIT = 5000  # contacts compared per company or domain: bounds the cost of a giant group
# Everyone shares these domains, so a similar name there says nothing.
_FREE_MAIL = """
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.es yahoo.fr yahoo.co.in yahoo.co.jp hotmail.com hotmail.es
hotmail.fr hotmail.co.uk outlook.com outlook.sa live.com msn.com icloud.com me.com mac.com aol.com proton.me
protonmail.com gmx.de gmx.net web.de t-online.de orange.fr free.fr laposte.net btinternet.com libero.it
virgilio.it uol.com.br bol.com.br ziggo.nl kpnmail.nl wp.pl o2.pl onet.pl telia.com docomo.ne.jp qq.com 163.com
126.com naver.com daum.net walla.co.il 012.net.il mail.ru yandex.ru yandex.com yandex.com.tr rediffmail.com
"""
FREE_MAIL_DOMAINS = frozenset(_FREE_MAIL.split())
EMAIL, PHONE, NAME = 0, 1, 2  # reason ranks, strongest first

C = table_of(Contact).c
# The expressions of migration 0003_merge's indexes, verbatim: SQLite only uses an index on an expression
# when the query spells the same expression.
company_key: ColumnClause[Any] = literal_column("lower(trim(contact.company))")
domain_key = email_domain_sql()
SUMMARY_COLUMNS = (C.id, C.firstname, C.lastname, C.email, C.company, C.city, C.points, C.last_active)
LIVE = C.merged_into_id.is_(None)


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """Another live contact that is probably the same person, and why (strongest reason first)."""

    contact: ContactSummary
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two live contacts that are probably one person; `first` is the older record."""

    first: ContactSummary
    second: ContactSummary
    reasons: tuple[str, ...]


def name_key(firstname: str, lastname: str) -> str:
    """A name for comparing: case, accents and punctuation ignored ("O'Brien" is "o brien")."""
    name = f"{firstname} {lastname}"
    # default_process lower-cases; only names outside ASCII need the (slower) accent folding.
    return default_process(name if name.isascii() else fold(name) or "")


def name_reason(ratio: float, where: str) -> str:
    return f"same name {where}" if ratio >= 100 else f"similar name ({int(ratio)}%) {where}"


def email_reason(email: str | None, other: str | None) -> str:
    same = (email or "").strip().lower() == (other or "").strip().lower()
    return "same email" if same else "same email (normalised)"


def email_domain(email_normalized: str | None) -> str | None:
    """The domain of a normalised email, None for free-mail providers (everyone shares those)."""
    domain = (email_normalized or "").rpartition("@")[2]
    return domain if domain and domain not in FREE_MAIL_DOMAINS else None


def candidate_queries(contact_id: int, *, email: str | None, phones: list[str], company: str, domain: str | None):
    """The indexed lookups behind `find_duplicates_for`, as (rank, where, statement); also EXPLAINed by tests."""
    others = select(*SUMMARY_COLUMNS, C.phone_e164).where(LIVE, C.id != contact_id)
    newest = others.order_by(C.id.desc()).limit(GROUP_SCAN_LIMIT)
    queries = []
    if email:
        queries.append((EMAIL, "", others.where(C.email_normalized == email)))
    if phones:
        queries.append((PHONE, "", others.where(C.phone_e164.in_(phones))))
    if company.strip():
        key = func.lower(func.trim(company))
        queries.append((NAME, "at the same company", newest.where(company_key == key)))
    if domain:
        queries.append((NAME, "with the same email domain", newest.where(domain_key == domain)))
    return queries


def find_duplicates_for(
    engine: Engine, contact_id: int, *, limit: int = 20, default_region: str = "US"
) -> list[DuplicateCandidate]:
    """Live contacts that are probably the same person as `contact_id`, strongest evidence first.

    The contact's own phone and mobile are read in its country (else `default_region`); other contacts
    are found through their stored `phone_e164` (see `store.phones.backfill_phone_e164`).
    """
    with engine.connect() as conn:
        me = conn.execute(select(table_of(Contact)).where(C.id == contact_id)).first()
        if me is None:
            raise ContactNotFound(f"No contact has the id {contact_id}.")
        region = region_for_country(me.country, default_region)
        phones = {me.phone_e164, normalize_phone(me.phone, region), normalize_phone(me.mobile, region)}
        queries = candidate_queries(
            contact_id,
            email=me.email_normalized,
            phones=sorted(phones - {None}),
            company=me.company,
            domain=email_domain(me.email_normalized),
        )
        name = name_key(me.firstname, me.lastname)
        found: dict[int, tuple[ContactSummary, list[tuple[int, str]]]] = {}
        for rank, where, query in queries:
            if rank == NAME and not name:
                continue
            rows = list(conn.execute(query))
            if rank == EMAIL:
                matches = [(row, email_reason(me.email, row.email)) for row in rows]
            elif rank == PHONE:
                matches = [(row, f"same phone {pretty_phone(row.phone_e164)}") for row in rows]
            else:
                matches = [(row, name_reason(ratio, where)) for row, ratio in _similar(name, rows)]
            for row, reason in matches:
                reasons = found.setdefault(row.id, (summary_of(row._mapping), []))[1]
                # One name reason is enough: "at the same company" is listed before "the same domain".
                if rank != NAME or all(r != NAME for r, _ in reasons):
                    reasons.append((rank, reason))
    ranked = sorted(found.values(), key=lambda entry: (min(entry[1])[0], -entry[0].id))
    return [
        DuplicateCandidate(summary, unique(reason for _, reason in sorted(reasons)))
        for summary, reasons in ranked[:limit]
    ]


def _similar(name: str, rows: list[Row[Any]]) -> Iterator[tuple[Row[Any], float]]:
    if not name:
        return
    keyed = [(row, key) for row in rows if (key := name_key(row.firstname, row.lastname))]
    choices = [key for _, key in keyed]
    for _, ratio, index in process.extract(
        name, choices, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=None
    ):
        yield keyed[index][0], ratio


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
