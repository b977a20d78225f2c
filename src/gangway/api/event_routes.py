"""``/v2/core/events`` and ``/v2/core/event_destinations``."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from gangway.api import shape
from gangway.api.app import Request, Route
from gangway.api.handlers import list_body, page_request
from gangway.core.clock import from_rfc3339, to_rfc3339
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.pagination import PageTokens
from gangway.services import destinations
from gangway.store.repos.events import EventRecord
from gangway.store.repos.webhooks import DestinationRecord
from gangway.webhooks.egress import EgressPolicy, IPAddress
from gangway.webhooks.transport import system_resolver

__all__ = ["event_routes", "look_up_host", "render_destination", "render_event"]

_LOOKUP_SECONDS = 5.0
"""A destination host that has not resolved by then is taken as not resolving (accepted, and
checked at every delivery)."""


def render_event(event: EventRecord) -> dict[str, Any]:
    """The full event (retrieve, list, ping): ``data`` where the type has it."""
    payload = event.payload
    name = f"Event:{event.type}"
    document = {
        "id": event.id,
        "object": "v2.core.event",
        "type": event.type,
        "created": to_rfc3339(event.created_ms),
        "livemode": event.livemode,
        "context": payload.get("context"),
        "reason": payload.get("reason"),
        "related_object": payload.get("related_object"),
        "data": payload.get("data"),
        "changes": payload.get("changes"),
    }
    return shape.render(name if name in _SHAPES else "Event", document)


_SHAPES = frozenset(f"Event:{t}" for t in destinations.EVENT_TYPES)


def render_destination(record: DestinationRecord, include: set[str]) -> dict[str, Any]:
    doc = record.document
    return shape.render(
        "EventDestination",
        {
            "id": record.id,
            "object": "v2.core.event_destination",
            "created": to_rfc3339(record.created_ms),
            "updated": to_rfc3339(record.updated_ms),
            "livemode": record.livemode,
            "name": doc.get("name"),
            "description": doc.get("description") or "",
            "metadata": doc.get("metadata") or {},
            "type": doc.get("type"),
            "event_payload": doc.get("event_payload"),
            "enabled_events": record.enabled_events,
            "events_from": record.events_from,
            "snapshot_api_version": None,
            "status": record.status,
            "status_details": doc.get("status_details"),
            "webhook_endpoint": {
                "signing_secret": doc.get("signing_secret")
                if "webhook_endpoint.signing_secret" in include
                else None,
                "url": doc.get("url") if "webhook_endpoint.url" in include else None,
            },
        },
    )


def event_routes(pages: PageTokens, egress: EgressPolicy | None = None) -> list[Route]:
    """``pages`` signs the lists' page tokens; ``egress`` is the policy destination URLs must
    pass (by default, no allow-list)."""
    policy = egress or EgressPolicy()

    def list_events(request: Request) -> tuple[int, dict[str, Any]]:
        tokens = pages.bound("/v2/core/events", request.call.principal)
        filter_names = ("object_id", "types", "created")
        page = page_request(request.params, "EventListParams", filter_names, tokens)
        filters = page.filters
        created = {op: _instant(value, op) for op, value in (filters.get("created") or {}).items()}
        records, result = request.uow.events.page(
            request.call.principal,
            object_id=filters.get("object_id"),
            types=list(filters.get("types") or []) or None,
            created=created,
            limit=page.limit,
            cursor=page.cursor,
        )
        return 200, list_body([render_event(e) for e in records], result, page, tokens)

    def retrieve_event(request: Request) -> tuple[int, dict[str, Any]]:
        event = request.uow.events.get(request.call.principal, request.args[0])
        if event is None:
            raise NotFound(f"No such event: '{request.args[0]}'", param="id")
        return 200, render_event(event)

    def include(request: Request) -> set[str]:
        return set(request.params.get("include") or ())

    def create_destination(request: Request) -> tuple[int, dict[str, Any]]:
        record = destinations.create(
            request.uow,
            request.call,
            request.params,
            egress=policy,
            lookup=request.prepared or destinations.system_lookup,
        )
        return 200, render_destination(record, include(request))

    def retrieve_destination(request: Request) -> tuple[int, dict[str, Any]]:
        record = destinations.retrieve(request.uow, request.call, request.args[0])
        return 200, render_destination(record, include(request))

    def update_destination(request: Request) -> tuple[int, dict[str, Any]]:
        record = destinations.update(
            request.uow,
            request.call,
            request.args[0],
            request.params,
            egress=policy,
            lookup=request.prepared or destinations.system_lookup,
        )
        return 200, render_destination(record, include(request))

    def list_destinations(request: Request) -> tuple[int, dict[str, Any]]:
        tokens = pages.bound("/v2/core/event_destinations", request.call.principal)
        page = page_request(request.params, "EventDestinationListParams", (), tokens)
        records, result = destinations.list_page(request.uow, request.call, page)
        data = [render_destination(r, include(request)) for r in records]
        return 200, list_body(data, result, page, tokens)

    def delete_destination(request: Request) -> tuple[int, dict[str, Any]]:
        record = destinations.delete(request.uow, request.call, request.args[0])
        return 200, {"id": record.id, "object": "v2.core.event_destination", "deleted": True}

    def enable(request: Request) -> tuple[int, dict[str, Any]]:
        record = destinations.set_status(request.uow, request.call, request.args[0], enabled=True)
        return 200, render_destination(record, include(request))

    def disable(request: Request) -> tuple[int, dict[str, Any]]:
        record = destinations.set_status(request.uow, request.call, request.args[0], enabled=False)
        return 200, render_destination(record, include(request))

    def ping(request: Request) -> tuple[int, dict[str, Any]]:
        return 200, render_event(destinations.ping(request.uow, request.call, request.args[0]))

    base = "/v2/core/event_destinations"
    return [
        Route("GET", "/v2/core/events", list_events, "EventListParams"),
        Route("GET", "/v2/core/events/{id}", retrieve_event, "EventRetrieveParams"),
        Route(
            "POST",
            base,
            create_destination,
            "EventDestinationCreateParams",
            write=True,
            service_checks=True,
            prepare=_look_up_destination_host,
        ),
        Route("GET", base, list_destinations, "EventDestinationListParams"),
        Route("GET", base + "/{id}", retrieve_destination, "EventDestinationRetrieveParams"),
        Route(
            "POST",
            base + "/{id}",
            update_destination,
            "EventDestinationUpdateParams",
            write=True,
            service_checks=True,
            prepare=_look_up_destination_host,
        ),
        Route("DELETE", base + "/{id}", delete_destination, None, write=True),
        Route("POST", base + "/{id}/enable", enable, "EventDestinationEnableParams", write=True),
        Route("POST", base + "/{id}/disable", disable, "EventDestinationDisableParams", write=True),
        Route("POST", base + "/{id}/ping", ping, "EventDestinationPingParams", write=True),
    ]


async def _look_up_destination_host(params: Any) -> destinations.Lookup:
    endpoint = params.get("webhook_endpoint") if isinstance(params, dict) else None
    return await look_up_host(endpoint.get("url") if isinstance(endpoint, dict) else None)


async def look_up_host(url: Any) -> destinations.Lookup:
    """A destination URL's host resolved off the loop's thread, before the transaction; the
    service's egress check reads the answer through the returned lookup."""
    host = destinations.host_to_look_up(url)
    found: dict[str, list[IPAddress]] = {}
    if host is not None:
        try:
            async with asyncio.timeout(_LOOKUP_SECONDS):
                found[host] = await system_resolver(host, 443)
        except (OSError, ValueError, TimeoutError):
            found[host] = []
    return partial(_answer, found)


def _answer(found: dict[str, list[IPAddress]], host: str) -> list[IPAddress]:
    if host in found:
        return found[host]
    return destinations.system_lookup(host)  # not foreseen: correct, if blocking


def _instant(value: Any, op: str) -> int:
    try:
        return from_rfc3339(str(value))
    except (ValueError, TypeError):
        raise InvalidRequest(
            f"created[{op}] must be an RFC 3339 timestamp, like 2026-01-01T00:00:00.000Z.",
            code="parameter_invalid_timestamp",
            param=f"created[{op}]",
        ) from None
