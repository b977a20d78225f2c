"""Platforms and their API keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, func, insert, select, update

from gangway.core.keys import ApiKey, KeyPrincipal
from gangway.store.fastpath import DriverStatement
from gangway.store.tables import api_keys, platforms

__all__ = ["KeyRecord", "KeyRepository", "PlatformRecord"]

# Every authenticated request runs this inside its own transaction (``KeyRepository.active``):
# one primary-key lookup on the driver, so a revoked key is refused at once in every process.
_ACTIVE = DriverStatement(select(api_keys.c.revoked_ms).where(api_keys.c.id == bindparam("key_id")))


_KEY_COLUMNS = (
    api_keys.c.id,
    api_keys.c.platform_id,
    api_keys.c.livemode,
    api_keys.c.hint,
    api_keys.c.created_ms,
    api_keys.c.revoked_ms,
)


@dataclass(frozen=True)
class KeyRecord:
    """A key as listed: never its secret, which is not stored."""

    id: str
    platform_id: str
    livemode: bool
    hint: str
    created_ms: int
    revoked_ms: int | None


@dataclass(frozen=True)
class PlatformRecord:
    id: str
    name: str
    created_ms: int


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

    def platforms(self) -> list[PlatformRecord]:
        rows = self._conn.execute(
            select(platforms.c.id, platforms.c.name, platforms.c.created_ms).order_by(
                platforms.c.created_ms, platforms.c.id
            )
        )
        return [PlatformRecord(id=r.id, name=r.name, created_ms=r.created_ms) for r in rows]

    def platform(self, platform_id: str) -> PlatformRecord | None:
        row = self._conn.execute(
            select(platforms.c.id, platforms.c.name, platforms.c.created_ms).where(
                platforms.c.id == platform_id
            )
        ).first()
        return PlatformRecord(id=row.id, name=row.name, created_ms=row.created_ms) if row else None

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

    def by_digest(self, key_digest: str) -> tuple[KeyPrincipal, bool] | None:
        """The key with this digest and whether it was revoked (a revoked key is told apart from
        an unknown one, as Stripe tells an expired key from an invalid one)."""
        row = self._conn.execute(
            select(
                api_keys.c.id, api_keys.c.platform_id, api_keys.c.livemode, api_keys.c.revoked_ms
            ).where(api_keys.c.key_hash == key_digest)
        ).first()
        if row is None:
            return None
        principal = KeyPrincipal(platform_id=row.platform_id, livemode=row.livemode, key_id=row.id)
        return principal, row.revoked_ms is not None

    def principal(self, key_digest: str) -> KeyPrincipal | None:
        found = self.by_digest(key_digest)
        return found[0] if found is not None and not found[1] else None

    def active(self, key_id: str) -> bool:
        """Whether the key exists and is not revoked, as of this transaction."""
        row = _ACTIVE.first(self._conn, {"key_id": key_id})
        return row is not None and row.revoked_ms is None

    def keys(self, platform_id: str | None = None) -> list[KeyRecord]:
        query = select(*_KEY_COLUMNS).order_by(api_keys.c.created_ms, api_keys.c.id)
        if platform_id is not None:
            query = query.where(api_keys.c.platform_id == platform_id)
        return [KeyRecord(**row._mapping) for row in self._conn.execute(query)]

    def key(self, key_id: str) -> KeyRecord | None:
        row = self._conn.execute(select(*_KEY_COLUMNS).where(api_keys.c.id == key_id)).first()
        return KeyRecord(**row._mapping) if row else None

    def revoke(self, key_id: str, now_ms: int) -> None:
        """Marks the key revoked, if it is not already (the first revocation's time is kept)."""
        self._conn.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_ms.is_(None))
            .values(revoked_ms=now_ms)
        )

    def count_keys(self, platform_id: str, *, livemode: bool) -> int:
        return int(
            self._conn.execute(
                select(func.count())
                .select_from(api_keys)
                .where(api_keys.c.platform_id == platform_id, api_keys.c.livemode == livemode)
            ).scalar_one()
        )
