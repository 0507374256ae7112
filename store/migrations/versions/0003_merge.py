"""duplicate finding: expression indexes on a contact's company and email domain

Revision ID: 0003_merge
Revises: 0002
Create Date: 2026-12-04
"""

from alembic import op
from sqlalchemy import text

revision = "0003_merge"
down_revision = "0002"
branch_labels = None
depends_on = None

# Similar names only count as duplicates at the same company or email domain (store/duplicates.py);
# these indexes make both lookups, and the GROUP BY over the whole table, index reads. The expressions
# must stay textually identical to the ones in store/duplicates.py, or SQLite will not use the indexes.
UPGRADE = [
    "CREATE INDEX ix_contact_company_key ON contact (lower(trim(company)))",
    "CREATE INDEX ix_contact_email_domain ON contact (substr(email_normalized, instr(email_normalized, '@') + 1))",
]
DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_contact_email_domain",
    "DROP INDEX IF EXISTS ix_contact_company_key",
]


# PostgreSQL has no instr(); split_part gives the same domain for an address with one @ (store/duplicates.py).
POSTGRES_UPGRADE = [
    UPGRADE[0],
    "CREATE INDEX ix_contact_email_domain ON contact (split_part(email_normalized, '@', 2))",
]


def _run(statements: list[str]) -> None:
    bind = op.get_bind()
    for statement in statements:
        bind.execute(text(statement))


def upgrade() -> None:
    _run(POSTGRES_UPGRADE if op.get_bind().dialect.name == "postgresql" else UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
