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

__all__ = ["accounts", "api_keys", "idempotency_keys", "metadata", "persons", "platforms"]

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
    Column("version", Integer, nullable=False, default=1),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_accounts_listing", "platform_id", "livemode", "closed", "created_ms", "id"),
    Index("ix_accounts_next_change_ms", "next_change_ms"),
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
