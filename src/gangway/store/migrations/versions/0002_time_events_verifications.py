"""Test clocks, recorded events, verifications and their audit trail; the deadline sweep's index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("evaluated_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("triggered_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("blocked_ms", sa.BigInteger(), nullable=True))
        batch.drop_index("ix_accounts_next_change_ms")
        batch.create_index("ix_accounts_due", ["platform_id", "livemode", "next_change_ms"])
    op.create_table(
        "clocks",
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("offset_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_clocks_platform_id_platforms"
        ),
        sa.PrimaryKeyConstraint("platform_id", name="pk_clocks"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("object_id", sa.String(80), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_events_platform_id_platforms"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_listing", "events", ["platform_id", "livemode", "created_ms", "id"])
    op.create_index(
        "ix_events_object", "events", ["platform_id", "livemode", "object_id", "created_ms"]
    )
    op.create_table(
        "verifications",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.String(80), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decide_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_verifications_account_id_accounts"
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name="fk_verifications_platform_id_platforms"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_verifications"),
    )
    op.create_index("ix_verifications_account", "verifications", ["account_id", "subject", "kind"])
    op.create_index(
        "ix_verifications_queue",
        "verifications",
        ["platform_id", "livemode", "status", "created_ms", "id"],
    )
    op.create_table(
        "verification_decisions",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("verification_id", sa.String(80), nullable=False),
        sa.Column("decided_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["verification_id"],
            ["verifications.id"],
            name="fk_verification_decisions_verification_id_verifications",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_verification_decisions"),
    )
    op.create_index(
        "ix_verification_decisions_verification",
        "verification_decisions",
        ["verification_id", "decided_ms"],
    )


def downgrade() -> None:
    op.drop_table("verification_decisions")
    op.drop_table("verifications")
    op.drop_table("events")
    op.drop_table("clocks")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_index("ix_accounts_due")
        batch.create_index("ix_accounts_next_change_ms", ["next_change_ms"])
        batch.drop_column("blocked_ms")
        batch.drop_column("triggered_ms")
        batch.drop_column("evaluated_ms")
