"""What every operation knows about the request that caused it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from gangway.core.ids import idempotency_key
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
    """The ``Idempotency-Key`` the client sent, if any (it is what replays are keyed on)."""
    api_version: str | None = None
    client_ip: str | None = None
    """The caller's address and ``User-Agent``: what an attestation made through a token
    records, as Stripe expands them from the token's request."""
    user_agent: str | None = None
    stripe_account: str | None = None
    """v1's ``Stripe-Account`` header: the connected account the platform acts as
    (``gangway.v1.acting``); v2 ignores it."""

    @lazy
    def now_ms(self) -> int:
        return self.clock()

    @property
    def livemode(self) -> bool:
        return self.principal.livemode

    @property
    def today(self) -> date:
        return datetime.fromtimestamp(self.now_ms / 1000, tz=UTC).date()

    @lazy
    def recorded_idempotency_key(self) -> str:
        """The key events name: the client's, or one generated once per request, as Stripe does
        for a v2 request sent without one (the SDK's format). A generated key is only recorded:
        no one could send it back, so no response is stored under it."""
        return self.idempotency_key or idempotency_key()

    def reason(self) -> dict[str, Any]:
        """The ``reason`` of an event this request caused (``request.idempotency_key`` is a
        required string in the SDK's shape)."""
        return {
            "type": "request",
            "request": {"id": self.request_id, "idempotency_key": self.recorded_idempotency_key},
        }
