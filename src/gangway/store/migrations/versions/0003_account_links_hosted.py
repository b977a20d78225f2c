"""Account links, hosted onboarding sessions and uploaded files.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_links",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("redeemed_ms", sa.BigInteger(), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_account_links_platform_id_platforms"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_account_links_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_account_links"),
    )
    op.create_index("ix_account_links_account", "account_links", ["account_id", "created_ms"])
    op.create_table(
        "hosted_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("link_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("seen_ms", sa.BigInteger(), nullable=False),
        sa.Column("ended_ms", sa.BigInteger(), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_hash"],
            ["account_links.token_hash"],
            name="fk_hosted_sessions_link_hash_account_links",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_hosted_sessions_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id_hash", name="pk_hosted_sessions"),
    )
    op.create_table(
        "files",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_files_platform_id_platforms"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_files_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
    )


def downgrade() -> None:
    op.drop_table("files")
    op.drop_table("hosted_sessions")
    op.drop_index("ix_account_links_account", table_name="account_links")
    op.drop_table("account_links")
