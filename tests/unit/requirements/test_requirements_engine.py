"""The engine against the shipped US rules: entries, deadlines, persons and capability statuses."""

from __future__ import annotations

from typing import Any

import pytest
from requirements_builders import (
    CREATED_MS,
    DAY_MS,
    bare_person,
    complete_company,
    complete_individual,
    facts,
    person,
    restricted,
    rules,
    statuses,
    with_value,
    without,
)

from gangway.requirements import evaluate

NOW = CREATED_MS + 60_000
ALL_MERCHANT = {("merchant", "card_payments"), ("merchant", "stripe_balance.payouts")}
RESTRICTED = {
    "status": "restricted",
    "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
}
ACTIVE: dict[str, Any] = {"status": "active", "status_details": []}

FRESH_INDIVIDUAL_PAST_DUE = [
    "configuration.merchant.mcc",
    "defaults.profile.business_url",
    "external_account",
    "identity.attestations.terms_of_service.account.date",
    "identity.attestations.terms_of_service.account.ip",
    "identity.individual.address.city",
    "identity.individual.address.line1",
    "identity.individual.address.postal_code",
    "identity.individual.address.state",
    "identity.individual.date_of_birth.day",
    "identity.individual.date_of_birth.month",
    "identity.individual.date_of_birth.year",
    "identity.individual.email",
    "identity.individual.given_name",
    "identity.individual.id_numbers.us_ssn_last_4",
    "identity.individual.phone",
    "identity.individual.surname",
]
FRESH_INDIVIDUAL_EVENTUALLY = [
    "identity.individual.documents.primary_verification",
    "identity.individual.id_numbers",
]


def _fresh_individual(*configurations: str) -> dict[str, Any]:
    """Country, entity type and capabilities: what a platform sends at creation."""
    configuration = complete_individual(*configurations)["configuration"]
    configuration.get("merchant", {}).pop("mcc", None)
    return {
        "identity": {"country": "us", "entity_type": "individual"},
        "configuration": configuration,
    }


def test_fresh_individual_merchant_exact_entries() -> None:
    result = evaluate(facts(_fresh_individual("merchant")), rules(), NOW)

    entries = result.requirements["entries"]
    assert [e["description"] for e in entries] == sorted(
        FRESH_INDIVIDUAL_PAST_DUE + FRESH_INDIVIDUAL_EVENTUALLY
    )
    expected = {(d, None): "past_due" for d in FRESH_INDIVIDUAL_PAST_DUE}
    expected |= {(d, None): "eventually_due" for d in FRESH_INDIVIDUAL_EVENTUALLY}
    assert statuses(entries) == expected
    by_description = {e["description"]: e for e in entries}
    assert by_description["identity.individual.given_name"] == {
        "awaiting_action_from": "user",
        "description": "identity.individual.given_name",
        "errors": [],
        "impact": {
            "restricts_capabilities": [
                {
                    "capability": "card_payments",
                    "configuration": "merchant",
                    "deadline": {"status": "past_due"},
                },
                {
                    "capability": "stripe_balance.payouts",
                    "configuration": "merchant",
                    "deadline": {"status": "past_due"},
                },
            ]
        },
        "minimum_deadline": {"status": "past_due"},
        "reference": None,
        "requested_reasons": [{"code": "routine_onboarding"}],
    }
    assert restricted(by_description["external_account"]) == {
        ("merchant", "stripe_balance.payouts", "past_due")
    }
    assert result.requirements["summary"] == {
        "minimum_deadline": {"status": "past_due", "time": None}
    }
    assert result.requirements["alternatives"] == [
        {
            "original_entries": [
                {"description": "defaults.profile.business_url", "reference": None}
            ],
            "options": [
                {
                    "entries": [
                        {
                            "awaiting_action_from": "user",
                            "description": "defaults.profile.product_description",
                            "errors": [],
                            "reference": None,
                        }
                    ]
                }
            ],
        }
    ]
    assert result.capabilities == {
        "merchant": {"card_payments": RESTRICTED, "stripe_balance.payouts": RESTRICTED}
    }
    assert result.future_requirements == {
        "entries": [],
        "alternatives": None,
        "summary": None,
        "minimum_transition_date": None,
    }
    assert result.next_change_ms == CREATED_MS + 16 * DAY_MS


@pytest.mark.parametrize(
    "configurations", [("merchant",), ("recipient",), ("merchant", "recipient")]
)
def test_complete_individual_is_active(configurations: tuple[str, ...]) -> None:
    result = evaluate(facts(complete_individual(*configurations)), rules(), NOW + 90 * DAY_MS)

    assert result.requirements == {"entries": [], "alternatives": None, "summary": None}
    assert result.next_change_ms is None
    for name in configurations:
        assert result.capabilities[name]
        assert all(status == ACTIVE for status in result.capabilities[name].values())


