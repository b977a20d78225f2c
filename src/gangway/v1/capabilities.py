"""``/v1/accounts/{id}/capabilities``: list, retrieve, and request or unrequest one.

A request goes through ``services.accounts.update`` as the v2 configuration change it is
(``capabilities[card_payments][requested]=true`` on the account does the same), so the engine,
the events and the v2 view follow as for any account update.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

from gangway.api.app import Request, Route
from gangway.core.errors import GangwayError, InvalidRequest, NotFound
from gangway.requirements import RuleBook
from gangway.services import accounts
from gangway.store.repos.accounts import AccountRecord
from gangway.v1.accounts_params import capability_path, check_shape
from gangway.v1.capability_names import V1_CAPABILITIES
from gangway.v1.render_capability import capability, listed
from gangway.v1.routing import form_route, open_account

__all__ = ["v1_capability_routes"]

_RETRIEVE: Final = {"expand": "str_list"}
_UPDATE: Final = {"expand": "str_list", "requested": "bool"}


def _known(name: str) -> str:
    if name not in V1_CAPABILITIES:
        raise NotFound(f"No such capability: '{name[:100]}'", param="capability")
    return name


def _nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    node: Any = value
    for key in reversed(path):
        node = {key: node}
    result: dict[str, Any] = node
    return result


def v1_capability_routes(rules: RuleBook) -> list[Route]:
    def account(request: Request) -> AccountRecord:
        return open_account(request, request.args[0])

    def one(request: Request, record: AccountRecord, name: str) -> dict[str, Any]:
        evaluation = accounts.evaluation(request.uow, record, rules, request.call.now_ms)
        return capability(record, evaluation, name)

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        check_shape(_RETRIEVE, dict(request.params), ())
        record = account(request)
        evaluation = accounts.evaluation(request.uow, record, rules, request.call.now_ms)
        return 200, {
            "object": "list",
            "data": [capability(record, evaluation, name) for name in listed(record)],
            "has_more": False,
            "url": f"/v1/accounts/{quote(record.id, safe='')}/capabilities",
        }

    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        check_shape(_RETRIEVE, dict(request.params), ())
        name = _known(request.args[1])
        return 200, one(request, account(request), name)

    def update(request: Request) -> tuple[int, dict[str, Any]]:
        checked = check_shape(_UPDATE, dict(request.params), ())
        name = _known(request.args[1])
        current = account(request)
        requested = checked.get("requested")
        if requested is None:
            return 200, one(request, current, name)
        if requested is False and name not in listed(current):
            raise InvalidRequest(
                f"The capability {name} was never requested, so it cannot be unrequested.",
                code="parameter_invalid",
                param="requested",
            )
        params = _nested(capability_path(name), {"requested": requested})
        try:
            record = accounts.update(request.uow, request.call, current.id, params, rules)
        except GangwayError as exc:
            exc.param = "requested" if exc.param else None
            raise
        return 200, one(request, record, name)

    return [
        form_route("GET", "/v1/accounts/{id}/capabilities", list_all),
        form_route("GET", "/v1/accounts/{id}/capabilities/{cap}", retrieve),
        form_route("POST", "/v1/accounts/{id}/capabilities/{cap}", update, write=True),
    ]
