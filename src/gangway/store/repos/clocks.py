"""Test-mode clocks: each platform's test mode runs ``offset_ms`` ahead of real time."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from gangway.store.fastpath import DriverStatement
from gangway.store.tables import clocks

__all__ = ["ClockRepository"]

_GET = DriverStatement(
    select(clocks.c.offset_ms).where(clocks.c.platform_id == bindparam("platform_id"))
)
"""On every test-mode request that needs its now, inside the request's transaction."""


class ClockRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def offset(self, platform_id: str) -> int:
        row = _GET.first(self._conn, {"platform_id": platform_id})
        return int(row.offset_ms) if row else 0

    def set_offset(self, platform_id: str, offset_ms: int, now_ms: int) -> None:
        updated = self._conn.execute(
            update(clocks)
            .where(clocks.c.platform_id == platform_id)
            .values(offset_ms=offset_ms, updated_ms=now_ms)
        )
        if not updated.rowcount:
            self._conn.execute(
                insert(clocks).values(
                    platform_id=platform_id, offset_ms=offset_ms, updated_ms=now_ms
                )
            )

    def reset(self, platform_id: str) -> None:
        self._conn.execute(delete(clocks).where(clocks.c.platform_id == platform_id))
