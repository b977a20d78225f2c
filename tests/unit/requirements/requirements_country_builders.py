"""Accounts for the per-country requirement tests: fresh ones, and ones filled in field by field.

``fill`` writes a plausible value at a requirement's description, which for every field the
country rules ask for is also where the value lives (a document entry names the document, whose
``front_back.front`` or ``files`` the builder fills; an ``id_numbers`` entry gets a list item of
the right type). Filling every expected description and finding nothing past due is what shows
the expected sets are both necessary and sufficient.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from requirements_builders import MERCHANT, RECIPIENT, bare_person
from requirements_country_expectations import Expected

#: Role (rule scope) -> the Person relationship flag and the id the tests give that Person.
ROLE_FLAG = {
    "representative": "representative",
    "owners": "owner",
    "directors": "director",
    "executives": "executive",
}
PERSON_ID = {role: f"person_{flag}" for role, flag in ROLE_FLAG.items()}

_DOCUMENTS_FRONT_BACK = {"primary_verification", "secondary_verification"}


def configurations(*names: str) -> dict[str, Any]:
    known = {"merchant": MERCHANT, "recipient": RECIPIENT}
    result = {name: copy.deepcopy(known[name]) for name in names}
    result.get("merchant", {}).pop("mcc", None)  # the MCC is a requirement, not a given
    return result


def fresh(country: str, entity_type: str, *configuration_names: str) -> dict[str, Any]:
    """What a platform sends at creation: country, entity type and capabilities."""
    return {
        "identity": {"country": country, "entity_type": entity_type},
        "configuration": configurations(*configuration_names),
    }


def bare_persons(roles: Iterable[str]) -> list[dict[str, Any]]:
    """One Person per role holding only its relationship flag."""
    return [bare_person(PERSON_ID[role], **{ROLE_FLAG[role]: True}) for role in sorted(roles)]


def company_roles(expected: Expected) -> set[str]:
    return set(expected.persons) | set(expected.persons_later)


def fill(document: dict[str, Any], description: str, expected: Expected) -> None:
    """Write a value for ``description`` into ``document`` (an account, or a Person for a
    Person-relative description), of the kind the rule's check accepts."""
    parts = description.split(".")
    if "id_numbers" in parts:
        index = parts.index("id_numbers")
        if index + 1 < len(parts):
            type_ = parts[index + 1]  # id_numbers.au_acn, id_numbers.ae_vat
        elif parts[0] == "identity" and parts[1] == "business_details":
            type_ = expected.business_id_types[0]
        else:
            type_ = expected.person_id_types[0]
        items = _node(document, parts[:index]).setdefault("id_numbers", [])
        items.append({"type": type_, "value": "000000000"})
        return
    *parents, leaf = parts
    _node(document, parents)[leaf] = _value(parts, leaf)


def fill_all(
    document: Mapping[str, Any], descriptions: Iterable[str], expected: Expected
) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    for description in sorted(descriptions):
        fill(result, description, expected)
    return result


def filled_persons(
    expected: Expected, roles: Mapping[str, Iterable[str]] | None = None
) -> list[dict[str, Any]]:
    """Bare Persons for the country's roles, each filled with what ``roles`` lists for it
    (default: everything it owes at once)."""
    wanted = roles if roles is not None else expected.persons
    persons = []
    for person in bare_persons(company_roles(expected)):
        role = next(r for r, flag in ROLE_FLAG.items() if person["relationship"].get(flag))
        persons.append(fill_all(person, wanted.get(role, ()), expected))
    return persons


def _node(document: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    node = document
    for key in keys:
        node = node.setdefault(key, {})
    return node


def _value(parts: list[str], leaf: str) -> Any:
    if "documents" in parts:
        if leaf in _DOCUMENTS_FRONT_BACK:
            return {"type": "front_back", "front_back": {"front": "file_identity_document_success"}}
        return {"type": "files", "files": ["file_identity_document_success"]}
    if "persons_provided" in parts:
        return True
    if parts[-2:] == ["relationship", "executive"]:
        # Any answer counts outside the US; `false` keeps the representative out of the
        # executives scope, whose rules would otherwise apply too (tested separately).
        return False
    if leaf == "percent_ownership":
        return "30"
    if parts[-2:-1] == ["date_of_birth"]:
        return 1901 if leaf == "year" else 1
    if leaf == "nationalities":
        return ["fr"]
    if leaf == "political_exposure":
        return "none"
    if leaf == "email":
        return "jenny@example.com"
    if leaf == "phone":
        return "+33100000000"
    if leaf == "structure":
        return "free_zone_llc"
    if leaf == "mcc":
        return "5734"
    if leaf == "external_account":
        return "ba_123"
    if leaf == "date":
        return "2026-01-01T00:00:00.000Z"
    if leaf == "ip":
        return "127.0.0.1"
    if leaf == "business_url":
        return "https://accessible.stripe.com"
    if leaf == "line1":
        return "address_full_match"
    return f"test {leaf}"
