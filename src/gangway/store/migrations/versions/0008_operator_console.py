"""The operator console: operators, their sessions and sign-in failures, the append-only audit
log, and the accounts' listing columns (filters and blind search indexes).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_LISTING = (
    ("listed", sa.Integer()),
    ("country", sa.String(2)),
    ("entity_type", sa.String(20)),
    ("currently_due", sa.Boolean()),
    ("past_due", sa.Boolean()),
    ("pending_verification", sa.Boolean()),
    ("restricted", sa.Boolean()),
    ("fully_active", sa.Boolean()),
    ("email_index", sa.String(64)),
    ("name_index", sa.String(64)),
)
_INDEXES = (
    ("ix_accounts_country", ["platform_id", "livemode", "country", "created_ms", "id"]),
    ("ix_accounts_currently_due", ["platform_id", "livemode", "currently_due", "created_ms", "id"]),
    ("ix_accounts_past_due", ["platform_id", "livemode", "past_due", "created_ms", "id"]),
    (
        "ix_accounts_pending",
        ["platform_id", "livemode", "pending_verification", "created_ms", "id"],
    ),
    ("ix_accounts_restricted", ["platform_id", "livemode", "restricted", "created_ms", "id"]),
    ("ix_accounts_fully_active", ["platform_id", "livemode", "fully_active"]),
    ("ix_accounts_entity_type", ["platform_id", "livemode", "entity_type", "created_ms", "id"]),
    ("ix_accounts_email", ["platform_id", "livemode", "email_index", "closed", "created_ms", "id"]),
    ("ix_accounts_name", ["platform_id", "livemode", "name_index", "closed", "created_ms", "id"]),
    ("ix_accounts_unlisted", ["listed"]),
)
_DELIVERY_INDEXES = (
    # the console's deliveries pages: an event's deliveries, and the last day's attempts
    ("ix_deliveries_event", "deliveries", ["event_id"]),
    ("ix_delivery_attempts_attempted", "delivery_attempts", ["attempted_ms"]),
)
_APPEND_ONLY = {
    "sqlite": (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
}


_EVENTS_OBJECT = ["platform_id", "livemode", "object_id", "created_ms"]
"""``ix_events_object`` gains ``id``: an object's events newest first (the console's account
page) then read that index alone; without it SQLite walked every event of the platform."""


def upgrade() -> None:
    op.drop_index("ix_events_object", table_name="events")
    op.create_index("ix_events_object", "events", [*_EVENTS_OBJECT, "id"])
    for name, table, columns in _DELIVERY_INDEXES:
        op.create_index(name, table, columns)
    for name, type_ in _LISTING:
        op.add_column("accounts", sa.Column(name, type_, nullable=True))
    for name, columns in _INDEXES:
        op.create_index(name, "accounts", columns)
    op.create_table(
        "operators",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("password_set_ms", sa.BigInteger(), nullable=False),
        sa.Column("disabled_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_operators"),
        sa.UniqueConstraint("email", name="uq_operators_email"),
    )
    op.create_table(
        "operator_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("operator_id", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("seen_ms", sa.BigInteger(), nullable=False),
        sa.Column("ended_ms", sa.BigInteger(), nullable=True),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(400), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name="fk_operator_sessions_operator_id_operators"
        ),
        sa.PrimaryKeyConstraint("id_hash", name="pk_operator_sessions"),
    )
    op.create_index(
        "ix_operator_sessions_operator", "operator_sessions", ["operator_id", "created_ms"]
    )
    op.create_table(
        "operator_sign_in_failures",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_operator_sign_in_failures"),
    )
    op.create_index(
        "ix_operator_sign_in_failures_email", "operator_sign_in_failures", ["email", "at_ms"]
    )
    op.create_index("ix_operator_sign_in_failures_ip", "operator_sign_in_failures", ["ip", "at_ms"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("operator_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("platform_id", sa.String(64), nullable=True),
        sa.Column("livemode", sa.Boolean(), nullable=True),
        sa.Column("target", sa.String(120), nullable=True),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(400), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_listing", "audit_log", ["at_ms", "id"])
    op.create_index("ix_audit_log_target", "audit_log", ["target", "at_ms"])
    for statement in _APPEND_ONLY.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("audit_log")
    op.drop_table("operator_sign_in_failures")
    op.drop_table("operator_sessions")
    op.drop_table("operators")
    for name, _ in reversed(_INDEXES):
        op.drop_index(name, table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        for name, _ in reversed(_LISTING):
            batch.drop_column(name)
    for name, table, _ in reversed(_DELIVERY_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_events_object", table_name="events")
    op.create_index("ix_events_object", "events", _EVENTS_OBJECT)
