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
from sqlalchemy import ColumnClause, Engine, bindparam, func, literal_column, select
from sqlalchemy.engine import Connection, Row

from store.contacts import ContactNotFound
from store.db import fold
from store.dialect import email_domain as email_domain_sql
from store.dialect import group_array, json_array, loads
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
_company_key: ColumnClause[Any] = literal_column("lower(trim(contact.company))")
_email_domain_key = email_domain_sql()
_SUMMARY = (C.id, C.firstname, C.lastname, C.email, C.company, C.city, C.points, C.last_active)
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


def _name_key(firstname: str, lastname: str) -> str:
    """A name for comparing: case, accents and punctuation ignored ("O'Brien" is "o brien")."""
    name = f"{firstname} {lastname}"
    # default_process lower-cases; only names outside ASCII need the (slower) accent folding.
    return default_process(name if name.isascii() else fold(name) or "")


def _name_reason(ratio: float, where: str) -> str:
    return f"same name {where}" if ratio >= 100 else f"similar name ({int(ratio)}%) {where}"


def _email_reason(email: str | None, other: str | None) -> str:
    same = (email or "").strip().lower() == (other or "").strip().lower()
    return "same email" if same else "same email (normalised)"


def email_domain(email_normalized: str | None) -> str | None:
    """The domain of a normalised email, None for free-mail providers (everyone shares those)."""
    domain = (email_normalized or "").rpartition("@")[2]
    return domain if domain and domain not in FREE_MAIL_DOMAINS else None


def candidate_queries(contact_id: int, *, email: str | None, phones: list[str], company: str, domain: str | None):
    """The indexed lookups behind `find_duplicates_for`, as (rank, where, statement); also EXPLAINed by tests."""
    others = select(*_SUMMARY, C.phone_e164).where(LIVE, C.id != contact_id)
    newest = others.order_by(C.id.desc()).limit(GROUP_SCAN_LIMIT)
    queries = []
    if email:
        queries.append((EMAIL, "", others.where(C.email_normalized == email)))
    if phones:
        queries.append((PHONE, "", others.where(C.phone_e164.in_(phones))))
    if company.strip():
        key = func.lower(func.trim(company))
        queries.append((NAME, "at the same company", newest.where(_company_key == key)))
    if domain:
        queries.append((NAME, "with the same email domain", newest.where(_email_domain_key == domain)))
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
        name = _name_key(me.firstname, me.lastname)
        found: dict[int, tuple[ContactSummary, list[tuple[int, str]]]] = {}
        for rank, where, query in queries:
            if rank == NAME and not name:
                continue
            rows = list(conn.execute(query))
            if rank == EMAIL:
                matches = [(row, _email_reason(me.email, row.email)) for row in rows]
            elif rank == PHONE:
                matches = [(row, f"same phone {pretty_phone(row.phone_e164)}") for row in rows]
            else:
                matches = [(row, _name_reason(ratio, where)) for row, ratio in _similar(name, rows)]
            for row, reason in matches:
                reasons = found.setdefault(row.id, (summary_of(row._mapping), []))[1]
                # One name reason is enough: "at the same company" is listed before "the same domain".
                if rank != NAME or all(r != NAME for r, _ in reasons):
                    reasons.append((rank, reason))
    ranked = sorted(found.values(), key=lambda entry: (min(entry[1])[0], -entry[0].id))
    return [
        DuplicateCandidate(summary, _unique(reason for _, reason in sorted(reasons)))
        for summary, reasons in ranked[:limit]
    ]


def _similar(name: str, rows: list[Row[Any]]) -> Iterator[tuple[Row[Any], float]]:
    if not name:
        return
    keyed = [(row, key) for row in rows if (key := _name_key(row.firstname, row.lastname))]
    choices = [key for _, key in keyed]
    for _, ratio, index in process.extract(
        name, choices, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=None
    ):
        yield keyed[index][0], ratio


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def find_all_duplicates(engine: Engine, *, limit: int = 100) -> list[DuplicatePair]:
    """Likely duplicate pairs across the whole database, strongest evidence first, newest first within.

    Contacts are grouped by normalised email and phone (GROUP BY over their indexes) and by company and
    company email domain (ordered reads of the expression indexes); names are only compared within a
    group, never all against all.
    """
    pairs: dict[tuple[int, int], list[tuple[int, str]]] = {}

    def add(a: int, b: int, rank: int, reason: str) -> None:
        reasons = pairs.setdefault((min(a, b), max(a, b)), [])
        if rank != NAME or all(r != NAME for r, _ in reasons):
            reasons.append((rank, reason))

    with engine.connect() as conn:
        for rank, column in ((EMAIL, C.email_normalized), (PHONE, C.phone_e164)):
            for value, ids in _equal_groups(conn, column):
                reason = "email" if rank == EMAIL else f"same phone {pretty_phone(value)}"
                for other in ids[1:]:
                    add(ids[0], other, rank, reason)
        for key, where in ((_company_key, "at the same company"), (_email_domain_key, "with the same email domain")):
            for a, b, ratio in _similar_pairs(conn, key):
                add(a, b, NAME, _name_reason(ratio, where))
        ranked = sorted(pairs.items(), key=lambda item: (min(item[1])[0], -item[0][1], -item[0][0]))[:limit]
        ids = sorted({contact_id for (a, b), _ in ranked for contact_id in (a, b)})
        summaries: dict[int, ContactSummary] = {}
        for start in range(0, len(ids), 500):
            chunk = select(*_SUMMARY).where(C.id.in_(ids[start : start + 500]))
            summaries.update((row.id, summary_of(row._mapping)) for row in conn.execute(chunk))
    result = []
    for (a, b), reasons in ranked:
        first, second = summaries[a], summaries[b]
        words = [_email_reason(first.email, second.email) if r == "email" else r for _, r in sorted(reasons)]
        result.append(DuplicatePair(first, second, _unique(words)))
    return result


def _equal_groups(conn: Connection, column) -> Iterator[tuple[str, list[int]]]:
    query = select(column, group_array(C.id)).where(LIVE, column.is_not(None)).group_by(column).having(func.count() > 1)
    for value, ids in conn.execute(query):
        yield value, sorted(loads(ids))


def _similar_pairs(conn: Connection, key) -> Iterator[tuple[int, int, float]]:
    """Pairs of similar names within each company (or domain) group; a group is compared within itself."""
    where = [LIVE, key != "", C.firstname + C.lastname != ""]
    if key is _email_domain_key:
        where.append(key.not_in(bindparam("free", sorted(FREE_MAIL_DOMAINS), expanding=True)))
    members = group_array(json_array(C.id, C.firstname, C.lastname))
    for (group,) in conn.execute(select(members).where(*where).group_by(key).having(func.count() > 1)):
        rows = sorted(loads(group), reverse=True)[:GROUP_SCAN_LIMIT]  # the newest, if it is a giant
        names = [_name_key(first, last) for _, first, last in rows]
        for i, name in enumerate(names[:-1]):
            if not name:
                continue
            for _, ratio, j in process.extract(
                name, names[i + 1 :], scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=None
            ):
                yield rows[i][0], rows[i + 1 + j][0], ratio
