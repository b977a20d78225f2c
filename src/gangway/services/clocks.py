"""Now, per platform and mode: live mode runs on real time, each platform's test mode on its own
clock, which tests move forward (``timeline.advance``) to make deadlines arrive in seconds.

A test clock is read through the caller's unit of work (``UnitOfWork.clock_offset``: in the
transaction the request already has, or, before a SQLite write transaction begins, from the
process's cache, checked once that transaction begins, or in a short read of its own): reading
it in a unit of work of its own would hold the caller's connection while waiting for a second
one (units of work never nest, see ``store.uow``).
"""

from __future__ import annotations

from gangway.core.clock import Clock
from gangway.core.keys import KeyPrincipal
from gangway.requirements import RuleBook
from gangway.services import timeline
from gangway.store.uow import Store, UnitOfWork

__all__ = ["Clocks"]


class Clocks:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def real_ms(self) -> int:
        return self._clock.now_ms()

    def now_ms(self, principal: KeyPrincipal, uow: UnitOfWork) -> int:
        """The caller's now; a test-mode clock is read through ``uow``."""
        if principal.livemode:
            return self._clock.now_ms()
        return self.test_now_ms(principal.platform_id, uow)

    def test_now_ms(self, platform_id: str, uow: UnitOfWork) -> int:
        """Read fresh every time: another process may have just advanced this clock."""
        return self._clock.now_ms() + uow.clock_offset(platform_id)

    def next_change_ms(self, platform_id: str, uow: UnitOfWork) -> int | None:
        """When the sandbox next changes by time alone (a deadline or a pending decision)."""
        now = self.test_now_ms(platform_id, uow)
        return uow.accounts.soonest_change(platform_id, False, after_ms=now)

    def move_test_clock(self, rules: RuleBook, platform_id: str, to_ms: int) -> int:
        """Advance the sandbox to ``to_ms`` one change at a time, then leave its clock there.
        Returns how many account changes were processed. One transaction per step, so call it
        outside any unit of work."""
        with self._store.unit_of_work(write=False) as uow:
            from_ms = self.test_now_ms(platform_id, uow)
        processed = timeline.advance(self._store, rules, platform_id, from_ms=from_ms, to_ms=to_ms)
        real = self._clock.now_ms()
        with self._store.unit_of_work(write=True) as uow:
            uow.clocks.set_offset(platform_id, to_ms - real, real)
        self._store.forget_clock(platform_id)
        return processed
