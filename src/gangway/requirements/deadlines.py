"""Deadline policies: when an unsatisfied requirement is eventually, currently or past due.

Two kinds cover what Stripe documents:

* ``immediate``: the onboarding minimum. Missing means ``past_due`` at once and the capability it
  restricts is unusable; there is no deadline time (Stripe shows ``summary.minimum_deadline.time``
  null for a fresh account).
* ``scheduled``: requirements that follow account creation ("30 days or 1,500 USD, whichever
  comes first"; Gangway models the time half). ``eventually_due`` until a start instant, then
  ``currently_due`` with a deadline time, then ``past_due``. A test-mode trigger
  (``AccountFacts.triggered_ms``) pulls the start forward, as Stripe's trigger cards do.

Each answer carries the next instant at which it changes by time alone, which the engine folds
into ``Evaluation.next_change_ms`` so a scheduler can wake up exactly then.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CURRENTLY_DUE",
    "EVENTUALLY_DUE",
    "PAST_DUE",
    "STATUS_RANK",
    "Deadline",
    "Policy",
    "deadline_at",
    "stricter",
]

EVENTUALLY_DUE = "eventually_due"
CURRENTLY_DUE = "currently_due"
PAST_DUE = "past_due"
STATUS_RANK: dict[str, int] = {EVENTUALLY_DUE: 0, CURRENTLY_DUE: 1, PAST_DUE: 2}

_DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class Policy:
    """A compiled deadline policy. ``start_after_ms`` is None for trigger-only schedules."""

    name: str
    immediate: bool
    start_after_ms: int | None = None
    grace_ms: int = 0

    @classmethod
    def scheduled(cls, name: str, start_after_days: int | None, grace_days: int) -> Policy:
        start = None if start_after_days is None else start_after_days * _DAY_MS
        return cls(name, immediate=False, start_after_ms=start, grace_ms=grace_days * _DAY_MS)


@dataclass(frozen=True, slots=True)
class Deadline:
    """``time_ms`` is the instant the requirement turns past due, given only while it is
    ``currently_due`` and awaiting the user; ``next_change_ms`` is when this answer changes."""

    status: str
    time_ms: int | None
    next_change_ms: int | None


_PAST_DUE_NOW = Deadline(PAST_DUE, None, None)
_WAITING_ON_STRIPE = Deadline(CURRENTLY_DUE, None, None)
_EVENTUALLY_FOREVER = Deadline(EVENTUALLY_DUE, None, None)


def deadline_at(
    policy: Policy,
    *,
    created_ms: int,
    triggered_ms: int | None,
    now_ms: int,
    awaiting_stripe: bool = False,
    blocked_ms: int | None = None,
) -> Deadline:
    """The status of an unsatisfied (or unverified) requirement under ``policy`` at ``now_ms``.

    While Stripe (the operator) is verifying, the user cannot act, so the status stops at
    ``currently_due``: a slow review never makes a requirement past due. A test-mode block
    (``blocked_ms``) turns what is currently due for the user past due from that instant.
    """
    deadline = _deadline_at(
        policy,
        created_ms=created_ms,
        triggered_ms=triggered_ms,
        now_ms=now_ms,
        awaiting_stripe=awaiting_stripe,
    )
    if blocked_ms is None or awaiting_stripe or deadline.status != CURRENTLY_DUE:
        return deadline
    if now_ms >= blocked_ms:
        return _PAST_DUE_NOW
    return Deadline(CURRENTLY_DUE, min(blocked_ms, deadline.time_ms or blocked_ms), blocked_ms)


def _deadline_at(
    policy: Policy,
    *,
    created_ms: int,
    triggered_ms: int | None,
    now_ms: int,
    awaiting_stripe: bool,
) -> Deadline:
    if policy.immediate:
        return _WAITING_ON_STRIPE if awaiting_stripe else _PAST_DUE_NOW
    start = None if policy.start_after_ms is None else created_ms + policy.start_after_ms
    if triggered_ms is not None and (start is None or triggered_ms < start):
        start = triggered_ms
    if start is None:
        return _EVENTUALLY_FOREVER
    if now_ms < start:
        return Deadline(EVENTUALLY_DUE, None, start)
    if awaiting_stripe:
        return _WAITING_ON_STRIPE
    due = start + policy.grace_ms
    if now_ms < due:
        return Deadline(CURRENTLY_DUE, due, due)
    return _PAST_DUE_NOW


def stricter(a: str, b: str) -> str:
    return a if STATUS_RANK[a] >= STATUS_RANK[b] else b
