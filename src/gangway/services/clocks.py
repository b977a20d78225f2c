"""Now, per platform and mode: live mode runs on real time, each platform's test mode on its own
clock, which tests move forward (``timeline.advance``) to make deadlines arrive in seconds."""

from __future__ import annotations

from gangway.core.clock import Clock
from gangway.core.keys import KeyPrincipal
from gangway.store.uow import Store

__all__ = ["Clocks"]


class Clocks:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def real_ms(self) -> int:
        return self._clock.now_ms()

    def now_ms(self, principal: KeyPrincipal) -> int:
        if principal.livemode:
            return self._clock.now_ms()
        return self.test_now_ms(principal.platform_id)

    def test_now_ms(self, platform_id: str) -> int:
        """Read fresh every time: another process may have just advanced this clock."""
        with self._store.unit_of_work(write=False) as uow:
            offset = uow.clocks.offset(platform_id)
        return self._clock.now_ms() + offset
