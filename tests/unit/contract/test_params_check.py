"""params.check: each error kind with its exact code, param and message, and what passes."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from gangway.contract import load
from gangway.contract.params import check, expect_object
from gangway.core.errors import InvalidRequest

LONG = "x" * 5001
LINK_BASE: dict[str, Any] = {"account": "acct_1", "use_case": {"type": "account_onboarding"}}


def _link(**onboarding: Any) -> dict[str, Any]:
    body = copy.deepcopy(LINK_BASE)
    body["use_case"]["account_onboarding"] = {"refresh_url": "https://example.com/r", **onboarding}
    return body


def _individual(**fields: Any) -> dict[str, Any]:
    return {"identity": {"individual": fields}}


# (id, params name, body, code, param, exact message or None)
ERRORS: list[tuple[str, str, Any, str, str | None, str | None]] = [
    (
        "body-list",
        "AccountCreateParams",
        [],
        "parameter_invalid_type",
        None,
        "Invalid request body: expected a JSON object",
    ),
    ("body-null", "AccountCreateParams", None, "parameter_invalid_type", None, None),
    (
        "unknown-top",
        "AccountCreateParams",
        {"foo": 1},
        "parameter_unknown",
        "foo",
        "Received unknown parameter: foo",
    ),
    (
        "unknown-nested",
        "AccountCreateParams",
        _individual(foo="x"),
        "parameter_unknown",
        "identity[individual][foo]",
        "Received unknown parameter: identity[individual][foo]",
    ),
    (
        "unknown-smallest-first",
        "AccountCreateParams",
        {"zzz": 1, "aaa": 1},
        "parameter_unknown",
        "aaa",
        None,
    ),
    (
        "unknown-before-values",
        "AccountCreateParams",
        {"dashboard": "bad", "zzz": 1},
        "parameter_unknown",
        "zzz",
        None,
    ),
    (
        "missing-top",
        "AccountLinkCreateParams",
        {"use_case": {"type": "account_update"}},
        "parameter_missing",
        "account",
        "Missing required param: account.",
    ),
    (
        "missing-in-array",
        "AccountCreateParams",
        _individual(id_numbers=[{"type": "us_ssn"}]),
        "parameter_missing",
        "identity[individual][id_numbers][0][value]",
        None,
    ),
    (
        "string-type",
        "AccountCreateParams",
        _individual(given_name=3),
        "parameter_invalid_type",
        "identity[individual][given_name]",
        "Invalid string: identity[individual][given_name] must be a string",
    ),
    (
        "object-type",
        "AccountCreateParams",
        {"identity": "x"},
        "parameter_invalid_type",
        "identity",
        "Invalid object: identity must be an object",
    ),
    (
        "array-type",
        "AccountRetrieveParams",
        {"include": "identity"},
        "parameter_invalid_type",
        "include",
        "Invalid array: include must be an array",
    ),
    (
        "boolean-type",
        "AccountListParams",
        {"closed": "true"},
        "parameter_invalid_type",
        "closed",
        "Invalid boolean: closed must be true or false",
    ),
    (
        "integer-type-string",
        "AccountCreateParams",
        _individual(date_of_birth={"day": "1", "month": 1, "year": 1990}),
        "parameter_invalid_integer",
        "identity[individual][date_of_birth][day]",
        "Invalid integer: identity[individual][date_of_birth][day] must be an integer",
    ),
    (
        "integer-type-bool",
        "AccountListParams",
        {"limit": True},
        "parameter_invalid_integer",
        "limit",
        None,
    ),
    (
        "integer-type-float",
        "AccountListParams",
        {"limit": 2.0},
        "parameter_invalid_integer",
        "limit",
        None,
    ),
    (
        "integer-range-low",
        "AccountListParams",
        {"limit": 0},
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be between 1 and 100",
    ),
    (
        "integer-range-high",
        "EventListParams",
        {"limit": 101},
        "parameter_invalid_integer",
        "limit",
        None,
    ),
    (
        "integer-range-int64",
        "AccountCreateParams",
        _individual(date_of_birth={"day": 2**63, "month": 1, "year": 1}),
        "parameter_invalid_integer",
        "identity[individual][date_of_birth][day]",
        None,
    ),
    (
        "enum",
        "AccountCreateParams",
        {"dashboard": "x"},
        "parameter_invalid_enum",
        "dashboard",
        "Invalid dashboard: must be one of express, full, none",
    ),
    (
        "enum-in-array",
        "AccountListParams",
        {"applied_configurations": ["merchant", "bogus"]},
        "parameter_invalid_enum",
        "applied_configurations[1]",
        None,
    ),
    (
        "open-enum-enforced",
        "AccountLinkCreateParams",
        {"account": "a", "use_case": {"type": "x"}},
        "parameter_invalid_enum",
        "use_case[type]",
        "Invalid use_case[type]: must be one of account_onboarding, account_update",
    ),
    (
        "string-empty",
        "AccountCreateParams",
        {"display_name": ""},
        "parameter_invalid_string_empty",
        "display_name",
        "You passed an empty string for display_name; omit it or supply a value",
    ),
    (
        "string-blank",
        "AccountCreateParams",
        {"display_name": " \t "},
        "parameter_invalid_string_blank",
        "display_name",
        "Invalid display_name: must contain more than whitespace",
    ),
    (
        "string-too-long",
        "AccountCreateParams",
        {"display_name": LONG},
        "parameter_invalid_string_too_long",
        "display_name",
        "Invalid string: display_name must be at most 5000 characters",
    ),
    (
        "null-not-nullable",
        "AccountCreateParams",
        {"display_name": None},
        "parameter_invalid_empty",
        "display_name",
        "Invalid display_name: null is not allowed here; omit the parameter or supply a value",
    ),
    (
        "null-required",
        "AccountLinkCreateParams",
        {"account": None, "use_case": {"type": "account_update"}},
        "parameter_invalid_empty",
        "account",
        None,
    ),
    (
        "metadata-null-on-create",
        "AccountCreateParams",
        {"metadata": {"a": None}},
        "parameter_invalid_empty",
        "metadata[a]",
        None,
    ),
    (
        "metadata-value-type",
        "AccountUpdateParams",
        {"metadata": {"a": 1}},
        "parameter_invalid_type",
        "metadata[a]",
        "Invalid string: metadata[a] must be a string",
    ),
    (
        "metadata-too-many",
        "AccountCreateParams",
        {"metadata": {f"k{i}": "v" for i in range(51)}},
        "metadata_too_many_keys",
        "metadata",
        "Invalid metadata: at most 50 keys are allowed",
    ),
    (
        "metadata-key-too-long",
        "PersonCreateParams",
        {"metadata": {"k" * 41: "v"}},
        "metadata_key_too_long",
        "metadata",
        f"Invalid metadata: key '{'k' * 40}...' is longer than 40 characters",
    ),
    (
        "metadata-key-empty",
        "AccountCreateParams",
        {"metadata": {"": "v"}},
        "parameter_invalid_string_empty",
        "metadata",
        "Invalid metadata: keys must not be empty",
    ),
    (
        "metadata-value-too-long",
        "AccountCreateParams",
        {"metadata": {"a": "v" * 501}},
        "metadata_value_too_long",
        "metadata[a]",
        "Invalid metadata[a]: must be at most 500 characters",
    ),
    (
        "metadata-nested",
        "AccountCreateParams",
        _individual(metadata={"a": "v" * 501}),
        "metadata_value_too_long",
        "identity[individual][metadata][a]",
        None,
    ),
    (
        "metadata-type",
        "AccountCreateParams",
        {"metadata": ["a"]},
        "parameter_invalid_type",
        "metadata",
        None,
    ),
    (
        "payout-methods-is-not-metadata",
        "AccountUpdateParams",
        {"defaults": {"payout_methods": {"usd": ""}}},
        "parameter_invalid_string_empty",
        "defaults[payout_methods][usd]",
        "You passed an empty string for defaults[payout_methods][usd]; omit it or supply a value",
    ),
    (
        "payout-methods-too-large",
        "AccountUpdateParams",
        {"defaults": {"payout_methods": {f"c{i}": "pm" for i in range(101)}}},
        "parameter_invalid_map_too_large",
        "defaults[payout_methods]",
        "Invalid defaults[payout_methods]: at most 100 keys are allowed",
    ),
    (
        "array-too-long",
        "AccountRetrieveParams",
        {"include": ["identity"] * 101},
        "parameter_invalid_array_too_long",
        "include",
        "Invalid array: include must have at most 100 items",
    ),
    (
        "event-types-limit-20",
        "EventListParams",
        {"types": ["v2.core.account.created"] * 21},
        "parameter_invalid_array_too_long",
        "types",
        None,
    ),
    (
        "decimal-garbage",
        "PersonCreateParams",
        {"relationship": {"percent_ownership": "abc"}},
        "parameter_invalid_type",
        "relationship[percent_ownership]",
        'Invalid decimal: relationship[percent_ownership] must be a decimal string such as "25.5"',
    ),
    (
        "decimal-exponent",
        "PersonCreateParams",
        {"relationship": {"percent_ownership": "1e2"}},
        "parameter_invalid_type",
        "relationship[percent_ownership]",
        None,
    ),
    (
        "decimal-nan",
        "PersonCreateParams",
        {"relationship": {"percent_ownership": "NaN"}},
        "parameter_invalid_type",
        "relationship[percent_ownership]",
        None,
    ),
    (
        "decimal-bool",
        "PersonCreateParams",
        {"relationship": {"percent_ownership": True}},
        "parameter_invalid_type",
        "relationship[percent_ownership]",
        None,
    ),
    (
        "amount-value-type",
        "AccountCreateParams",
        {
            "identity": {
                "business_details": {
                    "annual_revenue": {"amount": {"value": "1", "currency": "usd"}}
                }
            }
        },
        "parameter_invalid_integer",
        "identity[business_details][annual_revenue][amount][value]",
        None,
    ),
    (
        "amount-missing-currency",
        "AccountCreateParams",
        {"identity": {"business_details": {"annual_revenue": {"amount": {"value": 1}}}}},
        "parameter_missing",
        "identity[business_details][annual_revenue][amount][currency]",
        None,
    ),
    (
        "values-in-sorted-key-order",
        "AccountCreateParams",
        {"display_name": 1, "contact_email": 2},
        "parameter_invalid_type",
        "contact_email",
        None,
    ),
    (
        "extension-enum",
        "AccountLinkCreateParams",
        _link(configurations=["merchant", "nope"]),
        "parameter_invalid_enum",
        "use_case[account_onboarding][configurations][1]",
        None,
    ),
    (
        "page-only-on-lists",
        "AccountRetrieveParams",
        {"page": "p"},
        "parameter_unknown",
        "page",
        None,
    ),
    ("empty-schema", "EventDestinationPingParams", {"x": 1}, "parameter_unknown", "x", None),
]


@pytest.mark.parametrize(
    ("name", "body", "code", "param", "message"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_errors(name: str, body: Any, code: str, param: str | None, message: str | None) -> None:
    with pytest.raises(InvalidRequest) as raised:
        check(name, body)
    error = raised.value
    assert (error.code, error.param) == (code, param)
    assert error.status == 400
    assert error.type == "invalid_request_error"
    if message is not None:
        assert error.message == message
    elif param is not None:
        assert param in error.message


def test_path_prefixes_param() -> None:
    with pytest.raises(InvalidRequest) as raised:
        check("PersonCreateParams", {"foo": 1}, path=("persons", 0))
    assert raised.value.param == "persons[0][foo]"
    assert raised.value.message == "Received unknown parameter: persons[0][foo]"


@pytest.mark.parametrize("body", [[], None, "x", 1])
def test_expect_object_refuses_as_check_does(body: Any) -> None:
    """The edge of a route whose service checks the body gives the same error for a non-object."""
    with pytest.raises(InvalidRequest) as by_check:
        check("AccountCreateParams", body)
    with pytest.raises(InvalidRequest) as by_edge:
        expect_object(body)
    assert by_edge.value.body() == by_check.value.body()
    assert expect_object(empty := {}) is empty


def test_local_schema_has_tighter_limits_and_the_same_errors() -> None:
    bank = {"object": "bank_account", "country": "de", "account_holder_name": "J", "iban": "D" * 35}
    with pytest.raises(InvalidRequest) as raised:
        check(load.EXTERNAL_ACCOUNT, bank, path=("external_account",))
    assert raised.value.code == "parameter_invalid_string_too_long"
    assert raised.value.param == "external_account[iban]"
    assert raised.value.message == (
        "Invalid string: external_account[iban] must be at most 34 characters"
    )
    with pytest.raises(InvalidRequest) as raised:
        check(load.EXTERNAL_ACCOUNT, {**bank, "iban": "DE89", "bic": "X"})
    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "bic")


def test_unknown_schema_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="NoSuchParams"):
        check("NoSuchParams", {})


VALID: list[tuple[str, dict[str, Any]]] = [
    ("AccountCreateParams", {}),
    (
        "AccountCreateParams",
        {
            "contact_email": "a@b.co",
            "dashboard": "full",
            "identity": {
                "country": "us",
                "entity_type": "individual",
                "individual": {
                    "given_name": "Jenny",
                    "date_of_birth": {"day": 1, "month": 2, "year": 1990},
                    "id_numbers": [{"type": "us_ssn_last_4", "value": "0000"}],
                    "relationship": {"percent_ownership": "25.5", "owner": True},
                },
            },
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
            "metadata": {"k" * 40: "v" * 500, "empty": ""},
            "include": ["identity", "requirements"],
        },
    ),
    (
        "AccountCreateParams",
        {"metadata": {f"k{i}": "v" for i in range(50)}, "display_name": "x" * 5000},
    ),
    ("AccountUpdateParams", {"metadata": {"a": None, "b": "x"}}),
    ("AccountUpdateParams", {"defaults": {"payout_methods": {f"c{i}": "pm" for i in range(60)}}}),
    ("AccountListParams", {"limit": 100, "closed": False, "page": "tok"}),
    ("EventListParams", {"created": {"gte": "2025-01-01T00:00:00Z"}, "types": ["a"] * 20}),
    ("AccountLinkCreateParams", _link(configurations=["merchant", "recipient"])),
    ("AccountLinkCreateParams", _link()),
    ("EventDestinationPingParams", {}),
    (
        "EventDestinationCreateParams",
        {
            "name": "hook",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": ["v2.core.account.created"],
            "webhook_endpoint": {"url": "https://example.com/hook"},
            "include": ["webhook_endpoint.signing_secret"],
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "body"), VALID, ids=[f"{n}-{i}" for i, (n, _) in enumerate(VALID)]
)
def test_valid_bodies_come_back_unchanged(name: str, body: dict[str, Any]) -> None:
    before = copy.deepcopy(body)
    result = check(name, body)
    assert result is body
    assert body == before


@pytest.mark.parametrize(
    ("sent", "normalised"),
    [
        ("25.5", "25.5"),
        ("25.50", "25.50"),
        ("+.5", "0.5"),
        ("-0.0", "-0.0"),
        ("007", "7"),
        (25, "25"),
        (25.5, "25.5"),
        ("0.0000001", "0.0000001"),
    ],
)
def test_decimal_strings_are_normalised(sent: Any, normalised: str) -> None:
    body: dict[str, Any] = {
        "relationship": {"percent_ownership": sent, "owner": True},
        "given_name": "J",
    }
    result = check("PersonCreateParams", body)
    assert result["relationship"]["percent_ownership"] == normalised
    assert result["relationship"]["owner"] is True
    assert result["given_name"] == "J"
    assert body["relationship"]["percent_ownership"] == sent  # the input is not mutated
    if sent != normalised:
        assert result is not body


def test_typical_create_is_fast() -> None:
    """A loose guard against pathological slowdowns (the measured figure is ~13 µs)."""
    body = VALID[1][1]
    check("AccountCreateParams", body)
    runs = 500
    start = time.perf_counter()
    for _ in range(runs):
        check("AccountCreateParams", body)
    assert (time.perf_counter() - start) / runs < 1e-3


def _schema_depth(node: load.Node) -> int:
    """Levels of the deepest value a schema accepts, walked with a stack (no recursion)."""
    deepest = 0
    pending: list[tuple[load.Node, int]] = [(node, 1)]
    while pending:
        current, level = pending.pop()
        current = load.resolve(current)
        deepest = max(deepest, level)
        kind = current["type"]
        assert kind != "any", "an 'any' node would let unbounded nesting past check"
        if kind == "object":
            pending += [(child, level + 1) for child in current["fields"].values()]
        elif kind in ("array", "map"):
            pending.append((current["items" if kind == "array" else "values"], level + 1))
        elif kind == "amount":
            deepest = max(deepest, level + 1)
    return deepest


def test_check_bounds_the_nesting_of_what_it_accepts() -> None:
    """``check`` walks the schema, not the body, so a body nested deeper than its schema is
    refused at the schema's depth. The API relies on that: the idempotency fingerprint
    serialises the decoded body with orjson, which refuses more than 254 levels (a TypeError,
    a 500), after ``check`` has passed it."""
    depths = {name: _schema_depth(load.params_node(name)) for name in load.params_names()}
    assert max(depths.values()) == 8  # AccountUpdateParams, e.g. identity[individual][documents]...
    deep: Any = "x"
    for _ in range(900):
        deep = {"a": deep}
    with pytest.raises(InvalidRequest) as raised:
        check("AccountUpdateParams", {"identity": {"individual": {"address": deep}}})
    assert raised.value.param == "identity[individual][address][a]"
    with pytest.raises(InvalidRequest) as raised:
        check("AccountCreateParams", {"metadata": {"k": [[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]}})
    assert raised.value.param == "metadata[k]"
