"""When to try a failed delivery again: exponential backoff with full jitter.

Pure, so the schedule is tested without a clock. The wait before retry ``n`` is drawn uniformly
from ``[floor, min(cap, base * factor ** (n - 1))]`` (full jitter spreads the retries of many
deliveries that failed together, say when a receiver came back up); the floor (a tenth of the
base) keeps a failing receiver from being hit again at once. A schedule ends after a fixed
number of attempts, so its longest span is the sum of its ceilings, known in advance: live mode
stays within Stripe's "up to 3 days".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIVE", "RetrySchedule", "next_attempt_ms", "schedule_for_test_mode"]


@dataclass(frozen=True)
class RetrySchedule:
    attempts: int
    """Attempts in all, the first included; after the last failure the delivery has failed."""
    base_ms: int
    factor: float
    cap_ms: int

    def ceiling_ms(self, failures: int) -> int:
        """The longest wait after ``failures`` failed attempts (``failures >= 1``)."""
        return int(min(self.cap_ms, self.base_ms * self.factor ** (failures - 1)))

    @property
    def floor_ms(self) -> int:
        return max(1, self.base_ms // 10)

    def longest_span_ms(self) -> int:
        """From the first attempt to the last, at most."""
        return sum(self.ceiling_ms(n) for n in range(1, self.attempts))


LIVE = RetrySchedule(attempts=10, base_ms=60_000, factor=3, cap_ms=86_400_000)
"""Ten attempts, retries within 1, 3, 9, 27 and 81 minutes, 4 and 12 hours, then twice within a
day: at most 66 hours in all, inside Stripe's 3 days."""


def schedule_for_test_mode(retries: int, base_seconds: float, cap_seconds: float) -> RetrySchedule:
    """Test mode's schedule from the settings (by default 3 retries within 10, 30 and 90
    minutes: Stripe's "three times over a few hours")."""
    base_ms = max(1, int(base_seconds * 1000))
    return RetrySchedule(
        attempts=retries + 1,
        base_ms=base_ms,
        factor=3,
        cap_ms=max(base_ms, int(cap_seconds * 1000)),
    )


def next_attempt_ms(
    schedule: RetrySchedule, failures: int, now_ms: int, jitter: float
) -> int | None:
    """The time of the next attempt after ``failures`` failed attempts (the latest at
    ``now_ms``), or None when the schedule is exhausted. ``jitter`` is uniform in [0, 1)."""
    if failures >= schedule.attempts:
        return None
    wait = max(schedule.floor_ms, int(jitter * schedule.ceiling_ms(failures)))
    return now_ms + wait
