"""Platforms, API keys, accounts, persons and idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_platforms"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("revoked_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_api_keys_platform_id_platforms"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("cfg_customer", sa.Boolean(), nullable=False),
        sa.Column("cfg_merchant", sa.Boolean(), nullable=False),
        sa.Column("cfg_recipient", sa.Boolean(), nullable=False),
        sa.Column("next_change_ms", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_accounts_platform_id_platforms"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
    )
    op.create_index(
        "ix_accounts_listing",
        "accounts",
        ["platform_id", "livemode", "closed", "created_ms", "id"],
    )
    op.create_index("ix_accounts_next_change_ms", "accounts", ["next_change_ms"])
    op.create_table(
        "persons",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_persons_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_index("ix_persons_account_listing", "persons", ["account_id", "created_ms", "id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("platform_id", "livemode", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_created_ms", "idempotency_keys", ["created_ms"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("persons")
    op.drop_table("accounts")
    op.drop_table("api_keys")
    op.drop_table("platforms")
