"""``POST /v1/tokens`` for bank accounts: ``bank_account[...]`` checked as an external account
is, sealed in a single-use ``btok_`` (``services.tokens``). Card tokens are refused: Gangway pays
out to bank accounts only."""

from __future__ import annotations

from typing import Any, Final

from gangway.api.app import Request, Route
from gangway.core.errors import InvalidRequest
from gangway.services import external_accounts, tokens
from gangway.store.repos.tokens import TokenRecord
from gangway.v1.external_accounts import BANK_FIELDS, check_strings
from gangway.v1.render_bank import token_bank_account
from gangway.v1.routing import form_route

__all__ = ["render_token", "token_routes"]

_KNOWN: Final = frozenset({"bank_account", "expand"})


def render_token(token: TokenRecord, bank: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": token.id,
        "object": "token",
        "bank_account": token_bank_account(bank),
        "client_ip": None,
        "created": token.created_ms // 1000,
        "livemode": token.livemode,
        "type": "bank_account",
        "used": token.used_ms is not None,
    }


def _bank_params(params: dict[str, Any]) -> dict[str, Any]:
    if "card" in params or "pii" in params or "account" in params or "person" in params:
        name = next(k for k in ("card", "pii", "account", "person") if k in params)
        raise InvalidRequest(
            f"Gangway's v1 tokens hold bank accounts only ({name} tokens are not supported):"
            " send bank_account[...].",
            code="parameter_invalid",
            param=name,
        )
    for key in params:
        if key not in _KNOWN:
            raise InvalidRequest(
                f"Received unknown parameter: {key}", code="parameter_unknown", param=key
            )
    bank = params.get("bank_account")
    if not isinstance(bank, dict):
        raise InvalidRequest(
            "Missing required param: bank_account.",
            code="parameter_missing",
            param="bank_account",
        )
    for key in bank:
        if key not in BANK_FIELDS | {"object"}:
            field = f"bank_account[{key}]"
            raise InvalidRequest(
                f"Received unknown parameter: {field}", code="parameter_unknown", param=field
            )
    check_strings(bank, BANK_FIELDS, "bank_account")
    return {k: v for k, v in bank.items() if k != "object"}


def token_routes() -> list[Route]:
    def create(request: Request) -> tuple[int, dict[str, Any]]:
        fields = _bank_params(request.params)
        bank = external_accounts.bank_from_params(
            fields,
            livemode=request.call.livemode,
            secret=request.uow.fingerprint_secret,
            param="bank_account",
        )
        token = tokens.create_bank_token(request.uow, request.call, bank)
        return 200, render_token(token, token.params)

    return [form_route("POST", "/v1/tokens", create, write=True)]
