"""The faster whole-database duplicate search finds exactly what the exhaustive one did (tests/duplicates_oracle.py).

A seeded crowd of contacts with every kind of overlap: shared and normalised emails, shared phones, similar
and swapped names at companies spelled differently, company domains and free mail, merged-away contacts,
empty names, and groups larger than the comparison cap. Every limit is compared, since the faster search
takes a different road when there are at least `limit` email and phone pairs.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine

from store.merge import duplicates
from store.merge.duplicate_pairs import find_all_duplicates
from tests.duplicates_oracle import old_find_all_duplicates

FIRST = ["Ann", "Anne", "Jon", "John", "José", "Jose", "Siobhán", "Zoë", "Zoe", "Lee", ""]
LAST = ["Lee", "Smith", "Smyth", "Núñez", "Nunez", "O'Brien", "OBrien", "Ann", ""]
COMPANIES = ["Acme", "acme ", " ACME", "Initech", "initech", "Globex", "", ""]
DOMAINS = ["acme.example", "globex.example", "gmail.com", "hotmail.com", "initech.example"]
PHONES = ["+14155552671", "+442079460000", "+33142685300", None, None, None]


def _crowd(engine: Engine, make_contact, seed: int, size: int) -> None:
    rng = random.Random(seed)
    made: list[int] = []
    for n in range(size):
        local = rng.choice(["ann", "jon", "j.smith", "lee", f"p{n}", f"p{n}"])
        email = None if rng.random() < 0.1 else f"{local}{rng.choice(['', '+x', ''])}@{rng.choice(DOMAINS)}"
        fields = {
            "firstname": rng.choice(FIRST),
            "lastname": rng.choice(LAST),
            "email": email.upper() if email and rng.random() < 0.1 else email,
            "company": rng.choice(COMPANIES),
            "phone_e164": rng.choice(PHONES),
        }
        if made and rng.random() < 0.08:
            fields["merged_into_id"] = rng.choice(made)
        made.append(make_contact(engine, **fields))
    _edge_cases(engine, make_contact)


def _edge_cases(engine: Engine, make_contact) -> None:
    """Pairs an equal phone finds whose names only count in some places (each a way to get the answer wrong)."""
    # The same name at the same free-mail domain says nothing; at the same company domain it does.
    make_contact(engine, firstname="Dan", lastname="Eve", email="dan1@gmail.com", phone_e164="+15550000001")
    make_contact(engine, firstname="Dan", lastname="Eve", email="dan2@gmail.com", phone_e164="+15550000001")
    make_contact(engine, firstname="Dan", lastname="Eve", email="dan1@eve.example", phone_e164="+15550000002")
    make_contact(engine, firstname="Dann", lastname="Eve", email="dan2@eve.example", phone_e164="+15550000002")
    # A big company: its oldest member is beyond the comparison cap when the cap is small, so its name does
    # not count there, though the newest member has the same name and phone.
    make_contact(engine, firstname="Old", lastname="Timer", company="Bigco", phone_e164="+15550000003")
    for n in range(8):
        make_contact(engine, firstname=f"Member{n}", lastname=f"Q{n * 7919}", company="bigco")
    make_contact(engine, firstname="Old", lastname="Timer", company="BIGCO ", phone_e164="+15550000003")


def _as_tuples(found) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(p.first.id, p.second.id, p.reasons) for p in found]


def _strong(everything: list) -> int:
    """How many pairs an equal email or phone found (they rank before the pairs found by name alone)."""
    return sum(1 for _, _, reasons in everything if not reasons[0].startswith(("same name", "similar name")))


def _limits(everything: list) -> list[int]:
    """Limits that take both roads: at most the email and phone pairs, and past them."""
    strong = _strong(everything)
    assert strong > 20 and len(everything) > strong
    return [1, 2, 5, strong // 2, strong - 3, strong - 1, strong, strong + 1, strong + 7, 100_000]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_pairs_as_the_exhaustive_search_at_every_limit(engine: Engine, make_contact, seed: int) -> None:
    _crowd(engine, make_contact, seed, 160)
    everything = _as_tuples(old_find_all_duplicates(engine, limit=100_000))
    assert any(len(reasons) > 1 and "name" in reasons[-1] for _, _, reasons in everything[: _strong(everything)])
    for limit in _limits(everything):
        assert _as_tuples(find_all_duplicates(engine, limit=limit)) == everything[:limit], limit


@pytest.mark.sqlite_only
def test_the_same_pairs_when_groups_are_larger_than_the_comparison_cap(
    engine: Engine, make_contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crowd(engine, make_contact, 3, 160)
    monkeypatch.setattr(duplicates, "GROUP_SCAN_LIMIT", 6)
    everything = _as_tuples(old_find_all_duplicates(engine, limit=100_000))
    for limit in _limits(everything):
        assert _as_tuples(find_all_duplicates(engine, limit=limit)) == everything[:limit], limit


def test_progress_names_each_stage(engine: Engine, make_contact) -> None:
    _crowd(engine, make_contact, 4, 60)
    seen: list[tuple[str, int, int]] = []
    find_all_duplicates(engine, limit=100_000, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [stage for stage, _, _ in seen][:2] == ["emails", "phones"]
    names = [(done, total) for stage, done, total in seen if stage == "names"]
    assert names and all(1 <= done <= total for done, total in names)
