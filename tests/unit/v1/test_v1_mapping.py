"""The pure v1 translation: params to v2, v2 requirement entries to v1 field names, the v1
Account object."""

from __future__ import annotations

from typing import Any

import pytest

from gangway.core.errors import InvalidRequest
from gangway.requirements import Evaluation
from gangway.store.repos.accounts import AccountRecord
from gangway.v1 import accounts_params, render
from gangway.v1.requirement_fields import V2_TO_V1, v1_field, v1_field_of_entry


def entry(description: str, status: str, *, who: str = "user", person: str | None = None) -> Any:
    return {
        "description": description,
        "awaiting_action_from": who,
        "minimum_deadline": {"status": status},
        "errors": [],
        "reference": {"type": "person", "resource": person} if person else None,
    }


@pytest.mark.parametrize(
    ("v2", "v1"),
    [
        ("identity.entity_type", "business_type"),
        ("external_account", "external_account"),
        ("identity.attestations.terms_of_service.account.date", "tos_acceptance.date"),
        ("identity.attestations.terms_of_service.account.ip", "tos_acceptance.ip"),
        ("configuration.merchant.mcc", "business_profile.mcc"),
        ("defaults.profile.business_url", "business_profile.url"),
        ("identity.individual.given_name", "individual.first_name"),
        ("identity.individual.id_numbers", "individual.id_number"),
        ("identity.individual.id_numbers.us_ssn_last_4", "individual.ssn_last_4"),
        ("identity.business_details.id_numbers", "company.tax_id"),
        ("identity.business_details.id_numbers.au_acn", "company.tax_id"),
        ("identity.business_details.registered_name", "company.name"),
        ("something.gangway.does.not.map", "something.gangway.does.not.map"),
    ],
)
def test_account_descriptions_map_to_v1_fields(v2: str, v1: str) -> None:
    assert v1_field(v2) == v1


def test_person_entries_are_prefixed_with_the_person_id() -> None:
    assert v1_field("date_of_birth.day", "person_abc") == "person_abc.dob.day"
    assert v1_field("documents.primary_verification", "person_abc") == (
        "person_abc.verification.document"
    )
    assert v1_field("representative.date_of_birth.day", "person_abc") == "person_abc.dob.day"
    assert v1_field("representative.id_numbers.us_ssn_last_4", "p") == "p.ssn_last_4"
    assert v1_field_of_entry(entry("given_name", "currently_due", person="person_x")) == (
        "person_x.first_name"
    )


def test_the_table_is_one_to_one_on_the_v2_side() -> None:
    assert V2_TO_V1["identity.individual.documents.primary_verification"] == (
        "individual.verification.document"
    )
    assert len(V2_TO_V1) == len(set(V2_TO_V1))


def test_requirements_nest_past_due_in_currently_due_in_eventually_due() -> None:
    section = {
        "entries": [
            entry("identity.entity_type", "past_due"),
            entry("external_account", "currently_due"),
            entry("defaults.profile.business_url", "eventually_due"),
            entry("identity.individual.given_name", "currently_due", who="stripe"),
        ],
        "alternatives": None,
        "summary": {"minimum_deadline": {"status": "past_due", "time": "2026-01-01T00:00:00.000Z"}},
    }
    v1 = render.requirements(section)
    assert v1["past_due"] == ["business_type"]
    assert v1["currently_due"] == ["business_type", "external_account"]
    assert v1["eventually_due"] == ["business_type", "external_account", "business_profile.url"]
    assert v1["pending_verification"] == ["individual.first_name"]
    assert v1["disabled_reason"] == "requirements.past_due"
    assert v1["current_deadline"] == 1767225600


def test_create_params_for_a_custom_account() -> None:
    params, expand = accounts_params.to_create_params(
        {
            "type": "custom",
            "country": "US",
            "email": "j@example.com",
            "business_profile": {"mcc": "5734", "url": "https://example.com", "name": "J"},
            "capabilities": {"card_payments": {"requested": "true"}},
            "metadata": {"a": "1", "b": ""},
            "tos_acceptance": {"date": "1700000000", "ip": "203.0.113.7"},
            "expand": ["external_accounts"],
        }
    )
    assert expand == ["external_accounts"]
    assert params["dashboard"] == "none"
    assert params["defaults"]["responsibilities"] == {
        "fees_collector": "application_custom",
        "losses_collector": "application",
    }
    assert params["identity"]["country"] == "us"
    assert params["contact_email"] == "j@example.com"
    assert params["display_name"] == "J"
    assert params["configuration"]["merchant"]["mcc"] == "5734"
    assert params["configuration"]["merchant"]["capabilities"]["card_payments"] == {
        "requested": True
    }
    assert params["metadata"] == {"a": "1"}
    assert params["identity"]["attestations"]["terms_of_service"]["account"] == {
        "date": "2023-11-14T22:13:20.000Z",
        "ip": "203.0.113.7",
    }


