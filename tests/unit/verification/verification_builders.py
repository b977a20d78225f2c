"""Stored US account documents (v2 wire shape, id_numbers with values) for the verification tests.

Deliberately independent of the requirements tests' builders: this directory must keep working
when those change. Everything here uses Stripe's success magic values, so tests swap in one
value at a time.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from gangway.requirements import AccountFacts, RuleBook, Verification
from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY, load_rule_file

CREATED_MS = 1_767_225_600_000  # 2026-01-01T00:00:00.000Z
US_RULES_PATH: Path = DEFAULT_RULES_DIRECTORY / "us.yaml"
SSN = "123456789"  # a non-magic full SSN: its text must never appear in a Check

ADDRESS = {
    "line1": "address_full_match",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94110",
    "country": "us",
}
MERCHANT = {
    "applied": True,
    "mcc": "5734",
    "capabilities": {
        "card_payments": {"requested": True},
        "stripe_balance": {"payouts": {"requested": True}},
    },
    "statement_descriptor": {"descriptor": "ROCKET RIDES", "prefix": "ROCKET"},
}


@cache
def us_rules() -> RuleBook:
    """Only the US file: other country files may be mid-edit by other contributors."""
    return RuleBook({"us": load_rule_file(US_RULES_PATH)})


def personal_fields() -> dict[str, Any]:
    return {
        "given_name": "Jenny",
        "surname": "Rosen",
        "email": "jenny@example.com",
        "phone": "+12025550123",
        "date_of_birth": {"day": 1, "month": 1, "year": 1901},
        "address": dict(ADDRESS),
        "id_numbers": [
            {"type": "us_ssn_last_4", "value": "6789"},
            {"type": "us_ssn", "value": SSN},
        ],
        "documents": {
            "primary_verification": {
                "type": "front_back",
                "front_back": {"front": "file_identity_document_success"},
            }
        },
    }


def individual_account() -> dict[str, Any]:
    """A complete US individual merchant account."""
    return {
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": personal_fields(),
            "attestations": _tos(),
        },
        "defaults": {
            "currency": "usd",
            "profile": {"business_url": "https://accessible.stripe.com"},
        },
        "external_account": "ba_123",
        "configuration": {"merchant": copy.deepcopy(MERCHANT)},
    }


def company_account() -> dict[str, Any]:
    """A complete US company merchant account (Persons from ``person``)."""
    attestations: dict[str, Any] = {**_tos(), "persons_provided": {"owners": True}}
    return {
        "identity": {
            "country": "us",
            "entity_type": "company",
            "business_details": {
                "registered_name": "Rocket Rides",
                "phone": "+12025550199",
                "address": dict(ADDRESS),
                "id_numbers": [{"type": "us_ein", "value": "000000000"}],
                "documents": {
                    "company_tax_id_verification": {
                        "type": "files",
                        "files": ["file_identity_document_success"],
                    }
                },
            },
            "attestations": attestations,
        },
        "defaults": {
            "currency": "usd",
            "profile": {
                "business_url": "https://accessible.stripe.com",
                "doing_business_as": "Rocket",
            },
        },
        "external_account": "ba_123",
        "configuration": {"merchant": copy.deepcopy(MERCHANT)},
    }


def person(person_id: str, **relationship: Any) -> dict[str, Any]:
    """A complete Person; a representative is an executive with a title."""
    flags: dict[str, Any] = {"title": "CEO", **relationship}
    if relationship.get("representative"):
        flags["executive"] = True
    return {"id": person_id, **personal_fields(), "relationship": flags}


def facts(
    document: dict[str, Any],
    persons: list[dict[str, Any]],
    verifications: dict[tuple[str | None, str], Verification],
) -> AccountFacts:
    return AccountFacts(
        id="acct_verification",
        livemode=False,
        created_ms=CREATED_MS,
        document=document,
        persons=persons,
        verifications=verifications,
    )


def set_path(document: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A deep copy with ``value`` at ``dotted`` (missing objects created)."""
    result = copy.deepcopy(document)
    *parents, last = dotted.split(".")
    node = result
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return result


def drop_path(document: dict[str, Any], dotted: str) -> dict[str, Any]:
    """A deep copy without the value at ``dotted``."""
    result = copy.deepcopy(document)
    *parents, last = dotted.split(".")
    node = result
    for key in parents:
        node = node[key]
    del node[last]
    return result


def _tos() -> dict[str, Any]:
    return {
        "terms_of_service": {
            "account": {"date": "2026-01-01T00:00:00.000Z", "ip": "127.0.0.1", "user_agent": "t"}
        }
    }
