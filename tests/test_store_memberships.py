"""Segment and campaign memberships: Mautic's transitions, one History event per change, the full list of
groups as one contact sees them, lookups by name, and what a locked database leaves behind."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from store.contacts import ContactNotFound
from store.db import db_time, describe_error, make_engine
from store.dialect import loads, stored, stored_row
from store.memberships import (
    Group,
    GroupNotFound,
    GroupState,
    find_group,
    list_groups,
    set_membership,
)
from store.models import Campaign, Segment
from tests.faults import refuse_inserts
from tests.store_helpers import contact_group_names

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
EARLIER = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def add(engine: Engine, kind: str, group_id: int, contact_id: int, **kwargs) -> GroupState:
    kwargs.setdefault("actor", "sam")
    kwargs.setdefault("now", NOW)
    return set_membership(engine, kind, group_id, contact_id, True, **kwargs)  # type: ignore[arg-type]


def remove(engine: Engine, kind: str, group_id: int, contact_id: int, **kwargs) -> GroupState:
    kwargs.setdefault("actor", "sam")
    kwargs.setdefault("now", NOW)
    return set_membership(engine, kind, group_id, contact_id, False, **kwargs)  # type: ignore[arg-type]


def make_groups(engine: Engine, model, names: list[str], **fields) -> list[int]:
    with Session(engine, expire_on_commit=False) as session:
        rows = [model(name=name, **fields) for name in names]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def put_row(engine: Engine, kind: str, group_id: int, contact_id: int, *, added: bool, removed: bool, **extra) -> None:
    """A membership as an import or a segment rebuild would have left it."""
    columns = {
        f"{kind}_id": group_id,
        "contact_id": contact_id,
        "date_added": db_time(EARLIER),
        "manually_added": added,
        "manually_removed": removed,
        **extra,
    }
    names = ", ".join(columns)
    marks = ", ".join(f":{name}" for name in columns)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {kind}_membership ({names}) VALUES ({marks})"), columns)


def membership(engine: Engine, kind: str, group_id: int, contact_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(
            text(f"SELECT * FROM {kind}_membership WHERE {kind}_id = :g AND contact_id = :c"),
            {"g": group_id, "c": contact_id},
        ).first()
    return None if row is None else stored_row(row)


def events(engine: Engine) -> list[tuple]:
    query = text("SELECT contact_id, type, occurred_at, label, details, actor FROM event ORDER BY id")
    with engine.connect() as conn:
        return [(*row[:2], stored(row[2]), row[3], loads(row[4]), row[5]) for row in conn.execute(query)]


def everything(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return tuple(
            [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
            for table in ("segment_membership", "campaign_membership", "event")
        )


def event_row(contact: int, kind: str, action: str, name: str, group_id: int, actor: str = "sam") -> tuple:
    label = f"Added to {kind}: {name}" if action == "added" else f"Removed from {kind}: {name}"
    details = {"action": action, kind: name, "id": group_id, "by": actor, "manual": True}
    return (contact, f"{kind}_membership", db_time(NOW), label, details, actor)


@pytest.fixture
def ada(engine: Engine, make_contact) -> int:
    return make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")


@pytest.fixture
def newsletter(engine: Engine) -> int:
    return make_groups(engine, Segment, ["Newsletter"], alias="newsletter")[0]


@pytest.fixture
def onboarding(engine: Engine) -> int:
    return make_groups(engine, Campaign, ["Onboarding"])[0]


# Segments


def test_adding_a_new_member_marks_it_manually_added(engine: Engine, ada: int, newsletter: int) -> None:
    state = add(engine, "segment", newsletter, ada, actor="kim")
    assert state == GroupState(newsletter, "Newsletter", True, True, manually_added=True, manually_removed=False)
    row = membership(engine, "segment", newsletter, ada)
    assert row is not None
    assert (row["manually_added"], row["manually_removed"], row["date_added"]) == (1, 0, db_time(NOW))
    assert events(engine) == [event_row(ada, "segment", "added", "Newsletter", newsletter, actor="kim")]


def test_adding_after_a_manual_removal_clears_that_mark_and_keeps_the_row(
    engine: Engine, ada: int, newsletter: int
) -> None:
    put_row(engine, "segment", newsletter, ada, added=False, removed=True)
    state = add(engine, "segment", newsletter, ada)
    assert (state.member, state.manually_added, state.manually_removed) == (True, False, False)
    row = membership(engine, "segment", newsletter, ada)
    assert row is not None
    assert (row["manually_added"], row["manually_removed"], row["date_added"]) == (0, 0, db_time(EARLIER))
    assert events(engine) == [event_row(ada, "segment", "added", "Newsletter", newsletter)]


def test_removing_a_manually_added_member_deletes_the_row(engine: Engine, ada: int, newsletter: int) -> None:
    put_row(engine, "segment", newsletter, ada, added=True, removed=False)
    state = remove(engine, "segment", newsletter, ada)
    assert (state.member, state.manually_added, state.manually_removed) == (False, False, False)
    assert membership(engine, "segment", newsletter, ada) is None
    assert events(engine) == [event_row(ada, "segment", "removed", "Newsletter", newsletter)]


def test_removing_a_member_added_by_the_filter_keeps_the_row_marked_removed(
    engine: Engine, ada: int, newsletter: int
) -> None:
    put_row(engine, "segment", newsletter, ada, added=False, removed=False)
    state = remove(engine, "segment", newsletter, ada)
    assert (state.member, state.manually_added, state.manually_removed) == (False, False, True)
    row = membership(engine, "segment", newsletter, ada)
    assert row is not None
    assert (row["manually_added"], row["manually_removed"], row["date_added"]) == (0, 1, db_time(EARLIER))
    assert events(engine) == [event_row(ada, "segment", "removed", "Newsletter", newsletter)]


def test_add_remove_add_again_records_each_change(engine: Engine, ada: int, newsletter: int) -> None:
    add(engine, "segment", newsletter, ada)
    remove(engine, "segment", newsletter, ada)
    state = add(engine, "segment", newsletter, ada)
    assert (state.member, state.manually_added) == (True, True)
    assert [e[3] for e in events(engine)] == [
        "Added to segment: Newsletter",
        "Removed from segment: Newsletter",
        "Added to segment: Newsletter",
    ]


# Campaigns


def test_adding_to_a_campaign_marks_it_manually_added(engine: Engine, ada: int, onboarding: int) -> None:
    state = add(engine, "campaign", onboarding, ada)
    assert state == GroupState(onboarding, "Onboarding", True, True, manually_added=True, manually_removed=False)
    row = membership(engine, "campaign", onboarding, ada)
    assert row is not None
    assert (row["manually_added"], row["manually_removed"], row["date_last_exited"]) == (1, 0, None)
    assert events(engine) == [event_row(ada, "campaign", "added", "Onboarding", onboarding)]


@pytest.mark.parametrize("manually_added", [True, False])
def test_removing_from_a_campaign_keeps_the_row_with_the_exit_time(
    engine: Engine, ada: int, onboarding: int, manually_added: bool
) -> None:
    put_row(engine, "campaign", onboarding, ada, added=manually_added, removed=False)
    state = remove(engine, "campaign", onboarding, ada)
    assert (state.member, state.manually_added, state.manually_removed) == (False, False, True)
    row = membership(engine, "campaign", onboarding, ada)
    assert row is not None
    assert (row["manually_added"], row["manually_removed"]) == (0, 1)
    assert (row["date_added"], row["date_last_exited"]) == (db_time(EARLIER), db_time(NOW))
    assert events(engine) == [event_row(ada, "campaign", "removed", "Onboarding", onboarding)]


def test_re_adding_a_removed_contact_restores_the_campaign_row(engine: Engine, ada: int, onboarding: int) -> None:
    put_row(engine, "campaign", onboarding, ada, added=False, removed=True, date_last_exited=db_time(EARLIER))
    state = add(engine, "campaign", onboarding, ada)
    assert (state.member, state.manually_added, state.manually_removed) == (True, True, False)
    row = membership(engine, "campaign", onboarding, ada)
    assert row is not None
    assert (row["manually_added"], row["manually_removed"], row["date_last_exited"]) == (1, 0, None)
    assert row["date_added"] == db_time(EARLIER)
    assert events(engine) == [event_row(ada, "campaign", "added", "Onboarding", onboarding)]


# Asking for the current state changes nothing


@pytest.mark.parametrize(
    ("kind", "row", "member"),
    [
        ("segment", (True, False), True),  # a manual member added again
        ("segment", (False, False), True),  # a filter member added again
        ("segment", None, False),  # removing someone never in it
        ("segment", (False, True), False),  # removing someone already removed
        ("campaign", (True, False), True),
        ("campaign", None, False),
        ("campaign", (False, True), False),
    ],
)
def test_setting_the_current_state_writes_nothing(
    engine: Engine, ada: int, newsletter: int, onboarding: int, kind: str, row, member: bool
) -> None:
    group_id = newsletter if kind == "segment" else onboarding
    if row is not None:
        put_row(engine, kind, group_id, ada, added=row[0], removed=row[1])
    before = everything(engine)
    state = set_membership(engine, kind, group_id, ada, member, actor="sam", now=NOW)  # type: ignore[arg-type]
    assert state.member is member
    assert (state.manually_added, state.manually_removed) == (row or (False, False))
    assert everything(engine) == before


# Errors


def test_an_unknown_group_is_refused_and_nothing_is_written(engine: Engine, ada: int) -> None:
    with pytest.raises(GroupNotFound, match=r"^No segment has the id 99\.$"):
        add(engine, "segment", 99, ada)
    with pytest.raises(GroupNotFound, match=r"^No campaign has the id 99\.$"):
        remove(engine, "campaign", 99, ada)
    assert everything(engine) == ([], [], [])


def test_an_unknown_contact_is_refused(engine: Engine, newsletter: int) -> None:
    with pytest.raises(ContactNotFound, match=r"^No contact has the id 42\.$"):
        add(engine, "segment", newsletter, 42)
    with pytest.raises(ContactNotFound, match=r"^No contact has the id 42\.$"):
        list_groups(engine, "segment", 42)
    assert everything(engine) == ([], [], [])


def test_a_merged_away_contact_is_refused_and_names_the_survivor(engine: Engine, make_contact, newsletter: int) -> None:
    winner = make_contact(engine, firstname="Ada")
    loser = make_contact(engine, firstname="Ada", merged_into_id=winner)
    put_row(engine, "segment", newsletter, loser, added=True, removed=False)
    before = everything(engine)
    message = rf"^Contact {loser} was merged into contact {winner}; change that contact instead\.$"
    with pytest.raises(ContactNotFound, match=message):
        remove(engine, "segment", newsletter, loser)
    with pytest.raises(ContactNotFound, match=message):
        list_groups(engine, "segment", loser)
    assert everything(engine) == before


def test_a_naive_time_or_an_unknown_kind_is_a_programming_error(engine: Engine, ada: int, newsletter: int) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add(engine, "segment", newsletter, ada, now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="'list' is not a kind of group"):
        add(engine, "list", newsletter, ada)


def test_a_time_in_another_zone_is_stored_in_utc(engine: Engine, ada: int, newsletter: int) -> None:
    add(engine, "segment", newsletter, ada, now=NOW.astimezone(timezone(timedelta(hours=5))))
    assert events(engine)[0][2] == db_time(NOW)
    assert membership(engine, "segment", newsletter, ada)["date_added"] == db_time(NOW)  # type: ignore[index]


def test_a_failed_history_event_leaves_the_membership_unchanged(engine: Engine, ada: int, newsletter: int) -> None:
    with engine.begin() as conn:
        refuse_inserts(conn, "event", "no")
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="no"):
        add(engine, "segment", newsletter, ada)
    assert membership(engine, "segment", newsletter, ada) is None


# A locked database


@pytest.fixture
def impatient(engine: Engine, db_path: Path) -> Iterator[Engine]:
    """A second engine on the same file that gives up on a lock after 50 ms instead of 5 s."""
    other = make_engine(db_path)

    def short_timeout(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout = 50")

    event.listen(other, "connect", short_timeout)
    yield other
    other.dispose()


@pytest.mark.sqlite_only
def test_a_locked_database_raises_and_changes_nothing(
    engine: Engine, impatient: Engine, db_path: Path, ada: int, newsletter: int
) -> None:
    put_row(engine, "segment", newsletter, ada, added=False, removed=False)
    before = everything(engine)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        with pytest.raises(sqlalchemy.exc.OperationalError) as info:
            remove(impatient, "segment", newsletter, ada)
        assert time.monotonic() - started < 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "database is locked" in str(info.value)
    assert describe_error(info.value).startswith("The database is busy")
    assert everything(engine) == before
    assert remove(impatient, "segment", newsletter, ada).manually_removed


@pytest.mark.sqlite_only
def test_a_change_succeeds_while_another_program_reads(
    engine: Engine, impatient: Engine, db_path: Path, ada: int, newsletter: int
) -> None:
    # WAL: a reader holding a snapshot of the file does not block the writer.
    reader = sqlite3.connect(db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM segment_membership").fetchone()
        assert add(impatient, "segment", newsletter, ada).member
    finally:
        reader.execute("ROLLBACK")
        reader.close()


# The list of groups


@pytest.fixture
def segments(engine: Engine) -> dict[str, int]:
    names = ["zebra", "Newsletter", "Ärzte", "beta testers", "Webinar attendees", "Customers"]
    ids = make_groups(engine, Segment, names)
    ids += make_groups(engine, Segment, ["Old import 2023"], is_published=False)
    return dict(zip([*names, "Old import 2023"], ids, strict=True))


def test_all_groups_are_listed_current_ones_first_then_alphabetically(
    engine: Engine, ada: int, segments: dict[str, int], make_contact
) -> None:
    other = make_contact(engine, firstname="Grace")
    put_row(engine, "segment", segments["zebra"], ada, added=False, removed=False)
    put_row(engine, "segment", segments["Customers"], ada, added=True, removed=False)
    put_row(engine, "segment", segments["Newsletter"], ada, added=False, removed=True)
    put_row(engine, "segment", segments["beta testers"], other, added=True, removed=False)
    states = list_groups(engine, "segment", ada)
    assert [s.name for s in states] == [
        "Customers",
        "zebra",
        "Ärzte",
        "beta testers",
        "Newsletter",
        "Old import 2023",
        "Webinar attendees",
    ]
    by_name = {s.name: s for s in states}
    assert by_name["zebra"] == GroupState(segments["zebra"], "zebra", True, True, False, False)
    assert by_name["Newsletter"] == GroupState(segments["Newsletter"], "Newsletter", True, False, False, True)
    assert by_name["beta testers"].member is False  # another contact's membership
    assert by_name["Old import 2023"].is_published is False
    alphabetical = list_groups(engine, "segment", ada, current_first=False)
    assert [s.name for s in alphabetical][:3] == ["Ärzte", "beta testers", "Customers"]


def test_the_query_keeps_names_containing_it_case_and_accents_ignored(
    engine: Engine, ada: int, segments: dict[str, int]
) -> None:
    assert [s.name for s in list_groups(engine, "segment", ada, query="E")] == [
        "Ärzte",
        "beta testers",
        "Customers",
        "Newsletter",
        "Webinar attendees",
        "zebra",
    ]
    assert [s.name for s in list_groups(engine, "segment", ada, query=" ARZ ")] == ["Ärzte"]
    assert [s.name for s in list_groups(engine, "segment", ada, query="import 2")] == ["Old import 2023"]
    assert list_groups(engine, "segment", ada, query="%") == []
    assert len(list_groups(engine, "segment", ada, query="   ")) == 7


def test_letters_folded_differently_by_each_database_still_match(engine: Engine, ada: int) -> None:
    # Ł and ダ: Python's folding and PostgreSQL's unaccent disagree on them; each database folds both sides.
    with Session(engine) as session:
        session.add_all([Segment(name="Łódź office"), Segment(name="ヤマダ電機")])
        session.commit()
    assert [s.name for s in list_groups(engine, "segment", ada, query="ŁÓDŹ")] == ["Łódź office"]
    assert [s.name for s in list_groups(engine, "segment", ada, query="ヤマダ")] == ["ヤマダ電機"]


def test_the_list_is_one_query_however_many_groups(engine: Engine, ada: int) -> None:
    ids = make_groups(engine, Campaign, [f"Campaign {n:03}" for n in range(300)])
    for group_id in ids[::3]:
        put_row(engine, "campaign", group_id, ada, added=True, removed=False)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        states = list_groups(engine, "campaign", ada)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(states) == 300
    assert sum(s.member for s in states) == 100
    assert [s.member for s in states] == [True] * 100 + [False] * 200
    assert len(statements) == 2  # the contact check and the list itself


def test_contact_group_names_are_the_current_memberships(engine: Engine, ada: int, segments: dict[str, int]) -> None:
    put_row(engine, "segment", segments["zebra"], ada, added=False, removed=False)
    put_row(engine, "segment", segments["Ärzte"], ada, added=True, removed=False)
    put_row(engine, "segment", segments["Newsletter"], ada, added=False, removed=True)
    assert contact_group_names(engine, "segment", ada) == ["Ärzte", "zebra"]
    assert contact_group_names(engine, "campaign", ada) == []
    add(engine, "segment", segments["Newsletter"], ada)
    assert contact_group_names(engine, "segment", ada) == ["Ärzte", "Newsletter", "zebra"]


# Finding a group by name or id


def test_find_group_by_id_name_or_alias(engine: Engine) -> None:
    [news, vip] = make_groups(engine, Segment, ["Newsletter", "VIP customers"])
    with engine.begin() as conn:
        conn.execute(text("UPDATE segment SET alias = 'vip' WHERE id = :id"), {"id": vip})
    assert find_group(engine, "segment", news) == Group(news, "Newsletter", True)
    assert find_group(engine, "segment", str(news)) == Group(news, "Newsletter", True)
    assert find_group(engine, "segment", "  newsLETTER ") == Group(news, "Newsletter", True)
    assert find_group(engine, "segment", "VIP").id == vip
    [onboarding] = make_groups(engine, Campaign, ["Onboarding"], is_published=False)
    assert find_group(engine, "campaign", "onboarding") == Group(onboarding, "Onboarding", False)


def test_find_group_prefers_the_exact_name_and_refuses_ambiguity(engine: Engine) -> None:
    [lower, upper, other_upper, year] = make_groups(engine, Segment, ["news", "NEWS", "NEWS", "2026"])
    assert find_group(engine, "segment", "news").id == lower
    with pytest.raises(GroupNotFound, match=rf"^2 segments are named 'NEWS' \(ids {upper}, {other_upper}\); give"):
        find_group(engine, "segment", "NEWS")
    with pytest.raises(GroupNotFound, match=rf"^3 segments are named 'News' \(ids {lower}, {upper}, {other_upper}\)"):
        find_group(engine, "segment", "News")
    assert find_group(engine, "segment", "2026").id == year  # no segment has id 2026: the name is used


def test_find_group_names_what_it_could_not_find(engine: Engine) -> None:
    make_groups(engine, Campaign, ["Onboarding"])
    with pytest.raises(GroupNotFound) as info:
        find_group(engine, "campaign", "Black Friday")
    assert str(info.value) == (
        "No campaign is named 'Black Friday' or has that id; `dossier campaigns CONTACT` lists them."
    )
    with pytest.raises(GroupNotFound, match="No segment is named '7'"):
        find_group(engine, "segment", 7)