def test_update_params_unset_with_empty_strings() -> None:
    current = {"metadata": {"a": "1", "b": "2"}}
    params, _ = accounts_params.to_update_params({"metadata": {"a": ""}}, current)
    assert params == {"metadata": {"a": None}}
    params, _ = accounts_params.to_update_params({"metadata": ""}, current)
    assert params == {"metadata": {"a": None, "b": None}}
    params, _ = accounts_params.to_update_params({"business_profile": {"url": ""}}, current)
    assert params == {"defaults": {"profile": {"business_url": None}}}


@pytest.mark.parametrize(
    ("v1", "param"),
    [
        ({"type": "custom", "country": "US"}, "capabilities"),
        ({"individual": {"nickname": "J"}}, "individual[nickname]"),
        ({"company": {"ownership_exemption_reason": "x"}}, "company[ownership_exemption_reason]"),
        ({"country": "US", "individual": {"ssn_last_4": "1234"}, "type": "custom"}, "capabilities"),
        ({"country": "FR", "individual": {"ssn_last_4": "1234"}}, "individual[ssn_last_4]"),
        ({"colour": "blue"}, "colour"),
        ({"capabilities": {"card_payments": {"requested": "yes"}}}, None),
        ({"type": "standard", "controller": {"fees": {"payer": "account"}}}, "controller"),
        ({"expand": ["owner"]}, "expand[0]"),
        ({"tos_acceptance": {"date": "1"}}, "tos_acceptance[ip]"),
    ],
)
def test_what_cannot_be_mapped_is_a_400_naming_the_v1_param(
    v1: dict[str, Any], param: str | None
) -> None:
    with pytest.raises(InvalidRequest) as excinfo:
        accounts_params.to_create_params(v1)
    assert excinfo.value.param == (param or "capabilities[card_payments][requested]")


def test_service_params_are_named_back_in_v1() -> None:
    assert accounts_params.v1_param("contact_email") == "email"
    assert accounts_params.v1_param("identity[attestations][terms_of_service][account][ip]") == (
        "tos_acceptance[ip]"
    )
    assert accounts_params.v1_param("metadata[k]") == "metadata[k]"
    assert accounts_params.v1_param("configuration[merchant][mcc]") == "business_profile[mcc]"
    assert accounts_params.v1_param("identity[individual][email]") == "individual[email]"
    assert accounts_params.v1_param("identity[individual][date_of_birth][year]") == (
        "individual[dob][year]"
    )
    assert accounts_params.v1_param("identity[business_details][registered_name]") == (
        "company[name]"
    )


def test_render_a_v1_account_from_the_record_and_its_evaluation() -> None:
    record = AccountRecord(
        id="acct_1",
        platform_id="plat",
        livemode=False,
        created_ms=1_700_000_000_123,
        updated_ms=1_700_000_000_123,
        closed=False,
        document={
            "contact_email": "j@example.com",
            "display_name": "J",
            "dashboard": "express",
            "identity": {"country": "us", "entity_type": "individual"},
            "defaults": {
                "responsibilities": {
                    "fees_collector": "application_express",
                    "losses_collector": "application",
                }
            },
            "configuration": {
                "merchant": {
                    "applied": True,
                    "capabilities": {"card_payments": {"requested": True}},
                }
            },
        },
    )
    evaluation = Evaluation(
        requirements={"entries": [], "alternatives": None, "summary": None},
        future_requirements={"entries": [], "alternatives": None, "minimum_transition_date": None},
        capabilities={
            "merchant": {"card_payments": {"status": "active"}, "stripe_balance.payouts": {}}
        },
        next_change_ms=None,
    )
    wire = render.account(record, evaluation)
    assert wire["type"] == "express"
    assert wire["country"] == "US"
    assert wire["created"] == 1_700_000_000
    assert wire["capabilities"] == {"card_payments": "active"}
    assert wire["charges_enabled"] is True and wire["payouts_enabled"] is False
    assert wire["details_submitted"] is True
    assert wire["controller"]["fees"]["payer"] == "application_express"
    assert wire["controller"]["requirement_collection"] == "stripe"
    assert wire["requirements"]["currently_due"] == []
