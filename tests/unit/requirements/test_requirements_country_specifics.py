"""Country rules beyond the field lists: which ID number types answer which entry, what a failed
verification asks for next, and the decisions individual files make (AU recipients, the UAE's
licence documents, Japanese scripts, Brazil's product description, Canada's SIN, European
representatives who are executives)."""

from __future__ import annotations

from typing import Any

import pytest
from requirements_builders import CREATED_MS, DAY_MS, facts, restricted, rules, statuses
from requirements_country_builders import (
    PERSON_ID,
    bare_persons,
    company_roles,
    fill_all,
    filled_persons,
    fresh,
)
from requirements_country_expectations import COUNTRIES, EUROPEAN, PRIMARY

from gangway.requirements import Verification, evaluate
from gangway.requirements.facts import VerificationKey

NOW = CREATED_MS + 60_000
CODES = sorted(COUNTRIES)
INDIVIDUAL_CODES = [cc for cc in CODES if COUNTRIES[cc].individual is not None]
ACTIVE: dict[str, Any] = {"status": "active", "status_details": []}
RESTRICTED = {
    "status": "restricted",
    "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
}
MISMATCH = {"code": "verification_failed_keyed_identity", "description": "No match."}
FAILED = Verification("failed", [MISMATCH])
BUSINESS_IDS = "identity.business_details.id_numbers"
INDIVIDUAL_IDS = "identity.individual.id_numbers"
INDIVIDUAL_DOCUMENT = f"identity.individual.{PRIMARY}"


def _past_due(result: Any) -> set[tuple[str, str | None]]:
    return {k for k, s in statuses(result.requirements["entries"]).items() if s == "past_due"}


def _complete_company(country: str, *configurations: str) -> tuple[dict[str, Any], list[Any]]:
    expected = COUNTRIES[country]
    document = fill_all(
        fresh(country, "company", *configurations),
        expected.company | expected.merchant_only,
        expected,
    )
    return document, filled_persons(expected)


def _complete_individual(country: str, *configurations: str) -> dict[str, Any]:
    expected = COUNTRIES[country]
    assert expected.individual is not None
    return fill_all(fresh(country, "individual", *configurations), expected.individual, expected)


# ---- typed ID numbers --------------------------------------------------------------------------

BUSINESS_TYPES = [(cc, type_) for cc in CODES for type_ in COUNTRIES[cc].business_id_types]


@pytest.mark.parametrize(("country", "id_type"), BUSINESS_TYPES)
def test_each_business_id_type_answers_the_tax_id(country: str, id_type: str) -> None:
    document, persons = _complete_company(country, "recipient")
    ids = document["identity"]["business_details"]["id_numbers"]
    assert ids[0]["type"] == COUNTRIES[country].business_id_types[0]  # the tax ID comes first
    ids[0] = {"type": id_type, "value": "000000000"}

    result = evaluate(facts(document, persons), rules(), NOW)

    assert _past_due(result) == set()
    assert result.capabilities["recipient"]["stripe_balance.stripe_transfers"] == ACTIVE


@pytest.mark.parametrize("country", [cc for cc in CODES if COUNTRIES[cc].business_id_types])
def test_a_foreign_business_id_type_does_not(country: str) -> None:
    document, persons = _complete_company(country, "recipient")
    ids = document["identity"]["business_details"]["id_numbers"]
    ids[0] = {"type": "us_ein", "value": "000000000"}

    result = evaluate(facts(document, persons), rules(), NOW)

    assert (BUSINESS_IDS, None) in _past_due(result)
    assert result.capabilities["recipient"]["stripe_balance.stripe_transfers"] == RESTRICTED


def test_india_asks_for_no_id_number_at_all() -> None:
    # No Indian type exists in the v2 enums; the file leaves the numbers out (see in.yaml).
    assert COUNTRIES["in"].business_id_types == ()
    assert COUNTRIES["in"].person_id_types == ()
    document, persons = _complete_company("in", "recipient")
    assert "id_numbers" not in document["identity"]["business_details"]
    assert (
        evaluate(facts(document, persons), rules(), NOW).capabilities["recipient"][
            "stripe_balance.stripe_transfers"
        ]
        == ACTIVE
    )


PERSON_TYPES = [
    (cc, type_)
    for cc in INDIVIDUAL_CODES
    for type_ in COUNTRIES[cc].person_id_types
    if f"{INDIVIDUAL_IDS}" in (COUNTRIES[cc].individual or ())
]


@pytest.mark.parametrize(("country", "id_type"), PERSON_TYPES)
def test_each_personal_id_type_answers_the_id_number(country: str, id_type: str) -> None:
    document = _complete_individual(country, "merchant")
    document["identity"]["individual"]["id_numbers"] = [{"type": id_type, "value": "000000000"}]
    assert (INDIVIDUAL_IDS, None) not in _past_due(evaluate(facts(document), rules(), NOW))

    document["identity"]["individual"]["id_numbers"] = [{"type": "us_ssn", "value": "000000000"}]
    assert (INDIVIDUAL_IDS, None) in _past_due(evaluate(facts(document), rules(), NOW))


