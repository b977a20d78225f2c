"""Payout bank accounts (v1 external accounts): the one boundary that writes them.

An account holds a list ``external_accounts`` in its sealed document, each entry a bank account
(``ba_...``) with its full number, which only this module and the seal ever see. One entry per
currency is ``default_for_currency``; the requirements engine counts the usable one in the
account's default currency (``requirements.facts.with_payout_bank``). Every caller (the v1 routes,
a bank token, the hosted form) goes through ``bank_from_params``, so a bank account is checked
one way. A document from before the list holds one ``external_account``: it reads as the one
default entry, and the next write stores it as such.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any, Final

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from gangway.core.errors import FieldInvalid, InvalidRequest, NotFound
from gangway.core.ids import new_id
from gangway.requirements import RuleBook
from gangway.services import timeline, tokens
from gangway.services.context import Call
from gangway.services.events import record_v1_event
from gangway.store.repos.accounts import AccountRecord
from gangway.store.uow import UnitOfWork
from gangway.v1.render_bank import bank_account, currency_of, stored_banks
from gangway.validation import banks

__all__ = [
    "HOLDER_TYPES",
    "add",
    "bank_from_params",
    "country_currency",
    "delete",
    "entries",
    "from_token",
    "retrieve",
    "set_from_form",
    "update",
]

HOLDER_TYPES: Final = ("company", "individual")
_TEST_BANK_NAME: Final = "STRIPE TEST BANK"
_LEGACY: Final = "external_account"
_HOLDER_MAX: Final = 5000
"""The contract's limit for the hosted form's holder name (``load.EXTERNAL_ACCOUNT``)."""


def country_currency(country: str) -> str | None:
    """The currency a country pays out in by default (CLDR's, via babel)."""
    return currency_of(country)


def _fail(message: str, param: str, code: str = "parameter_invalid") -> InvalidRequest:
    return InvalidRequest(message, code=code, param=param)


def bank_from_params(
    params: Mapping[str, Any], *, livemode: bool, secret: bytes, param: str
) -> dict[str, Any]:
    """A new bank account entry (no id, not default) from v1 ``bank_account`` fields, checked;
    errors name ``param[field]``."""
    country = str(params.get("country") or "").strip()
    if len(country) != 2 or not country.isalpha():
        raise _fail("A bank account needs its two-letter country.", f"{param}[country]")
    currency = str(params.get("currency") or country_currency(country) or "").lower()
    if len(currency) != 3 or not currency.isalpha():
        raise _fail("A bank account needs its three-letter currency.", f"{param}[currency]")
    holder_type = params.get("account_holder_type")
    if holder_type not in (None, "", *HOLDER_TYPES):
        raise _fail(
            "account_holder_type must be individual or company.",
            f"{param}[account_holder_type]",
            "parameter_invalid_enum",
        )
    holder = params.get("account_holder_name")
    if isinstance(holder, str) and len(holder) > _HOLDER_MAX:
        raise _fail(
            f"The account holder name must be at most {_HOLDER_MAX} characters.",
            f"{param}[account_holder_name]",
            "parameter_invalid_string_too_long",
        )
    number = params.get("account_number")
    if not isinstance(number, str) or not number.strip():
        raise _fail(
            "A bank account needs its account number (or IBAN).",
            f"{param}[account_number]",
            "parameter_missing",
        )
    try:
        compact, routing = banks.bank_details(
            country, number, params.get("routing_number"), livemode=livemode
        )
    except FieldInvalid as exc:
        field = str(exc.details.get("field") or "account_number")
        raise _fail(exc.message, f"{param}[{field}]", "bank_account_invalid") from None
    failing = not livemode and _test_number(compact) in banks.TEST_PAYOUT_FAILURES
    return {
        "object": "bank_account",
        "country": country.upper(),
        "currency": currency,
        "account_holder_name": params.get("account_holder_name") or None,
        "account_holder_type": holder_type or None,
        "account_number": compact,
        "routing_number": routing,
        "last4": compact[-4:],
        "bank_name": _bank_name(compact, routing),
        "fingerprint": _fingerprint(secret, country, routing, compact),
        "status": "errored" if failing else "new",
        "metadata": {},
    }


def from_token(uow: UnitOfWork, call: Call, token_id: str, param: str) -> dict[str, Any]:
    """The bank account a ``btok_`` holds, the token spent; one of Stripe's test tokens is
    Stripe's US test bank account with the status the token names."""
    held = tokens.spend_bank_token(uow, call, token_id, param)
    if not held.pop("test_token", False):
        return held
    params = {"country": "US", "currency": "usd", "routing_number": "110000000", **held}
    bank = bank_from_params(params, livemode=False, secret=uow.fingerprint_secret, param=param)
    return {**bank, "status": held["status"]}


def _test_number(compact: str) -> str:
    """The part of an account number Stripe's test numbers are listed by (an IBAN's after its
    country code)."""
    return compact[2:] if compact[:2].isalpha() else compact


def _bank_name(number: str, routing: str | None) -> str | None:
    if routing in banks.ROUTING_TEST_VALUES or _test_number(number) in banks.IBAN_TEST_VALUES:
        return _TEST_BANK_NAME
    if routing is None:
        try:
            name = IBAN(number).bank_name
        except SchwiftyException:
            return None
        return str(name) if name else None
    return None


def _fingerprint(secret: bytes, country: str, routing: str | None, number: str) -> str:
    """A keyed hash of the account's identity (as the verification fingerprints are keyed): the
    same bank account gives the same fingerprint on every account of the deployment."""
    text = "|".join(("bank_account", country.lower(), routing or "", number))
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:16]