@pytest.mark.parametrize(
    ("removed", "description", "restricts"),
    [
        ("external_account", "external_account", {("merchant", "stripe_balance.payouts")}),
        ("configuration.merchant.mcc", "configuration.merchant.mcc", ALL_MERCHANT),
        ("identity.individual.address.state", "identity.individual.address.state", ALL_MERCHANT),
        ("identity.individual.email", "identity.individual.email", ALL_MERCHANT),
        ("identity.entity_type", "identity.entity_type", ALL_MERCHANT),
        (
            "identity.attestations.terms_of_service.account.ip",
            "identity.attestations.terms_of_service.account.ip",
            ALL_MERCHANT,
        ),
    ],
)
def test_one_missing_field_gives_one_past_due_entry(
    removed: str, description: str, restricts: set[tuple[str, str]]
) -> None:
    result = evaluate(facts(without(complete_individual(), removed)), rules(), NOW)

    entries = result.requirements["entries"]
    assert [e["description"] for e in entries] == [description]
    assert restricted(entries[0]) == {(c, cap, "past_due") for c, cap in restricts}
    for capability, status in result.capabilities["merchant"].items():
        expected = RESTRICTED if ("merchant", capability) in restricts else ACTIVE
        assert status == expected, capability


@pytest.mark.parametrize(
    ("value", "satisfied"),
    [
        ("", False),
        ("   ", False),
        (None, False),
        ("https://accessible.stripe.com", True),
    ],
)
def test_blank_values_do_not_count(value: Any, satisfied: bool) -> None:
    document = with_value(complete_individual(), "defaults.profile.business_url", value)
    result = evaluate(facts(document), rules(), NOW)

    descriptions = [e["description"] for e in result.requirements["entries"]]
    assert descriptions == ([] if satisfied else ["defaults.profile.business_url"])


def test_product_description_is_an_alternative_to_a_website() -> None:
    document = without(complete_individual(), "defaults.profile.business_url")
    document["defaults"]["profile"]["product_description"] = "Rides to the moon"

    result = evaluate(facts(document), rules(), NOW)

    assert result.requirements["entries"] == []
    assert result.requirements["alternatives"] is None


@pytest.mark.parametrize(
    ("id_numbers", "missing"),
    [
        ([{"type": "us_ssn", "value": "000000000"}], []),
        ([{"type": "us_ssn_last_4", "value": "0000"}], ["identity.individual.id_numbers"]),
        ([{"type": "us_itin", "value": "900700000"}], []),
        (
            [{"type": "us_ein", "value": "000000000"}],
            ["identity.individual.id_numbers", "identity.individual.id_numbers.us_ssn_last_4"],
        ),
        ([], ["identity.individual.id_numbers", "identity.individual.id_numbers.us_ssn_last_4"]),
    ],
)
def test_ssn_last_4_is_satisfied_by_the_full_ssn(
    id_numbers: list[dict[str, str]], missing: list[str]
) -> None:
    document = with_value(complete_individual(), "identity.individual.id_numbers", id_numbers)
    result = evaluate(facts(document), rules(), NOW)

    assert [e["description"] for e in result.requirements["entries"]] == missing


def test_fresh_recipient_only_individual() -> None:
    result = evaluate(facts(_fresh_individual("recipient")), rules(), NOW)

    entries = {e["description"]: e for e in result.requirements["entries"]}
    assert "configuration.merchant.mcc" not in entries
    assert set(entries) == set(FRESH_INDIVIDUAL_PAST_DUE + FRESH_INDIVIDUAL_EVENTUALLY) - {
        "configuration.merchant.mcc"
    }
    assert restricted(entries["external_account"]) == {
        ("recipient", "stripe_balance.payouts", "past_due")
    }
    assert restricted(entries["identity.individual.surname"]) == {
        ("recipient", "stripe_balance.payouts", "past_due"),
        ("recipient", "stripe_balance.stripe_transfers", "past_due"),
    }
    assert result.capabilities == {
        "recipient": {
            "stripe_balance.stripe_transfers": RESTRICTED,
            "stripe_balance.payouts": RESTRICTED,
        }
    }


def test_recipient_with_only_a_bank_account_missing_can_take_transfers() -> None:
    document = without(complete_individual("recipient"), "external_account")
    result = evaluate(facts(document), rules(), NOW)

    assert result.capabilities["recipient"] == {
        "stripe_balance.stripe_transfers": ACTIVE,
        "stripe_balance.payouts": RESTRICTED,
    }


