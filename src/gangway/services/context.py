"""What every operation knows about the request that caused it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from gangway.core.keys import KeyPrincipal

__all__ = ["Call"]


@dataclass(frozen=True)
class Call:
    principal: KeyPrincipal
    now_ms: int
    request_id: str
    idempotency_key: str | None = None
    api_version: str | None = None

    @property
    def livemode(self) -> bool:
        return self.principal.livemode

    @property
    def today(self) -> date:
        return datetime.fromtimestamp(self.now_ms / 1000, tz=UTC).date()
