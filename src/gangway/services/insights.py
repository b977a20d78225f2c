"""What the console's overview shows for one platform and mode: read-only, in one unit of work.

The numbers come from ``uow.stats`` (each query on an index range). Deadlines are not stored
(requirements are evaluated, never kept), so ``upcoming_deadlines`` takes the accounts whose
requirements change within the window (``ix_accounts_due``, at most ``DUE_CAP``) and evaluates
each the way ``timeline.refresh`` does (its persons, its verifications' verdicts), then steps
through the instants its answer changes: a capability that a currently-due requirement restricts
and that is restricted as past due at the next instant has its deadline then.

Times: weeks and days are UTC, weeks start on Monday. Funnel, verification and deadline windows
follow the platform's clock for the mode (the test clock in test mode); delivery attempts are
stamped with real time, so the latency window is the last 24 real hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gangway.core.keys import KeyPrincipal
from gangway.requirements import Evaluation, RuleBook, Verification
from gangway.services import timeline, verifications
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.stats import LATENCY_BOUNDS, WEEK_MS, FunnelWeek, Latency
from gangway.store.uow import UnitOfWork

__all__ = [
    "COUNT_CAP",
    "DEADLINE_DAYS",
    "DUE_CAP",
    "LATENCY_BOUNDS",
    "WEEKS",
    "Deadlines",
    "Headline",
    "Overview",
    "overview",
    "upcoming_deadlines",
    "week_origin",
]

DAY_MS = 86_400_000
WEEKS = 8
DEADLINE_DAYS = 30
DUE_CAP = 2_000
"""Accounts evaluated for the deadline chart at most; the page says so when there were more."""
COUNT_CAP = 10_000
"""Headline counts stop here ("10,000+"): a count never walks a whole huge index."""
_STEPS = 12
"""Changes followed per account within the window (deadlines rarely number more than two)."""
STATUSES = ("verified", "failed", "pending")


@dataclass(frozen=True)
class Headline:
    accounts: int
    fully_active: int
    currently_due: int
    past_due: int
    pending_verification: int
    cap: int = COUNT_CAP
    """A count above ``cap`` means "more than ``cap``"."""


@dataclass(frozen=True)
class Deadlines:
    days: list[int]
    """The start of each day (UTC) of the window, today first."""
    capabilities: list[str]
    """``configuration.capability`` keys with a deadline in the window, the most affected first."""
    counts: dict[tuple[int, str], int]
    """``(day index, capability) -> accounts`` whose capability turns past due that day."""
    accounts: int
    """Accounts evaluated."""
    capped: bool
    """More accounts change within the window than were evaluated (``DUE_CAP``)."""

    def total(self, capability: str) -> int:
        return sum(n for (_, key), n in self.counts.items() if key == capability)


@dataclass(frozen=True)
class Overview:
    now_ms: int
    weeks: list[int]
    """The start (Monday, 00:00 UTC) of each of the last ``WEEKS`` weeks, oldest first."""
    funnel: list[FunnelWeek]
    """One per week, in order (weeks without accounts are zeros)."""
    outcomes: list[dict[str, int]]
    """Per week: ``verified``, ``failed``, ``pending`` -> verifications submitted that week."""
    latency: Latency
    latency_since_ms: int
    headline: Headline
    deadlines: Deadlines


def week_origin(now_ms: int, weeks: int = WEEKS) -> int:
    """The Monday (00:00 UTC) starting the oldest of ``weeks`` weeks that end with this one."""
    day = now_ms // DAY_MS
    monday = day - (day + 3) % 7  # 1970-01-01 was a Thursday
    return (monday - 7 * (weeks - 1)) * DAY_MS


def overview(
    uow: UnitOfWork, rules: RuleBook, platform_id: str, livemode: bool, *, now_ms: int, real_ms: int
) -> Overview:
    """Everything the page shows. ``now_ms`` is the mode's clock, ``real_ms`` real time."""
    stats = uow.stats
    origin = week_origin(now_ms)
    weeks = [origin + i * WEEK_MS for i in range(WEEKS)]
    end = weeks[-1] + WEEK_MS
    by_week = {w.week: w for w in stats.funnel(platform_id, livemode, origin_ms=origin, end_ms=end)}
    funnel = [by_week.get(i) or FunnelWeek(i, 0, 0, 0, 0) for i in range(WEEKS)]
    decided = stats.verification_outcomes(platform_id, livemode, origin_ms=origin, end_ms=end)
    outcomes = [{s: decided.get((i, s), 0) for s in STATUSES} for i in range(WEEKS)]
    since = real_ms - DAY_MS
    latency = stats.latency(platform_id, livemode, since_ms=since, until_ms=real_ms + 1)

    def count(flag: str | None) -> int:
        return stats.capped_count(platform_id, livemode, flag, COUNT_CAP)

    headline = Headline(
        accounts=count(None),
        fully_active=count("fully_active"),
        currently_due=count("currently_due"),
        past_due=count("past_due"),
        pending_verification=count("pending_verification"),
    )
    return Overview(
        now_ms=now_ms,
        weeks=weeks,
        funnel=funnel,
        outcomes=outcomes,
        latency=latency,
        latency_since_ms=since,
        headline=headline,
        deadlines=upcoming_deadlines(uow, rules, platform_id, livemode, now_ms),
    )


