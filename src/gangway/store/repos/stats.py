"""Read-only aggregates for the console's overview, for one platform and mode at a time.

Every query is bounded by an index range, never a scan of a whole table:

* the onboarding funnel: accounts by ``created_ms`` window (``ix_accounts_listing``, both values
  of ``closed``), each looked up in its links (``ix_account_links_account``) and its
  ``v2.core.account_link.returned`` events (``ix_events_object``);
* verification outcomes: verifications by ``created_ms`` window per status
  (``ix_verifications_queue``);
* delivery latency: attempts by ``attempted_ms`` window (``ix_delivery_attempts_attempted``),
  each joined to its delivery for the platform and mode;
* the headline counts: the listing columns' indexes, each count capped (``capped_count``);
* the accounts whose requirements change soon: ``ix_accounts_due``, capped.

Weeks are numbered from an ``origin`` the caller chooses (a Monday, 00:00 UTC): week ``n``
holds ``[origin + n weeks, origin + n + 1 weeks)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    select,
)

from gangway.store.tables import (
    account_links,
    accounts,
    deliveries,
    delivery_attempts,
    events,
    verifications,
)

__all__ = [
    "LATENCY_BOUNDS",
    "WEEK_MS",
    "FunnelWeek",
    "Latency",
    "StatsRepository",
]

WEEK_MS = 7 * 86_400_000
LATENCY_BOUNDS = (50, 100, 250, 500, 1000, 2500)
"""Bucket ``i`` holds latencies below ``LATENCY_BOUNDS[i]`` (and at least the bound before);
the last bucket, ``len(LATENCY_BOUNDS)``, everything from 2,500 ms."""
RETURNED = "v2.core.account_link.returned"


@dataclass(frozen=True)
class FunnelWeek:
    week: int
    created: int
    link_opened: int
    """Of them, with an Account Link that was opened (redeemed)."""
    details_submitted: int
    """Of them, whose user left the hosted form through ``return_url`` (submitted, or saved for
    later): a ``v2.core.account_link.returned`` event for the account."""
    fully_active: int
    """Of them, fully active now (the listing column)."""


@dataclass(frozen=True)
class Latency:
    buckets: list[int]
    succeeded: int
    failed: int


class StatsRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # the onboarding funnel --------------------------------------------------------------------
    def funnel(
        self, platform_id: str, livemode: bool, *, origin_ms: int, end_ms: int
    ) -> list[FunnelWeek]:
        """Cohorts by the week each account was created, closed accounts included."""
        a = accounts
        opened = exists().where(
            account_links.c.account_id == a.c.id, account_links.c.redeemed_ms.is_not(None)
        )
        returned = exists().where(
            events.c.platform_id == platform_id,
            events.c.livemode == livemode,
            events.c.object_id == a.c.id,
            events.c.type == RETURNED,
        )
        week = _week(a.c.created_ms, origin_ms)
        query = (
            select(
                week.label("week"),
                func.count().label("created"),
                func.sum(case((opened, 1), else_=0)).label("opened"),
                func.sum(case((returned, 1), else_=0)).label("returned"),
                func.sum(case((a.c.fully_active.is_(True), 1), else_=0)).label("active"),
            )
            .where(
                a.c.platform_id == platform_id,
                a.c.livemode == livemode,
                a.c.closed.in_([False, True]),  # both: the index's range is on created_ms
                a.c.created_ms >= origin_ms,
                a.c.created_ms < end_ms,
            )
            .group_by(_BY_WEEK)
        )
        return [
            FunnelWeek(
                week=int(row.week),
                created=int(row.created),
                link_opened=int(row.opened or 0),
                details_submitted=int(row.returned or 0),
                fully_active=int(row.active or 0),
            )
            for row in self._conn.execute(query)
        ]

    # verification outcomes --------------------------------------------------------------------
    def verification_outcomes(
        self, platform_id: str, livemode: bool, *, origin_ms: int, end_ms: int
    ) -> dict[tuple[int, str], int]:
        """``(week submitted, status) -> count`` of the verifications submitted in the window,
        by where they stand now (``verified``, ``failed``, ``pending``; superseded ones are left
        out: the value they checked was replaced)."""
        v = verifications
        week = _week(v.c.created_ms, origin_ms)
        query = (
            select(week.label("week"), v.c.status, func.count().label("n"))
            .where(
                v.c.platform_id == platform_id,
                v.c.livemode == livemode,
                v.c.status.in_(["failed", "pending", "verified"]),
                v.c.created_ms >= origin_ms,
                v.c.created_ms < end_ms,
            )
            .group_by(_BY_WEEK, v.c.status)
        )
        return {(int(row.week), str(row.status)): int(row.n) for row in self._conn.execute(query)}

    # delivery latency -------------------------------------------------------------------------
    def latency(self, platform_id: str, livemode: bool, *, since_ms: int, until_ms: int) -> Latency:
        """Delivery attempts of this platform and mode in ``[since_ms, until_ms)``: how many fell
        in each latency bucket, and how many succeeded (a 2xx) or failed."""
        t, d = delivery_attempts, deliveries
        bucket = case(
            *((t.c.latency_ms < bound, literal(i)) for i, bound in enumerate(LATENCY_BOUNDS)),
            else_=literal(len(LATENCY_BOUNDS)),
        )
        ok = and_(t.c.status_code.is_not(None), t.c.status_code >= 200, t.c.status_code < 300)
        query = (
            select(
                bucket.label("bucket"),
                func.count().label("n"),
                func.sum(case((ok, 1), else_=0)).label("ok"),
            )
            .select_from(t.join(d, d.c.id == t.c.delivery_id))
            .where(
                t.c.attempted_ms >= since_ms,
                t.c.attempted_ms < until_ms,
                d.c.platform_id == platform_id,
                d.c.livemode == livemode,
            )
            .group_by(literal_column("bucket"))
        )
        counts = [0] * (len(LATENCY_BOUNDS) + 1)
        succeeded = total = 0
        for row in self._conn.execute(query):
            counts[int(row.bucket)] = int(row.n)
            total += int(row.n)
            succeeded += int(row.ok or 0)
        return Latency(buckets=counts, succeeded=succeeded, failed=total - succeeded)

    # headline counts --------------------------------------------------------------------------
    def capped_count(self, platform_id: str, livemode: bool, flag: str | None, cap: int) -> int:
        """Open accounts of this platform and mode (with the listing ``flag`` set, if given),
        counted up to ``cap + 1``: more than ``cap`` reads as "cap+". ``flag`` is one of
        ``currently_due``, ``past_due``, ``pending_verification``, ``fully_active``."""
        a = accounts
        where: list[ColumnElement[bool]] = [
            a.c.platform_id == platform_id,
            a.c.livemode == livemode,
            a.c.closed.is_(False),
        ]
        if flag is not None:
            if flag not in _FLAGS:
                raise ValueError(f"not a listing flag: {flag}")
            where.append(a.c[flag].is_(True))
        inner = select(literal(1).label("one")).where(*where).limit(cap + 1).subquery()
        return int(self._conn.execute(select(func.count()).select_from(inner)).scalar_one())

    # requirements that change soon ------------------------------------------------------------
    def changing_by(self, platform_id: str, livemode: bool, until_ms: int, limit: int) -> list[str]:
        """Open accounts whose requirements next change by ``until_ms`` (overdue ones included:
        the sweep has not reached them yet), soonest first, at most ``limit``."""
        a = accounts
        query = (
            select(a.c.id)
            .where(
                a.c.platform_id == platform_id,
                a.c.livemode == livemode,
                a.c.next_change_ms <= until_ms,
                a.c.closed.is_(False),
            )
            .order_by(a.c.next_change_ms)
            .limit(limit)
        )
        return [str(row.id) for row in self._conn.execute(query)]


_BY_WEEK: ColumnElement[int] = literal_column("week")
"""Grouped by the output column's name: PostgreSQL would not match the expression itself,
whose bound parameters differ between the select list and the GROUP BY."""
_FLAGS = frozenset({"currently_due", "past_due", "pending_verification", "fully_active"})


def _week(column: ColumnElement[int], origin_ms: int) -> ColumnElement[int]:
    """The week number of a time at or after ``origin_ms`` (integer division on both dialects)."""
    return (column - origin_ms) // WEEK_MS
