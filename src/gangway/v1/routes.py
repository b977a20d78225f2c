"""The v1 Accounts routes: translate the params, call the same service as v2, render v1.

Thin on purpose: ``accounts_params`` translates, ``services.accounts`` decides (the one
boundary), ``render`` writes the v1 object. Errors a service raises name v2 params; they leave
here renamed to the v1 params the caller sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from gangway.api.app import Request, Route
from gangway.core.errors import GangwayError, InvalidRequest
from gangway.core.pagination import DEFAULT_LIMIT
from gangway.requirements import RuleBook
from gangway.services import accounts
from gangway.store.repos.accounts import AccountRecord
from gangway.v1 import accounts_params, external_accounts, render
from gangway.v1.list_params import keyset_cursor, list_body
from gangway.v1.routing import form_route, open_account

__all__ = ["v1_account_routes"]

_REJECT = {"expand": "str_list", "reason": accounts.REJECT_REASONS}


@contextmanager
def _v1_params(sent: Mapping[str, Any] | None = None) -> Iterator[None]:
    """A service's error, with its v2 ``param`` renamed to the v1 one."""
    try:
        yield
    except GangwayError as exc:
        exc.param = accounts_params.v1_param(exc.param, sent)
        raise


def v1_account_routes(rules: RuleBook) -> list[Route]:
    def respond(request: Request, record: AccountRecord) -> tuple[int, dict[str, Any]]:
        evaluation = accounts.evaluation(request.uow, record, rules, request.call.now_ms)
        return 200, render.account(record, evaluation)

    def create(request: Request) -> tuple[int, dict[str, Any]]:
        sent, bank = external_accounts.split(request.params)
        params, _expand = accounts_params.to_create_params(sent)
        with _v1_params(request.params):
            record, evaluation = accounts.build(request.call, params, rules)
            verified = accounts.add(request.uow, request.call, record, rules)
        if bank is not None:
            external_accounts.attach(request.uow, request.call, record.id, bank, rules)
            return respond(request, accounts.retrieve(request.uow, request.call, record.id))
        return 200, render.account(record, verified or evaluation)

    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        accounts_params.check_retrieve(request.params)
        return respond(request, open_account(request, request.args[0]))

    def retrieve_acting(request: Request) -> tuple[int, dict[str, Any]]:
        """``GET /v1/account``: the account a ``Stripe-Account`` header names (``v1.acting``
        checked it). Gangway keeps no account object for the platform itself."""
        accounts_params.check_retrieve(request.params)
        acting = request.call.stripe_account
        if acting is None:
            raise InvalidRequest(
                "GET /v1/account returns the connected account named by the Stripe-Account "
                "header; Gangway has no account object for the platform itself.",
                code="parameter_missing",
            )
        return respond(request, open_account(request, acting))

    def update(request: Request) -> tuple[int, dict[str, Any]]:
        current = open_account(request, request.args[0])
        sent, bank = external_accounts.split(request.params)
        params, _expand = accounts_params.to_update_params(sent, current.document)
        with _v1_params(request.params):
            record = accounts.update(request.uow, request.call, current.id, params, rules)
        if bank is not None:
            external_accounts.attach(request.uow, request.call, record.id, bank, rules)
            record = accounts.retrieve(request.uow, request.call, record.id)
        return respond(request, record)

    def delete(request: Request) -> tuple[int, dict[str, Any]]:
        account_id = request.args[0]
        open_account(request, account_id)
        accounts.close(request.uow, request.call, account_id, {}, rules)
        return 200, render.deleted(account_id)

    def reject(request: Request) -> tuple[int, dict[str, Any]]:
        checked = accounts_params.check_shape(_REJECT, dict(request.params), ())
        if not checked.get("reason"):
            raise InvalidRequest(
                "Missing required param: reason.", code="parameter_missing", param="reason"
            )
        open_account(request, request.args[0])
        record = accounts.reject(
            request.uow, request.call, request.args[0], checked["reason"], rules
        )
        return respond(request, record)

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        params = accounts_params.check_list(request.params)
        limit = params.get("limit") or DEFAULT_LIMIT

        def anchor(account_id: str) -> tuple[int, str]:
            found = accounts.retrieve(request.uow, request.call, account_id)
            return found.created_ms, found.id

        cursor = keyset_cursor(params, anchor)
        records, page = request.uow.accounts.page(
            request.call.principal,
            closed=False,
            configurations=[],
            limit=limit,
            cursor=cursor,
            created=params.get("created"),
        )
        data = [
            render.account(r, accounts.evaluation(request.uow, r, rules, request.call.now_ms))
            for r in records
        ]
        return 200, list_body(data, page, cursor, "/v1/accounts")

    return [
        form_route("POST", "/v1/accounts", create, write=True),
        form_route("GET", "/v1/accounts", list_all, write=False),
        form_route("GET", "/v1/account", retrieve_acting, write=False),
        form_route("GET", "/v1/accounts/{id}", retrieve, write=False),
        form_route("POST", "/v1/accounts/{id}", update, write=True),
        form_route("DELETE", "/v1/accounts/{id}", delete, write=True),
        form_route("POST", "/v1/accounts/{id}/reject", reject, write=True),
    ]
