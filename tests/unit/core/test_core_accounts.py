"""Account documents: building, merging, who collects requirements, and the cross-field rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gangway.core.accounts import (
    applied_configurations,
    check_account,
    merge_account,
    merge_document,
    new_account_document,
    requirements_collector,
)
from gangway.core.errors import InvalidRequest

APP = {"fees_collector": "application", "losses_collector": "application"}
STRIPE = {"fees_collector": "stripe", "losses_collector": "stripe"}


def _payouts(document: dict[str, Any], name: str) -> Any:
    return document["configuration"][name]["capabilities"]["stripe_balance"]["payouts"]


# new_account_document ---------------------------------------------------------------------------

PAYOUTS_IMPLIED = [
    # (configuration name, capabilities asked for, payouts requested?)
    ("merchant", {"card_payments": {"requested": True}}, True),
    ("merchant", {"ach_debit_payments": {"requested": True}}, True),
    ("merchant", {"bacs_debit_payments": {"requested": True}, "card_payments": {"requested": False}}, True),
    ("merchant", {"card_payments": {"requested": False}}, False),
    ("merchant", {}, False),
    ("merchant", None, False),  # no capabilities key at all
    ("recipient", {"stripe_balance": {"stripe_transfers": {"requested": True}}}, True),
    ("recipient", {"stripe_balance": {"stripe_transfers": {"requested": False}}}, False),
    ("recipient", {"bank_accounts": {"local": {"requested": True}}}, False),
    ("recipient", {"cards": {"requested": True}}, False),
    ("recipient", {}, False),
]  # fmt: skip


@pytest.mark.parametrize(("name", "capabilities", "payouts"), PAYOUTS_IMPLIED)
def test_new_document_applies_configurations_and_implies_payouts(
    name: str, capabilities: dict[str, Any] | None, payouts: bool
) -> None:
    config = {} if capabilities is None else {"capabilities": copy.deepcopy(capabilities)}
    document = new_account_document({"configuration": {name: config}})
    expected = copy.deepcopy(capabilities or {})
    expected.setdefault("stripe_balance", {})["payouts"] = {"requested": payouts}
    assert document["configuration"][name] == {"applied": True, "capabilities": expected}


def test_new_document_gives_customers_no_balance_capability() -> None:
    document = new_account_document(
        {
            "configuration": {
                "customer": {"capabilities": {"automatic_indirect_tax": {"requested": True}}}
            }
        }
    )
    assert document["configuration"]["customer"] == {
        "applied": True,
        "capabilities": {"automatic_indirect_tax": {"requested": True}},
    }


def test_new_document_drops_request_only_keys_and_keeps_the_rest() -> None:
    params = {
        "display_name": "Dunder Mifflin",
        "contact_email": "a@example.com",
        "include": ["identity"],
        "account_token": "accttok_1",
        "metadata": {"order": "1"},
    }
    assert new_account_document(params) == {
        "display_name": "Dunder Mifflin",
        "contact_email": "a@example.com",
        "metadata": {"order": "1"},
    }
    assert applied_configurations(new_account_document(params)) == []


def test_applied_configurations_are_listed_in_canonical_order() -> None:
    document = new_account_document(
        {"configuration": {"recipient": {}, "customer": {}, "merchant": {}}}
    )
    assert applied_configurations(document) == ["customer", "merchant", "recipient"]
    document["configuration"]["merchant"]["applied"] = False
    assert applied_configurations(document) == ["customer", "recipient"]


# merge_document ---------------------------------------------------------------------------------

MERGES = {
    "metadata null unsets, others kept, new added": (
        {"metadata": {"a": "1", "b": "2"}},
        {"metadata": {"a": None, "c": "3"}},
        {"metadata": {"b": "2", "c": "3"}},
    ),
    "metadata null for an absent key is no error": (
        {},
        {"metadata": {"gone": None, "kept": "x"}},
        {"metadata": {"kept": "x"}},
    ),
    "id_numbers add a new type": (
        {"id_numbers": [{"type": "us_ssn_last_4", "value": "1234"}]},
        {"id_numbers": [{"type": "us_ssn", "value": "536904399"}]},
        {"id_numbers": [{"type": "us_ssn_last_4", "value": "1234"}, {"type": "us_ssn", "value": "536904399"}]},
    ),
    "id_numbers replace the same type": (
        {"id_numbers": [{"type": "us_ssn_last_4", "value": "1234"}, {"type": "us_itin", "value": "9"}]},
        {"id_numbers": [{"type": "us_ssn_last_4", "value": "9999"}]},
        {"id_numbers": [{"type": "us_ssn_last_4", "value": "9999"}, {"type": "us_itin", "value": "9"}]},
    ),
    "id_numbers nested in identity merge too": (
        {"identity": {"individual": {"id_numbers": [{"type": "us_ssn_last_4", "value": "1234"}]}}},
        {"identity": {"individual": {"id_numbers": [{"type": "us_itin", "value": "912903456"}]}}},
        {"identity": {"individual": {"id_numbers": [
            {"type": "us_ssn_last_4", "value": "1234"}, {"type": "us_itin", "value": "912903456"}
        ]}}},
    ),
    "lists replace": (
        {"defaults": {"locales": ["en-US", "fr-FR"]}, "additional_addresses": [{"city": "A"}, {"city": "B"}]},
        {"defaults": {"locales": ["de-DE"]}, "additional_addresses": [{"city": "C"}]},
        {"defaults": {"locales": ["de-DE"]}, "additional_addresses": [{"city": "C"}]},
    ),
    "nested objects merge": (
        {"identity": {"country": "us", "individual": {"given_name": "Jenny", "surname": "Rosen",
                                                      "address": {"city": "SF", "state": "CA"}}}},
        {"identity": {"individual": {"given_name": "Jen", "address": {"line1": "1 Main St"}}}},
        {"identity": {"country": "us", "individual": {"given_name": "Jen", "surname": "Rosen",
                                                      "address": {"city": "SF", "state": "CA", "line1": "1 Main St"}}}},
    ),
    "scalars replace and new keys are added": (
        {"display_name": "Old", "dashboard": "none"},
        {"display_name": "New", "contact_email": "a@example.com"},
        {"display_name": "New", "dashboard": "none", "contact_email": "a@example.com"},
    ),
    "an object replaces a scalar and a scalar replaces an object": (
        {"a": "text", "b": {"x": 1}},
        {"a": {"y": 2}, "b": "text"},
        {"a": {"y": 2}, "b": "text"},
    ),
    "null outside metadata is stored as null": (
        {"display_name": "Old"},
        {"display_name": None},
        {"display_name": None},
    ),
}  # fmt: skip


@pytest.mark.parametrize(("base", "patch", "expected"), MERGES.values(), ids=MERGES.keys())
def test_merge_document(
    base: dict[str, Any], patch: dict[str, Any], expected: dict[str, Any]
) -> None:
    base_before, patch_before = copy.deepcopy(base), copy.deepcopy(patch)
    merged = merge_document(base, patch)
    assert merged == expected
    assert (base, patch) == (base_before, patch_before), "inputs must not be changed"


def test_merged_document_shares_nothing_with_its_inputs() -> None:
    base = {"identity": {"individual": {"address": {"city": "SF"}}}, "list": [{"a": 1}]}
    patch = {"id_numbers": [{"type": "us_ssn", "value": "1"}], "other": [{"b": 2}]}
    merged = merge_document(base, patch)
    merged["identity"]["individual"]["address"]["city"] = "LA"
    merged["list"][0]["a"] = 99
    merged["id_numbers"][0]["value"] = "2"
    merged["other"][0]["b"] = 99
    assert base == {"identity": {"individual": {"address": {"city": "SF"}}}, "list": [{"a": 1}]}
    assert patch == {"id_numbers": [{"type": "us_ssn", "value": "1"}], "other": [{"b": 2}]}


# merge_account ----------------------------------------------------------------------------------


def _merchant(applied: bool = True) -> dict[str, Any]:
    return {
        "contact_email": "a@example.com",
        "configuration": {
            "merchant": {
                "applied": applied,
                "capabilities": {
                    "card_payments": {"requested": True},
                    "stripe_balance": {"payouts": {"requested": True}},
                },
            }
        },
    }


@pytest.mark.parametrize(
    "config_patch",
    [
        {"capabilities": {"ach_debit_payments": {"requested": True}}},
        {"mcc": "5734"},
        {"applied": False, "mcc": "5734"},
    ],
)
def test_merge_refuses_settings_on_a_deactivated_configuration(
    config_patch: dict[str, Any],
) -> None:
    document = _merchant(applied=False)
    with pytest.raises(InvalidRequest) as info:
        merge_account(document, {"configuration": {"merchant": config_patch}})
    error = info.value
    assert error.code == "configuration_cannot_be_updated_while_deactivated"
    assert error.param == "configuration[merchant]"
    assert error.status == 400
    assert document == _merchant(applied=False)


def test_merge_reactivates_and_changes_settings_in_one_request() -> None:
    merged = merge_account(
        _merchant(applied=False),
        {"configuration": {"merchant": {"applied": True, "mcc": "5734"}}},
    )
    assert merged["configuration"]["merchant"]["applied"] is True
    assert merged["configuration"]["merchant"]["mcc"] == "5734"


def test_merge_deactivates_a_configuration_and_keeps_its_settings() -> None:
    merged = merge_account(_merchant(), {"configuration": {"merchant": {"applied": False}}})
    assert merged["configuration"]["merchant"]["applied"] is False
    assert merged["configuration"]["merchant"]["capabilities"]["card_payments"] == {
        "requested": True
    }
    assert applied_configurations(merged) == []


def test_merge_leaves_a_deactivated_configuration_alone_when_not_named() -> None:
    merged = merge_account(_merchant(applied=False), {"display_name": "New"})
    assert merged["configuration"]["merchant"]["applied"] is False
    assert merged["display_name"] == "New"


def test_merge_applies_a_configuration_that_the_patch_adds_or_changes() -> None:
    merged = merge_account(
        _merchant(), {"configuration": {"recipient": {}, "merchant": {"mcc": "5734"}}}
    )
    assert applied_configurations(merged) == ["merchant", "recipient"]
    assert _payouts(merged, "recipient") == {"requested": False}


def test_merge_recomputes_implied_payouts() -> None:
    recipient = new_account_document({"configuration": {"recipient": {}}})
    assert _payouts(recipient, "recipient") == {"requested": False}
    transfers = {"capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}}
    merged = merge_account(recipient, {"configuration": {"recipient": transfers}})
    assert _payouts(merged, "recipient") == {"requested": True}
    merged = merge_account(merged, {"configuration": {"recipient": {"capabilities": {
        "stripe_balance": {"stripe_transfers": {"requested": False}}}}}})  # fmt: skip
    assert _payouts(merged, "recipient") == {"requested": False}


def test_merge_drops_request_only_keys_and_unsets_metadata() -> None:
    document = {"display_name": "Old", "metadata": {"a": "1", "b": "2"}}
    merged = merge_account(
        document, {"include": ["identity"], "account_token": "t", "metadata": {"a": None}}
    )
    assert merged == {"display_name": "Old", "metadata": {"b": "2"}}
    assert document == {"display_name": "Old", "metadata": {"a": "1", "b": "2"}}


# requirements_collector -------------------------------------------------------------------------

RESPONSIBILITIES = {
    "none": None,
    "application/application": APP,
    "application_custom/application": {
        "fees_collector": "application_custom",
        "losses_collector": "application",
    },
    "application_express/application": {
        "fees_collector": "application_express",
        "losses_collector": "application",
    },
    "stripe/stripe": STRIPE,
    "application/stripe": {"fees_collector": "application", "losses_collector": "stripe"},
    "stripe/application": {"fees_collector": "stripe", "losses_collector": "application"},
}
PLATFORM_COLLECTS = {
    "application/application", "application_custom/application", "application_express/application",
}  # fmt: skip
COLLECTOR_CASES = [
    (dashboard, name, "application" if dashboard in (None, "none") and name in PLATFORM_COLLECTS else "stripe")
    for dashboard in (None, "none", "express", "full")
    for name in RESPONSIBILITIES
]  # fmt: skip


@pytest.mark.parametrize(("dashboard", "responsibilities", "collector"), COLLECTOR_CASES)
def test_requirements_collector(
    dashboard: str | None, responsibilities: str, collector: str
) -> None:
    document: dict[str, Any] = {}
    if dashboard is not None:
        document["dashboard"] = dashboard
    if RESPONSIBILITIES[responsibilities] is not None:
        document["defaults"] = {"responsibilities": RESPONSIBILITIES[responsibilities]}
    assert requirements_collector(document) == collector


def test_requirements_collector_with_defaults_but_no_responsibilities_is_stripe() -> None:
    assert (
        requirements_collector({"dashboard": "none", "defaults": {"currency": "usd"}}) == "stripe"
    )


# check_account ----------------------------------------------------------------------------------


def _doc(
    *,
    dashboard: str | None = None,
    responsibilities: dict[str, str] | None = None,
    configs: tuple[str, ...] = ("merchant",),
    contact_email: str | None = "a@example.com",
    identity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"configuration": {name: {} for name in configs}}
    if dashboard is not None:
        params["dashboard"] = dashboard
    if responsibilities is not None:
        params["defaults"] = {"responsibilities": responsibilities}
    if contact_email is not None:
        params["contact_email"] = contact_email
    if identity is not None:
        params["identity"] = identity
    return params


def _refusal(
    document: dict[str, Any], params: dict[str, Any], previous: dict[str, Any] | None
) -> tuple[str | None, str | None]:
    with pytest.raises(InvalidRequest) as info:
        check_account(document, params, previous=previous)
    assert info.value.status == 400
    return info.value.code, info.value.param


EXPRESS = "account_controller_express_dash_without_application_losses_or_fees"
LIABLE = "account_controller_stripe_pricing_platform_liable"
UNSUPPORTED = "account_controller_unsupported_configuration"
RESP = "defaults[responsibilities]"

REFUSED_ON_CREATE = {
    "express without responsibilities": (_doc(dashboard="express"), EXPRESS, RESP),
    "express with stripe/stripe": (_doc(dashboard="express", responsibilities=STRIPE), EXPRESS, RESP),
    "express with application fees, stripe losses": (
        _doc(dashboard="express", responsibilities={"fees_collector": "application", "losses_collector": "stripe"}),
        EXPRESS, RESP),
    "express with stripe fees, application losses": (
        _doc(dashboard="express", responsibilities={"fees_collector": "stripe", "losses_collector": "application"}),
        EXPRESS, RESP),
    "application losses with stripe fees": (
        _doc(dashboard="none", responsibilities={"fees_collector": "stripe", "losses_collector": "application"}),
        LIABLE, f"{RESP}[fees_collector]"),
    "application losses with stripe fees, no dashboard given": (
        _doc(responsibilities={"fees_collector": "stripe", "losses_collector": "application"}),
        LIABLE, f"{RESP}[fees_collector]"),
    "full dashboard with application/application": (
        _doc(dashboard="full", responsibilities=APP), UNSUPPORTED, RESP),
    "full dashboard with application fees, stripe losses": (
        _doc(dashboard="full", responsibilities={"fees_collector": "application", "losses_collector": "stripe"}),
        UNSUPPORTED, RESP),
    "full dashboard with stripe fees, application losses": (
        _doc(dashboard="full", responsibilities={"fees_collector": "stripe", "losses_collector": "application"}),
        LIABLE, f"{RESP}[fees_collector]"),
    "responsibilities on a customer-only account": (
        _doc(responsibilities=APP, configs=("customer",)), "unsupported_field_for_configs", RESP),
    "responsibilities on an unconfigured account": (
        _doc(responsibilities=STRIPE, configs=()), "unsupported_field_for_configs", RESP),
    "identity individual on a customer-only account": (
        _doc(configs=("customer",), identity={"country": "us", "individual": {"given_name": "J"}}),
        "unsupported_identity_field_for_configs", "identity[individual]"),
    "identity business details on a customer-only account": (
        _doc(configs=("customer",), identity={"country": "us", "business_details": {"doing_business_as": "J"}}),
        "unsupported_identity_field_for_configs", "identity[business_details]"),
    "entity type without country": (
        _doc(identity={"entity_type": "company"}), "identity_country_required", "identity[country]"),
    "individual without country": (
        _doc(identity={"individual": {"given_name": "J"}}), "identity_country_required", "identity[country]"),
    "business details without country": (
        _doc(identity={"business_details": {"doing_business_as": "J"}}), "identity_country_required", "identity[country]"),
    "individual details on a company": (
        _doc(identity={"country": "us", "entity_type": "company", "individual": {"given_name": "J"}}),
        "entity_type_not_individual", "identity[individual]"),
    "individual details on a non-profit": (
        _doc(identity={"country": "us", "entity_type": "non_profit", "individual": {"given_name": "J"}}),
        "entity_type_not_individual", "identity[individual]"),
    "merchant without contact email": (
        _doc(contact_email=None), "parameter_missing", "contact_email"),
    "recipient without contact email": (
        _doc(configs=("recipient",), contact_email=None), "parameter_missing", "contact_email"),
    "merchant with an empty contact email": (
        _doc(contact_email=""), "parameter_missing", "contact_email"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "code", "param"), REFUSED_ON_CREATE.values(), ids=REFUSED_ON_CREATE.keys()
)
def test_check_account_refuses_on_create(params: dict[str, Any], code: str, param: str) -> None:
    document = new_account_document(copy.deepcopy(params))
    assert _refusal(document, params, None) == (code, param)


ACCEPTED_ON_CREATE = {
    "nothing at all": {},
    "display name only": {"display_name": "Dunder Mifflin"},
    "express with application/application": _doc(dashboard="express", responsibilities=APP),
    "express with application_express fees": _doc(
        dashboard="express",
        responsibilities={"fees_collector": "application_express", "losses_collector": "application"}),
    "full dashboard with stripe/stripe": _doc(dashboard="full", responsibilities=STRIPE),
    "full dashboard without responsibilities": _doc(dashboard="full"),
    "no dashboard, application/application": _doc(dashboard="none", responsibilities=APP),
    "application fees, stripe losses": _doc(
        dashboard="none", responsibilities={"fees_collector": "application", "losses_collector": "stripe"}),
    "responsibilities on a recipient": _doc(responsibilities=APP, configs=("recipient",)),
    "responsibilities on customer and merchant": _doc(responsibilities=APP, configs=("customer", "merchant")),
    "customer without contact email": _doc(configs=("customer",), contact_email=None),
    "country alone on a customer-only account": _doc(configs=("customer",), identity={"country": "us"}),
    "individual on an individual": _doc(
        identity={"country": "us", "entity_type": "individual", "individual": {"given_name": "J"}}),
    "individual without entity type": _doc(identity={"country": "us", "individual": {"given_name": "J"}}),
    "company without individual": _doc(identity={"country": "us", "entity_type": "company"}),
}  # fmt: skip


@pytest.mark.parametrize("params", ACCEPTED_ON_CREATE.values(), ids=ACCEPTED_ON_CREATE.keys())
def test_check_account_accepts_on_create(params: dict[str, Any]) -> None:
    check_account(new_account_document(copy.deepcopy(params)), params, previous=None)


def _update(previous: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return merge_account(previous, params)


def test_identity_country_cannot_change_once_set() -> None:
    previous = new_account_document(_doc(identity={"country": "us"}))
    params = {"identity": {"country": "gb"}}
    assert _refusal(_update(previous, params), params, previous) == (
        "immutable_identity_param",
        "identity[country]",
    )


@pytest.mark.parametrize("country", ["us", "US", "Us"])
def test_identity_country_may_be_repeated_in_any_case(country: str) -> None:
    previous = new_account_document(_doc(identity={"country": "us"}))
    params = {"identity": {"country": country, "entity_type": "individual"}}
    check_account(_update(previous, params), params, previous=previous)


def test_identity_country_may_be_set_later_when_it_was_never_set() -> None:
    previous = new_account_document(_doc())
    params = {"identity": {"country": "gb"}}
    check_account(_update(previous, params), params, previous=previous)


def test_a_country_set_earlier_satisfies_identity_country_required() -> None:
    previous = new_account_document(_doc(identity={"country": "us"}))
    params = {"identity": {"individual": {"given_name": "Jenny"}}}
    check_account(_update(previous, params), params, previous=previous)


def test_switching_an_account_with_an_individual_to_company_is_refused() -> None:
    previous = new_account_document(
        _doc(
            identity={
                "country": "us",
                "entity_type": "individual",
                "individual": {"given_name": "J"},
            }
        )
    )
    params = {"identity": {"entity_type": "company"}}
    assert _refusal(_update(previous, params), params, previous) == (
        "entity_type_not_individual",
        "identity[individual]",
    )


def test_responsibilities_stored_earlier_are_not_rechecked_against_configurations() -> None:
    # unsupported_field_for_configs is about what this request sets, not what is stored.
    previous = new_account_document(_doc(responsibilities=APP))
    params = {"configuration": {"merchant": {"applied": False}}, "contact_email": "b@example.com"}
    check_account(_update(previous, params), params, previous=previous)


def test_setting_responsibilities_after_deactivating_the_merchant_is_refused() -> None:
    previous = merge_account(
        new_account_document(_doc(responsibilities=APP)),
        {"configuration": {"merchant": {"applied": False}}},
    )
    params = {"defaults": {"responsibilities": STRIPE}}
    assert _refusal(_update(previous, params), params, previous) == (
        "unsupported_field_for_configs",
        RESP,
    )


def test_contact_email_is_not_required_for_a_deactivated_merchant() -> None:
    previous = new_account_document(_doc())
    params: dict[str, Any] = {"configuration": {"merchant": {"applied": False}}}
    document = _update(previous, params)
    document.pop("contact_email")
    check_account(document, params, previous=previous)


def test_adding_a_recipient_to_a_customer_without_email_needs_the_email() -> None:
    previous = new_account_document(_doc(configs=("customer",), contact_email=None))
    params: dict[str, Any] = {"configuration": {"recipient": {}}}
    assert _refusal(_update(previous, params), params, previous) == (
        "parameter_missing",
        "contact_email",
    )