def entries(record: AccountRecord, secret: bytes) -> list[dict[str, Any]]:
    """The account's bank accounts, oldest first; an old single ``external_account`` reads as
    the one default entry (``render_bank.stored_banks``), fingerprinted here."""
    listed = stored_banks(record)
    if "external_accounts" not in record.document:
        for entry in listed:
            number = str(entry.get("account_number") or "")
            entry["bank_name"] = _bank_name(number, entry.get("routing_number"))
            entry["fingerprint"] = _fingerprint(
                secret, str(entry["country"]), entry.get("routing_number"), number
            )
    return listed


def retrieve(uow: UnitOfWork, call: Call, account_id: str, bank_id: str) -> dict[str, Any]:
    record = _read(uow, call, account_id)
    return _find(entries(record, uow.fingerprint_secret), bank_id)


def _find(banks_: list[dict[str, Any]], bank_id: str) -> dict[str, Any]:
    for entry in banks_:
        if entry["id"] == bank_id:
            return entry
    raise NotFound(f"No such external account: '{bank_id}'", param="id")


def add(
    uow: UnitOfWork,
    call: Call,
    account_id: str,
    bank: dict[str, Any],
    rules: RuleBook,
    *,
    default_for_currency: bool = False,
    metadata: Mapping[str, str] | None = None,
    replace_default: bool = False,
) -> tuple[AccountRecord, dict[str, Any]]:
    """Attach ``bank`` (from ``bank_from_params`` or a spent token) to the account. The first
    in its currency is its default; ``default_for_currency`` makes it so. ``replace_default``
    (the hosted form) removes the current default in its currency."""
    record = _open(uow, call, account_id)
    current = entries(record, uow.fingerprint_secret)
    entry = {**copy.deepcopy(bank), "metadata": dict(metadata or {}), "created_ms": call.now_ms}
    entry.setdefault("id", new_id("ba"))
    same = [e for e in current if e["currency"] == entry["currency"]]
    removed = [e for e in same if replace_default and e.get("default_for_currency")]
    current = [e for e in current if e not in removed]
    entry["default_for_currency"] = default_for_currency or len(same) == len(removed)
    changed = _make_default(current, entry) if entry["default_for_currency"] else []
    _save(uow, call, record, [*current, entry], rules)
    for gone in removed:
        _event(uow, call, record, "deleted", gone)
    _event(uow, call, record, "created", entry)
    for other in changed:
        _event(uow, call, record, "updated", other, {"default_for_currency": True})
    return record, entry


