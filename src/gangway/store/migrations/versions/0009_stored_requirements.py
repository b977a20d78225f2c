"""Stored requirements: each account keeps its latest evaluation, sealed, with the key (rule
book and wire form) it was computed under, so reads render it instead of evaluating
(``core.stored_requirements``). Existing rows start NULL; start-up fills them
(``services.stored_requirements.fill_stale``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("requirements_key", sa.String(64), nullable=True))
    op.add_column("accounts", sa.Column("requirements_sealed", sa.LargeBinary(), nullable=True))
    op.create_index("ix_accounts_requirements_key", "accounts", ["requirements_key"])


def downgrade() -> None:
    op.drop_index("ix_accounts_requirements_key", table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("requirements_sealed")
        batch.drop_column("requirements_key")
