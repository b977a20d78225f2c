"""A stored bank account (``services.external_accounts``) as Stripe's v1 ``bank_account``: pure.

Never the full number: ``last4`` and the keyed ``fingerprint`` are what a platform sees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from babel.numbers import get_territory_currencies

from gangway.store.repos.accounts import AccountRecord

__all__ = [
    "account_banks",
    "bank_account",
    "bank_list",
    "currency_of",
    "stored_banks",
    "token_bank_account",
]

_PAYOUT_METHODS = ["instant", "standard"]


def bank_account(account_id: str | None, entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": entry.get("id"),
        "object": "bank_account",
        "account": account_id,
        "account_holder_name": entry.get("account_holder_name"),
        "account_holder_type": entry.get("account_holder_type"),
        "account_type": None,
        "available_payout_methods": list(_PAYOUT_METHODS),
        "bank_name": entry.get("bank_name"),
        "country": entry.get("country"),
        "currency": entry.get("currency"),
        "default_for_currency": bool(entry.get("default_for_currency")),
        "fingerprint": entry.get("fingerprint"),
        "last4": entry.get("last4"),
        "metadata": dict(entry.get("metadata") or {}),
        "routing_number": entry.get("routing_number"),
        "status": entry.get("status") or "new",
    }


def token_bank_account(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A token's ``bank_account``: not attached to an account yet, so no account, default or
    metadata."""
    rendered = bank_account(None, entry)
    for name in ("account", "available_payout_methods", "default_for_currency", "metadata"):
        rendered.pop(name)
    return rendered


def bank_list(
    account_id: str, entries: list[Mapping[str, Any]], *, has_more: bool = False
) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [bank_account(account_id, e) for e in entries],
        "has_more": has_more,
        "url": f"/v1/accounts/{account_id}/external_accounts",
    }


def stored_banks(record: AccountRecord) -> list[dict[str, Any]]:
    """The account's stored bank accounts, oldest first. A document from before the list holds
    one ``external_account`` (the hosted form's): it reads as the one default entry, with an id
    derived from the account's (so it stays the same until the next write stores it), and no
    fingerprint (``services.external_accounts.entries`` adds the keyed one)."""
    document = record.document
    listed = document.get("external_accounts")
    if isinstance(listed, list):
        return [dict(entry) for entry in listed]
    legacy = document.get("external_account")
    if not isinstance(legacy, Mapping) or not legacy:
        return []
    number = str(legacy.get("iban") or legacy.get("account_number") or "")
    country = str(legacy.get("country") or "")
    currency = (document.get("defaults") or {}).get("currency") or currency_of(country)
    digest = hashlib.sha256(f"{record.id}:external_account".encode()).hexdigest()
    return [
        {
            "id": "ba_" + digest[:24],
            "object": "bank_account",
            "country": country.upper(),
            "currency": currency,
            "account_holder_name": legacy.get("account_holder_name"),
            "account_number": number,
            "routing_number": legacy.get("routing_number"),
            "last4": legacy.get("last4") or number[-4:],
            "status": "new",
            "default_for_currency": True,
            "created_ms": record.created_ms,
        }
    ]


def currency_of(country: str) -> str | None:
    try:
        found = get_territory_currencies(country.upper())
    except Exception:  # babel raises plain errors for unknown territories
        return None
    return found[0].lower() if found else None


def account_banks(record: AccountRecord) -> dict[str, Any]:
    """The v1 Account's ``external_accounts`` list, newest first as the list endpoint pages."""
    return bank_list(record.id, list(reversed(stored_banks(record))))