def _make_default(current: list[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Unset the other default in ``entry``'s currency; the entries that changed."""
    changed = []
    for other in current:
        same = other["currency"] == entry["currency"] and other["id"] != entry["id"]
        if same and other.get("default_for_currency"):
            other["default_for_currency"] = False
            changed.append(other)
    return changed


def update(
    uow: UnitOfWork,
    call: Call,
    account_id: str,
    bank_id: str,
    changes: Mapping[str, Any],
    rules: RuleBook,
) -> tuple[AccountRecord, dict[str, Any]]:
    """Change a bank account's holder, default or metadata (v1 names; metadata merges, an
    empty value unsets a key, an empty ``metadata`` unsets all)."""
    record = _open(uow, call, account_id)
    current = entries(record, uow.fingerprint_secret)
    entry = _find(current, bank_id)
    before = copy.deepcopy(entry)
    for name in ("account_holder_name", "account_holder_type"):
        if name in changes:
            entry[name] = changes[name] or None
    if "metadata" in changes:
        entry["metadata"] = _merged(entry.get("metadata") or {}, changes["metadata"])
    changed: list[dict[str, Any]] = []
    if changes.get("default_for_currency") is True:
        entry["default_for_currency"] = True
        changed = _make_default(current, entry)
    elif changes.get("default_for_currency") is False and entry.get("default_for_currency"):
        raise _fail(
            f"To change the default bank account for {entry['currency']}, set"
            " default_for_currency=true on another bank account in that currency.",
            "default_for_currency",
        )
    previous = {k: before.get(k) for k in entry if entry.get(k) != before.get(k)}
    _save(uow, call, record, current, rules)
    if previous:
        _event(uow, call, record, "updated", entry, previous)
    for other in changed:
        _event(uow, call, record, "updated", other, {"default_for_currency": True})
    return record, entry


def _merged(metadata: Mapping[str, str], sent: Any) -> dict[str, str]:
    if not sent:
        return {}
    out = dict(metadata)
    for key, value in dict(sent).items():
        if value == "":
            out.pop(key, None)
        else:
            out[key] = value
    return out


def delete(
    uow: UnitOfWork, call: Call, account_id: str, bank_id: str, rules: RuleBook
) -> dict[str, Any]:
    """Detach a bank account. Stripe keeps a default in every currency that has bank accounts,
    so the default goes only as the last one in its currency."""
    record = _open(uow, call, account_id)
    current = entries(record, uow.fingerprint_secret)
    entry = _find(current, bank_id)
    others = [e for e in current if e["currency"] == entry["currency"] and e is not entry]
    if entry.get("default_for_currency") and others:
        raise InvalidRequest(
            f"You cannot delete the default bank account for {entry['currency']}. Please make"
            " another bank account the default using the default_for_currency param, and then"
            " delete this one.",
            param="id",
        )
    _save(uow, call, record, [e for e in current if e is not entry], rules)
    _event(uow, call, record, "deleted", entry)
    return entry


def set_from_form(
    uow: UnitOfWork, call: Call, account_id: str, form_bank: Mapping[str, Any], rules: RuleBook
) -> AccountRecord:
    """The hosted form's bank account (``controls.bank.read_bank``): it becomes the default for
    the account's currency, replacing the one there was."""
    record = _read(uow, call, account_id)
    country = str(form_bank.get("country") or "")
    currency = (record.document.get("defaults") or {}).get("currency") or country_currency(country)
    params = {
        "country": country,
        "currency": currency,
        "account_holder_name": form_bank.get("account_holder_name"),
        "account_number": form_bank.get("iban") or form_bank.get("account_number"),
        "routing_number": form_bank.get("routing_number"),
    }
    bank = bank_from_params(
        params, livemode=call.livemode, secret=uow.fingerprint_secret, param="external_account"
    )
    updated, _entry = add(
        uow, call, account_id, bank, rules, default_for_currency=True, replace_default=True
    )
    return updated


def _read(uow: UnitOfWork, call: Call, account_id: str) -> AccountRecord:
    record = uow.accounts.get(call.principal, account_id)
    if record is None or record.closed:
        raise NotFound(f"No such account: '{account_id}'", param="account")
    return record


def _open(uow: UnitOfWork, call: Call, account_id: str) -> AccountRecord:
    record = uow.accounts.get(call.principal, account_id, for_update=True)
    if record is None or record.closed:
        raise NotFound(f"No such account: '{account_id}'", param="account")
    return record


def _save(
    uow: UnitOfWork,
    call: Call,
    record: AccountRecord,
    banks_: list[dict[str, Any]],
    rules: RuleBook,
) -> None:
    previous = record.document
    document = {k: v for k, v in previous.items() if k != _LEGACY}
    document["external_accounts"] = banks_
    record.document = document
    record.updated_ms = call.now_ms
    timeline.refresh(
        uow, record, rules, call.now_ms, reason=call.reason(), before_document=previous
    )


def _event(
    uow: UnitOfWork,
    call: Call,
    record: AccountRecord,
    action: str,
    entry: Mapping[str, Any],
    previous: dict[str, Any] | None = None,
) -> None:
    record_v1_event(
        uow,
        record,
        f"account.external_account.{action}",
        bank_account(record.id, entry),
        previous_attributes=previous,
        at_ms=call.now_ms,
        reason=call.reason(),
    )
