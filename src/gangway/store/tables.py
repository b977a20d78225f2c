"""Table definitions: the one place the schema is spelled out (migrations mirror it).

Object documents are stored sealed (AES-GCM, see ``sealing``): the database holds no readable
PII. Columns outside the document exist only to find rows: ownership, mode, ordering, filters and
the deadline index.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

__all__ = [
    "account_links",
    "accounts",
    "admin_tokens",
    "api_keys",
    "audit_log",
    "clocks",
    "deliveries",
    "delivery_attempts",
    "event_destinations",
    "events",
    "files",
    "hosted_sessions",
    "idempotency_keys",
    "metadata",
    "operator_sessions",
    "operator_sign_in_failures",
    "operators",
    "persons",
    "platforms",
    "tokens",
    "verification_decisions",
    "verifications",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

platforms = Table(
    "platforms",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("hint", String(16), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("revoked_ms", BigInteger, nullable=True),
)

admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("hint", String(16), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("revoked_ms", BigInteger, nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Column("cfg_customer", Boolean, nullable=False, default=False),
    Column("cfg_merchant", Boolean, nullable=False, default=False),
    Column("cfg_recipient", Boolean, nullable=False, default=False),
    Column("next_change_ms", BigInteger, nullable=True),
    Column("evaluated_ms", BigInteger, nullable=True),
    Column("triggered_ms", BigInteger, nullable=True),
    Column("blocked_ms", BigInteger, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("sealed", LargeBinary, nullable=False),
    # what the operator console filters and searches on (``core.listing``), kept in step with
    # the document and its last evaluation; NULL ``listed`` means not filled in yet
    Column("listed", Integer, nullable=True),
    Column("country", String(2), nullable=True),
    Column("entity_type", String(20), nullable=True),
    Column("currently_due", Boolean, nullable=True),
    Column("past_due", Boolean, nullable=True),
    Column("pending_verification", Boolean, nullable=True),
    Column("restricted", Boolean, nullable=True),
    Column("fully_active", Boolean, nullable=True),
    Column("email_index", String(64), nullable=True),
    Column("name_index", String(64), nullable=True),
    # the latest evaluation as reads render it (``core.stored_requirements``), sealed, and the
    # rule book and wire form it was computed under; NULL: not stored yet (migration 0009)
    Column("requirements_key", String(64), nullable=True),
    Column("requirements_sealed", LargeBinary, nullable=True),
    Index("ix_accounts_listing", "platform_id", "livemode", "closed", "created_ms", "id"),
    # the deadline sweep: due accounts of one platform and mode, soonest first
    Index("ix_accounts_due", "platform_id", "livemode", "next_change_ms"),
    # the console's filters and searches, each newest first
    Index("ix_accounts_country", "platform_id", "livemode", "country", "created_ms", "id"),
    Index(
        "ix_accounts_currently_due", "platform_id", "livemode", "currently_due", "created_ms", "id"
    ),
    Index("ix_accounts_past_due", "platform_id", "livemode", "past_due", "created_ms", "id"),
    Index(
        "ix_accounts_pending", "platform_id", "livemode", "pending_verification", "created_ms", "id"
    ),
    Index("ix_accounts_restricted", "platform_id", "livemode", "restricted", "created_ms", "id"),
    # the console overview's count of fully active accounts
    Index("ix_accounts_fully_active", "platform_id", "livemode", "fully_active"),
    Index("ix_accounts_entity_type", "platform_id", "livemode", "entity_type", "created_ms", "id"),
    Index(
        "ix_accounts_email", "platform_id", "livemode", "email_index", "closed", "created_ms", "id"
    ),
    Index(
        "ix_accounts_name", "platform_id", "livemode", "name_index", "closed", "created_ms", "id"
    ),
    Index("ix_accounts_unlisted", "listed"),
    Index("ix_accounts_requirements_key", "requirements_key"),
)

persons = Table(
    "persons",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_persons_account_listing", "account_id", "created_ms", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("platform_id", String(64), primary_key=True),
    Column("livemode", Boolean, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("method", String(8), nullable=False),
    Column("path", String(512), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("response", LargeBinary, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_idempotency_keys_created_ms", "created_ms"),
)

clocks = Table(
    "clocks",
    metadata,
    Column("platform_id", String(64), ForeignKey("platforms.id"), primary_key=True),
    Column("offset_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)
"""A platform's test-mode clock: real time plus ``offset_ms``. Live mode always runs on real time."""

