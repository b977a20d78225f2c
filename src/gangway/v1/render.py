"""The stored account and its evaluation as Stripe's v1 Account object: pure.

Why from the evaluation and not from v1 rules: ``requirements`` here is the v2 evaluation of the
same account, each entry renamed through ``requirement_fields`` and sorted into v1's lists, so
both views always agree on what is due.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gangway.core.accounts import requirements_collector
from gangway.core.clock import from_rfc3339
from gangway.hosted.id_number_types import KINDS
from gangway.requirements import Evaluation
from gangway.store.repos.accounts import AccountRecord
from gangway.v1 import render_person
from gangway.v1.capability_names import V1_CAPABILITIES
from gangway.v1.render_bank import account_banks
from gangway.v1.requirement_fields import v1_field_of_entry

__all__ = [
    "account",
    "account_type",
    "capability_status",
    "deleted",
    "is_requested",
    "requirements",
]

_STATUS: Final = {"active": "active", "pending": "pending"}
"""v2 capability status to v1: ``restricted`` and ``unsupported`` are v1's ``inactive``."""


def account_type(document: Mapping[str, Any]) -> str:
    """The v1 ``type`` the account's controller amounts to, ``none`` for any other mix."""
    responsibilities = (document.get("defaults") or {}).get("responsibilities") or {}
    fees = responsibilities.get("fees_collector") or "stripe"
    losses = responsibilities.get("losses_collector") or "stripe"
    dashboard = document.get("dashboard") or "none"
    if dashboard == "full" and fees == "stripe" and losses == "stripe":
        return "standard"
    if dashboard == "express" and losses == "application" and fees != "stripe":
        return "express"
    if dashboard == "none" and losses == "application" and fees != "stripe":
        return "custom"
    return "none"


def _seconds(rfc3339: Any) -> int | None:
    return from_rfc3339(rfc3339) // 1000 if isinstance(rfc3339, str) and rfc3339 else None


def is_requested(document: Mapping[str, Any], configuration: str, dotted: str) -> bool:
    node: Any = ((document.get("configuration") or {}).get(configuration) or {}).get(
        "capabilities"
    ) or {}
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return bool(isinstance(node, Mapping) and node.get("requested"))


def capability_status(evaluation: Evaluation, configuration: str, dotted: str) -> str:
    found = (evaluation.capabilities.get(configuration) or {}).get(dotted) or {}
    return _STATUS.get(str(found.get("status")), "inactive")


