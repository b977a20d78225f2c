"""``GET /v1/events`` and ``GET /v1/events/{id}``: the v1 snapshot events of the shared table.

The v1 view lists only v1 types (``api="v1"``); ``/v2/core/events`` never shows them. A ``type``
with ``*`` (``account.*``) is expanded against the v1 types stripe-python knows.
"""

from __future__ import annotations

import fnmatch
from typing import Any, Final

from gangway.api.app import Request, Route
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.pagination import DEFAULT_LIMIT, Cursor
from gangway.store.repos.events import EventRecord
from gangway.store.repos.webhooks import snapshot_event
from gangway.v1.accounts_params import check_shape
from gangway.v1.event_types import V1_EVENT_TYPES
from gangway.v1.list_params import created_filter
from gangway.v1.routing import form_route

__all__ = ["render_events", "v1_event_routes"]

_LIST: Final = {
    "ending_before": "str",
    "expand": "str_list",
    "limit": "int",
    "starting_after": "str",
    "type": "str",
    "types": "str_list",
}


def render_events(request: Request, events: list[EventRecord]) -> list[dict[str, Any]]:
    """v1 Events as retrieved (the body a v1 endpoint receives is the same object), each with
    the deliveries it still owes as ``pending_webhooks``, counted in one query."""
    pending = request.uow.webhooks.pending_for([e.id for e in events])
    return [
        snapshot_event(
            e.id, e.type, e.created_ms, e.livemode, e.payload, pending_webhooks=pending.get(e.id, 0)
        )
        for e in events
    ]


def _types(params: dict[str, Any]) -> list[str] | None:
    wanted = list(params.get("types") or [])
    if params.get("type"):
        wanted.append(str(params["type"]))
    if not wanted:
        return None
    found: list[str] = []
    for pattern in wanted:
        if "*" in str(pattern):
            found.extend(t for t in sorted(V1_EVENT_TYPES) if fnmatch.fnmatchcase(t, pattern))
        else:
            found.append(str(pattern))
    return found or ["-"]  # a wildcard that matches nothing lists nothing


def v1_event_routes() -> list[Route]:
    def retrieve(request: Request) -> tuple[int, dict[str, Any]]:
        event = request.uow.events.get(request.call.principal, request.args[0], api="v1")
        if event is None:
            raise NotFound(f"No such event: '{request.args[0]}'", param="id")
        return 200, render_events(request, [event])[0]

    def list_all(request: Request) -> tuple[int, dict[str, Any]]:
        sent = dict(request.params)
        created = sent.pop("created", None)
        params = check_shape(_LIST, sent, ())
        limit = params.get("limit") or DEFAULT_LIMIT
        if not 1 <= limit <= 100:
            raise InvalidRequest(
                "limit must be between 1 and 100.", code="parameter_invalid_integer", param="limit"
            )
        cursor = None
        for name, direction in (("starting_after", "next"), ("ending_before", "prev")):
            if params.get(name):
                anchor = request.uow.events.get(request.call.principal, params[name], api="v1")
                if anchor is None:
                    raise NotFound(f"No such event: '{params[name]}'", param=name)
                cursor = Cursor(anchor.created_ms, anchor.id, direction)  # type: ignore[arg-type]
        records, page = request.uow.events.page(
            request.call.principal,
            object_id=None,
            types=_types(params),
            created=created_filter(created) if created is not None else {},
            limit=limit,
            cursor=cursor,
            api="v1",
        )
        backwards = cursor is not None and cursor.direction == "prev"
        more = (page.prev_cursor if backwards else page.next_cursor) is not None
        return 200, {
            "object": "list",
            "data": render_events(request, records),
            "has_more": more,
            "url": "/v1/events",
        }

    return [
        form_route("GET", "/v1/events", list_all),
        form_route("GET", "/v1/events/{id}", retrieve),
    ]
