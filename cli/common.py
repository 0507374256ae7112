"""What every `dossier` command family shares: the database it works on, progress, and how it says things.

No Textual here: only `cli/commands/open.py` imports the app, to launch it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from plain.errors import UserError

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy import Engine

    from store.lookup import Run


def db_path(args: argparse.Namespace) -> Path | str:
    """`--db`, else `$DOSSIER_DB`, else the platform's user data dir: a file's path or a server's URL."""
    from store.places import default_db_path

    return getattr(args, "db", None) or default_db_path()


@contextmanager
def database(args: argparse.Namespace, *, create: bool = False) -> Iterator[Engine]:
    """The database of `--db`, closed afterwards; a locked or read-only file becomes one `DatabaseError` line."""
    import sqlalchemy.exc

    from store.db import DatabaseError, describe_error, open_database

    engine = open_database(db_path(args), create=create)
    try:
        yield engine
    except sqlalchemy.exc.OperationalError as exc:
        raise DatabaseError(describe_error(exc)) from exc
    finally:
        engine.dispose()


@contextmanager
def reading(args: argparse.Namespace) -> Iterator[tuple[Run, str]]:
    """For a command that only reads: a `Run` (store/lookup.py) on the database of `--db`, and its dialect.

    A Dossier file at the current schema is read with sqlite3 alone, so `dossier search` answers without
    importing SQLAlchemy; a server, or a file to upgrade first, goes through `database`. Both run the same
    statements, and a file is checked the same way either way.
    """
    from store.read_only import readable_file

    path = readable_file(db_path(args))
    if path is not None:
        from store.read_only import reading as reading_file

        with reading_file(path) as run:
            yield run, "sqlite"
        return
    from store.lookup import sql_run

    with database(args) as engine, engine.connect() as conn:
        yield sql_run(conn), engine.dialect.name


def progress_bar(title: str, *texts: str, bar: bool = False) -> Progress:
    """A transient progress display on standard error: a spinner, the title, a bar with done/total when `bar`,
    then the other text columns (rich's `{task.…}` fields) and the time elapsed. Off when standard error is not
    a terminal: there rich would leave a blank line before the command's own messages."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bars = (BarColumn(bar_width=None), MofNCompleteColumn()) if bar else ()
    console = Console(stderr=True)
    return Progress(
        SpinnerColumn(),
        TextColumn(title),
        *bars,
        *(TextColumn(text) for text in texts),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def say(message: str) -> None:
    """A line for the user on standard error (data in it shown literally), leaving standard output to data."""
    from plain.literal import one_line

    print(one_line(message), file=sys.stderr)


def print_failures(lines: list[str], *, shown: int = 50, label: str = "failed") -> None:
    """An import's failures (or warnings) on standard error, one line each, literally; past `shown`, counted."""
    for line in lines[:shown]:
        say(f"{label}: {line}")
    if len(lines) > shown:
        say(f"… and {len(lines) - shown:,} more {label}.")


def write_failed(exc: OSError, where: object) -> Exception:
    """What to raise when writing an export failed: a closed pipe stays itself (`main` exits quietly, as Unix
    programs do under `| head`); anything else is one sentence."""
    if isinstance(exc, BrokenPipeError):
        return exc
    return UserError(f"Cannot write {where or 'standard output'}: {exc.strerror or exc}.")
