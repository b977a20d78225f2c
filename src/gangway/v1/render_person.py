"""A v2 person (``identity.individual`` or a Persons record) as Stripe's v1 Person: pure.

Why ``*_provided`` only: an ID number is sealed; v1 says whether one was given, never its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["person", "scoped"]


def _address(address: Mapping[str, Any] | None) -> dict[str, Any]:
    address = address or {}
    return {
        name: address.get(name)
        for name in ("city", "country", "line1", "line2", "postal_code", "state")
    }


def _document(documents: Mapping[str, Any], name: str) -> dict[str, Any]:
    sides = (documents.get(name) or {}).get("front_back") or {}
    return {
        "back": sides.get("back"),
        "details": None,
        "details_code": None,
        "front": sides.get("front"),
    }


def _percent(value: Any) -> float | None:
    """v2 keeps a decimal string, v1 a number."""
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def scoped(v1_requirements: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The entries of an account's v1 requirements that name ``prefix.`` fields, prefix dropped."""
    cut = len(prefix) + 1
    return {
        name: [
            item[cut:]
            for item in v1_requirements.get(name) or []
            if isinstance(item, str) and item.startswith(prefix + ".")
        ]
        for name in ("currently_due", "eventually_due", "past_due", "pending_verification")
    } | {
        "alternatives": [],
        "errors": [
            {**error, "requirement": error["requirement"][cut:]}
            for error in v1_requirements.get("errors") or []
            if str(error.get("requirement", "")).startswith(prefix + ".")
        ],
    }


def person(
    account_id: str,
    document: Mapping[str, Any],
    requirements: Mapping[str, Any],
    *,
    created_s: int | None = None,
) -> dict[str, Any]:
    """``requirements``: the person's v1 requirements (names without the person's prefix)."""
    types = {entry.get("type") for entry in document.get("id_numbers") or []}
    dob = document.get("date_of_birth") or {}
    names = document.get("script_names") or {}
    scripts = document.get("script_addresses") or {}
    documents = document.get("documents") or {}
    relationship = document.get("relationship") or {}
    pending = bool(requirements.get("pending_verification"))
    verified = not requirements.get("eventually_due") and not pending
    return {
        "id": document.get("id"),
        "object": "person",
        "account": account_id,
        "address": _address(document.get("address")),
        "address_kana": _address(scripts.get("kana")) if scripts.get("kana") else None,
        "address_kanji": _address(scripts.get("kanji")) if scripts.get("kanji") else None,
        "created": created_s
        if created_s is not None
        else (document.get("created_ms") or 0) // 1000,
        "dob": {name: dob.get(name) for name in ("day", "month", "year")},
        "email": document.get("email"),
        "first_name": document.get("given_name"),
        "first_name_kana": (names.get("kana") or {}).get("given_name"),
        "first_name_kanji": (names.get("kanji") or {}).get("given_name"),
        "gender": document.get("legal_gender"),
        "id_number_provided": any(t and not str(t).endswith("_last_4") for t in types),
        "last_name": document.get("surname"),
        "last_name_kana": (names.get("kana") or {}).get("surname"),
        "last_name_kanji": (names.get("kanji") or {}).get("surname"),
        "metadata": document.get("metadata") or {},
        "phone": document.get("phone"),
        "political_exposure": document.get("political_exposure"),
        "relationship": {
            **{
                name: relationship.get(name)
                for name in ("director", "executive", "owner", "representative", "title")
            },
            "percent_ownership": _percent(relationship.get("percent_ownership")),
        },
        "requirements": {
            name: requirements.get(name) or []
            for name in (
                "alternatives",
                "currently_due",
                "errors",
                "eventually_due",
                "past_due",
                "pending_verification",
            )
        },
        "ssn_last_4_provided": bool(types & {"us_ssn_last_4", "us_ssn"}),
        "verification": {
            "additional_document": _document(documents, "secondary_verification"),
            "details": None,
            "details_code": None,
            "document": _document(documents, "primary_verification"),
            "status": "verified" if verified else "pending" if pending else "unverified",
        },
    }
