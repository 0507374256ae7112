"""What every `dossier` command family shares: the database it works on, and one-line errors (no Textual)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine


class UserError(Exception):
    """Bad input from the command line; printed as one line, exit code 1."""


def db_path(args: argparse.Namespace) -> Path | str:
    """`--db`, else `$DOSSIER_DB`, else the platform's user data dir: a file's path or a server's URL."""
    from store.settings import default_db_path

    return args.db or default_db_path()


def write_failed(exc: OSError, where: object) -> Exception:
    """What to raise when writing an export failed: a closed pipe stays itself (`main` exits quietly, as Unix
    programs do under `| head`); anything else is one sentence."""
    if isinstance(exc, BrokenPipeError):
        return exc
    return UserError(f"Cannot write {where or 'standard output'}: {exc.strerror or exc}.")


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


def print_failures(lines: list[str], *, shown: int = 50) -> None:
    """An import's failures on standard error, one line each and shown literally; past `shown`, only counted."""
    from plain.literal import one_line

    for line in lines[:shown]:
        print(one_line(f"failed: {line}"), file=sys.stderr)
    if len(lines) > shown:
        print(f"… and {len(lines) - shown:,} more failed.", file=sys.stderr)