def test_personal_id_types_cover_the_id_number_countries() -> None:
    assert sorted({cc for cc, _ in PERSON_TYPES}) == ["br", "hk", "mx", "my", "sg"]


# ---- verification failures ---------------------------------------------------------------------


@pytest.mark.parametrize("country", INDIVIDUAL_CODES)
def test_failed_birth_date_asks_for_an_identity_document(country: str) -> None:
    document = _complete_individual(country, "merchant")
    verifications: dict[VerificationKey, Verification] = {
        (None, "identity.individual.date_of_birth.year"): FAILED
    }

    result = evaluate(facts(document, verifications=verifications), rules(), NOW)

    entries = {e["description"]: e for e in result.requirements["entries"]}
    assert entries["identity.individual.date_of_birth.year"]["errors"] == [MISMATCH]
    document_entry = entries[INDIVIDUAL_DOCUMENT]
    assert document_entry["minimum_deadline"] == {"status": "past_due"}
    assert {"code": "routine_verification"} in document_entry["requested_reasons"]
    assert result.capabilities["merchant"]["card_payments"] == RESTRICTED

    # The document resolves the failed match.
    with_document = fill_all(document, [INDIVIDUAL_DOCUMENT], COUNTRIES[country])
    resolved = evaluate(facts(with_document, verifications=verifications), rules(), NOW)
    left = {d for d, _ in statuses(resolved.requirements["entries"])}
    assert left == COUNTRIES[country].individual_later - {INDIVIDUAL_DOCUMENT}
    assert resolved.capabilities["merchant"]["card_payments"] == ACTIVE


@pytest.mark.parametrize("country", sorted({cc for cc, _ in PERSON_TYPES}))
def test_failed_id_number_asks_for_an_identity_document(country: str) -> None:
    document = _complete_individual(country, "recipient")
    verifications: dict[VerificationKey, Verification] = {(None, INDIVIDUAL_IDS): FAILED}

    result = evaluate(facts(document, verifications=verifications), rules(), NOW)

    assert _past_due(result) == {(INDIVIDUAL_IDS, None), (INDIVIDUAL_DOCUMENT, None)}


@pytest.mark.parametrize("country", CODES)
def test_failed_representative_birth_date_asks_the_person_for_a_document(country: str) -> None:
    document, persons = _complete_company(country, "recipient")
    rep = PERSON_ID["representative"]
    verifications: dict[VerificationKey, Verification] = {(rep, "date_of_birth.day"): FAILED}

    result = evaluate(facts(document, persons, verifications), rules(), NOW)

    assert {
        ("representative.date_of_birth.day", rep),
        (f"representative.{PRIMARY}", rep),
    } <= _past_due(result)


TAX_DOCUMENTS = {
    "hk": "proof_of_registration",  # a registration number, not a tax ID
    "ae": "proof_of_registration",  # ae_crn: the commercial registration number
}


@pytest.mark.parametrize("country", [cc for cc in CODES if COUNTRIES[cc].business_id_types])
def test_failed_business_id_asks_for_a_business_document(country: str) -> None:
    document, persons = _complete_company(country, "recipient")
    verifications: dict[VerificationKey, Verification] = {(None, BUSINESS_IDS): FAILED}

    result = evaluate(facts(document, persons, verifications), rules(), NOW)

    raised = "identity.business_details.documents." + TAX_DOCUMENTS.get(
        country, "company_tax_id_verification"
    )
    assert (BUSINESS_IDS, None) in _past_due(result)
    assert (raised, None) in _past_due(result)


def test_failed_acn_asks_for_proof_of_registration() -> None:
    document, persons = _complete_company("au", "recipient")
    acn = "identity.business_details.id_numbers.au_acn"
    verifications: dict[VerificationKey, Verification] = {(None, acn): FAILED}
    result = evaluate(facts(document, persons, verifications), rules(), NOW)

    assert _past_due(result) == {
        (acn, None),
        ("identity.business_details.documents.proof_of_registration", None),
    }


# ---- decisions particular to a country or group -----------------------------------------------


def test_au_individual_recipient_matches_the_observed_v2_account() -> None:
    """shared/docs/stripe-v2-reference.md 2.5: a fresh AU individual recipient had 13 entries."""
    result = evaluate(facts(fresh("au", "individual", "recipient")), rules(), NOW)

    assert _past_due(result) == {
        (d, None)
        for d in [
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
            "identity.individual.given_name",
            "identity.individual.surname",
        ]
    }
    external = next(
        e for e in result.requirements["entries"] if e["description"] == "external_account"
    )
    assert restricted(external) == {("recipient", "stripe_balance.payouts", "past_due")}