def upcoming_deadlines(
    uow: UnitOfWork,
    rules: RuleBook,
    platform_id: str,
    livemode: bool,
    now_ms: int,
    *,
    days: int = DEADLINE_DAYS,
    cap: int = DUE_CAP,
) -> Deadlines:
    day0 = now_ms // DAY_MS * DAY_MS
    end = day0 + days * DAY_MS
    ids = uow.stats.changing_by(platform_id, livemode, end, cap + 1)
    capped = len(ids) > cap
    principal = KeyPrincipal(platform_id, livemode, key_id="console")
    counts: Counter[tuple[int, str]] = Counter()
    evaluated = 0
    for account_id in ids[:cap]:
        record = uow.accounts.get(principal, account_id)
        if record is None or record.closed:
            continue
        evaluated += 1
        persons = timeline.persons_of(uow, record)
        verdicts = verifications.verdicts(uow.verifications.of_account(record.id))
        for at_ms, capability in deadlines_of(record, persons, verdicts, rules, now_ms, end):
            counts[((at_ms - day0) // DAY_MS, capability)] += 1
    totals: Counter[str] = Counter()
    for (_, capability), n in counts.items():
        totals[capability] += n
    return Deadlines(
        days=[day0 + i * DAY_MS for i in range(days)],
        capabilities=sorted(totals, key=lambda key: (-totals[key], key)),
        counts=dict(counts),
        accounts=evaluated,
        capped=capped,
    )


def deadlines_of(
    record: AccountRecord,
    persons: Sequence[Mapping[str, Any]],
    verdicts: Mapping[tuple[str | None, str], Verification],
    rules: RuleBook,
    now_ms: int,
    end_ms: int,
) -> list[tuple[int, str]]:
    """``(when, capability)`` for each capability of this account that a currently-due
    requirement restricts and whose deadline passes before ``end_ms`` (if nothing is provided
    meanwhile): the requirement restricts it as past due from then on. As the summary's
    ``minimum_deadline.time`` does, a capability counts even when another requirement already
    restricts it."""
    at = now_ms
    evaluation = timeline.evaluate_record(record, persons, rules, at, verdicts=verdicts)
    found: list[tuple[int, str]] = []
    for _ in range(_STEPS):
        change = evaluation.next_change_ms
        if change is None or change >= end_ms:
            break
        due = _restrictions(evaluation, "currently_due")
        at = max(change, at + 1)
        evaluation = timeline.evaluate_record(record, persons, rules, at, verdicts=verdicts)
        passed = due & _restrictions(evaluation, "past_due")
        found += [(at, capability) for capability in sorted({c for _, c in passed})]
    return found


def _restrictions(evaluation: Evaluation, status: str) -> set[tuple[str, str]]:
    """``(requirement, configuration.capability)`` of every capability a requirement entry
    restricts with ``status``."""
    out: set[tuple[str, str]] = set()
    for entry in (evaluation.requirements or {}).get("entries") or ():
        reference = entry.get("reference") or {}
        requirement = f"{entry.get('description')}@{reference.get('resource') or ''}"
        for impact in (entry.get("impact") or {}).get("restricts_capabilities") or ():
            if (impact.get("deadline") or {}).get("status") == status:
                capability = f"{impact.get('configuration')}.{impact.get('capability')}"
                out.add((requirement, capability))
    return out
