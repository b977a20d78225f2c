"""The v1 Persons routes: ``/v1/accounts/{id}/persons``, through ``services.persons``.

Why the v2 service: a person made here is the same record ``/v2/core/accounts/{id}/persons``
shows, with the same checks and the same events (v1 and v2, see ``person_events``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gangway.api.app import Request, Route
from gangway.core.errors import GangwayError, NotFound
from gangway.core.pagination import DEFAULT_LIMIT
from gangway.requirements import RuleBook
from gangway.services import persons
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.v1 import accounts_params, person_events, persons_params
from gangway.v1.routes import _as_is, _open

__all__ = ["v1_person_routes"]

Handler = Callable[[Request], tuple[int, dict[str, Any]]]


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
        account = _open(request, request.args[0])
        params, _ = persons_params.to_person_params(
            request.params, country=_country(account), creating=True
        )
        with _v1_params():
            person = persons.create(request.uow, request.call, account.id, params, rules)
        return 200, show(request, _open(request, account.id), person)

    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        account = _open(request, request.args[0])
        accounts_params.check_retrieve(request.params)
        person = persons.retrieve(request.uow, request.call, account.id, request.args[1])
        return 200, show(request, account, person)

    def update(request: Request) -> tuple[int, dict[str, Any]]:
        account = _open(request, request.args[0])
        params, _ = persons_params.to_person_params(
            request.params, country=_country(account), creating=False
        )
        with _v1_params():
            person = persons.update(
                request.uow, request.call, account.id, request.args[1], params, rules
            )
        return 200, show(request, _open(request, account.id), person)

    def delete(request: Request) -> tuple[int, dict[str, Any]]:
        account = _open(request, request.args[0])
        person = persons.delete(request.uow, request.call, account.id, request.args[1], rules)
        return 200, {"id": person.id, "object": "person", "deleted": True}

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        account = _open(request, request.args[0])
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
        page, more = _page(matching, params)
        return 200, {
            "object": "list",
            "data": [show(request, account, p) for p in page],
            "has_more": more,
            "url": f"/v1/accounts/{account.id}/persons",
        }

    def form(method: str, pattern: str, handler: Handler, *, write: bool) -> Route:
        return Route(method, pattern, handler, _as_is, write=write, form=True)

    base = "/v1/accounts/{id}/persons"
    return [
        form("POST", base, create, write=True),
        form("GET", base, list_all, write=False),
        form("GET", base + "/{person}", retrieve, write=False),
        form("POST", base + "/{person}", update, write=True),
        form("DELETE", base + "/{person}", delete, write=True),
    ]


def _page(items: list[PersonRecord], params: dict[str, Any]) -> tuple[list[PersonRecord], bool]:
    """v1 paging over the newest-first list: ``starting_after`` / ``ending_before`` an id."""
    limit = params.get("limit") or DEFAULT_LIMIT
    ids = [p.id for p in items]
    for name in ("starting_after", "ending_before"):
        anchor = params.get(name)
        if anchor and anchor not in ids:
            raise NotFound(f"No such person: '{anchor}'", param=name)
    if params.get("starting_after"):
        rest = items[ids.index(params["starting_after"]) + 1 :]
        return rest[:limit], len(rest) > limit
    if params.get("ending_before"):
        head = items[: ids.index(params["ending_before"])]
        return head[-limit:], len(head) > limit
    return items[:limit], len(items) > limit
