"""Every shipped country's rules against the expectations written out in
``requirements_country_expectations.py``: what a fresh account owes, what goes away when part of
it is provided, that providing all of it activates every capability, and which entity types a
country does not support."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from requirements_builders import CREATED_MS, facts, restricted, rules, statuses
from requirements_country_builders import (
    PERSON_ID,
    bare_persons,
    company_roles,
    fill_all,
    filled_persons,
    fresh,
)
from requirements_country_expectations import COUNTRIES, EUROPEAN, SUPPORT_PHONE, Expected

from gangway.requirements import evaluate
from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY
from gangway.requirements.schema import ScheduledPolicy

NOW = CREATED_MS + 60_000
CODES = sorted(COUNTRIES)
INDIVIDUAL_CODES = [cc for cc in CODES if COUNTRIES[cc].individual is not None]
ALL_FOUR = {
    ("merchant", "card_payments"),
    ("merchant", "stripe_balance.payouts"),
    ("recipient", "stripe_balance.stripe_transfers"),
    ("recipient", "stripe_balance.payouts"),
}
ACTIVE: dict[str, Any] = {"status": "active", "status_details": []}
RESTRICTED = {
    "status": "restricted",
    "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
}
S2_COMMIT = "9971ffc289b308921757789d91cb7d4fae33e0e0"


def _expected_company(
    expected: Expected, account: frozenset[str], account_later: frozenset[str]
) -> dict[tuple[str, str | None], str]:
    result: dict[tuple[str, str | None], str] = {(d, None): "past_due" for d in account}
    result |= {(d, None): "eventually_due" for d in account_later}
    for role, fields in expected.persons.items():
        result |= {(f"{role}.{f}", PERSON_ID[role]): "past_due" for f in fields}
    for role, fields in expected.persons_later.items():
        result |= {(f"{role}.{f}", PERSON_ID[role]): "eventually_due" for f in fields}
    return result


def _capabilities(result: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (configuration, name): status
        for configuration, capabilities in result.capabilities.items()
        for name, status in capabilities.items()
    }


# ---- (1) the files load ------------------------------------------------------------------------


def test_every_country_has_a_rule_file_and_all_load() -> None:
    book = rules()  # load_rules() over the shipped directory, cached for the session

    assert len(book.countries) == 41
    assert sorted(book.countries) == sorted([*COUNTRIES, "us"])
    assert sorted(p.stem for p in DEFAULT_RULES_DIRECTORY.glob("*.yaml")) == sorted(book.countries)
    # The European template really is shared by the 29 countries listed as such.
    assert len(EUROPEAN) == 29
    assert {cc for cc, e in COUNTRIES.items() if e.group == "european"} == set(EUROPEAN)


@pytest.mark.parametrize("country", CODES)
def test_rule_file_metadata(country: str) -> None:
    country_rules = rules().get(country)
    assert country_rules is not None
    file = country_rules.source_file
    expected = COUNTRIES[country]

    assert file.country == country
    assert country_rules.capabilities == ALL_FOUR
    entity_types = {"company"} if expected.individual is None else {"individual", "company"}
    assert country_rules.entity_types == entity_types
    sources = {s.id: s for s in file.sources}
    spec = sources["country_spec"]
    assert spec.as_of == dt.date(2022, 3, 17)
    assert spec.url is not None and S2_COMMIT in spec.url
    assert spec.note is not None and "older" in spec.note
    # The file says, up front, that its data predates the rule set by years.
    assert "2022-03-17" in file.notes[0] and "2026-11-26" in file.notes[0]
    rule_sources = [(r.id, r.source, r.note) for r in file.requirements]
    rule_sources += [(r.id, r.source, r.note) for r in file.roles]
    for rule_id, source, note in rule_sources:
        assert source in sources, rule_id
        assert note, rule_id
    # Every rule on the (undocumented, US-copied) thirty-day schedule says it is inferred.
    thirty = file.deadline_policies["thirty_days"]
    assert isinstance(thirty, ScheduledPolicy)
    assert (thirty.currently_due_after_days, thirty.grace_days) == (16, 14)
    scheduled = [r for r in file.requirements if r.deadline != "onboarding"]
    assert scheduled and all(r.inferred for r in scheduled)


# ---- (2) fresh accounts ------------------------------------------------------------------------


@pytest.mark.parametrize("country", INDIVIDUAL_CODES)
def test_fresh_individual_merchant(country: str) -> None:
    expected = COUNTRIES[country]
    assert expected.individual is not None

    result = evaluate(facts(fresh(country, "individual", "merchant")), rules(), NOW)

    entries = result.requirements["entries"]
    assert statuses(entries) == {(d, None): "past_due" for d in expected.individual} | {
        (d, None): "eventually_due" for d in expected.individual_later
    }
    merchant = {
        ("merchant", "card_payments", "past_due"),
        ("merchant", "stripe_balance.payouts", "past_due"),
    }
    for entry in entries:
        if entry["minimum_deadline"]["status"] != "past_due":
            continue
        if entry["description"] == "external_account":
            assert restricted(entry) == {("merchant", "stripe_balance.payouts", "past_due")}
        else:
            assert restricted(entry) == merchant, entry["description"]
    assert result.capabilities == {
        "merchant": {"card_payments": RESTRICTED, "stripe_balance.payouts": RESTRICTED}
    }


@pytest.mark.parametrize("country", CODES)
def test_fresh_company_recipient(country: str) -> None:
    expected = COUNTRIES[country]
    persons = bare_persons(company_roles(expected))

    result = evaluate(facts(fresh(country, "company", "recipient"), persons), rules(), NOW)

    entries = result.requirements["entries"]
    assert statuses(entries) == _expected_company(
        expected, expected.company, expected.company_later
    )
    for entry in entries:
        if entry["description"] == "external_account":
            assert restricted(entry) == {("recipient", "stripe_balance.payouts", "past_due")}
    assert result.capabilities["recipient"]["stripe_balance.stripe_transfers"] == RESTRICTED


@pytest.mark.parametrize("country", CODES)
def test_fresh_company_merchant_adds_only_the_merchant_fields(country: str) -> None:
    expected = COUNTRIES[country]
    persons = bare_persons(company_roles(expected))

    result = evaluate(facts(fresh(country, "company", "merchant"), persons), rules(), NOW)

    assert statuses(result.requirements["entries"]) == _expected_company(
        expected, expected.company | expected.merchant_only, expected.company_later
    )


@pytest.mark.parametrize("country", CODES)
def test_company_without_persons_asks_for_the_roles(country: str) -> None:
    expected = COUNTRIES[country]
    result = evaluate(facts(fresh(country, "company", "recipient")), rules(), NOW)

    role_entries = {
        d
        for (d, _), s in statuses(result.requirements["entries"]).items()
        if d.startswith("relationship.")
    }
    wanted = {"relationship.representative"}
    if "owners" in expected.persons:
        wanted.add("relationship.owner")
    if "directors" in expected.persons:
        wanted.add("relationship.director")
    assert role_entries == wanted


# ---- (3) partial data --------------------------------------------------------------------------


def _names_and_birth_dates(descriptions: frozenset[str]) -> frozenset[str]:
    return frozenset(
        d for d in descriptions if d.endswith(("given_name", "surname")) or "date_of_birth." in d
    )


@pytest.mark.parametrize("country", INDIVIDUAL_CODES)
def test_individual_with_name_and_birth_date(country: str) -> None:
    expected = COUNTRIES[country]
    assert expected.individual is not None
    given = _names_and_birth_dates(expected.individual)
    assert len(given) in (5, 7)  # Latin (2) or kana + kanji (4) names, and day, month, year
    document = fill_all(fresh(country, "individual", "merchant"), given, expected)

    result = evaluate(facts(document), rules(), NOW)

    past_due = {
        d for (d, _), s in statuses(result.requirements["entries"]).items() if s == "past_due"
    }
    assert past_due == expected.individual - given
    assert not past_due & given


@pytest.mark.parametrize("country", CODES)
def test_company_with_name_and_representative_identity(country: str) -> None:
    expected = COUNTRIES[country]
    rep_given = _names_and_birth_dates(expected.persons["representative"])
    assert len(rep_given) in (5, 7)
    document = fill_all(
        fresh(country, "company", "recipient"),
        ["identity.business_details.registered_name"],
        expected,
    )
    persons = filled_persons(expected, {"representative": rep_given})

    result = evaluate(facts(document, persons), rules(), NOW)

    persons_left = dict(expected.persons)
    persons_left["representative"] = expected.persons["representative"] - rep_given
    expected_entries = _expected_company(
        replace(expected, persons=persons_left),
        expected.company - {"identity.business_details.registered_name"},
        expected.company_later,
    )
    assert statuses(result.requirements["entries"]) == expected_entries


# ---- (4) everything provided -------------------------------------------------------------------


@pytest.mark.parametrize("country", INDIVIDUAL_CODES)
def test_individual_with_every_minimum_field_is_active(country: str) -> None:
    expected = COUNTRIES[country]
    assert expected.individual is not None
    document = fill_all(
        fresh(country, "individual", "merchant", "recipient"), expected.individual, expected
    )

    result = evaluate(facts(document), rules(), NOW)

    assert statuses(result.requirements["entries"]) == {
        (d, None): "eventually_due" for d in expected.individual_later
    }
    assert set(_capabilities(result)) == ALL_FOUR
    assert all(status == ACTIVE for status in _capabilities(result).values())

    # ... and with the `additional` fields too, nothing at all is left.
    complete = fill_all(document, expected.individual_later, expected)
    assert evaluate(facts(complete), rules(), NOW).requirements["entries"] == []


@pytest.mark.parametrize("country", CODES)
def test_company_with_every_minimum_field_and_persons_is_active(country: str) -> None:
    expected = COUNTRIES[country]
    document = fill_all(
        fresh(country, "company", "merchant", "recipient"),
        expected.company | expected.merchant_only,
        expected,
    )
    persons = filled_persons(expected)

    result = evaluate(facts(document, persons), rules(), NOW)

    assert statuses(result.requirements["entries"]) == _expected_company(
        replace(expected, persons={}), frozenset(), expected.company_later
    )
    assert set(_capabilities(result)) == ALL_FOUR
    assert all(status == ACTIVE for status in _capabilities(result).values())

    everything = {
        role: expected.persons.get(role, frozenset())
        | expected.persons_later.get(role, frozenset())
        for role in company_roles(expected)
    }
    complete = fill_all(document, expected.company_later, expected)
    final = evaluate(facts(complete, filled_persons(expected, everything)), rules(), NOW)
    assert final.requirements["entries"] == []


@pytest.mark.parametrize("country", CODES)
def test_attestations_stand_in_for_missing_owners_and_directors(country: str) -> None:
    """Every person field provided, attestations given, but only a representative: the role
    rules are waived by the attestations, so nothing is due at once."""
    expected = COUNTRIES[country]
    document = fill_all(fresh(country, "company", "recipient"), expected.company, expected)
    document["identity"]["attestations"].setdefault("persons_provided", {}).update(
        {"owners": True, "directors": True, "executives": True}
    )
    representative = [p for p in filled_persons(expected) if p["id"] == PERSON_ID["representative"]]

    result = evaluate(facts(document, representative), rules(), NOW)

    assert {s for s in statuses(result.requirements["entries"]).values()} <= {"eventually_due"}
    assert result.capabilities["recipient"]["stripe_balance.stripe_transfers"] == ACTIVE


# ---- (5) unsupported entity types -------------------------------------------------------------

UNSUPPORTED = [
    (cc, entity)
    for cc in CODES
    for entity in ("individual", "non_profit", "government_entity")
    if entity != "individual" or COUNTRIES[cc].individual is None
]


@pytest.mark.parametrize(("country", "entity_type"), UNSUPPORTED)
def test_unsupported_entity_types(country: str, entity_type: str) -> None:
    result = evaluate(facts(fresh(country, entity_type, "merchant", "recipient")), rules(), NOW)

    unsupported = {
        "status": "unsupported",
        "status_details": [{"code": "unsupported_entity_type", "resolution": "contact_stripe"}],
    }
    assert result.requirements["entries"] == []
    assert _capabilities(result) == dict.fromkeys(ALL_FOUR, unsupported)


def test_only_the_uae_refuses_individuals() -> None:
    refusing = [cc for cc, _ in UNSUPPORTED if _ == "individual"]
    assert refusing == ["ae"]
    assert SUPPORT_PHONE in COUNTRIES["ae"].merchant_only
