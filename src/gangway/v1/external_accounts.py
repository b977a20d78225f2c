"""The v1 external accounts routes (``/v1/accounts/{id}/external_accounts``) and the v1
``external_account`` param: check the v1 shape, call ``services.external_accounts``, render.

Gangway pays out to bank accounts only: a card (``tok_visa_debit``, ``object=card``) is a 400
that says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gangway.api.app import Request, Route
from gangway.core.errors import InvalidRequest
from gangway.core.pagination import DEFAULT_LIMIT
from gangway.requirements import RuleBook
from gangway.services import external_accounts as service
from gangway.services.context import Call
from gangway.store.uow import UnitOfWork
from gangway.v1.list_params import page_of
from gangway.v1.render_bank import bank_account, bank_list
from gangway.v1.routing import form_route, open_account

__all__ = [
    "BANK_FIELDS",
    "attach",
    "check_strings",
    "external_account_routes",
    "resolve",
    "split",
]

BANK_FIELDS: Final = frozenset(
    {
        "account_holder_name",
        "account_holder_type",
        "account_number",
        "country",
        "currency",
        "routing_number",
    }
)
_CREATE: Final = frozenset({"default_for_currency", "expand", "external_account", "metadata"})
_UPDATE: Final = frozenset(
    {"account_holder_name", "account_holder_type", "default_for_currency", "expand", "metadata"}
)
_LIST: Final = frozenset({"ending_before", "expand", "limit", "object", "starting_after"})
_CARDS: Final = (
    "Gangway pays out to bank accounts only: cards are not supported as external accounts."
    " Send a bank account token (btok_...) or external_account[object]=bank_account."
)


def _unknown(params: Mapping[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
    for key in params:
        if key not in allowed:
            name = f"{prefix}[{key}]" if prefix else key
            raise InvalidRequest(
                f"Received unknown parameter: {name}", code="parameter_unknown", param=name
            )


def check_strings(params: Mapping[str, Any], names: frozenset[str], prefix: str = "") -> None:
    """Each of ``names`` that was sent is a single string value."""
    for key in names & set(params):
        if not isinstance(params[key], str):
            name = f"{prefix}[{key}]" if prefix else key
            raise InvalidRequest(
                f"Invalid {name}: expected a string.", code="parameter_invalid_type", param=name
            )


def _bool(params: Mapping[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if value not in ("true", "false"):
        raise InvalidRequest(
            f"Invalid boolean: {str(value)[:100]!r} ({name} takes true or false).",
            code="parameter_invalid_boolean",
            param=name,
        )
    return bool(value == "true")


def _metadata(params: Mapping[str, Any]) -> dict[str, str] | None:
    value = params.get("metadata")
    if value is None or value == "":
        return None if value is None else {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidRequest(
            "Invalid metadata: expected a hash of strings (metadata[key]=value).",
            code="parameter_invalid_type",
            param="metadata",
        )
    return dict(value)


def resolve(uow: UnitOfWork, call: Call, value: Any, param: str) -> dict[str, Any]:
    """A v1 ``external_account``, a ``btok_`` id or a ``bank_account`` hash, as a checked
    bank account (a token is spent)."""
    if isinstance(value, str):
        if not value.startswith("btok_"):
            raise InvalidRequest(_CARDS, code="parameter_invalid", param=param)
        return service.from_token(uow, call, value, param)
    if not isinstance(value, dict):
        raise InvalidRequest(
            f"Invalid {param}: a token id or a hash.", code="parameter_invalid_type", param=param
        )
    if value.get("object") != "bank_account":
        if value.get("object") == "card":
            raise InvalidRequest(_CARDS, code="parameter_invalid", param=f"{param}[object]")
        raise InvalidRequest(
            f"{param}[object] must be bank_account.",
            code="parameter_missing" if "object" not in value else "parameter_invalid",
            param=f"{param}[object]",
        )
    fields = {k: v for k, v in value.items() if k != "object"}
    _unknown(fields, BANK_FIELDS, param)
    check_strings(fields, BANK_FIELDS, param)
    return service.bank_from_params(
        fields, livemode=call.livemode, secret=uow.fingerprint_secret, param=param
    )


def split(params: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """A v1 account create or update's params without ``external_account``, and its value
    (``None`` when not sent): ``attach`` applies it after the account write."""
    rest = {k: v for k, v in params.items() if k != "external_account"}
    return rest, params.get("external_account")


def attach(uow: UnitOfWork, call: Call, account_id: str, value: Any, rules: RuleBook) -> None:
    """The ``external_account`` param of a v1 account create or update: the new default for
    its currency, as Stripe makes it."""
    bank = resolve(uow, call, value, "external_account")
    service.add(uow, call, account_id, bank, rules, default_for_currency=True)


def external_account_routes(rules: RuleBook) -> list[Route]:
    def create(request: Request) -> tuple[int, dict[str, Any]]:
        params = request.params
        _unknown(params, _CREATE)
        if "external_account" not in params:
            raise InvalidRequest(
                "Missing required param: external_account.",
                code="parameter_missing",
                param="external_account",
            )
        default = _bool(params, "default_for_currency")
        metadata = _metadata(params)
        account_id = request.args[0]
        open_account(request, account_id)
        bank = resolve(request.uow, request.call, params["external_account"], "external_account")
        record, entry = service.add(
            request.uow,
            request.call,
            account_id,
            bank,
            rules,
            default_for_currency=bool(default),
            metadata=metadata,
        )
        return 200, bank_account(record.id, entry)

    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        _unknown(request.params, frozenset({"expand"}))
        account_id, bank_id = request.args[0], request.args[1]
        open_account(request, account_id)
        entry = service.retrieve(request.uow, request.call, account_id, bank_id)
        return 200, bank_account(account_id, entry)

    def update(request: Request) -> tuple[int, dict[str, Any]]:
        params = request.params
        _unknown(params, _UPDATE)
        check_strings(params, frozenset({"account_holder_name", "account_holder_type"}))
        holder_type = params.get("account_holder_type")
        if holder_type not in (None, "", *service.HOLDER_TYPES):
            raise InvalidRequest(
                "account_holder_type must be individual or company.",
                code="parameter_invalid_enum",
                param="account_holder_type",
            )
        changes: dict[str, Any] = {
            k: params[k] for k in ("account_holder_name", "account_holder_type") if k in params
        }
        if (default := _bool(params, "default_for_currency")) is not None:
            changes["default_for_currency"] = default
        if "metadata" in params:
            changes["metadata"] = _metadata(params)
        account_id, bank_id = request.args[0], request.args[1]
        open_account(request, account_id)
        record, entry = service.update(
            request.uow, request.call, account_id, bank_id, changes, rules
        )
        return 200, bank_account(record.id, entry)

    def delete(request: Request) -> tuple[int, dict[str, Any]]:
        account_id, bank_id = request.args[0], request.args[1]
        open_account(request, account_id)
        entry = service.delete(request.uow, request.call, account_id, bank_id, rules)
        return 200, {"id": entry["id"], "object": "bank_account", "deleted": True}

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        account_id = request.args[0]
        record = open_account(request, account_id)
        every = service.entries(record, request.uow.fingerprint_secret)
        page, more = _page(list(reversed(every)), _list_params(request.params))
        return 200, bank_list(account_id, page, has_more=more)

    base = "/v1/accounts/{id}/external_accounts"
    return [
        form_route("POST", base, create, write=True),
        form_route("GET", base, list_all, write=False),
        form_route("GET", base + "/{id}", retrieve, write=False),
        form_route("POST", base + "/{id}", update, write=True),
        form_route("DELETE", base + "/{id}", delete, write=True),
    ]


def _list_params(params: Mapping[str, Any]) -> dict[str, Any]:
    _unknown(params, _LIST)
    check_strings(params, frozenset({"ending_before", "limit", "object", "starting_after"}))
    kind = params.get("object")
    if kind not in (None, "bank_account", "card"):
        raise InvalidRequest(
            "Invalid object: must be one of bank_account, card.",
            code="parameter_invalid_enum",
            param="object",
        )
    raw = params.get("limit")
    limit = DEFAULT_LIMIT
    if raw is not None:
        if not (raw.isascii() and raw.isdigit()):
            raise InvalidRequest(
                f"Invalid integer: {raw[:100]!r} (limit).",
                code="parameter_invalid_integer",
                param="limit",
            )
        limit = int(raw)
        if not 1 <= limit <= 100:
            raise InvalidRequest(
                f"Invalid limit: must be between 1 and 100 (got {limit}).",
                code="parameter_invalid_integer",
                param="limit",
            )
    return {**params, "limit": limit}


def _page(newest_first: list[dict[str, Any]], params: Mapping[str, Any]) -> tuple[list[Any], bool]:
    """One v1 page of an account's bank accounts (newest first); ``object=card`` lists none."""
    if params.get("object") == "card":
        return [], False
    return page_of(newest_first, [entry["id"] for entry in newest_first], params, _no_bank)


def _no_bank(anchor: str, param: str) -> InvalidRequest:
    return InvalidRequest(
        f"No such external account: '{anchor}'", code="resource_missing", param=param
    )
