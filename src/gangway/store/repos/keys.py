"""Platforms and their API keys."""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select

from gangway.core.keys import ApiKey, KeyPrincipal
from gangway.store.tables import api_keys, platforms

__all__ = ["KeyRepository"]


class KeyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def default_platform(self) -> str | None:
        row = self._conn.execute(
            select(platforms.c.id).order_by(platforms.c.created_ms, platforms.c.id).limit(1)
        ).first()
        return row[0] if row else None

    def platform_ids(self) -> list[str]:
        return [
            row[0] for row in self._conn.execute(select(platforms.c.id).order_by(platforms.c.id))
        ]

    def add_platform(self, platform_id: str, name: str, now_ms: int) -> None:
        self._conn.execute(insert(platforms).values(id=platform_id, name=name, created_ms=now_ms))

    def add_key(self, key_id: str, platform_id: str, key: ApiKey, now_ms: int) -> None:
        self._conn.execute(
            insert(api_keys).values(
                id=key_id,
                platform_id=platform_id,
                livemode=key.livemode,
                key_hash=key.digest,
                hint=key.hint,
                created_ms=now_ms,
            )
        )

    def principal(self, key_digest: str) -> KeyPrincipal | None:
        row = self._conn.execute(
            select(api_keys.c.id, api_keys.c.platform_id, api_keys.c.livemode).where(
                api_keys.c.key_hash == key_digest, api_keys.c.revoked_ms.is_(None)
            )
        ).first()
        if row is None:
            return None
        return KeyPrincipal(platform_id=row.platform_id, livemode=row.livemode, key_id=row.id)

    def count_keys(self, platform_id: str, *, livemode: bool) -> int:
        return int(
            self._conn.execute(
                select(func.count())
                .select_from(api_keys)
                .where(api_keys.c.platform_id == platform_id, api_keys.c.livemode == livemode)
            ).scalar_one()
        )
