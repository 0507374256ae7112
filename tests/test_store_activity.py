"""Engagements and points per week or month: local-midnight edges, DST, empty and partial periods, one query."""

from __future__ import annotations

import itertools
import random
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event

from store.activity import BOOKKEEPING_TYPES, activity_series, bucket_starts
from store.timeline import TimelineFilter, timeline_page

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday; the current week began Monday 16 November


def paris(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=PARIS)  # type: ignore[misc]


def hits(*times: datetime, type: str = "page.hit") -> list[dict]:
    return [{"type": type, "occurred_at": when} for when in times]


def by_start(series) -> dict[date, tuple[int, int]]:
    return {bucket.start: (bucket.engagements, bucket.points) for bucket in series.buckets}


@pytest.fixture
def contact(engine: Engine, make_contact) -> int:
    return make_contact(engine, firstname="Ada")


def test_weeks_start_on_monday_and_end_with_the_current_week(engine: Engine, contact: int) -> None:
    series = activity_series(engine, contact, now=NOW, period="week", tz=PARIS)
    starts = [bucket.start for bucket in series.buckets]
    assert len(starts) == 26
    assert starts[-1] == date(2026, 11, 16)
    assert starts[0] == date(2026, 5, 25)
    assert all(start.weekday() == 0 for start in starts)
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(starts))
    assert [bucket.label for bucket in series.buckets[-3:]] == ["Nov 2", "Nov 9", "Nov 16"]
    assert series.period == "week"


def test_months_start_on_the_first_and_end_with_the_current_month(engine: Engine, contact: int) -> None:
    series = activity_series(engine, contact, now=NOW, period="month", tz=PARIS)
    assert [bucket.start for bucket in series.buckets] == [date(2026, month, 1) for month in range(6, 12)]
    assert [bucket.label for bucket in series.buckets] == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]


def test_month_ranges_cross_the_new_year() -> None:
    assert bucket_starts(date(2027, 2, 10), "month", 3) == [
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]


def test_a_contact_with_no_events_has_every_period_at_zero(engine: Engine, contact: int) -> None:
    for period, count in (("week", 26), ("month", 6)):
        series = activity_series(engine, contact, now=NOW, period=period, tz=PARIS)
        assert len(series.buckets) == count
        assert {(b.engagements, b.points) for b in series.buckets} == {(0, 0)}
        assert (series.total_engagements, series.total_points) == (0, 0)


def test_a_week_begins_at_local_midnight_on_monday(engine: Engine, contact: int, add_events) -> None:
    monday = paris(2026, 11, 16)  # 2026-11-15 23:00 UTC
    add_events(engine, contact, hits(monday, monday - timedelta(microseconds=1), monday + timedelta(hours=1)))
    weeks = by_start(activity_series(engine, contact, now=NOW, period="week", tz=PARIS))
    assert weeks[date(2026, 11, 16)] == (2, 0)
    assert weeks[date(2026, 11, 9)] == (1, 0)
    # The same moments seen from UTC fall differently: the edges follow the viewer's zone.
    weeks_utc = by_start(activity_series(engine, contact, now=NOW, period="week", tz=UTC))
    assert weeks_utc[date(2026, 11, 16)] == (1, 0)
    assert weeks_utc[date(2026, 11, 9)] == (2, 0)


def test_the_week_of_a_dst_change_ends_at_local_midnight(engine: Engine, contact: int, add_events) -> None:
    # Paris leaves summer time on Sunday 25 October 2026: that week runs 169 hours, to 25 Oct 23:00 UTC.
    sunday_night = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 in Paris, still Sunday
    next_monday = datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # midnight in Paris
    week_start = datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # Monday 19 October, midnight in summer time
    add_events(engine, contact, hits(week_start, sunday_night, next_monday, week_start - timedelta(seconds=1)))
    weeks = by_start(activity_series(engine, contact, now=NOW, period="week", tz=PARIS))
    assert weeks[date(2026, 10, 19)] == (2, 0)
    assert weeks[date(2026, 10, 26)] == (1, 0)
    assert weeks[date(2026, 10, 12)] == (1, 0)


def test_months_begin_at_local_midnight_across_a_dst_change(engine: Engine, contact: int, add_events) -> None:
    # Summer time starts 29 March 2026: March begins at 23:00 UTC the day before, April at 22:00 UTC.
    add_events(
        engine,
        contact,
        hits(
            datetime(2026, 2, 28, 23, 0, tzinfo=UTC),  # 1 March, 00:00 in Paris
            datetime(2026, 2, 28, 22, 59, tzinfo=UTC),  # still February in Paris
            datetime(2026, 3, 31, 21, 59, tzinfo=UTC),  # 31 March, 23:59 summer time
            datetime(2026, 3, 31, 22, 0, tzinfo=UTC),  # 1 April, 00:00 summer time
        ),
    )
    now = paris(2026, 4, 15, 12)
    months = by_start(activity_series(engine, contact, now=now, period="month", periods=3, tz=PARIS))
    assert months == {date(2026, 2, 1): (1, 0), date(2026, 3, 1): (2, 0), date(2026, 4, 1): (1, 0)}


