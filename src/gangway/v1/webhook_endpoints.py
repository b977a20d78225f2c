"""``/v1/webhook_endpoints``: create (the secret shown once), retrieve, update, list, delete.

Thin: the shape is checked here, ``services.webhook_endpoints`` decides, and the destination
URL's host is resolved before the transaction, as for v2 destinations (``event_routes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from gangway.api.app import Request, Route
from gangway.api.event_routes import look_up_host
from gangway.core.pagination import DEFAULT_LIMIT
from gangway.services import destinations, webhook_endpoints
from gangway.store.repos.webhooks import DestinationRecord
from gangway.v1.accounts_params import check_list, check_shape
from gangway.v1.event_types import V1_API_VERSION
from gangway.v1.list_params import keyset_cursor, list_body
from gangway.v1.routing import form_route
from gangway.webhooks.egress import EgressPolicy

__all__ = ["render_endpoint", "v1_webhook_endpoint_routes"]

_COMMON: Final = {
    "description": "str",
    "enabled_events": "str_list",
    "expand": "str_list",
    "metadata": "metadata",
    "url": "str",
}
CREATE: Final = {**_COMMON, "api_version": "str", "connect": "bool"}
UPDATE: Final = {**_COMMON, "disabled": "bool"}
RETRIEVE: Final = {"expand": "str_list"}


def render_endpoint(record: DestinationRecord, *, secret: bool = False) -> dict[str, Any]:
    doc = record.document
    body: dict[str, Any] = {
        "id": record.id,
        "object": "webhook_endpoint",
        "api_version": doc.get("api_version") or V1_API_VERSION,
        "application": None,
        "created": record.created_ms // 1000,
        "description": doc.get("description"),
        "enabled_events": record.enabled_events,
        "livemode": record.livemode,
        "metadata": doc.get("metadata") or {},
        "status": record.status,
        "url": doc.get("url"),
    }
    if secret:
        body["secret"] = doc.get("signing_secret")
    return body


def v1_webhook_endpoint_routes(egress: EgressPolicy | None = None) -> list[Route]:
    policy = egress or EgressPolicy()

    def lookup(request: Request) -> destinations.Lookup:
        found: destinations.Lookup = request.prepared or destinations.system_lookup
        return found

    def create(request: Request) -> tuple[int, dict[str, Any]]:
        params = check_shape(CREATE, dict(request.params), ())
        record = webhook_endpoints.create(
            request.uow, request.call, params, egress=policy, lookup=lookup(request)
        )
        return 200, render_endpoint(record, secret=True)

    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        check_shape(RETRIEVE, dict(request.params), ())
        return 200, render_endpoint(
            webhook_endpoints.retrieve(request.uow, request.call, request.args[0])
        )

    def update(request: Request) -> tuple[int, dict[str, Any]]:
        params = check_shape(UPDATE, dict(request.params), ())
        record = webhook_endpoints.update(
            request.uow,
            request.call,
            request.args[0],
            params,
            egress=policy,
            lookup=lookup(request),
        )
        return 200, render_endpoint(record)

    def delete(request: Request) -> tuple[int, dict[str, Any]]:
        record = webhook_endpoints.delete(request.uow, request.call, request.args[0])
        return 200, {"id": record.id, "object": "webhook_endpoint", "deleted": True}

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        params = check_list(request.params)
        cursor = keyset_cursor(params, anchor(request))
        records, page = webhook_endpoints.list_page(
            request.uow, request.call, limit=params.get("limit") or DEFAULT_LIMIT, cursor=cursor
        )
        data = [render_endpoint(r) for r in records]
        return 200, list_body(data, page, cursor, "/v1/webhook_endpoints")

    def anchor(request: Request) -> Callable[[str], tuple[int, str]]:
        def find(endpoint_id: str) -> tuple[int, str]:
            found = webhook_endpoints.retrieve(request.uow, request.call, endpoint_id)
            return found.created_ms, found.id

        return find

    base = "/v1/webhook_endpoints"
    return [
        form_route("POST", base, create, write=True, prepare=_prepare),
        form_route("GET", base, list_all),
        form_route("GET", base + "/{id}", retrieve),
        form_route("POST", base + "/{id}", update, write=True, prepare=_prepare),
        form_route("DELETE", base + "/{id}", delete, write=True),
    ]


async def _prepare(params: Any) -> destinations.Lookup:
    url = params.get("url") if isinstance(params, dict) else None
    return await look_up_host(url)
