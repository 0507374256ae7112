"""Likely duplicate pairs across the whole database (`dossier duplicates`), comparing no more than the answer needs.

Pairs rank by their strongest reason (same email, then same phone, then a similar name), newest first within
a reason, and the first `limit` are shown:
- equal emails and phones are found by GROUP BY over their own indexes alone (a covering scan); only the ids
  that share a value are then checked for being live, rather than every row of the table;
- when there are at least `limit` such pairs, a pair found by its name alone would rank below all of them, so
  names are compared only within the pairs shown, to add "same name at the same company" to their reasons;
- otherwise every company and company email domain is compared within itself (`_similar_pairs`).
Either way the answer is what comparing every group would give (tests/test_duplicate_pairs.py checks that
against the earlier, exhaustive method).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, bindparam, func, literal, select
from sqlalchemy.engine import Connection

from store.dialect import group_array, json_array, loads
from store.merge import duplicates as rules
from store.merge.duplicates import EMAIL, LIVE, NAME, NAME_SIMILARITY, PHONE, C, DuplicatePair
from store.phones import pretty_phone
from store.rows import ContactSummary, summary_of

Progress = Callable[[str, int, int], None]  # (stage, done, total): what `dossier duplicates` shows on a terminal
Pairs = dict[tuple[int, int], list[tuple[int, str]]]
CHUNK = 500
# Each grouping key, what the reason says, and whether free-mail domains are left out of it.
GROUPINGS = (
    (rules.company_key, "at the same company", False),
    (rules.domain_key, "with the same email domain", True),
)


def find_all_duplicates(engine: Engine, *, limit: int = 100, progress: Progress | None = None) -> list[DuplicatePair]:
    """Likely duplicate pairs across the whole database, strongest evidence first, newest first within.

    `progress(stage, done, total)` is called as the search goes (stages: "emails", "phones", "names").
    """
    pairs: Pairs = {}
    with engine.connect() as conn:
        for stage, rank, column in (("emails", EMAIL, C.email_normalized), ("phones", PHONE, C.phone_e164)):
            if progress:
                progress(stage, 0, 1)
            for value, ids in _equal_groups(conn, column):
                # Words are made for the pairs shown only: formatting 45,000 phone numbers took 2 s.
                reason = "email" if rank == EMAIL else value
                for other in ids[1:]:
                    _add(pairs, ids[0], other, rank, reason)
        if len(pairs) >= limit:
            _add_name_reasons(conn, pairs, _ranked(pairs, limit), progress)
        else:
            for key, where, free_mail_excluded in GROUPINGS:
                for a, b, ratio in _similar_pairs(conn, key, free_mail_excluded, progress):
                    _add(pairs, a, b, NAME, rules.name_reason(ratio, where))
        ranked = _ranked(pairs, limit)
        summaries = _summaries(conn, sorted({contact_id for a, b in ranked for contact_id in (a, b)}))
    result = []
    for a, b in ranked:
        first, second = summaries[a], summaries[b]
        words = [_words(rank, reason, first, second) for rank, reason in sorted(pairs[a, b])]
        result.append(DuplicatePair(first, second, rules.unique(words)))
    return result


def _words(rank: int, reason: str, first: ContactSummary, second: ContactSummary) -> str:
    if rank == EMAIL:
        return rules.email_reason(first.email, second.email)
    return f"same phone {pretty_phone(reason)}" if rank == PHONE else reason


def _add(pairs: Pairs, a: int, b: int, rank: int, reason: str) -> None:
    reasons = pairs.setdefault((min(a, b), max(a, b)), [])
    # One name reason is enough: "at the same company" is found before "the same email domain".
    if rank != NAME or all(r != NAME for r, _ in reasons):
        reasons.append((rank, reason))


def _ranked(pairs: Pairs, limit: int) -> list[tuple[int, int]]:
    return sorted(pairs, key=lambda key: (min(pairs[key])[0], -key[1], -key[0]))[:limit]


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _summaries(conn: Connection, ids: list[int]) -> dict[int, ContactSummary]:
    summaries: dict[int, ContactSummary] = {}
    for chunk in _chunks(ids):
        query = select(*rules.SUMMARY_COLUMNS).where(C.id.in_(chunk))
        summaries.update((row.id, summary_of(row._mapping)) for row in conn.execute(query))
    return summaries


def _equal_groups(conn: Connection, column) -> Iterator[tuple[str, list[int]]]:
    """Live contacts sharing a value of `column`, in ascending id order, for each value shared by two or more."""
    # Liveness is not in the GROUP BY: reading the table for it, row by row, cost ~3 s on a million contacts.
    # Merged-away contacts are few and have their own index.
    merged = set(conn.execute(select(C.id).where(C.merged_into_id.is_not(None))).scalars())
    query = select(column, group_array(C.id)).where(column.is_not(None)).group_by(column).having(func.count() > 1)
    for value, ids in conn.execute(query):
        alive = sorted(contact_id for contact_id in loads(ids) if contact_id not in merged)
        if len(alive) > 1:
            yield value, alive


def _add_name_reasons(conn: Connection, pairs: Pairs, shown: list[tuple[int, int]], progress: Progress | None) -> None:
    """Add the name reason to the pairs shown that `_similar_pairs` would have found too."""
    keys = [key for key, _, _ in GROUPINGS]
    rows: dict[int, Any] = {}
    for chunk in _chunks(sorted({contact_id for pair in shown for contact_id in pair})):
        query = select(C.id, C.firstname, C.lastname, *keys).where(C.id.in_(chunk))
        rows.update((row[0], row) for row in conn.execute(query))
    for done, (a, b) in enumerate(shown, 1):
        if progress:
            progress("names", done, len(shown))
        older, newer = rows[a], rows[b]
        if not older.firstname + older.lastname or not newer.firstname + newer.lastname:
            continue
        for index, (key, where, free_mail_excluded) in enumerate(GROUPINGS):
            value = older[3 + index]
            if not value or value != newer[3 + index] or (free_mail_excluded and value in rules.FREE_MAIL_DOMAINS):
                continue
            name, other = (
                rules.name_key(newer.firstname, newer.lastname),
                rules.name_key(older.firstname, older.lastname),
            )
            ratio = fuzz.token_sort_ratio(name, other, score_cutoff=NAME_SIMILARITY) if name and other else 0
            if ratio and _among_newest(conn, key, value, a):
                _add(pairs, a, b, NAME, rules.name_reason(ratio, where))
                break


def _among_newest(conn: Connection, key, value: str, contact_id: int) -> bool:
    """Whether `contact_id` is among the `GROUP_SCAN_LIMIT` newest of its group, as `_similar_pairs` compares."""
    newer = (
        select(literal(1))
        .where(LIVE, key == value, C.firstname + C.lastname != "", C.id > contact_id)
        .limit(rules.GROUP_SCAN_LIMIT)
        .subquery()
    )
    return conn.execute(select(func.count()).select_from(newer)).scalar_one() < rules.GROUP_SCAN_LIMIT


def _similar_pairs(
    conn: Connection, key, free_mail_excluded: bool, progress: Progress | None
) -> Iterator[tuple[int, int, float]]:
    """Pairs of similar names within each company (or domain) group; a group is compared within itself."""
    where = [LIVE, key != "", C.firstname + C.lastname != ""]
    if free_mail_excluded:
        where.append(key.not_in(bindparam("free", sorted(rules.FREE_MAIL_DOMAINS), expanding=True)))
    members = group_array(json_array(C.id, C.firstname, C.lastname))
    groups = [group for (group,) in conn.execute(select(members).where(*where).group_by(key).having(func.count() > 1))]
    for done, group in enumerate(groups, 1):
        if progress:
            progress("names", done, len(groups))
        rows = sorted(loads(group), reverse=True)[: rules.GROUP_SCAN_LIMIT]  # the newest, if it is a giant
        # token_sort_ratio is the ratio of the sorted words: sorted once here, not once per comparison.
        names = [" ".join(sorted(rules.name_key(first, last).split())) for _, first, last in rows]
        for i, name in enumerate(names[:-1]):
            if not name:
                continue
            for _, ratio, j in process.extract(
                name, names[i + 1 :], scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=None
            ):
                yield rows[i][0], rows[i + 1 + j][0], ratio
