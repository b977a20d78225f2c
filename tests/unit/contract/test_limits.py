"""limits.max_length: the limit a renderer shows is the one the checker and validators enforce."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gangway.contract import load
from gangway.contract.limits import max_length
from gangway.contract.params import check
from gangway.contract.rules import METADATA_VALUE_MAX, STRING_MAX
from gangway.core.errors import FieldInvalid, InvalidRequest
from gangway.core.field_checks import (
    CheckContext,
    check_account_params,
    check_person_params,
    max_lengths,
)

CONTEXT = CheckContext(today=date(2026, 1, 1), country="us", livemode=False)

# (params name, dotted path, limit)
LIMITS: list[tuple[str, str, int | None]] = [
    ("AccountUpdateParams", "identity.individual.given_name", STRING_MAX),
    ("AccountUpdateParams", "identity.individual.address.line1", STRING_MAX),
    ("AccountUpdateParams", "identity.individual.address.city", STRING_MAX),
    ("AccountCreateParams", "defaults.profile.product_description", STRING_MAX),
    ("AccountCreateParams", "display_name", STRING_MAX),
    ("PersonCreateParams", "given_name", STRING_MAX),
    ("EventDestinationCreateParams", "name", STRING_MAX),
    # tighter, from the field's validator
    ("AccountCreateParams", "configuration.merchant.statement_descriptor.descriptor", 22),
    ("AccountUpdateParams", "configuration.merchant.statement_descriptor.prefix", 10),
    ("AccountUpdateParams", "configuration.merchant.mcc", 4),
    ("AccountUpdateParams", "identity.country", 2),
    ("AccountUpdateParams", "identity.individual.address.country", 2),
    ("AccountUpdateParams", "identity.business_details.address.country", 2),
    ("AccountUpdateParams", "defaults.currency", 3),
    ("AccountUpdateParams", "contact_email", 254),
    ("PersonUpdateParams", "email", 254),
    ("PersonUpdateParams", "address.country", 2),
    # list items are transparent; an index may be given
    ("AccountUpdateParams", "identity.individual.nationalities", 2),
    ("AccountUpdateParams", "identity.individual.nationalities.0", 2),
    ("AccountUpdateParams", "identity.individual.additional_addresses.0.country", 2),
    ("AccountUpdateParams", "identity.individual.id_numbers.0.value", STRING_MAX),
    ("PersonCreateParams", "nationalities.*", 2),
    # an enum's longest value
    ("AccountCreateParams", "dashboard", len("express")),
    ("AccountLinkCreateParams", "use_case.account_onboarding.configurations", len("recipient")),
    # metadata values; not strings
    ("AccountUpdateParams", "metadata.order_id", METADATA_VALUE_MAX),
    ("AccountUpdateParams", "metadata", None),
    ("AccountUpdateParams", "identity", None),
    ("AccountUpdateParams", "identity.individual.date_of_birth.year", None),
    ("PersonCreateParams", "relationship.percent_ownership", None),
    ("PersonCreateParams", "relationship.owner", None),
    ("AccountUpdateParams", "", None),
    # Gangway's own schema for the payout bank account
    (load.EXTERNAL_ACCOUNT, "account_holder_name", STRING_MAX),
    (load.EXTERNAL_ACCOUNT, "routing_number", STRING_MAX),
    (load.EXTERNAL_ACCOUNT, "iban", 34),
    (load.EXTERNAL_ACCOUNT, "account_number", 34),
    (load.EXTERNAL_ACCOUNT, "last4", 4),
]


@pytest.mark.parametrize(("name", "path", "limit"), LIMITS, ids=[f"{n}:{p}" for n, p, _ in LIMITS])
def test_limits(name: str, path: str, limit: int | None) -> None:
    assert max_length(name, path) == limit


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("AccountUpdateParams", "identity.individual.nickname"),
        ("AccountUpdateParams", "display_name.first"),
        ("AccountUpdateParams", "identity.0"),
        ("AccountUpdateParams", "metadata.a.b"),
        ("NoSuchParams", "display_name"),
    ],
)
def test_unknown_paths_are_programming_errors(name: str, path: str) -> None:
    with pytest.raises(KeyError):
        max_length(name, path)


def _nest(path: str, value: Any) -> dict[str, Any]:
    *parents, leaf = path.split(".")
    body: dict[str, Any] = {leaf: value}
    for part in reversed(parents):
        body = {part: body}
    return body


def _bracketed(path: str) -> str:
    first, *rest = path.split(".")
    return first + "".join(f"[{part}]" for part in rest)


CHECKED = [
    ("AccountUpdateParams", "identity.individual.given_name", {}),
    ("AccountUpdateParams", "identity.individual.address.line1", {"country": "us"}),
    ("AccountUpdateParams", "identity.individual.address.city", {"country": "us"}),
    ("AccountUpdateParams", "defaults.profile.product_description", {}),
    ("PersonCreateParams", "address.line1", {"country": "us"}),
    ("AccountUpdateParams", "metadata.order_id", {}),
    (load.EXTERNAL_ACCOUNT, "account_holder_name", {"object": "bank_account", "country": "us"}),
    (load.EXTERNAL_ACCOUNT, "iban", {"object": "bank_account", "country": "de"}),
]


@pytest.mark.parametrize(("name", "path", "siblings"), CHECKED, ids=[p for _, p, _ in CHECKED])
def test_the_checker_enforces_the_limit(name: str, path: str, siblings: dict[str, Any]) -> None:
    """Exactly the limit passes ``check``; one more character is refused at that param."""
    limit = max_length(name, path)
    assert limit is not None

    def body(value: str) -> dict[str, Any]:
        nested = _nest(path, value)
        parent = nested
        for part in path.split(".")[:-1]:
            parent = parent[part]
        parent.update(siblings)
        if name == load.EXTERNAL_ACCOUNT:
            parent.setdefault("account_holder_name", "Jenny Rosen")
        return nested

    check(name, body("x" * limit))
    with pytest.raises(InvalidRequest) as raised:
        check(name, body("x" * (limit + 1)))
    assert raised.value.param == _bracketed(path)
    expected = (
        "metadata_value_too_long" if "metadata" in path else "parameter_invalid_string_too_long"
    )
    assert raised.value.code == expected


TIGHTER = [
    ("configuration.merchant.statement_descriptor.descriptor", "A" * 22),
    ("configuration.merchant.statement_descriptor.prefix", "A" * 10),
    ("configuration.merchant.mcc", "5734"),
    ("identity.country", "us"),
    ("defaults.currency", "usd"),
    ("contact_email", "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"),
]


@pytest.mark.parametrize(("path", "longest"), TIGHTER, ids=[p for p, _ in TIGHTER])
def test_the_validator_enforces_the_tighter_limit(path: str, longest: str) -> None:
    """A value of exactly the limit can pass the field's validator; none longer can."""
    limit = max_length("AccountUpdateParams", path)
    assert limit is not None and limit < STRING_MAX
    assert len(longest) == limit
    check_account_params(_nest(path, longest), CONTEXT)
    too_long = longest[:-4] + "x" + longest[-4:] if "@" in longest else longest + longest[-1]
    with pytest.raises((FieldInvalid, InvalidRequest)):
        check_account_params(_nest(path, too_long), CONTEXT)


def test_the_person_validators_enforce_theirs() -> None:
    check_person_params({"address": {"country": "us", "line1": "1 Main St"}}, CONTEXT)
    with pytest.raises((FieldInvalid, InvalidRequest)):
        check_person_params({"address": {"country": "usa", "line1": "1 Main St"}}, CONTEXT)


@pytest.mark.parametrize("person", [False, True], ids=["account", "person"])
def test_every_tighter_limit_names_a_string_param(person: bool) -> None:
    """The validator table and the schema agree: a renamed param cannot leave a stale limit."""
    names = ("PersonCreateParams", "PersonUpdateParams")
    if not person:
        names = ("AccountCreateParams", "AccountUpdateParams")
    tighter = max_lengths(person=person)
    assert tighter
    for name in names:
        for path, limit in tighter.items():
            assert max_length(name, path) == min(limit, STRING_MAX), (name, path)
