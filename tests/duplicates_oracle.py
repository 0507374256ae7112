"""The whole-database duplicate search as it was before issue 22 (it compared every company and domain group,
and filtered liveness row by row): the reference the faster `store.merge.duplicate_pairs` must agree with."""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.engine import Connection

from store.dialect import group_array, json_array, loads
from store.merge import duplicates as d
from store.merge.duplicates import EMAIL, LIVE, NAME, PHONE, C, DuplicatePair
from store.phones import pretty_phone
from store.rows import ContactSummary, summary_of


def old_find_all_duplicates(engine: Engine, *, limit: int = 100) -> list[DuplicatePair]:
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
        for key, where in ((d.company_key, "at the same company"), (d.domain_key, "with the same email domain")):
            for a, b, ratio in _similar_pairs(conn, key):
                add(a, b, NAME, d.name_reason(ratio, where))
        ranked = sorted(pairs.items(), key=lambda item: (min(item[1])[0], -item[0][1], -item[0][0]))[:limit]
        ids = sorted({contact_id for (a, b), _ in ranked for contact_id in (a, b)})
        summaries: dict[int, ContactSummary] = {}
        for start in range(0, len(ids), 500):
            chunk = select(*d.SUMMARY_COLUMNS).where(C.id.in_(ids[start : start + 500]))
            summaries.update((row.id, summary_of(row._mapping)) for row in conn.execute(chunk))
    result = []
    for (a, b), reasons in ranked:
        first, second = summaries[a], summaries[b]
        words = [d.email_reason(first.email, second.email) if r == "email" else r for _, r in sorted(reasons)]
        result.append(DuplicatePair(first, second, d.unique(words)))
    return result


def _equal_groups(conn: Connection, column) -> Iterator[tuple[str, list[int]]]:
    query = select(column, group_array(C.id)).where(LIVE, column.is_not(None)).group_by(column).having(func.count() > 1)
    for value, ids in conn.execute(query):
        yield value, sorted(loads(ids))


def _similar_pairs(conn: Connection, key) -> Iterator[tuple[int, int, float]]:
    """Pairs of similar names within each company (or domain) group; a group is compared within itself."""
    where = [LIVE, key != "", C.firstname + C.lastname != ""]
    if key is d.domain_key:
        where.append(key.not_in(bindparam("free", sorted(d.FREE_MAIL_DOMAINS), expanding=True)))
    members = group_array(json_array(C.id, C.firstname, C.lastname))
    for (group,) in conn.execute(select(members).where(*where).group_by(key).having(func.count() > 1)):
        rows = sorted(loads(group), reverse=True)[: d.GROUP_SCAN_LIMIT]  # the newest, if it is a giant
        names = [d.name_key(first, last) for _, first, last in rows]
        for i, name in enumerate(names[:-1]):
            if not name:
                continue
            for _, ratio, j in process.extract(
                name, names[i + 1 :], scorer=fuzz.token_sort_ratio, score_cutoff=d.NAME_SIMILARITY, limit=None
            ):
                yield rows[i][0], rows[i + 1 + j][0], ratio
