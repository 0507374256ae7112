"""Alembic environment: runs on the connection the store hands over, never one of its own."""

from alembic import context
from sqlmodel import SQLModel

from store import models  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    # SQLite can roll DDL back; Alembic assumes it cannot unless told, and would commit piecemeal.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
