"""The next item of an iterator made by a thread while the reader waits on SQLite, and only then.

A CSV import reads a batch of rows (Python work) and writes it; SQLite indexes the batch for search and commits
it without holding Python's lock, and those two statements are about a third of the import. A thread reads
the next batch meanwhile, on the other core. Unlike `ReadAhead` (a sync's thread waits on a socket and may run
at any time), this one starts only when the reader says its Python work on the last item is done
(`resume`): running along with the inserts, it would take turns with them for the lock on every row, and
gained nothing when measured. On a 100,000-row import on 2 cores: ~4-6 µs a row less, of ~28-30, when the
other core is free.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class ReadBetween(Generic[T]):
    """The items of `items`, each made by a thread once the reader resumed it after the last one.

    An error of the iterator is raised where the reader asks for the item. `close()` stops the thread after
    the item it is making and waits for it. Use one from one reader thread."""

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items
        self._made: queue.SimpleQueue[tuple[T] | BaseException | None] = queue.SimpleQueue()
        self._go = threading.Semaphore(0)
        self._waiting = False  # the thread handed an item over and waits for `resume`
        self._closed = False
        self._thread = threading.Thread(target=self._make, name="read-between", daemon=True)
        self._thread.start()

    def _make(self) -> None:
        try:
            for item in self._items:
                self._made.put((item,))
                self._go.acquire()
                if self._closed:
                    return
        except BaseException as error:  # handed to the reader, who raises it
            self._made.put(error)
        else:
            self._made.put(None)

    def __iter__(self) -> Iterator[T]:
        while (made := self._made.get()) is not None:
            if isinstance(made, BaseException):
                raise made
            self._waiting = True
            yield made[0]
            self.resume()  # if the reader did not

    def resume(self) -> None:
        """Let the thread make the next item: the reader's Python work on the last one is done."""
        if self._waiting:
            self._waiting = False
            self._go.release()

    def close(self) -> None:
        """Stop after the item being made, and wait for the thread."""
        self._closed = True
        self._go.release()
        self._thread.join()
