"""The circuit: a streak opens it, pauses grow to a cap, one probe at a time, a success closes
it, and a streak long enough in attempts and in time disables the destination."""

from __future__ import annotations

from gangway.settings import Settings
from gangway.webhooks.circuit import (
    CLOSED,
    Circuit,
    CircuitPolicy,
    failed,
    probing,
    should_disable,
    succeeded,
)

POLICY = CircuitPolicy(
    failures_to_open=3,
    first_pause_ms=1_000,
    longest_pause_ms=5_000,
    test_disable_after_ms=60_000,
    live_disable_after_ms=600_000,
)
NOW = 1_795_000_000_000


def fail(circuit: Circuit, times: int, at: int = NOW, delivery: str = "dlv_x") -> Circuit:
    for _ in range(times):
        circuit = failed(POLICY, circuit, delivery, at, at)
    return circuit


def test_a_streak_below_the_threshold_keeps_the_circuit_closed() -> None:
    circuit = fail(CLOSED, 2)
    assert circuit == Circuit(failures=2, failing_since_ms=NOW)
    assert circuit.claimable(NOW) and not circuit.half_open(NOW)


def test_the_streak_remembers_when_it_began() -> None:
    circuit = failed(POLICY, CLOSED, "dlv_a", NOW, NOW + 5)
    circuit = failed(POLICY, circuit, "dlv_b", NOW + 100, NOW + 105)
    assert circuit.failing_since_ms == NOW and circuit.failures == 2


def test_the_threshold_opens_the_circuit_for_the_first_pause() -> None:
    circuit = fail(CLOSED, 3)
    assert circuit.pauses == 1 and circuit.paused_until_ms == NOW + 1_000
    assert not circuit.claimable(NOW + 999)
    assert circuit.half_open(NOW + 1_000)


def test_failures_of_attempts_already_under_way_do_not_stretch_the_pause() -> None:
    opened = fail(CLOSED, 3)
    later = failed(POLICY, opened, "dlv_stale", NOW, NOW + 500)
    assert later.paused_until_ms == opened.paused_until_ms and later.pauses == 1
    assert later.failures == 4


def test_a_failed_probe_opens_it_again_for_twice_as_long_up_to_the_cap() -> None:
    circuit = fail(CLOSED, 3)
    pauses = []
    now = NOW
    for _ in range(5):
        now = circuit.paused_until_ms or now
        assert circuit.half_open(now)
        circuit = probing(circuit, "dlv_probe", now + 10_000)
        assert not circuit.claimable(now + 1)  # no second probe while this one is out
        circuit = failed(POLICY, circuit, "dlv_probe", now, now)
        pauses.append((circuit.paused_until_ms or 0) - now)
    assert pauses == [2_000, 4_000, 5_000, 5_000, 5_000]


def test_a_probe_whose_outcome_was_lost_is_replaced_when_its_lease_ends() -> None:
    circuit = probing(fail(CLOSED, 3), "dlv_probe", NOW + 2_000)
    assert not circuit.claimable(NOW + 1_999) and circuit.half_open(NOW + 2_000)


def test_any_success_closes_the_circuit() -> None:
    probed = probing(fail(CLOSED, 3), "dlv_probe", NOW + 2_000)
    assert succeeded(probed) == CLOSED
    assert succeeded(fail(CLOSED, 1)) == CLOSED


def test_a_streak_disables_once_it_spans_the_mode_s_threshold() -> None:
    circuit = fail(CLOSED, 3)
    assert not should_disable(POLICY, circuit, NOW + 59_999, livemode=False)
    assert should_disable(POLICY, circuit, NOW + 60_000, livemode=False)
    assert not should_disable(POLICY, circuit, NOW + 599_999, livemode=True)
    assert should_disable(POLICY, circuit, NOW + 600_000, livemode=True)


def test_a_long_quiet_after_one_failure_is_not_a_streak() -> None:
    circuit = fail(CLOSED, 1)
    assert not should_disable(POLICY, circuit, NOW + 10 * 600_000, livemode=True)


def test_huge_pause_counts_stay_at_the_cap() -> None:
    assert POLICY.pause_ms(10_000) == 5_000


def test_the_default_settings_disable_live_after_days_and_test_sooner() -> None:
    policy = Settings().circuit_policy()
    day = 86_400_000
    assert policy.live_disable_after_ms >= 3 * day
    assert policy.test_disable_after_ms < policy.live_disable_after_ms
    assert policy.failures_to_open >= 2 and policy.first_pause_ms <= policy.longest_pause_ms