def test_the_current_period_follows_the_viewers_date(engine: Engine, contact: int) -> None:
    late_sunday_in_utc = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)  # already Monday 00:30 in Paris
    paris_weeks = activity_series(engine, contact, now=late_sunday_in_utc, period="week", tz=PARIS)
    utc_weeks = activity_series(engine, contact, now=late_sunday_in_utc, period="week", tz=UTC)
    assert paris_weeks.buckets[-1].start == date(2026, 11, 16)
    assert utc_weeks.buckets[-1].start == date(2026, 11, 9)


def test_the_partial_current_period_counts_whole(engine: Engine, contact: int, add_events) -> None:
    # `now` itself and the rest of its week count, so an event stamped at `now` (or a clock a little
    # behind the server's) is never missing from the chart while the History shows it.
    add_events(engine, contact, hits(NOW, NOW - timedelta(days=4), NOW + timedelta(days=1)))
    series = activity_series(engine, contact, now=NOW, period="week", tz=PARIS)
    assert series.buckets[-1].engagements == 3
    month = activity_series(engine, contact, now=NOW, period="month", tz=PARIS)
    assert month.buckets[-1].engagements == 3


def test_events_before_the_range_are_left_out(engine: Engine, contact: int, add_events) -> None:
    first_day = paris(2026, 5, 25)
    add_events(engine, contact, hits(first_day, first_day - timedelta(microseconds=1)))
    series = activity_series(engine, contact, now=NOW, period="week", tz=PARIS)
    assert series.buckets[0].engagements == 1
    assert series.total_engagements == 1


def test_empty_periods_are_zeros_between_busy_ones(engine: Engine, contact: int, add_events) -> None:
    add_events(engine, contact, hits(paris(2026, 6, 3, 10), paris(2026, 9, 9, 10), paris(2026, 9, 10, 10)))
    series = activity_series(engine, contact, now=NOW, period="month", tz=PARIS)
    assert [bucket.engagements for bucket in series.buckets] == [1, 0, 0, 2, 0, 0]


def test_bookkeeping_events_are_not_engagements(engine: Engine, contact: int, add_events) -> None:
    when = paris(2026, 11, 17, 9)
    engagements = ["page.hit", "form.submitted", "email.read", "asset.download", "video.watched", "custom.thing"]
    add_events(engine, contact, [{"type": kind, "occurred_at": when} for kind in engagements])
    add_events(engine, contact, [{"type": kind, "occurred_at": when} for kind in sorted(BOOKKEEPING_TYPES)])
    series = activity_series(engine, contact, now=NOW, period="week", tz=PARIS)
    assert series.buckets[-1].engagements == len(engagements)
    assert {"email.sent", "lead.create", "lead.identified", "lead.ipadded"} <= BOOKKEEPING_TYPES
    assert "email.read" not in BOOKKEEPING_TYPES


def test_points_are_summed_including_losses(engine: Engine, contact: int, add_events) -> None:
    add_events(
        engine,
        contact,
        [
            {"type": "point.gained", "occurred_at": paris(2026, 11, 16, 9), "points_delta": 10},
            {"type": "point.gained", "occurred_at": paris(2026, 11, 17, 9), "points_delta": -15},
            {"type": "point.gained", "occurred_at": paris(2026, 11, 2, 9), "points_delta": 8},
            {"type": "point.gained", "occurred_at": paris(2026, 11, 3, 9)},
        ],
    )
    weeks = by_start(activity_series(engine, contact, now=NOW, period="week", tz=PARIS))
    assert weeks[date(2026, 11, 16)] == (0, -5)
    assert weeks[date(2026, 11, 2)] == (0, 8)
    month = activity_series(engine, contact, now=NOW, period="month", tz=PARIS)
    assert month.buckets[-1].points == 3
    assert month.total_points == 3


def test_points_come_from_the_point_log(engine: Engine, contact: int, add_events) -> None:
    # Every score change is a point.gained event; a delta on another event would be counted twice.
    when = paris(2026, 11, 17, 9)
    add_events(engine, contact, [{"type": "form.submitted", "occurred_at": when, "points_delta": 7}])
    series = activity_series(engine, contact, now=NOW, period="week", tz=PARIS)
    assert (series.total_engagements, series.total_points) == (1, 0)


def test_other_contacts_events_are_not_counted(engine: Engine, contact: int, make_contact, add_events) -> None:
    other = make_contact(engine, firstname="Grace")
    add_events(engine, other, hits(paris(2026, 11, 17, 9)))
    add_events(engine, other, [{"type": "point.gained", "occurred_at": paris(2026, 11, 17, 9), "points_delta": 5}])
    series = activity_series(engine, contact, now=NOW, period="week", tz=PARIS)
    assert (series.total_engagements, series.total_points) == (0, 0)


