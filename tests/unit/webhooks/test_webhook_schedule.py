"""The retry schedule: exponential ceilings, full jitter above a floor, a known longest span."""

from __future__ import annotations

from gangway.settings import Settings
from gangway.webhooks.schedule import (
    LIVE,
    RetrySchedule,
    next_attempt_ms,
    schedule_for_test_mode,
)

DAY_MS = 86_400_000
NOW = 1_795_000_000_000


def test_live_mode_tries_for_up_to_three_days() -> None:
    assert 8 <= LIVE.attempts <= 10
    assert 2 * DAY_MS < LIVE.longest_span_ms() <= 3 * DAY_MS
    ceilings = [LIVE.ceiling_ms(n) for n in range(1, LIVE.attempts)]
    assert ceilings == sorted(ceilings)  # never sooner than the one before
    assert ceilings[0] == 60_000 and max(ceilings) == DAY_MS


def test_each_wait_is_drawn_between_the_floor_and_the_ceiling() -> None:
    for failures in range(1, LIVE.attempts):
        ceiling = LIVE.ceiling_ms(failures)
        low = next_attempt_ms(LIVE, failures, NOW, 0.0)
        high = next_attempt_ms(LIVE, failures, NOW, 0.999_999)
        middle = next_attempt_ms(LIVE, failures, NOW, 0.5)
        assert low == NOW + LIVE.floor_ms  # never at once, even with no jitter
        assert high is not None and NOW + ceiling - 1000 < high <= NOW + ceiling
        assert middle == NOW + max(LIVE.floor_ms, ceiling // 2)


def test_the_schedule_ends_after_its_last_attempt() -> None:
    assert next_attempt_ms(LIVE, LIVE.attempts - 1, NOW, 0.5) is not None
    assert next_attempt_ms(LIVE, LIVE.attempts, NOW, 0.5) is None
    once = RetrySchedule(attempts=1, base_ms=1000, factor=2, cap_ms=1000)
    assert next_attempt_ms(once, 1, NOW, 0.5) is None  # no retries at all


def test_test_mode_retries_three_times_within_a_few_hours_by_default() -> None:
    settings = Settings()
    schedule = schedule_for_test_mode(
        settings.delivery_test_retries,
        settings.delivery_test_retry_base_seconds,
        settings.delivery_test_retry_cap_seconds,
    )
    assert schedule.attempts == 4
    assert 3_600_000 <= schedule.longest_span_ms() <= 3 * 3_600_000


def test_a_fast_test_schedule_for_tests_and_demos() -> None:
    fast = schedule_for_test_mode(100, 0.05, 0.2)
    assert fast.attempts == 101
    assert fast.ceiling_ms(1) == 50 and fast.ceiling_ms(10) == 200  # capped
    assert fast.floor_ms == 5
    odd = schedule_for_test_mode(2, 10, 1)  # a cap below the base is raised to it
    assert odd.cap_ms == odd.base_ms == 10_000