events = Table(
    "events",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("type", String(120), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("object_id", String(80), nullable=True),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_events_listing", "platform_id", "livemode", "created_ms", "id"),
    Index("ix_events_object", "platform_id", "livemode", "object_id", "created_ms", "id"),
)

verifications = Table(
    "verifications",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("subject", String(80), nullable=True),
    Column("kind", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("decide_at_ms", BigInteger, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_verifications_account", "account_id", "subject", "kind"),
    Index("ix_verifications_queue", "platform_id", "livemode", "status", "created_ms", "id"),
)
"""One row per verifiable submission (a date of birth, an ID number, a document...). A changed
value gets a new fingerprint and so a new row; decisions are appended to the audit table."""

verification_decisions = Table(
    "verification_decisions",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("verification_id", String(80), ForeignKey("verifications.id"), nullable=False),
    Column("decided_ms", BigInteger, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_verification_decisions_verification", "verification_id", "decided_ms"),
)
"""Append-only audit trail: who decided what about which verification, when, and why."""

account_links = Table(
    "account_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("redeemed_ms", BigInteger, nullable=True),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_account_links_account", "account_id", "created_ms"),
)
"""An Account Link, found by the SHA-256 of its URL token (the token itself is never stored).
``redeemed_ms`` is set by the first visit, in one conditional update: exactly one visit wins."""

hosted_sessions = Table(
    "hosted_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("link_hash", String(64), ForeignKey("account_links.token_hash"), nullable=False),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("seen_ms", BigInteger, nullable=False),
    Column("ended_ms", BigInteger, nullable=True),
    Column("sealed", LargeBinary, nullable=False),
)
"""A browser's onboarding session, started by redeeming a link; found by the SHA-256 of its
cookie. ``seen_ms`` moves with every request (idle expiry); ``ended_ms`` is set on leaving."""

files = Table(
    "files",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
)
"""Documents uploaded through the hosted form: the bytes and their type, sealed like PII."""

event_destinations = Table(
    "event_destinations",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("deleted_ms", BigInteger, nullable=True),
    Column("routing", String(20000), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    # the delivery circuit (``webhooks.circuit``), shared by every worker process; NULL is 0
    Column("circuit_failures", Integer, nullable=True),
    Column("circuit_failing_since_ms", BigInteger, nullable=True),
    Column("circuit_pauses", Integer, nullable=True),
    Column("circuit_paused_until_ms", BigInteger, nullable=True),
    Column("circuit_probe_id", String(80), nullable=True),
    Index("ix_event_destinations_listing", "platform_id", "livemode", "created_ms", "id"),
)
"""Where a platform's events go. ``routing`` (plain JSON: enabled event types and events_from)
is what fan-out reads in every writing transaction; the URL, the signing secret and the rest are
sealed. The ``circuit_*`` columns are the worker's: a failing destination's streak and pause."""

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("event_id", String(80), ForeignKey("events.id"), nullable=False),
    Column("destination_id", String(80), ForeignKey("event_destinations.id"), nullable=False),
    Column("platform_id", String(64), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_ms", BigInteger, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_deliveries_due", "status", "next_attempt_ms"),
    Index("ix_deliveries_destination", "destination_id", "created_ms", "id"),
    Index("ix_deliveries_queue", "destination_id", "status", "next_attempt_ms"),
    Index("ix_deliveries_event", "event_id"),
)
"""One event owed to one destination, written in the transaction that recorded the event, so a
committed change can never lose its delivery. ``pending`` until a 2xx (``succeeded``) or until
the retry schedule runs out (``failed``); a worker leases a claimed row by pushing
``next_attempt_ms`` forward, so a crashed worker's deliveries are retried, never dropped. Each
destination's pending rows are its own queue (``ix_deliveries_queue``), claimed in turn."""

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("delivery_id", String(80), ForeignKey("deliveries.id"), nullable=False),
    Column("attempted_ms", BigInteger, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", String(500), nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("response_body", String(2000), nullable=True),
    Index("ix_delivery_attempts_delivery", "delivery_id", "attempted_ms"),
    Index("ix_delivery_attempts_attempted", "attempted_ms"),
)
"""Every attempt: when, the receiver's status code or the transport error, how long it took, and
the start of the response body."""

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("platform_id", String(64), ForeignKey("platforms.id"), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("used_ms", BigInteger, nullable=True),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_tokens_platform", "platform_id", "livemode", "created_ms"),
)
"""Account and person tokens: the identity params they carry, sealed, until their single use
(``used_ms``, set in one conditional update) empties them. ``kind`` is ``account`` or ``person``;
a person token belongs to the account it was created under (``account_id``)."""

operators = Table(
    "operators",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("live", Boolean, nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("password_set_ms", BigInteger, nullable=False),
    Column("disabled_ms", BigInteger, nullable=True),
)
"""The people who sign in to the operator console: a role (viewer, reviewer, admin), whether
they may see live data, and an argon2id hash of their password (``core.passwords``)."""

operator_sessions = Table(
    "operator_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("operator_id", String(64), ForeignKey("operators.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("seen_ms", BigInteger, nullable=False),
    Column("ended_ms", BigInteger, nullable=True),
    Column("ip", String(64), nullable=False),
    Column("user_agent", String(400), nullable=False),
    Index("ix_operator_sessions_operator", "operator_id", "created_ms"),
)
"""A console sign-in, found by the SHA-256 of its cookie; idle and absolute timeouts are checked
against ``seen_ms`` and ``created_ms`` on every request."""

operator_sign_in_failures = Table(
    "operator_sign_in_failures",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Index("ix_operator_sign_in_failures_email", "email", "at_ms"),
    Index("ix_operator_sign_in_failures_ip", "ip", "at_ms"),
)
"""Failed sign-ins of the last minutes: what throttling counts, in every process at once."""

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("at_ms", BigInteger, nullable=False),
    Column("actor", String(320), nullable=False),
    Column("operator_id", String(64), nullable=True),
    Column("action", String(80), nullable=False),
    Column("platform_id", String(64), nullable=True),
    Column("livemode", Boolean, nullable=True),
    Column("target", String(120), nullable=True),
    Column("ip", String(64), nullable=False),
    Column("user_agent", String(400), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_audit_log_listing", "at_ms", "id"),
    Index("ix_audit_log_target", "target", "at_ms"),
)
"""Every state-changing action an operator takes (console or CLI): who, when, what, from where.
Append-only: the migration installs triggers that refuse UPDATE and DELETE on both dialects."""
