"""A destination's circuit: back a failing destination off, probe it, and give up on it.

Pure, so every transition is tested without a clock, a socket or a database; the state is
stored on the destination's row (several worker processes share it) and moved here.

- **Closed** (``pauses == 0``): deliveries flow. Each failure extends the streak, a success ends
  it. ``failures_to_open`` consecutive failures open the circuit.
- **Open** (``paused_until_ms`` in the future): nothing of this destination is claimed. The
  n-th pause lasts ``first_pause * 2 ** (n - 1)``, at most ``longest_pause``.
- **Half-open** (``pauses > 0``, the pause is over): one delivery is let through as the probe
  (``probing``), and the pause is stretched over its lease so no other worker sends a second one.
  Its success closes the circuit; its failure opens it again for a longer pause. Attempts that
  were already under way when the circuit opened only count in the streak, but a success of one
  closes it too: the destination answered.
- **Disabled**: a streak that spans ``disable_after`` (by default 5 days in live mode, 1 day in
  test mode) disables the destination, as Stripe does; enabling it again starts afresh.

Deliveries of a paused destination keep their own retry schedule and their attempt counts: the
circuit delays attempts, it does not spend them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CLOSED",
    "Circuit",
    "CircuitPolicy",
    "failed",
    "probing",
    "should_disable",
    "succeeded",
]


@dataclass(frozen=True)
class CircuitPolicy:
    failures_to_open: int = 5
    first_pause_ms: int = 30_000
    longest_pause_ms: int = 3_600_000
    test_disable_after_ms: int = 86_400_000
    live_disable_after_ms: int = 432_000_000

    def pause_ms(self, pauses: int) -> int:
        """How long the ``pauses``-th pause lasts (``pauses >= 1``)."""
        exponent = min(pauses - 1, 62)  # beyond that the cap has long applied
        return int(min(self.longest_pause_ms, self.first_pause_ms * 2**exponent))

    def disable_after_ms(self, livemode: bool) -> int:
        return self.live_disable_after_ms if livemode else self.test_disable_after_ms


@dataclass(frozen=True)
class Circuit:
    failures: int = 0
    """Consecutive failed attempts."""
    failing_since_ms: int | None = None
    """When the first of them started."""
    pauses: int = 0
    """Times the circuit has opened in this streak; 0 while closed."""
    paused_until_ms: int | None = None
    """Nothing is claimed before this."""
    probe_id: str | None = None
    """The delivery let through as the probe."""

    def claimable(self, now_ms: int) -> bool:
        return self.paused_until_ms is None or self.paused_until_ms <= now_ms

    def half_open(self, now_ms: int) -> bool:
        """Open, and its pause is over: only one probe may go."""
        return self.pauses > 0 and self.claimable(now_ms)


CLOSED = Circuit()


def succeeded(circuit: Circuit) -> Circuit:
    """Any 2xx closes the circuit and ends the streak."""
    return CLOSED


def failed(
    policy: CircuitPolicy, circuit: Circuit, delivery_id: str, attempted_ms: int, now_ms: int
) -> Circuit:
    """After a failed attempt (started at ``attempted_ms``, recorded at ``now_ms``)."""
    failures = circuit.failures + 1
    since = circuit.failing_since_ms if circuit.failing_since_ms is not None else attempted_ms
    if circuit.pauses == 0:
        if failures < policy.failures_to_open:
            return Circuit(failures=failures, failing_since_ms=since)
        return Circuit(failures, since, 1, now_ms + policy.pause_ms(1))
    if delivery_id == circuit.probe_id:  # the probe failed: open again, for longer
        pauses = circuit.pauses + 1
        return Circuit(failures, since, pauses, now_ms + policy.pause_ms(pauses))
    # an attempt that was under way when the circuit opened: the pause stands
    return Circuit(failures, since, circuit.pauses, circuit.paused_until_ms, circuit.probe_id)


def probing(circuit: Circuit, delivery_id: str, until_ms: int) -> Circuit:
    """``delivery_id`` was claimed as the probe; nothing else is claimed until ``until_ms`` (its
    lease), unless its outcome is recorded first."""
    return Circuit(
        circuit.failures, circuit.failing_since_ms, circuit.pauses, until_ms, delivery_id
    )


def should_disable(policy: CircuitPolicy, circuit: Circuit, now_ms: int, livemode: bool) -> bool:
    """The streak is long in attempts (at least enough to open the circuit) and in time."""
    return (
        circuit.failing_since_ms is not None
        and circuit.failures >= policy.failures_to_open
        and now_ms - circuit.failing_since_ms >= policy.disable_after_ms(livemode)
    )
