"""Verification verdicts: pending waits on Stripe, failure asks the user again and raises more."""

from __future__ import annotations

from typing import Any

import pytest
from requirements_builders import (
    CREATED_MS,
    DAY_MS,
    complete_company,
    complete_individual,
    facts,
    person,
    restricted,
    rules,
    without,
)

from gangway.requirements import Verification, evaluate

NOW = CREATED_MS + 60_000
LAST4 = "identity.individual.id_numbers.us_ssn_last_4"
DOC = "identity.individual.documents.primary_verification"
PENDING = Verification("pending")
VERIFIED = Verification("verified")
KEYED = {"code": "verification_failed_keyed_identity", "description": "The SSN did not match."}
FAILED = Verification("failed", [KEYED])
DOC_FAILED = Verification(
    "failed", [{"code": "verification_document_expired", "description": "Expired."}]
)
PENDING_CAPABILITY = {
    "status": "pending",
    "status_details": [
        {"code": "requirements_pending_verification", "resolution": "no_resolution"}
    ],
}
RESTRICTED = {
    "status": "restricted",
    "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
}
ACTIVE: dict[str, Any] = {"status": "active", "status_details": []}


def _summary(result: Any) -> list[tuple[str, str, str, list[str], list[str]]]:
    """(description, awaiting, status, reasons, error codes) per entry."""
    return [
        (
            e["description"],
            e["awaiting_action_from"],
            e["minimum_deadline"]["status"],
            [r["code"] for r in e["requested_reasons"]],
            [x["code"] for x in e["errors"]],
        )
        for e in result.requirements["entries"]
    ]


@pytest.mark.parametrize(
    ("verifications", "has_document", "entries", "capability"),
    [
        pytest.param({(None, LAST4): VERIFIED}, True, [], ACTIVE, id="verified"),
        pytest.param(
            {(None, LAST4): PENDING},
            True,
            [(LAST4, "stripe", "currently_due", ["routine_onboarding"], [])],
            PENDING_CAPABILITY,
            id="pending",
        ),
        pytest.param(
            {(None, LAST4): FAILED},
            False,
            [
                (DOC, "user", "past_due", ["routine_verification", "routine_onboarding"], []),
                (LAST4, "user", "past_due", ["routine_verification"], [KEYED["code"]]),
            ],
            RESTRICTED,
            id="failed: document raised",
        ),
        pytest.param(
            {(None, LAST4): FAILED}, True, [], ACTIVE, id="failed, document provided and accepted"
        ),
        pytest.param(
            {(None, LAST4): FAILED, (None, DOC): PENDING},
            True,
            [(DOC, "stripe", "currently_due", ["routine_verification", "routine_onboarding"], [])],
            PENDING_CAPABILITY,
            id="failed, document under review",
        ),
        pytest.param(
            {(None, LAST4): FAILED, (None, DOC): DOC_FAILED},
            True,
            [
                (
                    DOC,
                    "user",
                    "past_due",
                    ["routine_verification"],
                    ["verification_document_expired"],
                ),
                (LAST4, "user", "past_due", ["routine_verification"], [KEYED["code"]]),
            ],
            RESTRICTED,
            id="failed, document failed too",
        ),
    ],
)
def test_individual_ssn_verification(
    verifications: dict[tuple[str | None, str], Verification],
    has_document: bool,
    entries: list[tuple[str, str, str, list[str], list[str]]],
    capability: dict[str, Any],
) -> None:
    document = complete_individual()
    if not has_document:
        document = without(document, "identity.individual.documents")

    result = evaluate(facts(document, verifications=verifications), rules(), NOW)

    assert _summary(result) == entries
    assert result.capabilities["merchant"]["card_payments"] == capability


def test_failed_entry_carries_the_verifier_errors_verbatim() -> None:
    document = without(complete_individual(), "identity.individual.documents")
    result = evaluate(facts(document, verifications={(None, LAST4): FAILED}), rules(), NOW)

    entry = next(e for e in result.requirements["entries"] if e["description"] == LAST4)
    assert entry["errors"] == [KEYED]
    assert entry["awaiting_action_from"] == "user"


def test_pending_does_not_hide_something_past_due() -> None:
    document = without(complete_individual(), "identity.individual.email")
    result = evaluate(facts(document, verifications={(None, LAST4): PENDING}), rules(), NOW)

    assert result.capabilities["merchant"]["card_payments"] == RESTRICTED
    assert result.requirements["summary"]["minimum_deadline"]["status"] == "past_due"


def test_pending_review_of_a_scheduled_field_does_not_block_early_or_late() -> None:
    verifications = {(None, DOC): PENDING}
    early = evaluate(facts(complete_individual(), verifications=verifications), rules(), NOW)
    late = evaluate(
        facts(complete_individual(), verifications=verifications),
        rules(),
        CREATED_MS + 400 * DAY_MS,
    )

    assert _summary(early) == [(DOC, "stripe", "eventually_due", ["routine_onboarding"], [])]
    assert early.capabilities["merchant"]["card_payments"] == ACTIVE
    assert early.next_change_ms == CREATED_MS + 16 * DAY_MS
    assert _summary(late) == [(DOC, "stripe", "currently_due", ["routine_onboarding"], [])]
    assert late.capabilities["merchant"]["card_payments"] == PENDING_CAPABILITY
    assert late.next_change_ms is None


REP = "person_rep"


def test_person_verification_is_keyed_by_person_and_path_within_the_person() -> None:
    rep = without(person(REP, representative=True), "documents")
    verifications = {(REP, "id_numbers.us_ssn_last_4"): FAILED}

    result = evaluate(facts(complete_company(), [rep], verifications), rules(), NOW)

    reference = {"inquiry": None, "resource": REP, "type": "person"}
    entries = {e["description"]: e for e in result.requirements["entries"]}
    assert set(entries) == {
        "representative.id_numbers.us_ssn_last_4",
        "representative.documents.primary_verification",
    }
    assert entries["representative.id_numbers.us_ssn_last_4"]["errors"] == [KEYED]
    assert all(e["reference"] == reference for e in entries.values())
    assert result.capabilities["merchant"]["card_payments"] == RESTRICTED


def test_account_level_key_does_not_apply_to_persons() -> None:
    verifications = {(None, "id_numbers.us_ssn_last_4"): FAILED}
    result = evaluate(
        facts(complete_company(), [person(REP, representative=True)], verifications), rules(), NOW
    )
    assert result.requirements["entries"] == []


def test_failed_ein_asks_for_the_tax_id_letter() -> None:
    verifications = {
        (None, "identity.business_details.id_numbers"): Verification(
            "failed", [{"code": "verification_failed_tax_id_match", "description": "No match."}]
        )
    }
    result = evaluate(
        facts(complete_company(), [person(REP, representative=True)], verifications), rules(), NOW
    )

    assert _summary(result) == [
        (
            "identity.business_details.documents.company_tax_id_verification",
            "user",
            "past_due",
            ["routine_verification"],
            [],
        ),
        (
            "identity.business_details.id_numbers",
            "user",
            "past_due",
            ["routine_verification"],
            ["verification_failed_tax_id_match"],
        ),
    ]
    for entry in result.requirements["entries"]:
        assert ("merchant", "card_payments", "past_due") in restricted(entry)
