"""Timing: medians and 95th percentiles of many runs, and a store call's own SQL replayed through raw sqlite3.

A store-API figure and its raw-SQL floor run the *same* statements: `capture_sql` records what the store
sends to the driver for one call (through SQLAlchemy, or straight to the driver: store/reads.py, which shows
its statements to the same listeners), and `replay` runs exactly those statements (with the same parameters)
on a plain `sqlite3` connection. The difference between the two is the store's own overhead: SQLAlchemy, the
connection pool, its transaction, and building the result objects.
"""

from __future__ import annotations

import gc
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event

from store.db import add_functions

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stats:
    """Median and 95th percentile of `n` samples (milliseconds unless said otherwise)."""

    median: float
    p95: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        return cls(statistics.median(samples), percentile95(samples), len(samples))


def percentile95(samples: Sequence[float]) -> float:
    """The 95th percentile, interpolated between samples (with one sample, that sample)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def elapsed_ms(call: Callable[[], Any]) -> float:
    return timed(call)[0]


def timed(call: Callable[[], T]) -> tuple[float, T]:
    """Milliseconds one call took, and what it returned."""
    start = time.perf_counter_ns()
    result = call()
    return (time.perf_counter_ns() - start) / 1e6, result


def time_pair(first: Callable[[], Any], second: Callable[[], Any], *, runs: int, warmup: int) -> tuple[Stats, Stats]:
    """Time two calls alternately, so a drift of the machine (cache, frequency) affects both alike."""
    gc.collect()
    for _ in range(warmup):
        first()
        second()
    a, b = [], []
    for _ in range(runs):
        a.append(elapsed_ms(first))
        b.append(elapsed_ms(second))
    return Stats.of(a), Stats.of(b)


Statement = tuple[str, Any]


def capture_sql(engine: Engine, call: Callable[[], Any]) -> list[Statement]:
    """The statements (and parameters) `call` sends through `engine`, without the transaction's BEGIN."""
    seen: list[Statement] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [(sql, params) for sql, params in seen if sql.strip().upper() != "BEGIN"]


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection set up as the store's are (pragmas, the SQL functions), autocommit."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = NORMAL")
    add_functions(conn)
    return conn


def replay(conn: sqlite3.Connection, statements: list[Statement]) -> int:
    """Run captured statements and fetch every row, as the store does; returns the number of rows."""
    rows = 0
    for sql, params in statements:
        rows += len(conn.execute(sql, params).fetchall())
    return rows
