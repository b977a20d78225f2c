"""Stored responses for ``Idempotency-Key`` replays, scoped per platform and mode, sealed at rest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, insert, select

from gangway.core.keys import KeyPrincipal
from gangway.store.fastpath import DriverStatement
from gangway.store.sealing import Sealer
from gangway.store.tables import idempotency_keys

__all__ = ["IdempotencyRepository", "StoredResponse"]

_T = idempotency_keys
_WHERE = (
    _T.c.platform_id == bindparam("platform_id"),
    _T.c.livemode == bindparam("livemode"),
    _T.c.key == bindparam("key"),
)
_FIND = DriverStatement(
    select(_T.c.fingerprint, _T.c.status, _T.c.response, _T.c.created_ms).where(*_WHERE)
)
_DELETE_EXPIRED = DriverStatement(
    delete(_T).where(*_WHERE, _T.c.created_ms < bindparam("not_before_ms"))
)
_INSERT = DriverStatement(insert(_T))


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: bytes


class IdempotencyRepository:
    def __init__(self, conn: Connection, sealer: Sealer) -> None:
        self._conn = conn
        self._sealer = sealer
        self._absent: set[str] = set()
        """Keys that ``find`` saw no row for in this transaction: ``store`` can skip clearing
        an expired predecessor (one statement less inside SQLite's write lock)."""

    def find(
        self, principal: KeyPrincipal, key: str, *, not_before_ms: int
    ) -> StoredResponse | None:
        """The live record for ``key``; an expired one counts as absent (``store`` replaces it)."""
        where = {"platform_id": principal.platform_id, "livemode": principal.livemode, "key": key}
        row = _FIND.first(self._conn, where)
        if row is None:
            self._absent.add(key)
            return None
        if row.created_ms < not_before_ms:
            return None
        body = self._sealer.open(row.response, self._bound(principal, key))
        return StoredResponse(fingerprint=row.fingerprint, status=row.status, body=body)

    def store(
        self,
        principal: KeyPrincipal,
        key: str,
        *,
        method: str,
        path: str,
        response: StoredResponse,
        now_ms: int,
        not_before_ms: int,
    ) -> None:
        """Record the response; runs in the write transaction, which may also drop the key's
        expired predecessor (never a read transaction: on SQLite that write could not wait)."""
        if key not in self._absent:
            _DELETE_EXPIRED.execute(
                self._conn,
                {
                    "platform_id": principal.platform_id,
                    "livemode": principal.livemode,
                    "key": key,
                    "not_before_ms": not_before_ms,
                },
            )
        _INSERT.execute(
            self._conn,
            {
                "platform_id": principal.platform_id,
                "livemode": principal.livemode,
                "key": key,
                "method": method,
                "path": path[:512],
                "fingerprint": response.fingerprint,
                "status": response.status,
                "response": self._sealer.seal(response.body, self._bound(principal, key)),
                "created_ms": now_ms,
            },
        )

    def delete_mode(self, platform_id: str, livemode: bool) -> None:
        self._conn.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.platform_id == platform_id,
                idempotency_keys.c.livemode == livemode,
            )
        )

    def prune(self, *, before_ms: int) -> int:
        result = self._conn.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_ms < before_ms)
        )
        return int(result.rowcount or 0)

    @staticmethod
    def _bound(principal: KeyPrincipal, key: str) -> str:
        return f"idem:{principal.platform_id}:{int(principal.livemode)}:{key}"