def test_unapplied_and_unrequested_capabilities_produce_nothing() -> None:
    document = _fresh_individual("merchant", "recipient")
    document["configuration"]["recipient"]["applied"] = False
    document["configuration"]["merchant"]["capabilities"]["stripe_balance"]["payouts"] = {
        "requested": False
    }

    result = evaluate(facts(document), rules(), NOW)

    assert result.capabilities == {"merchant": {"card_payments": RESTRICTED}}
    for entry in result.requirements["entries"]:
        assert {
            (r["configuration"], r["capability"]) for r in entry["impact"]["restricts_capabilities"]
        } == {("merchant", "card_payments")}
    # external_account restricts only payouts, which nobody asked for.
    assert "external_account" not in [e["description"] for e in result.requirements["entries"]]


# ---- companies and persons -------------------------------------------------------------------

REP, OWNER = "person_rep", "person_owner"
PERSON_ONBOARDING = [
    "address.city",
    "address.line1",
    "address.postal_code",
    "address.state",
    "date_of_birth.day",
    "date_of_birth.month",
    "date_of_birth.year",
    "email",
    "given_name",
    "id_numbers.us_ssn_last_4",
    "phone",
    "surname",
]
PERSON_LATER = ["documents.primary_verification", "id_numbers"]


def test_fresh_company_lists_every_us_company_field() -> None:
    document = {
        "identity": {"country": "us", "entity_type": "company"},
        "configuration": without(complete_company(), "configuration.merchant.mcc")["configuration"],
    }
    persons = [bare_person(REP, representative=True), bare_person(OWNER, owner=True)]

    result = evaluate(facts(document, persons), rules(), NOW)

    expected: dict[tuple[str, str | None], str] = {
        (d, None): "past_due"
        for d in [
            "configuration.merchant.mcc",
            "defaults.profile.business_url",
            "external_account",
            "identity.attestations.persons_provided.owners",
            "identity.attestations.terms_of_service.account.date",
            "identity.attestations.terms_of_service.account.ip",
            "identity.business_details.address.city",
            "identity.business_details.address.line1",
            "identity.business_details.address.postal_code",
            "identity.business_details.address.state",
            "identity.business_details.id_numbers",
            "identity.business_details.phone",
            "identity.business_details.registered_name",
        ]
    }
    for role, person_id in (("representative", REP), ("owners", OWNER)):
        expected |= {(f"{role}.{f}", person_id): "past_due" for f in PERSON_ONBOARDING}
        expected |= {(f"{role}.{f}", person_id): "eventually_due" for f in PERSON_LATER}
    expected[("representative.relationship.executive", REP)] = "past_due"
    expected[("representative.relationship.title", REP)] = "past_due"
    assert statuses(result.requirements["entries"]) == expected
    rep_entry = next(
        e for e in result.requirements["entries"] if e["description"] == "representative.given_name"
    )
    assert rep_entry["reference"] == {"inquiry": None, "resource": REP, "type": "person"}


@pytest.mark.parametrize(
    ("persons", "attestation", "missing"),
    [
        pytest.param(
            [person(REP, representative=True)],
            {"owners": True},
            set(),
            id="rep and owners attested",
        ),
        pytest.param([], {"owners": True}, {("relationship.representative", None)}, id="no rep"),
        pytest.param(
            [person(REP, representative=True)],
            {},
            {("identity.attestations.persons_provided.owners", None), ("relationship.owner", None)},
            id="owners neither listed nor attested",
        ),
        pytest.param(
            [person(REP, representative=True), person(OWNER, owner=True)],
            {},
            {("identity.attestations.persons_provided.owners", None)},
            id="owner listed, attestation missing",
        ),
        pytest.param(
            [person(REP, representative=True)],
            {"ownership_exemption_reason": "qualifies_as_financial_institution"},
            set(),
            id="ownership exemption",
        ),
        pytest.param(
            [person(REP, representative=True, owner=True)],
            {"owners": False},
            {("identity.attestations.persons_provided.owners", None)},
            id="representative is the owner, attestation false",
        ),
        pytest.param(
            [person(REP, representative=True, executive=False)],
            {"owners": True},
            {("representative.relationship.executive", REP)},
            id="representative not an executive",
        ),
        pytest.param(
            [person(REP, representative=True), without(person(OWNER, owner=True), "date_of_birth")],
            {"owners": True},
            {(f"owners.date_of_birth.{p}", OWNER) for p in ("day", "month", "year")},
            id="owner without date of birth",
        ),
    ],
)
def test_company_persons(
    persons: list[dict[str, Any]], attestation: dict[str, Any], missing: set[tuple[str, Any]]
) -> None:
    document = complete_company()
    document["identity"]["attestations"]["persons_provided"] = attestation

    result = evaluate(facts(document, persons), rules(), NOW)

    assert set(statuses(result.requirements["entries"])) == missing
    expected = RESTRICTED if missing else ACTIVE
    assert result.capabilities["merchant"]["card_payments"] == expected


