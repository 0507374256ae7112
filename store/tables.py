"""The schema's Core tables, looked up on first use.

The query modules on the app's start path (contacts, timeline, notes, geo, social, avatars, sync) name their
columns at module level. Taking them from `store.models` there would create its SQLModel classes (~60 ms)
before the contact page first paints, although the page's first reads are SQL text (`store.reads`,
`store.contact_page`). `Columns` and `table` import the models when a query first needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Column, Table


def table(model: str) -> Table:
    """The Core table of the model class named `model` in `store.models`."""
    from store import models

    return models.table_of(getattr(models, model))


class Columns:
    """`table_of(Model).c` for the model named `model`, resolved at the first column read."""

    __slots__ = ("_columns", "_model")

    def __init__(self, model: str) -> None:
        self._model = model
        self._columns: Any = None

    def __getattr__(self, name: str) -> Column[Any]:
        # Only called for names the slots do not hold: the table's columns.
        if self._columns is None:
            self._columns = table(self._model).c
        column: Column[Any] = getattr(self._columns, name)
        return column
