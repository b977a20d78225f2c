"""Account and person tokens: identity params sealed now, applied once, later, by reference.

A token holds exactly what its create params may carry (``AccountTokenCreateParams``,
``PersonTokenCreateParams``, checked here with the same field checks as an account or person
write). Using it (``account_token`` on an account create or update, ``person_token`` on a person
create or update) spends it and merges its params into the request's, which then go through
the ordinary write: a token never lets through what the fields sent directly would not. A token
is single use, expires ``TOKEN_LIFETIME_MS`` after it was created (in the caller's time, so a
test clock expires it), and belongs to one platform and mode (a person token also to one
account). Spending happens in the write's own transaction: a write refused after the token was
spent rolls the spend back with it.
"""

from __future__ import annotations

import copy
from typing import Any

from gangway.contract import params as contract
from gangway.core.accounts import merge_document
from gangway.core.clock import to_rfc3339
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.field_checks import CheckContext, check_account_params, check_person_params
from gangway.core.ids import new_id
from gangway.services.context import Call
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.tokens import TokenRecord
from gangway.store.uow import UnitOfWork

__all__ = [
    "TEST_BANK_TOKENS",
    "TOKEN_LIFETIME_MS",
    "create_account_token",
    "create_bank_token",
    "create_person_token",
    "retrieve_account_token",
    "retrieve_person_token",
    "spend_account_token",
    "spend_bank_token",
    "spend_person_token",
]

TOKEN_LIFETIME_MS = 10 * 60 * 1000
"""Stripe documents that tokens expire but not when (UNCONFIRMED); Account Links' 10 minutes."""

ACCOUNT_TOKEN_FIELDS = frozenset({"contact_email", "contact_phone", "display_name", "identity"})
"""What an account token carries; ``identity.country`` (which it cannot) may come beside it."""


def create_account_token(uow: UnitOfWork, call: Call, params: dict[str, Any]) -> TokenRecord:
    params = contract.check("AccountTokenCreateParams", params)
    _refuse_live_secret_key(call)
    identity = params.get("identity") or {}
    if "attestations" in identity:
        params = {
            **params,
            "identity": {**identity, "attestations": _expanded(identity["attestations"], call)},
        }
    check_account_params(
        params, CheckContext(today=call.today, country=None, livemode=call.livemode)
    )
    return _add(uow, call, "account", None, params)


def create_person_token(
    uow: UnitOfWork, call: Call, account_id: str, params: dict[str, Any]
) -> TokenRecord:
    params = contract.check("PersonTokenCreateParams", params)
    _refuse_live_secret_key(call)
    if "additional_terms_of_service" in params:
        terms = _expanded({"terms_of_service": params["additional_terms_of_service"]}, call)
        params = {**params, "additional_terms_of_service": terms.get("terms_of_service", {})}
    account = _account(uow, call, account_id)
    country = (account.document.get("identity") or {}).get("country")
    check_person_params(
        params, CheckContext(today=call.today, country=country, livemode=call.livemode)
    )
    return _add(uow, call, "person", account.id, params)


TEST_BANK_TOKENS: dict[str, tuple[str, str]] = {
    "btok_us": ("000123456789", "new"),
    "btok_us_verified": ("000123456789", "verified"),
    "btok_us_verificationFailed": ("000123456789", "verification_failed"),
    "btok_us_verified_noAccount": ("000111111116", "errored"),
    "btok_us_verified_accountClosed": ("000111111113", "errored"),
    "btok_us_verified_insufficientFunds": ("000222222227", "errored"),
    "btok_us_verified_debitNotAuthorized": ("000333333335", "errored"),
    "btok_us_verified_invalidCurrency": ("000444444440", "errored"),
}
"""Stripe's documented US bank account test tokens (docs.stripe.com/connect/testing): account
number and the status the bank account gets. Test mode accepts them without creating them, any
number of times, with Stripe's test routing number 110000000. ``btok_us`` (the plain test
account, status ``new``) is Gangway's shorthand, not confirmed in Stripe's docs; the per-country
``btok_<cc>`` family is not served (UNCONFIRMED that Stripe documents it)."""


def create_bank_token(uow: UnitOfWork, call: Call, bank: dict[str, Any]) -> TokenRecord:
    """A ``btok_`` token holding a bank account already checked by
    ``external_accounts.bank_from_params``, with the ``ba_`` id it will keep once attached."""
    _refuse_live_secret_key(call)
    return _add(uow, call, "bank_account", None, {**bank, "id": new_id("ba")})


def spend_bank_token(uow: UnitOfWork, call: Call, token_id: str, param: str) -> dict[str, Any]:
    """The bank account a ``btok_`` token holds, the token spent (a test token is not stored and
    never runs out)."""
    test = TEST_BANK_TOKENS.get(token_id)
    if test is not None and not call.livemode:
        number, status = test
        return {"test_token": True, "account_number": number, "status": status}
    token = _spend(uow, call, token_id, "bank_account", param, None)
    return copy.deepcopy(token.params)


def retrieve_account_token(uow: UnitOfWork, call: Call, token_id: str) -> TokenRecord:
    token = uow.tokens.get(call.principal, token_id)
    if token is None or token.kind != "account":
        raise NotFound(f"No such account token: '{token_id}'", param="id")
    return token