def requirements(section: Mapping[str, Any] | None, *, future: bool = False) -> dict[str, Any]:
    """A v2 ``requirements`` (or ``future_requirements``) section in v1 form. v1's lists nest:
    ``past_due`` is within ``currently_due``, which is within ``eventually_due``; what awaits
    Stripe is ``pending_verification`` only."""
    section = section or {}
    currently: list[str] = []
    eventually: list[str] = []
    past: list[str] = []
    pending: list[str] = []
    errors: list[dict[str, Any]] = []
    for entry in section.get("entries") or []:
        name = v1_field_of_entry(entry)
        if entry.get("awaiting_action_from") == "stripe":
            pending.append(name)
            continue
        status = (entry.get("minimum_deadline") or {}).get("status")
        eventually.append(name)
        if status in ("currently_due", "past_due"):
            currently.append(name)
        if status == "past_due":
            past.append(name)
        errors.extend(
            {"code": error.get("code"), "reason": error.get("description"), "requirement": name}
            for error in entry.get("errors") or []
        )
    alternatives = [
        {
            "alternative_fields_due": [
                v1_field_of_entry(entry)
                for option in alternative.get("options") or []
                for entry in option.get("entries") or []
            ],
            "original_fields_due": [
                v1_field_of_entry(entry) for entry in alternative.get("original_entries") or []
            ],
        }
        for alternative in section.get("alternatives") or []
    ]
    summary = section.get("summary") or {}
    if future:
        deadline = _seconds(section.get("minimum_transition_date"))
    else:
        deadline = _seconds((summary.get("minimum_deadline") or {}).get("time"))
    disabled = (
        "requirements.past_due"
        if past
        else "requirements.pending_verification"
        if pending and not currently
        else None
    )
    return {
        "alternatives": alternatives,
        "current_deadline": deadline,
        "currently_due": _unique(currently),
        "disabled_reason": disabled,
        "errors": errors,
        "eventually_due": _unique(eventually),
        "past_due": _unique(past),
        "pending_verification": _unique(pending),
    }


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def account(record: AccountRecord, evaluation: Evaluation) -> dict[str, Any]:
    document = record.document
    responsibilities = (document.get("defaults") or {}).get("responsibilities") or {}
    fees = responsibilities.get("fees_collector") or "stripe"
    identity = document.get("identity") or {}
    configs = document.get("configuration") or {}
    merchant = configs.get("merchant") or {}
    support = merchant.get("support") or {}
    profile = (document.get("defaults") or {}).get("profile") or {}
    capabilities = {
        v1: capability_status(evaluation, configuration, dotted)
        for v1, (configuration, dotted) in V1_CAPABILITIES.items()
        if is_requested(document, configuration, dotted)
    }
    payouts = any(
        (evaluation.capabilities.get(name) or {}).get("stripe_balance.payouts", {}).get("status")
        == "active"
        for name in ("merchant", "recipient")
    )
    current = requirements(evaluation.requirements)
    rejection = (document.get("_gangway") or {}).get("rejected")
    if rejection:
        current["disabled_reason"] = f"rejected.{rejection['reason']}"
    tos = ((identity.get("attestations") or {}).get("terms_of_service") or {}).get("account") or {}
    country = identity.get("country")
    return {
        "id": record.id,
        "object": "account",
        "business_profile": {
            "mcc": merchant.get("mcc"),
            "name": document.get("display_name"),
            "product_description": profile.get("product_description"),
            "support_address": support.get("address"),
            "support_email": support.get("email"),
            "support_phone": support.get("phone"),
            "support_url": support.get("url"),
            "url": profile.get("business_url"),
        },
        "business_type": identity.get("entity_type"),
        "capabilities": capabilities,
        "charges_enabled": capabilities.get("card_payments") == "active",
        "controller": {
            "fees": {"payer": "account" if fees == "stripe" else fees},
            "is_controller": True,
            "losses": {"payments": responsibilities.get("losses_collector") or "stripe"},
            "requirement_collection": requirements_collector(document),
            "stripe_dashboard": {"type": document.get("dashboard") or "none"},
            "type": "application",
        },
        "country": country.upper() if isinstance(country, str) else None,
        "created": record.created_ms // 1000,
        "default_currency": (document.get("defaults") or {}).get("currency"),
        "details_submitted": not current["currently_due"] and not current["past_due"],
        "email": document.get("contact_email"),
        "external_accounts": account_banks(record),
        "future_requirements": requirements(evaluation.future_requirements, future=True),
        **_holder(record, current),
        "metadata": document.get("metadata") or {},
        "payouts_enabled": payouts,
        "requirements": current,
        "tos_acceptance": {
            "date": _seconds(tos.get("date")),
            "ip": tos.get("ip"),
            "user_agent": tos.get("user_agent"),
        },
        "type": account_type(document),
    }


def _holder(record: AccountRecord, current: Mapping[str, Any]) -> dict[str, Any]:
    """``individual`` (a v1 Person) and ``company``, each only when the account has one."""
    identity = record.document.get("identity") or {}
    out: dict[str, Any] = {}
    individual = identity.get("individual")
    if individual:
        scoped = render_person.scoped(current, "individual")
        out["individual"] = render_person.person(record.id, individual, scoped)
    business = identity.get("business_details")
    if business or identity.get("entity_type") in ("company", "non_profit", "government_entity"):
        out["company"] = company(identity)
    return out


def company(identity: Mapping[str, Any]) -> dict[str, Any]:
    """v1's ``company`` from v2's business details and attestations: which numbers were given
    (``*_provided``, never the numbers), as Stripe renders it."""
    details = identity.get("business_details") or {}
    provided = (identity.get("attestations") or {}).get("persons_provided") or {}
    kinds = {KINDS.get(str(number.get("type"))) for number in details.get("id_numbers") or []}
    address = details.get("address") or {}
    scripts = details.get("script_addresses") or {}
    names = details.get("script_names") or {}
    documents = details.get("documents") or {}
    sides = (documents.get("primary_verification") or {}).get("front_back") or {}
    return {
        "address": {
            name: address.get(name)
            for name in ("city", "country", "line1", "line2", "postal_code", "state")
        },
        "address_kana": scripts.get("kana"),
        "address_kanji": scripts.get("kanji"),
        "directors_provided": bool(provided.get("directors")),
        "executives_provided": bool(provided.get("executives")),
        "name": details.get("registered_name"),
        "name_kana": (names.get("kana") or {}).get("registered_name"),
        "name_kanji": (names.get("kanji") or {}).get("registered_name"),
        "owners_provided": bool(provided.get("owners")),
        "phone": details.get("phone"),
        "structure": details.get("structure"),
        "tax_id_provided": bool(kinds & {"business_id", "tax", "register"}),
        "vat_id_provided": "vat" in kinds,
        "verification": {
            "document": {
                "back": sides.get("back"),
                "details": None,
                "details_code": None,
                "front": sides.get("front"),
            }
        },
    }


def deleted(account_id: str) -> dict[str, Any]:
    return {"id": account_id, "object": "account", "deleted": True}
