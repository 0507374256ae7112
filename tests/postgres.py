"""A PostgreSQL server for the tests: one fresh database per test, cloned from a migrated template.

The server is `$DOSSIER_TEST_PG_URL`, else the one `.ci/postgres` starts (127.0.0.1:54329). A role that may
create databases is needed. Without a reachable server the PostgreSQL variants are skipped, saying why,
unless `$DOSSIER_TEST_PG_REQUIRED` is set (CI sets it), when they fail instead.
"""

from __future__ import annotations

import itertools
import os

from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql://dossier:dossier-test@127.0.0.1:54329/dossier_test"
TEST_URL = os.environ.get("DOSSIER_TEST_PG_URL", DEFAULT_URL)
REQUIRED = bool(os.environ.get("DOSSIER_TEST_PG_REQUIRED"))


class PostgresServer:
    """Creates and drops the test databases on one server."""

    def __init__(self, url: str = TEST_URL) -> None:
        import psycopg

        self.url = make_url(url)
        self._admin = psycopg.connect(self._conninfo(self.url.database), autocommit=True, connect_timeout=3)
        self._names = itertools.count(1)
        self.template = f"dossier_tpl_{os.getpid()}"
        self._template_ready = False

    def _conninfo(self, database: str | None) -> str:
        url = self.url.set(drivername="postgresql", database=database)
        return url.render_as_string(hide_password=False)

    def url_for(self, database: str) -> str:
        return self._conninfo(database)

    def _create(self, name: str, template: str | None = None) -> str:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        clause = f' TEMPLATE "{template}"' if template else ""
        self._admin.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url_for(name)

    def empty_database(self) -> str:
        """A new database with nothing in it: its URL."""
        return self._create(f"dossier_t{os.getpid()}_{next(self._names)}")

    def new_database(self) -> str:
        """A new, fully migrated, empty Dossier database: its URL."""
        if not self._template_ready:
            from store.db import open_database

            open_database(self._create(self.template), create=True).dispose()
            self._template_ready = True
        return self._create(f"dossier_t{os.getpid()}_{next(self._names)}", self.template)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._template_ready:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._admin.close()


def connect_or_reason() -> tuple[PostgresServer | None, str]:
    """The test server, or None and one sentence on why there is none."""
    try:
        return PostgresServer(), ""
    except ImportError:
        return None, "psycopg is not installed"
    except Exception as exc:
        shown = make_url(TEST_URL).render_as_string(hide_password=True)
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return None, (
            f"no PostgreSQL server at {shown} ({reason}); start one with .ci/postgres or set DOSSIER_TEST_PG_URL"
        )