def test_periods_sets_the_range(engine: Engine, contact: int, add_events) -> None:
    add_events(engine, contact, hits(paris(2026, 11, 17, 9), paris(2026, 11, 10, 9)))
    one = activity_series(engine, contact, now=NOW, period="week", periods=1, tz=PARIS)
    assert [(b.start, b.engagements) for b in one.buckets] == [(date(2026, 11, 16), 1)]
    assert len(activity_series(engine, contact, now=NOW, period="month", periods=18, tz=PARIS).buckets) == 18
    with pytest.raises(ValueError):
        activity_series(engine, contact, now=NOW, period="week", periods=0, tz=PARIS)


def test_no_zone_means_the_system_zone(engine: Engine, contact: int, add_events, monkeypatch) -> None:
    add_events(engine, contact, hits(paris(2026, 10, 26), paris(2026, 10, 25, 23, 59), paris(2026, 3, 30)))
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    for period in ("week", "month"):
        system = activity_series(engine, contact, now=NOW, period=period, periods=40)
        assert system == activity_series(engine, contact, now=NOW, period=period, periods=40, tz=PARIS)


@pytest.fixture
def busy(engine: Engine, contact: int, add_events) -> int:
    """300 events of every kind over ten months, some with points."""
    rng = random.Random(7)
    kinds = ["page.hit", "page.hit", "email.read", "form.submitted", "email.sent", "lead.ipadded", "stage.changed"]
    rows = []
    for _ in range(300):
        when = NOW - timedelta(seconds=rng.randint(0, 300 * 86400))
        if rng.random() < 0.2:
            rows.append({"type": "point.gained", "occurred_at": when, "points_delta": rng.choice([5, 10, -5])})
        else:
            rows.append({"type": rng.choice(kinds), "occurred_at": when})
    add_events(engine, contact, rows)
    return contact


def test_weekly_and_monthly_totals_match_the_history(engine: Engine, busy: int) -> None:
    history = []
    after = None
    while page := timeline_page(engine, busy, flt=TimelineFilter(exclude=BOOKKEEPING_TYPES), after=after):
        history += page
        after = (page[-1].occurred_at, page[-1].id)
    for period in ("week", "month"):
        series = activity_series(engine, busy, now=NOW, period=period, tz=PARIS)
        first = datetime.combine(series.buckets[0].start, datetime.min.time(), tzinfo=PARIS)
        assert series.total_engagements == sum(1 for row in history if row.occurred_at >= first)
        assert series.total_engagements == sum(b.engagements for b in series.buckets) > 0
        assert series.total_points == sum(b.points for b in series.buckets)


def test_monthly_buckets_add_up_to_the_weeks_they_hold(engine: Engine, busy: int) -> None:
    weeks = activity_series(engine, busy, now=NOW, period="week", periods=60, tz=PARIS)
    months = activity_series(engine, busy, now=NOW, period="month", periods=6, tz=PARIS)
    # 2026-06-01 and 2026-11-30 are Mondays, so June to November is whole weeks.
    inside = [b for b in weeks.buckets if date(2026, 6, 1) <= b.start < date(2026, 11, 30)]
    assert sum(b.engagements for b in inside) == months.total_engagements
    assert sum(b.points for b in inside) == months.total_points


@pytest.mark.sqlite_only
@pytest.mark.parametrize("merged_in", [0, 2])
def test_indexed_queries_and_no_rows_loaded(engine: Engine, busy: int, make_contact, add_events, merged_in) -> None:
    """The family's members (store/family.py) and then one statement for the whole chart, each on indexes; with
    contacts merged into the busy one, the statement reads their events through the same indexes."""
    alone = activity_series(engine, busy, now=NOW, period="week", tz=PARIS)
    for n in range(merged_in):
        other = make_contact(engine, firstname=f"Twin {n}", merged_into_id=busy)
        add_events(engine, other, [{"type": "page.hit", "occurred_at": NOW - timedelta(days=n)}])
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.startswith(("BEGIN", "EXPLAIN")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        series = activity_series(engine, busy, now=NOW, period="week", tz=PARIS)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 2
    for statement, parameters in statements:
        with engine.connect() as conn:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]  # type: ignore[arg-type]
        searches = [step for step in plan if "event" in step or "contact" in step]
        assert searches and all("USING COVERING INDEX" in step or "USING INDEX" in step for step in searches), plan
        assert not any(step.startswith(("SCAN event", "SCAN contact")) for step in plan), plan
    assert len(series.buckets) == 26
    assert series.total_engagements == alone.total_engagements + merged_in  # each twin's one page hit


@pytest.mark.sqlite_only
def test_the_chart_reads_points_from_the_partial_index_not_the_event_rows(engine) -> None:
    from sqlalchemy import text as sql_text

    with engine.connect() as conn:
        plan = conn.execute(
            sql_text(
                "EXPLAIN QUERY PLAN SELECT sum(points_delta) FROM event INDEXED BY ix_event_points "
                "WHERE event.contact_id = 1 "
                "AND event.occurred_at >= '2026-01-01' AND event.occurred_at < '2026-02-01' "
                "AND event.type = 'point.gained'"
            )
        ).all()
    assert "USING INDEX ix_event_points" in " ".join(str(row[-1]) for row in plan)
