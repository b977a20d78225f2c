"""The v1 Persons routes: ``/v1/accounts/{id}/persons``, through ``services.persons``.

Why the v2 service: a person made here is the same record ``/v2/core/accounts/{id}/persons``
shows, with the same checks and the same events (v1 and v2, see ``person_events``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gangway.api.app import Request, Route
from gangway.core.errors import GangwayError, NotFound
from gangway.requirements import RuleBook
from gangway.services import persons
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.v1 import accounts_params, person_events, persons_params
from gangway.v1.list_params import page_of
from gangway.v1.routing import form_route, open_account

__all__ = ["v1_person_routes"]


@contextmanager
def _v1_params() -> Iterator[None]:
    try:
        yield
    except GangwayError as exc:
        exc.param = persons_params.v1_person_param(exc.param)
        raise


def _country(account: AccountRecord) -> str | None:
    country = (account.document.get("identity") or {}).get("country")
    return country if isinstance(country, str) else None


def v1_person_routes(rules: RuleBook) -> list[Route]:
    def show(request: Request, account: AccountRecord, person: PersonRecord) -> dict[str, Any]:
        return person_events.view(request.uow, account, person, rules, request.call.now_ms)

    def create(request: Request) -> tuple[int, dict[str, Any]]:
        account = open_account(request, request.args[0])
        params, _ = persons_params.to_person_params(
            request.params, country=_country(account), creating=True
        )
        with _v1_params():
            person = persons.create(request.uow, request.call, account.id, params, rules)
        return 200, show(request, open_account(request, account.id), person)

    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        account = open_account(request, request.args[0])
        accounts_params.check_retrieve(request.params)
        person = persons.retrieve(request.uow, request.call, account.id, request.args[1])
        return 200, show(request, account, person)

    def update(request: Request) -> tuple[int, dict[str, Any]]:
        account = open_account(request, request.args[0])
        params, _ = persons_params.to_person_params(
            request.params, country=_country(account), creating=False
        )
        with _v1_params():
            person = persons.update(
                request.uow, request.call, account.id, request.args[1], params, rules
            )
        return 200, show(request, open_account(request, account.id), person)

    def delete(request: Request) -> tuple[int, dict[str, Any]]:
        account = open_account(request, request.args[0])
        person = persons.delete(request.uow, request.call, account.id, request.args[1], rules)
        return 200, {"id": person.id, "object": "person", "deleted": True}

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        account = open_account(request, request.args[0])
        params = persons_params.check_list(request.params)
        wanted = {k: v for k, v in (params.get("relationship") or {}).items() if v is not None}
        every = sorted(
            request.uow.accounts.persons_of(account.id),
            key=lambda p: (p.created_ms, p.id),
            reverse=True,
        )
        matching = [
            p
            for p in every
            if all(
                bool((p.document.get("relationship") or {}).get(k)) == v for k, v in wanted.items()
            )
        ]
        page, more = page_of(matching, [p.id for p in matching], params, _no_person)
        return 200, {
            "object": "list",
            "data": [show(request, account, p) for p in page],
            "has_more": more,
            "url": f"/v1/accounts/{account.id}/persons",
        }

    base = "/v1/accounts/{id}/persons"
    return [
        form_route("POST", base, create, write=True),
        form_route("GET", base, list_all, write=False),
        form_route("GET", base + "/{person}", retrieve, write=False),
        form_route("POST", base + "/{person}", update, write=True),
        form_route("DELETE", base + "/{person}", delete, write=True),
    ]


def _no_person(anchor: str, param: str) -> NotFound:
    return NotFound(f"No such person: '{anchor}'", param=param)
