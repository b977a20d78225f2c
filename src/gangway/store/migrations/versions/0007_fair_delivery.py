"""Fair delivery: each destination's circuit, and an index that makes its deliveries a queue.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_CIRCUIT = (
    ("circuit_failures", sa.Integer()),
    ("circuit_failing_since_ms", sa.BigInteger()),
    ("circuit_pauses", sa.Integer()),
    ("circuit_paused_until_ms", sa.BigInteger()),
    ("circuit_probe_id", sa.String(80)),
)


def upgrade() -> None:
    for name, type_ in _CIRCUIT:
        op.add_column("event_destinations", sa.Column(name, type_, nullable=True))
    op.create_index(
        "ix_deliveries_queue", "deliveries", ["destination_id", "status", "next_attempt_ms"]
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_queue", table_name="deliveries")
    with op.batch_alter_table("event_destinations") as batch:
        for name, _ in reversed(_CIRCUIT):
            batch.drop_column(name)