@pytest.mark.parametrize("country", ["de", "ie", "au", "br"])
def test_a_representative_who_is_an_executive_owes_the_executive_rules(country: str) -> None:
    document, persons = _complete_company(country, "recipient")
    rep = PERSON_ID["representative"]
    for person in persons:
        if person["id"] == rep:
            person["relationship"]["executive"] = True

    result = evaluate(facts(document, persons), rules(), NOW)

    owed = {f"executives.{f}" for f in COUNTRIES[country].persons["executives"]} - {
        f"executives.{f}" for f in COUNTRIES[country].persons["representative"]
    }
    # Fields the representative already gave (name, address...) are not asked again; the
    # executives' onboarding documents (and title, where executives need one) are.
    assert {d for d, pid in _past_due(result) if pid == rep} == owed
    assert f"executives.{PRIMARY}" in owed


@pytest.mark.parametrize("country", sorted(EUROPEAN))
def test_european_representative_may_answer_not_an_executive(country: str) -> None:
    document, persons = _complete_company(country, "recipient")
    rep = next(p for p in persons if p["id"] == PERSON_ID["representative"])
    assert rep["relationship"]["executive"] is False

    result = evaluate(facts(document, persons), rules(), NOW)

    assert _past_due(result) == set()


def test_canadian_sin_waits_for_a_threshold_trigger() -> None:
    document = _complete_individual("ca", "merchant")

    later = evaluate(facts(document), rules(), CREATED_MS + 400 * DAY_MS)
    sin = statuses(later.requirements["entries"])[(INDIVIDUAL_IDS, None)]
    # The identity document follows the thirty-day schedule; the SIN does not move by time.
    assert sin == "eventually_due"
    assert statuses(later.requirements["entries"])[(INDIVIDUAL_DOCUMENT, None)] == "past_due"

    triggered = evaluate(facts(document, triggered_ms=NOW), rules(), NOW + DAY_MS)
    assert statuses(triggered.requirements["entries"])[(INDIVIDUAL_IDS, None)] == "currently_due"
    past = evaluate(facts(document, triggered_ms=NOW), rules(), NOW + 15 * DAY_MS)
    assert statuses(past.requirements["entries"])[(INDIVIDUAL_IDS, None)] == "past_due"


def test_uae_licence_and_bank_proof_block_charges_and_payouts_not_transfers() -> None:
    document, persons = _complete_company("ae", "merchant", "recipient")
    del document["identity"]["business_details"]["documents"]["company_license"]

    result = evaluate(facts(document, persons), rules(), NOW)

    assert _past_due(result) == {("identity.business_details.documents.company_license", None)}
    assert result.capabilities == {
        "merchant": {"card_payments": RESTRICTED, "stripe_balance.payouts": RESTRICTED},
        "recipient": {
            "stripe_balance.stripe_transfers": ACTIVE,
            "stripe_balance.payouts": RESTRICTED,
        },
    }


def test_japan_asks_for_kana_and_kanji_not_latin() -> None:
    latin_only = fill_all(
        fresh("jp", "individual", "recipient"),
        [
            "identity.individual.given_name",
            "identity.individual.surname",
            "identity.individual.address.line1",
            "identity.individual.address.postal_code",
        ],
        COUNTRIES["jp"],
    )
    result = evaluate(facts(latin_only), rules(), NOW)

    descriptions = {d for d, _ in _past_due(result)}
    assert "identity.individual.script_names.kana.given_name" in descriptions
    assert "identity.individual.script_addresses.kanji.postal_code" in descriptions
    assert not any(d.startswith("identity.individual.address") for d in descriptions)
    assert "identity.individual.given_name" not in descriptions


def test_japan_product_description_answers_the_website_too() -> None:
    document = _complete_individual("jp", "merchant")
    del document["defaults"]["profile"]["business_url"]

    result = evaluate(facts(document), rules(), NOW)
    assert _past_due(result) == set()

    del document["defaults"]["profile"]["product_description"]
    assert {d for d, _ in _past_due(evaluate(facts(document), rules(), NOW))} == {
        "defaults.profile.business_url",
        "defaults.profile.product_description",
    }


def test_brazil_asks_for_a_product_description_a_website_answers_it() -> None:
    document = _complete_individual("br", "merchant")
    del document["defaults"]["profile"]["product_description"]
    assert _past_due(evaluate(facts(document), rules(), NOW)) == {
        ("defaults.profile.product_description", None)
    }

    document["defaults"]["profile"]["business_url"] = "https://accessible.stripe.com"
    assert _past_due(evaluate(facts(document), rules(), NOW)) == set()


def test_singapore_owners_need_only_a_document_and_no_attestation() -> None:
    expected = COUNTRIES["sg"]
    document, persons = _complete_company("sg", "recipient")
    assert "persons_provided" not in document["identity"]["attestations"]
    assert (
        evaluate(facts(document, persons), rules(), NOW).capabilities["recipient"][
            "stripe_balance.stripe_transfers"
        ]
        == ACTIVE
    )

    # Without any owner Person, an owner (or the v2 attestation) is still asked for.
    no_owner = [p for p in persons if p["id"] != PERSON_ID["owners"]]
    assert ("relationship.owner", None) in _past_due(
        evaluate(facts(document, no_owner), rules(), NOW)
    )
    assert company_roles(expected) == {"representative", "owners"}
    assert len(bare_persons(company_roles(expected))) == 2
