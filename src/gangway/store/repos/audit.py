"""The audit log: append and read, nothing else (the database refuses changes, see 0008)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, and_, insert, or_, select

from gangway.store.sealing import Sealer
from gangway.store.tables import audit_log

__all__ = ["AuditEntry", "AuditRepository"]


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at_ms: int
    actor: str
    operator_id: str | None
    action: str
    platform_id: str | None
    livemode: bool | None
    target: str | None
    ip: str
    user_agent: str
    detail: dict[str, Any]


class AuditRepository:
    def __init__(self, conn: Connection, sealer: Sealer) -> None:
        self._conn = conn
        self._sealer = sealer

    def append(self, entry: AuditEntry) -> None:
        columns = {k: v for k, v in entry.__dict__.items() if k != "detail"}
        sealed = self._sealer.seal(orjson.dumps(entry.detail), entry.id)
        self._conn.execute(insert(audit_log).values(**columns, sealed=sealed))

    def page(
        self,
        *,
        limit: int,
        before: tuple[int, str] | None = None,
        target: str | None = None,
        actor: str | None = None,
    ) -> list[AuditEntry]:
        """Newest first, ``limit`` entries older than ``before`` (``(at_ms, id)``)."""
        query = select(audit_log).order_by(audit_log.c.at_ms.desc(), audit_log.c.id.desc())
        if before is not None:
            at_ms, entry_id = before
            query = query.where(
                or_(
                    audit_log.c.at_ms < at_ms,
                    and_(audit_log.c.at_ms == at_ms, audit_log.c.id < entry_id),
                )
            )
        if target is not None:
            query = query.where(audit_log.c.target == target)
        if actor is not None:
            query = query.where(audit_log.c.actor == actor)
        rows = self._conn.execute(query.limit(limit)).all()
        return [self._entry(row) for row in rows]

    def _entry(self, row: Any) -> AuditEntry:
        values = {k: v for k, v in row._mapping.items() if k != "sealed"}
        return AuditEntry(**values, detail=orjson.loads(self._sealer.open(row.sealed, row.id)))
