"""The overview's aggregates (``uow.stats``, ``services.insights``) on SQLite: every query on an
index range, weeks and deadlines counted where they fall, the deadline cap said."""

from __future__ import annotations

import copy
import functools
from typing import Any

from sqlalchemy import Connection

from gangway.core.keys import KeyPrincipal
from gangway.requirements import RuleBook, load_rules
from gangway.services import accounts, insights
from gangway.services.context import Call
from gangway.store.repos.stats import WEEK_MS, StatsRepository
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
DAY = 86_400_000
T0 = 1_795_000_000_000
PARAMS = {
    "contact_email": "a@b.co",
    "identity": {"country": "us", "entity_type": "individual"},
    "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
}


def call(now: int) -> Call:
    return Call(principal=PRINCIPAL, request_id="req_test", clock=lambda: now, idempotency_key="k")


@functools.cache
def rules() -> RuleBook:
    return load_rules()


def create(store: Store, at_ms: int) -> str:
    with store.unit_of_work(write=True) as uow:
        record, _ = accounts.build(call(at_ms), copy.deepcopy(PARAMS), rules())
        accounts.add(uow, call(at_ms), record, rules())
    return record.id


class Planner:
    """A connection that explains each statement before running it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.plans: list[list[str]] = []

    def execute(self, statement: Any, *args: Any) -> Any:
        sql = str(
            statement.compile(dialect=self.conn.dialect, compile_kwargs={"literal_binds": True})
        )
        rows = self.conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
        self.plans.append([str(row[3]) for row in rows])
        return self.conn.execute(statement, *args)


def test_every_query_searches_an_index_range(store: Store) -> None:
    create(store, T0)
    with store.database.transaction(write=False) as conn:
        planner = Planner(conn)
        stats = StatsRepository(planner)  # type: ignore[arg-type]
        stats.funnel("plat_1", False, origin_ms=T0, end_ms=T0 + WEEK_MS)
        stats.verification_outcomes("plat_1", False, origin_ms=T0, end_ms=T0 + WEEK_MS)
        stats.latency("plat_1", False, since_ms=T0, until_ms=T0 + DAY)
        for flag in (None, "currently_due", "past_due", "pending_verification", "fully_active"):
            stats.capped_count("plat_1", False, flag, 10_000)
        stats.changing_by("plat_1", False, T0 + 30 * DAY, 2_001)
    assert len(planner.plans) == 9
    for plan in planner.plans:
        tables = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
        assert tables, plan
        for step in tables:
            # only the small subquery of a capped count is scanned, never a table
            assert step.startswith("SEARCH") or step == "SCAN anon_1", plan
            assert "USING" in step or step == "SCAN anon_1", plan
    ranges = [" ".join(plan) for plan in planner.plans]
    assert (
        "ix_accounts_listing (platform_id=? AND livemode=? AND closed=? AND created_ms>?"
        in (ranges[0])
    )
    assert "ix_verifications_queue" in ranges[1] and "created_ms>?" in ranges[1]
    assert "ix_delivery_attempts_attempted (attempted_ms>? AND attempted_ms<?)" in ranges[2]
    assert "ix_accounts_fully_active" in ranges[7]
    assert "ix_accounts_due (platform_id=? AND livemode=? AND next_change_ms<?)" in ranges[8]


def test_the_funnel_counts_each_account_in_the_week_it_was_created(store: Store) -> None:
    origin = insights.week_origin(T0)
    create(store, origin + 1)
    create(store, origin + 2 * WEEK_MS + 5)
    create(store, origin + 2 * WEEK_MS + 6 * DAY)
    create(store, origin - 1)  # the week before the window
    with store.unit_of_work(write=False) as uow:
        weeks = uow.stats.funnel("plat_1", False, origin_ms=origin, end_ms=origin + 8 * WEEK_MS)
        other = uow.stats.funnel("plat_1", True, origin_ms=origin, end_ms=origin + 8 * WEEK_MS)
    assert {w.week: w.created for w in weeks} == {0: 1, 2: 2}
    assert other == []  # live mode has none of them
    assert insights.week_origin(T0) % DAY == 0
    assert (insights.week_origin(T0) // DAY + 3) % 7 == 0  # a Monday


def test_a_deadline_counts_on_the_day_it_passes_for_each_capability_it_restricts(
    store: Store,
) -> None:
    account = create(store, T0)
    now = T0 + 17 * DAY  # the 30-day requirements are currently due; they pass at T0 + 30 days
    with store.unit_of_work(write=False) as uow:
        found = insights.upcoming_deadlines(uow, rules(), "plat_1", False, now)
        record = uow.accounts.get(PRINCIPAL, account)
    assert record is not None
    assert found.accounts == 1 and not found.capped
    day = (T0 + 30 * DAY - found.days[0]) // DAY
    assert found.counts.get((day, "merchant.card_payments")) == 1
    assert {d for d, _ in found.counts} == {day}
    assert found.capabilities[0] == "merchant.card_payments"
    # seen from the day the account was created, the deadline is 30 days on: outside the window
    with store.unit_of_work(write=False) as uow:
        assert insights.upcoming_deadlines(uow, rules(), "plat_1", False, T0).counts == {}


def test_the_deadline_chart_says_when_it_counted_only_the_soonest_accounts(store: Store) -> None:
    for i in range(3):
        create(store, T0 + i)
    with store.unit_of_work(write=False) as uow:
        capped = insights.upcoming_deadlines(uow, rules(), "plat_1", False, T0 + 17 * DAY, cap=2)
        whole = insights.upcoming_deadlines(uow, rules(), "plat_1", False, T0 + 17 * DAY)
    assert capped.capped and capped.accounts == 2
    assert not whole.capped and whole.accounts == 3
    assert whole.total("merchant.card_payments") == 3
