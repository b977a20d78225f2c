"""Route handlers for accounts, persons and their tokens: decode nothing, decide nothing, call
one service.

The write routes are ``service_checks``: the service checks the params against the contract,
so the request body reaches it as decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import orjson

from gangway.api import render
from gangway.api.app import Request, Route
from gangway.contract import params as contract
from gangway.core.errors import InvalidRequest
from gangway.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ListTokens,
    PageRequest,
    PageTokens,
    invalid_page_token,
)
from gangway.requirements import RuleBook
from gangway.services import accounts, persons, tokens
from gangway.store.repos.paging import Page

__all__ = ["list_body", "page_request", "routes"]


def routes(rules: RuleBook, pages: PageTokens) -> list[Route]:
    """The v2 Core routes this server answers, bound to the loaded requirement rules and the
    page token key."""

    def account_response(
        request: Request, record: Any, status: int = 200
    ) -> tuple[int, dict[str, Any]]:
        include = set(request.params.get("include") or ())
        evaluation = (
            accounts.requirements(request.uow, record, rules, request.call.now_ms)
            if include & render.NEEDS_EVALUATION
            else None
        )
        return status, render.account(record, include, evaluation, encoded=True)

    def create_account(request: Request) -> tuple[int, dict[str, Any]]:
        params = request.params
        if params.get("account_token") is not None:  # spent in this request's transaction
            checked = contract.check("AccountCreateParams", params)
            params = tokens.spend_account_token(request.uow, request.call, checked)
        record, evaluation = accounts.build(request.call, params, rules)
        include = set(request.params.get("include") or ())  # checked by build
        body = render.account(record, include, evaluation)  # before the transaction begins
        verified = accounts.add(request.uow, request.call, record, rules)
        if verified is not None:  # verifications started: the first evaluation changed
            body = render.account(record, include, verified)
        return 200, body

    def retrieve_account(request: Request) -> tuple[int, dict[str, Any]]:
        return account_response(
            request, accounts.retrieve(request.uow, request.call, request.args[0])
        )

    def update_account(request: Request) -> tuple[int, dict[str, Any]]:
        record = accounts.update(request.uow, request.call, request.args[0], request.params, rules)
        return account_response(request, record)

    def close_account(request: Request) -> tuple[int, dict[str, Any]]:
        record = accounts.close(request.uow, request.call, request.args[0], request.params, rules)
        return account_response(request, record)

    def list_accounts(request: Request) -> tuple[int, dict[str, Any]]:
        tokens = pages.bound("/v2/core/accounts", request.call.principal)
        wanted = page_request(
            request.params, "AccountListParams", ("applied_configurations", "closed"), tokens
        )
        records, page = accounts.list_page(request.uow, request.call, wanted)
        data = [render.account(record, (), None) for record in records]
        return 200, list_body(data, page, wanted, tokens)

    def create_person(request: Request) -> tuple[int, dict[str, Any]]:
        person = persons.create(request.uow, request.call, request.args[0], request.params, rules)
        return 200, render.person(person, livemode=request.call.livemode)

    def retrieve_person(request: Request) -> tuple[int, dict[str, Any]]:
        person = persons.retrieve(request.uow, request.call, *request.args)
        return 200, render.person(person, livemode=request.call.livemode)

    def update_person(request: Request) -> tuple[int, dict[str, Any]]:
        account_id, person_id = request.args
        person = persons.update(
            request.uow, request.call, account_id, person_id, request.params, rules
        )
        return 200, render.person(person, livemode=request.call.livemode)

    def delete_person(request: Request) -> tuple[int, dict[str, Any]]:
        account_id, person_id = request.args
        person = persons.delete(request.uow, request.call, account_id, person_id, rules)
        return 200, {"id": person.id, "object": "v2.core.account_person", "deleted": True}

    def list_persons(request: Request) -> tuple[int, dict[str, Any]]:
        account_id = request.args[0]
        base = f"/v2/core/accounts/{quote(account_id, safe='')}/persons"
        tokens = pages.bound(base, request.call.principal)
        wanted = page_request(request.params, "PersonListParams", (), tokens)
        records, page = persons.list_page(request.uow, request.call, account_id, wanted)
        data = [render.person(p, livemode=request.call.livemode) for p in records]
        return 200, list_body(data, page, wanted, tokens)

    def create_account_token(request: Request) -> tuple[int, dict[str, Any]]:
        token = tokens.create_account_token(request.uow, request.call, request.params)
        return 200, render.token(token)

    def retrieve_account_token(request: Request) -> tuple[int, dict[str, Any]]:
        token = tokens.retrieve_account_token(request.uow, request.call, request.args[0])
        return 200, render.token(token)

    def create_person_token(request: Request) -> tuple[int, dict[str, Any]]:
        token = tokens.create_person_token(
            request.uow, request.call, request.args[0], request.params
        )
        return 200, render.token(token)

    def retrieve_person_token(request: Request) -> tuple[int, dict[str, Any]]:
        token = tokens.retrieve_person_token(request.uow, request.call, *request.args)
        return 200, render.token(token)

    return [
        _write("/v2/core/accounts", create_account, "AccountCreateParams"),
        Route("GET", "/v2/core/accounts", list_accounts, "AccountListParams"),
        Route("GET", "/v2/core/accounts/{id}", retrieve_account, "AccountRetrieveParams"),
        _write("/v2/core/accounts/{id}", update_account, "AccountUpdateParams"),
        _write("/v2/core/accounts/{id}/close", close_account, "AccountCloseParams"),
        _write("/v2/core/accounts/{id}/persons", create_person, "PersonCreateParams"),
        Route("GET", "/v2/core/accounts/{id}/persons", list_persons, "PersonListParams"),
        Route("GET", "/v2/core/accounts/{id}/persons/{pid}", retrieve_person, None),
        _write("/v2/core/accounts/{id}/persons/{pid}", update_person, "PersonUpdateParams"),
        Route("DELETE", "/v2/core/accounts/{id}/persons/{pid}", delete_person, None, write=True),
        _write("/v2/core/account_tokens", create_account_token, "AccountTokenCreateParams"),
        Route("GET", "/v2/core/account_tokens/{id}", retrieve_account_token, None),
        _write(
            "/v2/core/accounts/{id}/person_tokens", create_person_token, "PersonTokenCreateParams"
        ),
        Route("GET", "/v2/core/accounts/{id}/person_tokens/{tid}", retrieve_person_token, None),
    ]


def _write(
    pattern: str, handler: Callable[[Request], tuple[int, dict[str, Any]]], params: str
) -> Route:
    """A POST whose service checks ``params`` itself."""
    return Route("POST", pattern, handler, params, write=True, service_checks=True)


def page_request(
    params: dict[str, Any],
    params_name: str,
    filter_names: tuple[str, ...],
    tokens: ListTokens,
) -> PageRequest:
    """The page a list request asks for: its ``page`` token's (checked by ``tokens``), or the
    first page under its own ``limit`` and filters."""
    token = params.get("page")
    if token:
        page = _checked(tokens.decode(token), params_name, filter_names)
        given = {name: params[name] for name in filter_names if name in params}
        if given and orjson.dumps(given, option=orjson.OPT_SORT_KEYS) != orjson.dumps(
            {name: page.filters[name] for name in given if name in page.filters},
            option=orjson.OPT_SORT_KEYS,
        ):
            raise invalid_page_token()  # the token was handed out for other filters
        return page
    limit = params.get("limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(
            f"limit must be between 1 and {MAX_LIMIT}; got {limit}.",
            code="parameter_invalid_integer",
            param="limit",
        )
    filters = {name: params[name] for name in filter_names if name in params}
    return PageRequest(limit=limit, cursor=None, filters=filters)


def _checked(page: PageRequest, params_name: str, filter_names: tuple[str, ...]) -> PageRequest:
    """A token's filters pass the same checks as the list's own params: signed by this server,
    a token is still input, and one that says otherwise is a 400 like any other bad parameter."""
    try:
        if not set(page.filters) <= set(filter_names):
            raise InvalidRequest("unexpected filters")
        contract.check(params_name, page.filters)
    except InvalidRequest as exc:
        raise invalid_page_token() from exc
    return page


def list_body(
    data: list[dict[str, Any]], page: Page, request: PageRequest, tokens: ListTokens
) -> dict[str, Any]:
    def url(cursor: Any) -> str | None:
        if cursor is None:
            return None
        return tokens.url(cursor, request.limit, request.filters)

    return {
        "data": data,
        "next_page_url": url(page.next_cursor),
        "previous_page_url": url(page.prev_cursor),
    }
