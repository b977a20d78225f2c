"""Account facts for the requirements tests: complete US accounts that tests then take apart."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from gangway.requirements import AccountFacts, RuleBook, Verification, load_rules

CREATED_MS = 1_767_225_600_000  # 2026-01-01T00:00:00.000Z
DAY_MS = 86_400_000

MERCHANT = {
    "applied": True,
    "mcc": "5734",
    "capabilities": {
        "card_payments": {"requested": True},
        "stripe_balance": {"payouts": {"requested": True}},
    },
}
RECIPIENT = {
    "applied": True,
    "capabilities": {
        "stripe_balance": {"stripe_transfers": {"requested": True}, "payouts": {"requested": True}}
    },
}
ADDRESS = {
    "line1": "address_full_match",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94110",
    "country": "us",
}
DOCUMENT = {"type": "front_back", "front_back": {"front": "file_identity_document_success"}}


@cache
def rules() -> RuleBook:
    return load_rules()


def individual_fields() -> dict[str, Any]:
    return {
        "given_name": "Jenny",
        "surname": "Rosen",
        "email": "jenny@example.com",
        "phone": "+12025550123",
        "date_of_birth": {"day": 1, "month": 1, "year": 1901},
        "address": dict(ADDRESS),
        "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
        "documents": {"primary_verification": copy.deepcopy(DOCUMENT)},
    }


def complete_individual(*configurations: str) -> dict[str, Any]:
    """A US individual account with everything the US rules ask for."""
    return {
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": individual_fields(),
            "attestations": _tos(),
        },
        "defaults": {
            "currency": "usd",
            "profile": {"business_url": "https://accessible.stripe.com"},
        },
        "external_account": "ba_123",
        "configuration": _configurations(configurations or ("merchant",)),
    }


def complete_company(*configurations: str, entity_type: str = "company") -> dict[str, Any]:
    """A US company account (persons separately, see ``person``)."""
    attestations: dict[str, Any] = _tos()
    if entity_type == "company":
        attestations["persons_provided"] = {"owners": True}
    return {
        "identity": {
            "country": "us",
            "entity_type": entity_type,
            "business_details": {
                "registered_name": "Rocket Rides",
                "phone": "+12025550199",
                "address": dict(ADDRESS),
                "id_numbers": [{"type": "us_ein", "value": "000000000"}],
            },
            "attestations": attestations,
        },
        "defaults": {
            "currency": "usd",
            "profile": {"business_url": "https://accessible.stripe.com"},
        },
        "external_account": "ba_123",
        "configuration": _configurations(configurations or ("merchant",)),
    }


def person(person_id: str, **relationship: Any) -> dict[str, Any]:
    """A complete Person; representatives are executives with a title."""
    rel: dict[str, Any] = {"title": "CEO"}
    if relationship.get("representative"):
        rel["executive"] = True
    rel.update(relationship)
    return {"id": person_id, **individual_fields(), "relationship": rel}


def bare_person(person_id: str, **relationship: Any) -> dict[str, Any]:
    return {"id": person_id, "relationship": dict(relationship)}


def facts(
    document: Mapping[str, Any],
    persons: Sequence[Mapping[str, Any]] = (),
    verifications: Mapping[tuple[str | None, str], Verification] | None = None,
    triggered_ms: int | None = None,
) -> AccountFacts:
    return AccountFacts(
        id="acct_test",
        livemode=False,
        created_ms=CREATED_MS,
        document=document,
        persons=list(persons),
        verifications=dict(verifications or {}),
        triggered_ms=triggered_ms,
    )


def without(document: Mapping[str, Any], dotted: str) -> dict[str, Any]:
    """A deep copy of ``document`` with the value at ``dotted`` removed."""
    result = copy.deepcopy(dict(document))
    *parents, last = dotted.split(".")
    node = result
    for key in parents:
        node = node[key]
    del node[last]
    return result


def with_value(document: Mapping[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    *parents, last = dotted.split(".")
    node = result
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return result


def statuses(entries: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str | None], str]:
    """``{(description, person id): minimum deadline status}``."""
    return {
        (e["description"], (e["reference"] or {}).get("resource")): e["minimum_deadline"]["status"]
        for e in entries
    }


def restricted(entry: Mapping[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (r["configuration"], r["capability"], r["deadline"]["status"])
        for r in entry["impact"]["restricts_capabilities"]
    }


def _tos() -> dict[str, Any]:
    return {
        "terms_of_service": {
            "account": {"date": "2026-01-01T00:00:00.000Z", "ip": "127.0.0.1", "user_agent": "t"}
        }
    }


def _configurations(names: Sequence[str]) -> dict[str, Any]:
    known = {
        "merchant": MERCHANT,
        "recipient": RECIPIENT,
        "customer": {
            "applied": True,
            "capabilities": {"automatic_indirect_tax": {"requested": True}},
        },
    }
    return {name: copy.deepcopy(known[name]) for name in names}