def retrieve_person_token(
    uow: UnitOfWork, call: Call, account_id: str, token_id: str
) -> TokenRecord:
    account = _account(uow, call, account_id)
    token = uow.tokens.get(call.principal, token_id)
    if token is None or token.kind != "person" or token.account_id != account.id:
        raise NotFound(f"No such person token: '{token_id}'", param="id")
    return token


def spend_account_token(uow: UnitOfWork, call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` (an account create or update, already checked against its contract) with
    its ``account_token`` spent and replaced by what the token holds. Fields the token carries
    may not also be sent (``param_alongside_account_token``), except ``identity.country``."""
    if params.get("account_token") is None:
        return params
    for name in sorted(ACCOUNT_TOKEN_FIELDS & set(params)):
        param = name
        if name == "identity":
            beside = sorted(k for k in params["identity"] if k != "country")
            if not beside:
                continue
            param = f"identity[{beside[0]}]"
        raise InvalidRequest(
            f"{param} cannot be passed alongside account_token: put it in the token.",
            code="param_alongside_account_token",
            param=param,
        )
    token = _spend(uow, call, params["account_token"], "account", "account_token", None)
    rest = {k: v for k, v in params.items() if k != "account_token"}
    return merge_document(copy.deepcopy(token.params), rest)


def spend_person_token(
    uow: UnitOfWork, call: Call, account_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Like ``spend_account_token`` for a person write under ``account_id``: a person token
    carries every person field, so nothing may be sent beside it."""
    if params.get("person_token") is None:
        return params
    beside = sorted(k for k in params if k != "person_token")
    if beside:
        raise InvalidRequest(
            f"{beside[0]} cannot be passed alongside person_token: put it in the token.",
            code="param_alongside_person_token",
            param=beside[0],
        )
    token = _spend(uow, call, params["person_token"], "person", "person_token", account_id)
    return copy.deepcopy(token.params)


def _add(
    uow: UnitOfWork, call: Call, kind: str, account_id: str | None, params: dict[str, Any]
) -> TokenRecord:
    prefix = {"account": "accttok", "person": "perstok"}.get(kind, "btok")
    token = TokenRecord(
        id=new_id(prefix) if prefix == "btok" else new_id(prefix, livemode=call.livemode),
        platform_id=call.principal.platform_id,
        livemode=call.livemode,
        kind=kind,
        account_id=account_id,
        created_ms=call.now_ms,
        expires_ms=call.now_ms + TOKEN_LIFETIME_MS,
        used_ms=None,
        params=params,
    )
    uow.tokens.add(token)
    return token


def _spend(
    uow: UnitOfWork, call: Call, token_id: str, kind: str, param: str, account_id: str | None
) -> TokenRecord:
    token = uow.tokens.get(call.principal, token_id)
    if token is None or (
        kind == "person" and token.kind == "person" and token.account_id != account_id
    ):
        raise InvalidRequest(f"No such token: '{token_id}'", code="resource_missing", param=param)
    if token.kind != kind:
        raise InvalidRequest(
            f"{token_id} is a {token.kind} token; {param} takes a {kind} token.",
            code="incorrect_token_wrong_type",
            param=param,
        )
    if token.used_ms is not None:
        raise _already_used(token_id, param)
    if token.expires_ms <= call.now_ms:
        raise InvalidRequest(
            f"The token {token_id} has expired: create a new one.",
            code="token_expired",
            param=param,
        )
    if not uow.tokens.spend(token.id, call.now_ms):  # a concurrent use won
        raise _already_used(token_id, param)
    return token


def _already_used(token_id: str, param: str) -> InvalidRequest:
    return InvalidRequest(
        f"The token {token_id} has already been used: tokens can be used only once.",
        code="token_already_used",
        param=param,
    )


def _expanded(attestations: dict[str, Any], call: Call) -> dict[str, Any]:
    """A token's attestations as an account write takes them: ``attested`` or
    ``shown_and_accepted`` true becomes the date, IP and user agent of the token's request
    ("IP, date, and User Agent are expanded by Stripe"); false attests nothing."""
    stamp = {"date": to_rfc3339(call.now_ms), "ip": call.client_ip or "127.0.0.1"}
    if call.user_agent:
        stamp["user_agent"] = call.user_agent[:5000]
    out: dict[str, Any] = {}
    for name, value in attestations.items():
        if name == "terms_of_service":
            account = (value or {}).get("account") or {}
            if account.get("shown_and_accepted"):
                out[name] = {"account": dict(stamp)}
        elif name == "persons_provided":
            out[name] = value
        elif (value or {}).get("attested"):
            out[name] = dict(stamp)
    return out


def _account(uow: UnitOfWork, call: Call, account_id: str) -> AccountRecord:
    account = uow.accounts.get(call.principal, account_id)
    if account is None:
        raise NotFound(f"No such account: '{account_id}'", param="account")
    return account


def _refuse_live_secret_key(call: Call) -> None:
    """Stripe creates live-mode tokens only with a publishable key, so that the data never
    passes through the platform's server; Gangway issues secret keys only."""
    if call.livemode:
        raise InvalidRequest(
            "In live mode, tokens can only be created with a publishable key, which Gangway "
            "does not issue; create tokens in test mode, or send the fields directly.",
            code="publishable_key_required",
        )
