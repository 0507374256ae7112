"""store/interchange/read_ahead.py: items made by a thread ahead of the reader, in order, errors where they were."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from store.interchange.read_ahead import ReadAhead


def test_items_come_in_order_and_the_end_ends() -> None:
    with ReadAhead(range(100), depth=3) as items:
        assert list(items) == list(range(100))
        assert next(items, "end") == "end"


def test_an_error_comes_after_the_items_made_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("the server went away")

    with ReadAhead(failing()) as items:
        assert next(items) == 1
        assert next(items) == 2
        with pytest.raises(ConnectionError, match="went away"):
            next(items)


def test_groups_take_what_is_made_meanwhile_and_never_wait_for_more() -> None:
    made_five, release = threading.Event(), threading.Event()

    def slow() -> Iterator[int]:
        yield from range(5)
        made_five.set()  # the thread gets here once the fifth is queued
        release.wait(5)
        yield from range(5, 8)

    with ReadAhead(slow(), depth=10) as items:
        assert made_five.wait(5)
        groups = items.ready_groups(4)
        assert next(groups) == [0, 1, 2, 3]
        assert next(groups) == [4]  # what was made, without waiting for the sixth
        release.set()
        assert [item for group in groups for item in group] == [5, 6, 7]


def test_a_group_counts_its_items_by_weight() -> None:
    chunks = [[1] * 3, [2] * 3, [3] * 3, [4] * 3]
    all_made = threading.Event()

    def made() -> Iterator[list[int]]:
        yield from chunks
        all_made.set()

    with ReadAhead(made(), depth=4) as items:
        assert all_made.wait(5)
        assert list(items.ready_groups(5, len)) == [chunks[:2], chunks[2:]]


def test_closing_stops_the_thread_that_is_ahead() -> None:
    made: list[int] = []

    def endless() -> Iterator[int]:
        number = 0
        while True:
            made.append(number)
            yield number
            number += 1

    items = ReadAhead(endless(), depth=2)
    assert next(items) == 0
    items.close()
    count = len(made)
    assert not items._thread.is_alive()
    assert count <= 5  # it ran at most its depth ahead, and stopped
    assert next(items, "closed") == "closed"
