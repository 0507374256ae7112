"""store/interchange/read_between.py: each item made by a thread once the reader resumed it, in order, errors
where they were, and no thread left behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.interchange.csv_import import import_csv
from store.interchange.read_between import ReadBetween


def test_items_come_in_order_and_the_end_ends() -> None:
    items = ReadBetween(iter(range(50)))
    try:
        assert list(items) == list(range(50))
    finally:
        items.close()


def test_an_error_comes_after_the_items_made_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ConnectionError("the disk went away")

    items = ReadBetween(failing())
    try:
        read = iter(items)
        assert next(read) == 1
        with pytest.raises(ConnectionError, match="went away"):
            next(read)
    finally:
        items.close()


def test_the_next_item_is_made_only_once_the_reader_resumes() -> None:
    making_second = threading.Event()

    def watched() -> Iterator[int]:
        yield 1
        making_second.set()
        yield 2

    items = ReadBetween(watched())
    try:
        read = iter(items)
        assert next(read) == 1
        assert not making_second.wait(0.2)  # the reader is still at work on the first (inserting it)
        items.resume()
        assert making_second.wait(5)
        assert next(read) == 2
    finally:
        items.close()


def test_close_stops_after_the_item_being_made() -> None:
    made: list[int] = []

    def counted() -> Iterator[int]:
        for number in range(100):
            made.append(number)
            yield number

    items = ReadBetween(counted())
    assert next(iter(items)) == 0
    items.close()
    assert made == [0] and not any(t.name == "read-between" for t in threading.enumerate())


class _Stop(Exception):
    pass


def test_an_import_stopped_between_batches_leaves_no_thread(engine, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("firstname,email\n" + "".join(f"P{i},p{i}@example.com\n" for i in range(50)))

    def stop(read: int) -> None:
        raise _Stop

    with pytest.raises(_Stop):
        import_csv(engine, path, batch_size=10, progress=stop)
    assert not any(t.name == "read-between" for t in threading.enumerate())
