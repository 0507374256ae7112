"""Reading ahead: the items of an iterator made by a thread of their own while the reader works on the last ones.

A sync reads a page from the network, then stores it: done in turn, the two add up. Here the next pages are
read while the last is stored, so the run takes as long as the slower of the two (the thread waits on the
socket, and SQLite works without the interpreter lock, so they overlap even in one process).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, Self, TypeVar

T = TypeVar("T")
_END = object()
_NOTHING = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class ReadAhead(Generic[T]):
    """The items of `items`, made by a thread up to `depth` ahead of the reader, in order.

    An error of the iterator reaches the reader where it would have met it, after the items before it.
    `close()` (leaving the `with` block) stops the thread after the item it is making and waits for it; the
    items made and not read are dropped. Use one from one reader thread."""

    def __init__(self, items: Iterable[T], depth: int = 2) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
        self._closed = threading.Event()
        self._done = False
        self._next: object = _NOTHING  # a value taken from the queue by `ready()` and not read yet
        self._thread = threading.Thread(target=self._make, args=(iter(items),), name="read-ahead", daemon=True)
        self._thread.start()

    def _make(self, items: Iterator[T]) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the reader, who raises it
            self._put(_Failed(error))
        else:
            self._put(_END)

    def _put(self, value: object) -> bool:
        """Queue `value` once there is room; False when the reader closed meanwhile."""
        while not self._closed.is_set():
            try:
                self._queue.put(value, timeout=0.05)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        value = self._take(wait=True)
        if value is _END or isinstance(value, _Failed):
            self._done = True
            if isinstance(value, _Failed):
                raise value.error
            raise StopIteration
        return value  # type: ignore[return-value]

    def _take(self, *, wait: bool) -> object:
        """The next value queued (an item, `_END` or `_Failed`); without `wait`, `_NOTHING` if none is yet."""
        if self._done:
            return _END
        value, self._next = self._next, _NOTHING
        if value is _NOTHING:
            try:
                value = self._queue.get(block=wait)
            except queue.Empty:
                return _NOTHING
        return value

    def ready(self) -> bool:
        """Whether an item is made and waiting: reading it would neither wait nor end nor raise."""
        if self._next is _NOTHING:
            self._next = self._take(wait=False)
        return self._next is not _NOTHING and self._next is not _END and not isinstance(self._next, _Failed)

    def ready_groups(self, size: int, weight: Callable[[T], int] = lambda _item: 1) -> Iterator[list[T]]:
        """The items in groups: the next item (waited for) and those made meanwhile, up to `size` in all
        (counting each as `weight(item)`). A reader slower than the thread takes larger groups."""
        for first in self:
            group, count = [first], weight(first)
            while count < size and self.ready():
                item = next(self)
                group.append(item)
                count += weight(item)
            yield group

    def close(self) -> None:
        self._closed.set()
        self._done = True
        self._thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
