"""What every operation knows about the request that caused it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from gangway.core.keys import KeyPrincipal
from gangway.core.lazy import lazy

__all__ = ["Call"]


@dataclass(frozen=True)
class Call:
    principal: KeyPrincipal
    request_id: str
    clock: Callable[[], int]
    """The caller's "now": real time in live mode, the platform's test clock in test mode. Read
    once, on first use: a retrieve without includes never needs it."""
    idempotency_key: str | None = None
    api_version: str | None = None

    @lazy
    def now_ms(self) -> int:
        return self.clock()

    @property
    def livemode(self) -> bool:
        return self.principal.livemode

    @property
    def today(self) -> date:
        return datetime.fromtimestamp(self.now_ms / 1000, tz=UTC).date()

    def reason(self) -> dict[str, Any]:
        """The ``reason`` of an event this request caused."""
        return {
            "type": "request",
            "request": {"id": self.request_id, "idempotency_key": self.idempotency_key},
        }
