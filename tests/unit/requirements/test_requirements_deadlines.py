"""Time: policies in isolation, then a US account walking through eventually -> currently -> past due."""

from __future__ import annotations

import pytest
from requirements_builders import (
    CREATED_MS,
    DAY_MS,
    complete_individual,
    facts,
    rules,
    with_value,
    without,
)

from gangway.core.clock import to_rfc3339
from gangway.requirements import evaluate
from gangway.requirements.deadlines import Deadline, Policy, deadline_at

IMMEDIATE = Policy("onboarding", immediate=True)
SCHEDULED = Policy.scheduled("later", start_after_days=10, grace_days=5)
TRIGGER_ONLY = Policy.scheduled("on_trigger", start_after_days=None, grace_days=5)
D10, D15 = CREATED_MS + 10 * DAY_MS, CREATED_MS + 15 * DAY_MS


@pytest.mark.parametrize(
    ("policy", "now", "triggered", "stripe", "expected"),
    [
        (IMMEDIATE, CREATED_MS, None, False, Deadline("past_due", None, None)),
        (IMMEDIATE, CREATED_MS, None, True, Deadline("currently_due", None, None)),
        (SCHEDULED, CREATED_MS, None, False, Deadline("eventually_due", None, D10)),
        (SCHEDULED, D10 - 1, None, False, Deadline("eventually_due", None, D10)),
        (SCHEDULED, D10, None, False, Deadline("currently_due", D15, D15)),
        (SCHEDULED, D15 - 1, None, False, Deadline("currently_due", D15, D15)),
        (SCHEDULED, D15, None, False, Deadline("past_due", None, None)),
        # Stripe is verifying: never past due, and no deadline time the user could act on.
        (SCHEDULED, D15 + DAY_MS, None, True, Deadline("currently_due", None, None)),
        (SCHEDULED, CREATED_MS, None, True, Deadline("eventually_due", None, D10)),
        # A test-mode trigger pulls the start forward; a later trigger changes nothing.
        (
            SCHEDULED,
            CREATED_MS + 2 * DAY_MS,
            CREATED_MS + DAY_MS,
            False,
            Deadline("currently_due", CREATED_MS + 6 * DAY_MS, CREATED_MS + 6 * DAY_MS),
        ),
        (
            SCHEDULED,
            CREATED_MS,
            CREATED_MS + 20 * DAY_MS,
            False,
            Deadline("eventually_due", None, D10),
        ),
        (
            TRIGGER_ONLY,
            CREATED_MS + 900 * DAY_MS,
            None,
            False,
            Deadline("eventually_due", None, None),
        ),
        (
            TRIGGER_ONLY,
            CREATED_MS + 3 * DAY_MS,
            CREATED_MS + 2 * DAY_MS,
            False,
            Deadline("currently_due", CREATED_MS + 7 * DAY_MS, CREATED_MS + 7 * DAY_MS),
        ),
    ],
)
def test_deadline_at(
    policy: Policy, now: int, triggered: int | None, stripe: bool, expected: Deadline
) -> None:
    actual = deadline_at(
        policy, created_ms=CREATED_MS, triggered_ms=triggered, now_ms=now, awaiting_stripe=stripe
    )
    assert actual == expected


DAY16, DAY30 = CREATED_MS + 16 * DAY_MS, CREATED_MS + 30 * DAY_MS
RESTRICTED = {
    "status": "restricted",
    "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
}
ACTIVE = {"status": "active", "status_details": []}


def _later_fields_missing() -> dict[str, object]:
    """Everything from sign-up, but no full SSN and no identity document yet."""
    document = with_value(
        complete_individual(),
        "identity.individual.id_numbers",
        [{"type": "us_ssn_last_4", "value": "0000"}],
    )
    return without(document, "identity.individual.documents")


@pytest.mark.parametrize(
    ("now", "status", "time", "next_change", "capability"),
    [
        (CREATED_MS, "eventually_due", None, DAY16, ACTIVE),
        (DAY16 - 1, "eventually_due", None, DAY16, ACTIVE),
        (DAY16, "currently_due", to_rfc3339(DAY30), DAY30, ACTIVE),
        (DAY30 - 1, "currently_due", to_rfc3339(DAY30), DAY30, ACTIVE),
        (DAY30, "past_due", None, None, RESTRICTED),
        (DAY30 + 365 * DAY_MS, "past_due", None, None, RESTRICTED),
    ],
)
def test_thirty_day_requirements_over_time(
    now: int, status: str, time: str | None, next_change: int | None, capability: dict[str, object]
) -> None:
    result = evaluate(facts(_later_fields_missing()), rules(), now)

    entries = result.requirements["entries"]
    assert [e["description"] for e in entries] == [
        "identity.individual.documents.primary_verification",
        "identity.individual.id_numbers",
    ]
    for entry in entries:
        assert entry["minimum_deadline"] == {"status": status}
        assert {r["deadline"]["status"] for r in entry["impact"]["restricts_capabilities"]} == {
            status
        }
    assert result.requirements["summary"] == {"minimum_deadline": {"status": status, "time": time}}
    assert result.next_change_ms == next_change
    assert result.capabilities["merchant"] == {
        "card_payments": capability,
        "stripe_balance.payouts": capability,
    }


def test_next_change_is_a_real_change() -> None:
    """Just before next_change_ms the answer is the same as now; at it, it differs."""
    now = CREATED_MS + 3 * DAY_MS
    account = facts(_later_fields_missing())
    first = evaluate(account, rules(), now)
    assert first.next_change_ms is not None

    just_before = evaluate(account, rules(), first.next_change_ms - 1)
    at_change = evaluate(account, rules(), first.next_change_ms)

    assert just_before.requirements == first.requirements
    assert at_change.requirements != first.requirements


def test_trigger_moves_eventually_due_to_currently_due() -> None:
    triggered = CREATED_MS + 2 * DAY_MS
    result = evaluate(
        facts(_later_fields_missing(), triggered_ms=triggered), rules(), triggered + 60_000
    )

    deadline = triggered + 14 * DAY_MS
    assert result.requirements["summary"] == {
        "minimum_deadline": {"status": "currently_due", "time": to_rfc3339(deadline)}
    }
    assert result.next_change_ms == deadline


def test_onboarding_entries_carry_no_time_but_schedules_still_tick() -> None:
    document = without(_later_fields_missing(), "identity.individual.phone")
    result = evaluate(facts(document), rules(), DAY16)

    assert result.requirements["summary"] == {
        "minimum_deadline": {"status": "past_due", "time": to_rfc3339(DAY30)}
    }
    assert result.next_change_ms == DAY30
