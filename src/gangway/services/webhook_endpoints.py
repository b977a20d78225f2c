"""v1 webhook endpoints: event destinations whose payload is a v1 snapshot Event.

Why on destinations: Stripe's own model is one destination kind with two payloads (a v2 event
destination with ``event_payload: snapshot`` delivers v1 events), and Gangway's outbox, worker,
signing, retries, circuit and egress policy are the destinations'. So a v1 endpoint is a
destination row with a ``we_`` id, v1 event types (or ``*``), and ``events_from`` set by
``connect``: ``true`` takes the connected accounts' events (every account event Gangway records
is one), ``false`` the platform's own account's, of which Gangway records none, so such an
endpoint receives nothing (Stripe's behaviour for a platform without activity of its own).

``params`` here are checked v1 params (``gangway.v1.webhook_endpoints`` checks the shape).
"""

from __future__ import annotations

from typing import Any

from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.ids import random_token
from gangway.services.context import Call
from gangway.services.destinations import (
    Lookup,
    addresses_of,
    check_url,
    mark_deleted,
    merged_metadata,
    set_enabled,
    set_url,
    system_lookup,
)
from gangway.store.repos.paging import Page
from gangway.store.repos.webhooks import DestinationRecord
from gangway.store.uow import UnitOfWork
from gangway.v1.event_types import V1_EVENT_TYPES
from gangway.webhooks.egress import EgressPolicy

__all__ = ["PREFIX", "create", "delete", "list_page", "retrieve", "update"]

PREFIX = "we_"
_NO_ALLOW_LIST = EgressPolicy()


def _sources(connect: bool) -> list[str]:
    return ["@accounts"] if connect else ["@self"]


def _types(types: list[str]) -> list[str]:
    if not types:
        raise InvalidRequest(
            "enabled_events must name at least one event type, or '*'.",
            code="parameter_missing",
            param="enabled_events",
        )
    for index, name in enumerate(types):
        if name != "*" and name not in V1_EVENT_TYPES:
            raise InvalidRequest(
                f"Invalid event type: {name[:120]!r} is not a v1 event type (for example "
                "account.updated, or * for all).",
                code="parameter_invalid_enum",
                param=f"enabled_events[{index}]",
            )
    return list(dict.fromkeys(types))


def _url(url: str, call: Call, egress: EgressPolicy, lookup: Lookup) -> str:
    try:
        check_url(url, livemode=call.livemode, egress=egress, addresses=addresses_of(url, lookup))
    except InvalidRequest as exc:  # named webhook_endpoint[url] for v2
        exc.param = "url"
        raise
    return url


def create(
    uow: UnitOfWork,
    call: Call,
    params: dict[str, Any],
    *,
    egress: EgressPolicy = _NO_ALLOW_LIST,
    lookup: Lookup = system_lookup,
) -> DestinationRecord:
    for name in ("url", "enabled_events"):
        if not params.get(name):
            raise InvalidRequest(
                f"Missing required param: {name}.", code="parameter_missing", param=name
            )
    url = _url(params["url"], call, egress, lookup)
    record = DestinationRecord(
        id=PREFIX + random_token(24),
        platform_id=call.principal.platform_id,
        livemode=call.livemode,
        created_ms=call.now_ms,
        updated_ms=call.now_ms,
        status="enabled",
        deleted_ms=None,
        enabled_events=_types(params["enabled_events"]),
        events_from=_sources(bool(params.get("connect"))),
        document={
            "name": "v1 webhook endpoint",
            "description": params.get("description") or None,
            "metadata": {k: v for k, v in (params.get("metadata") or {}).items() if v != ""},
            "type": "webhook_endpoint",
            "event_payload": "snapshot",
            "api_version": params.get("api_version") or None,
            "url": url,
            "signing_secret": "whsec_" + random_token(32),
        },
    )
    uow.webhooks.add_destination(record)
    return record


def retrieve(
    uow: UnitOfWork, call: Call, endpoint_id: str, *, for_update: bool = False
) -> DestinationRecord:
    record = None
    if endpoint_id.startswith(PREFIX):
        record = uow.webhooks.destination(call.principal, endpoint_id, for_update=for_update)
    if record is None:
        raise NotFound(f"No such webhook endpoint: '{endpoint_id[:100]}'", param="id")
    return record


def update(
    uow: UnitOfWork,
    call: Call,
    endpoint_id: str,
    params: dict[str, Any],
    *,
    egress: EgressPolicy = _NO_ALLOW_LIST,
    lookup: Lookup = system_lookup,
) -> DestinationRecord:
    url = _url(params["url"], call, egress, lookup) if params.get("url") else None
    record = retrieve(uow, call, endpoint_id, for_update=True)
    if "enabled_events" in params:
        record.enabled_events = _types(params["enabled_events"] or [])
    if "description" in params:
        record.document["description"] = params["description"] or None
    if "metadata" in params:  # v1 unsets with "": a key's, or every key's (``metadata=``)
        sent = params["metadata"]
        changes = (
            dict.fromkeys(record.document.get("metadata") or {})
            if sent == ""
            else {key: (None if value == "" else value) for key, value in sent.items()}
        )
        record.document["metadata"] = merged_metadata(record.document, changes)
    if url is not None:
        set_url(uow, record, url)
    if params.get("disabled") is not None:
        set_enabled(uow, record, not params["disabled"])
    record.updated_ms = call.now_ms
    uow.webhooks.save_destination(record)
    return record


def delete(uow: UnitOfWork, call: Call, endpoint_id: str) -> DestinationRecord:
    return mark_deleted(uow, retrieve(uow, call, endpoint_id, for_update=True), call.now_ms)


def list_page(
    uow: UnitOfWork, call: Call, *, limit: int, cursor: Any
) -> tuple[list[DestinationRecord], Page]:
    return uow.webhooks.page(call.principal, limit=limit, cursor=cursor, id_prefix=PREFIX)
