"""Operator admin tokens, stored as SHA-256 digests like API keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from gangway.core.keys import AdminToken
from gangway.store.tables import admin_tokens

__all__ = ["AdminTokenRecord", "AdminTokenRepository"]


@dataclass(frozen=True)
class AdminTokenRecord:
    id: str
    hint: str
    created_ms: int
    revoked_ms: int | None


_COLUMNS = (
    admin_tokens.c.id,
    admin_tokens.c.hint,
    admin_tokens.c.created_ms,
    admin_tokens.c.revoked_ms,
)


class AdminTokenRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, token_id: str, token: AdminToken, now_ms: int) -> None:
        self._conn.execute(
            insert(admin_tokens).values(
                id=token_id, token_hash=token.digest, hint=token.hint, created_ms=now_ms
            )
        )

    def active_id(self, token_digest: str) -> str | None:
        """The id of the unrevoked token with this digest."""
        row = self._conn.execute(
            select(admin_tokens.c.id).where(
                admin_tokens.c.token_hash == token_digest, admin_tokens.c.revoked_ms.is_(None)
            )
        ).first()
        return row[0] if row else None

    def all(self) -> list[AdminTokenRecord]:
        rows = self._conn.execute(
            select(*_COLUMNS).order_by(admin_tokens.c.created_ms, admin_tokens.c.id)
        )
        return [AdminTokenRecord(**row._mapping) for row in rows]

    def get(self, token_id: str) -> AdminTokenRecord | None:
        row = self._conn.execute(select(*_COLUMNS).where(admin_tokens.c.id == token_id)).first()
        return AdminTokenRecord(**row._mapping) if row else None

    def revoke(self, token_id: str, now_ms: int) -> None:
        self._conn.execute(
            update(admin_tokens)
            .where(admin_tokens.c.id == token_id, admin_tokens.c.revoked_ms.is_(None))
            .values(revoked_ms=now_ms)
        )
