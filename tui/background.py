"""Running database and network work off the UI thread, then showing its result on it: one helper instead of
a worker, a try and a `call_from_thread` in every screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from plain.errors import UserError
from store.db import describe_error

T = TypeVar("T")


def in_thread(
    node: DOMNode,
    job: Callable[[], T],
    then: Callable[[T], object] | None = None,
    *,
    group: str,
    exclusive: bool = True,
    failed: Callable[[Exception], object] | None = None,
) -> Worker[None]:
    """Run `job` in a worker thread, then `then(result)` on the UI thread (unless the worker was cancelled:
    an `exclusive` newer one replaced it). A failure goes to `failed` on the UI thread when given, else to
    the app's one `Worker.StateChanged` handler, which shows it as one sentence."""

    def work() -> None:
        try:
            result = job()
        except Exception as exc:
            if failed is None:
                raise
            node.app.call_from_thread(failed, exc)
            return
        if then is not None and not get_current_worker().is_cancelled:
            node.app.call_from_thread(then, result)

    return node.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def sentence(exc: Exception) -> str:
    """One sentence about a failure for a dialog to show: what the user can fix (a refused value, a missing
    file) as it was worded, a database or server failure described (`store.db.describe_error`)."""
    if isinstance(exc, UserError | ValueError):
        return str(exc)
    return describe_error(exc)
