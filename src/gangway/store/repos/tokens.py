"""Account, person and bank account tokens: sealed params, spent once.

A token's params are sealed like any account document and bound to the token's id; spending
the token (one conditional update, so of two concurrent uses exactly one wins) also replaces
them with an empty seal: a used token keeps no PII.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, update

from gangway.core.keys import KeyPrincipal
from gangway.store.sealing import Sealer
from gangway.store.tables import tokens

__all__ = ["TokenRecord", "TokenRepository"]

_EMPTY = orjson.dumps({})


@dataclass(frozen=True)
class TokenRecord:
    id: str
    platform_id: str
    livemode: bool
    kind: str
    """``account``, ``person`` or ``bank_account`` (a v1 ``btok_``)."""
    account_id: str | None
    """The account a person token was created under; ``None`` for account tokens."""
    created_ms: int
    expires_ms: int
    used_ms: int | None
    params: dict[str, Any]


class TokenRepository:
    def __init__(self, conn: Connection, sealer: Sealer) -> None:
        self._conn = conn
        self._sealer = sealer

    def add(self, token: TokenRecord) -> None:
        self._conn.execute(
            insert(tokens).values(
                id=token.id,
                platform_id=token.platform_id,
                livemode=token.livemode,
                kind=token.kind,
                account_id=token.account_id,
                created_ms=token.created_ms,
                expires_ms=token.expires_ms,
                used_ms=None,
                sealed=self._sealer.seal(orjson.dumps(token.params), token.id),
            )
        )

    def get(self, principal: KeyPrincipal, token_id: str) -> TokenRecord | None:
        """The principal's token (its platform and mode), or ``None``."""
        row = self._conn.execute(
            select(tokens).where(
                tokens.c.id == token_id,
                tokens.c.platform_id == principal.platform_id,
                tokens.c.livemode == principal.livemode,
            )
        ).first()
        if row is None:
            return None
        return TokenRecord(
            id=row.id,
            platform_id=row.platform_id,
            livemode=row.livemode,
            kind=row.kind,
            account_id=row.account_id,
            created_ms=row.created_ms,
            expires_ms=row.expires_ms,
            used_ms=row.used_ms,
            params=orjson.loads(self._sealer.open(row.sealed, row.id)),
        )

    def spend(self, token_id: str, now_ms: int) -> bool:
        """Mark the token used if it is unused and unexpired, emptying its params."""
        result = self._conn.execute(
            update(tokens)
            .where(
                tokens.c.id == token_id,
                tokens.c.used_ms.is_(None),
                tokens.c.expires_ms > now_ms,
            )
            .values(used_ms=now_ms, sealed=self._sealer.seal(_EMPTY, token_id))
        )
        return bool(result.rowcount)