def test_person_entries_name_the_person_and_role() -> None:
    persons = [
        without(person(REP, representative=True, owner=True), "phone"),
        person(OWNER, owner=True),
    ]
    result = evaluate(facts(complete_company(), persons), rules(), NOW)

    assert statuses(result.requirements["entries"]) == {
        ("owners.phone", REP): "past_due",
        ("representative.phone", REP): "past_due",
    }


def test_non_profit_needs_a_representative_but_no_owners() -> None:
    document = complete_company("recipient", entity_type="non_profit")

    without_rep = evaluate(facts(document, []), rules(), NOW)
    with_rep = evaluate(facts(document, [person(REP, representative=True)]), rules(), NOW)

    assert set(statuses(without_rep.requirements["entries"])) == {
        ("relationship.representative", None)
    }
    assert with_rep.requirements["entries"] == []
    assert with_rep.capabilities["recipient"]["stripe_balance.stripe_transfers"] == ACTIVE


# ---- country, entity type and capability support ---------------------------------------------


def test_no_country_asks_for_the_country_and_restricts_everything() -> None:
    document = {
        "configuration": complete_individual("merchant", "recipient", "customer")["configuration"]
    }
    result = evaluate(facts(document), rules(), NOW)

    (entry,) = result.requirements["entries"]
    assert entry["description"] == "identity.country"
    assert entry["minimum_deadline"] == {"status": "past_due"}
    assert restricted(entry) == {
        ("merchant", "card_payments", "past_due"),
        ("merchant", "stripe_balance.payouts", "past_due"),
        ("recipient", "stripe_balance.payouts", "past_due"),
        ("recipient", "stripe_balance.stripe_transfers", "past_due"),
    }
    assert result.capabilities["merchant"]["card_payments"] == RESTRICTED
    assert result.capabilities["recipient"]["stripe_balance.stripe_transfers"] == RESTRICTED
    assert result.capabilities["customer"] == {"automatic_indirect_tax": ACTIVE}


def test_customer_only_account_needs_no_kyc() -> None:
    document = {"configuration": complete_individual("customer")["configuration"]}
    result = evaluate(facts(document), rules(), NOW)

    assert result.requirements == {"entries": [], "alternatives": None, "summary": None}
    assert result.capabilities == {"customer": {"automatic_indirect_tax": ACTIVE}}


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("identity.country", "zz", "unsupported_country"),
        ("identity.entity_type", "government_entity", "unsupported_entity_type"),
    ],
)
def test_unsupported_country_or_entity_type(path: str, value: str, code: str) -> None:
    document = with_value(complete_individual("merchant", "customer"), path, value)
    result = evaluate(facts(document), rules(), NOW)

    unsupported = {
        "status": "unsupported",
        "status_details": [{"code": code, "resolution": "contact_stripe"}],
    }
    assert result.requirements["entries"] == []
    assert result.capabilities == {
        "customer": {"automatic_indirect_tax": ACTIVE},
        "merchant": {"card_payments": unsupported, "stripe_balance.payouts": unsupported},
    }


def test_country_code_case_does_not_matter() -> None:
    document = with_value(complete_individual(), "identity.country", "US")
    assert (
        evaluate(facts(document), rules(), NOW).capabilities["merchant"]["card_payments"] == ACTIVE
    )


def test_a_capability_the_country_rules_do_not_know_is_unsupported() -> None:
    document = complete_individual()
    document["configuration"]["merchant"]["capabilities"]["klarna_payments"] = {"requested": True}

    result = evaluate(facts(document), rules(), NOW)

    assert result.capabilities["merchant"]["klarna_payments"] == {
        "status": "unsupported",
        "status_details": [{"code": "unsupported_country", "resolution": "contact_stripe"}],
    }
    assert result.capabilities["merchant"]["card_payments"] == ACTIVE


def test_without_an_entity_type_only_the_common_rules_apply() -> None:
    document = _fresh_individual("merchant")
    del document["identity"]["entity_type"]

    result = evaluate(facts(document), rules(), NOW)

    assert [e["description"] for e in result.requirements["entries"]] == [
        "configuration.merchant.mcc",
        "defaults.profile.business_url",
        "external_account",
        "identity.attestations.terms_of_service.account.date",
        "identity.attestations.terms_of_service.account.ip",
        "identity.entity_type",
    ]
    assert result.capabilities["merchant"]["card_payments"] == RESTRICTED
