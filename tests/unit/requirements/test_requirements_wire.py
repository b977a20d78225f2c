"""The engine's output has exactly the keys stripe-python 16.1.0 declares, and the SDK reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from requirements_builders import (
    CREATED_MS,
    bare_person,
    complete_company,
    facts,
    person,
    rules,
    without,
)
from stripe.v2.core import Account

from gangway.requirements import Verification, evaluate

NOW = CREATED_MS + 60_000


def _keys(cls: type) -> set[str]:
    return set(cls.__annotations__)


def _busy_evaluation() -> Any:
    """Person entries, alternatives, errors, a pending field: every part of the shape at once."""
    document = without(complete_company("merchant", "recipient"), "defaults.profile.business_url")
    persons = [
        without(person("person_rep", representative=True), "documents"),
        bare_person("person_owner", owner=True),
    ]
    verifications = {
        ("person_rep", "id_numbers.us_ssn_last_4"): Verification(
            "failed", [{"code": "verification_failed_keyed_identity", "description": "No match."}]
        ),
        (None, "identity.business_details.id_numbers"): Verification("pending"),
    }
    return evaluate(facts(document, persons, verifications), rules(), NOW)


def test_every_key_matches_the_sdk_models() -> None:
    result = _busy_evaluation()
    requirements = result.requirements
    entries = requirements["entries"]
    assert entries and requirements["alternatives"]

    assert set(requirements) == _keys(Account.Requirements)
    assert set(result.future_requirements) == _keys(Account.FutureRequirements)
    for entry in entries:
        assert set(entry) == _keys(Account.Requirements.Entry)
        assert set(entry["impact"]) == _keys(Account.Requirements.Entry.Impact)
        for restriction in entry["impact"]["restricts_capabilities"]:
            assert set(restriction) == _keys(Account.Requirements.Entry.Impact.RestrictsCapability)
        assert set(entry["minimum_deadline"]) == _keys(Account.Requirements.Entry.MinimumDeadline)
        if entry["reference"] is not None:
            assert set(entry["reference"]) == _keys(Account.Requirements.Entry.Reference)
        for error in entry["errors"]:
            assert set(error) == _keys(Account.Requirements.Entry.Error)
    assert set(requirements["summary"]["minimum_deadline"]) == _keys(
        Account.Requirements.Summary.MinimumDeadline
    )
    for alternative in requirements["alternatives"]:
        assert set(alternative) == _keys(Account.Requirements.Alternative)
        for original in alternative["original_entries"]:
            assert set(original) == _keys(Account.Requirements.Alternative.OriginalEntry)
        for option in alternative["options"]:
            for option_entry in option["entries"]:
                assert set(option_entry) == _keys(Account.Requirements.Alternative.Option.Entry)
    for capabilities in result.capabilities.values():
        for status in capabilities.values():
            assert set(status) == _keys(Account.Configuration.Merchant.Capabilities.CardPayments)
            for detail in status["status_details"]:
                assert set(detail) == _keys(
                    Account.Configuration.Merchant.Capabilities.CardPayments.StatusDetail
                )


def _nest(capabilities: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted capability names back to the nested wire form."""
    nested: dict[str, Any] = {}
    for dotted, status in capabilities.items():
        *parents, last = dotted.split(".")
        node = nested
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = status
    return nested


def test_the_sdk_reads_the_output_as_typed_objects() -> None:
    result = _busy_evaluation()
    body = {
        "id": "acct_test",
        "object": "v2.core.account",
        "requirements": result.requirements,
        "future_requirements": result.future_requirements,
        "configuration": {
            name: {"applied": True, "capabilities": _nest(capabilities)}
            for name, capabilities in result.capabilities.items()
        },
    }
    account = Account.construct_from(body, "sk_test_123")

    entry = next(
        e
        for e in account.requirements.entries or []
        if e.description == "representative.id_numbers.us_ssn_last_4"
    )
    assert isinstance(entry, Account.Requirements.Entry)
    assert entry.reference is not None and entry.reference.resource == "person_rep"
    assert entry.errors[0].code == "verification_failed_keyed_identity"
    assert entry.impact.restricts_capabilities
    assert entry.impact.restricts_capabilities[0].deadline.status == "past_due"
    pending = next(
        e
        for e in account.requirements.entries or []
        if e.description == "identity.business_details.id_numbers"
    )
    assert pending.awaiting_action_from == "stripe"
    assert account.requirements.summary is not None
    assert account.requirements.summary.minimum_deadline is not None
    assert account.requirements.summary.minimum_deadline.status == "past_due"
    assert account.future_requirements.minimum_transition_date is None
    merchant = account.configuration.merchant
    assert merchant.capabilities.card_payments.status == "restricted"
    assert merchant.capabilities.stripe_balance.payouts.status_details[0].code == (
        "requirements_past_due"
    )
    recipient = account.configuration.recipient
    assert recipient.capabilities.stripe_balance.stripe_transfers.status == "restricted"
