"""Event destinations: where a platform's events are delivered, and the ping that tests one.

Create and update check their params against the contract (``contract.params.check``) before
their first repository access. A destination's URL must also pass the egress policy
(``webhooks.egress``): a literal address it refuses, or a host name any of whose addresses it
refuses, is a 400 here, so a platform learns at once. A name that does not resolve now is
accepted: it may be published later, and every delivery checks again what it resolves to then.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from gangway.contract import load
from gangway.contract import params as contract
from gangway.core.errors import FieldInvalid, InvalidRequest, NotFound
from gangway.core.ids import new_id, random_token, sortable_id
from gangway.core.pagination import PageRequest
from gangway.services.context import Call
from gangway.store.repos.events import EventRecord
from gangway.store.repos.paging import Page
from gangway.store.repos.webhooks import DeliveryRecord, DestinationRecord
from gangway.store.uow import UnitOfWork
from gangway.validation import urls
from gangway.webhooks.egress import EgressPolicy, IPAddress

__all__ = [
    "EVENT_TYPES",
    "addresses_of",
    "check_url",
    "create",
    "delete",
    "list_page",
    "mark_deleted",
    "merged_metadata",
    "ping",
    "resend",
    "retrieve",
    "set_enabled",
    "set_status",
    "set_url",
    "update",
]

#: Every thin event type stripe-python 16.1.0 knows for the Core v2 objects Gangway serves.
EVENT_TYPES = frozenset(
    name.split(":", 1)[1] for name in load.shape_names() if name.startswith("Event:")
)
_SOURCES = ("@self", "@accounts")

Lookup = Callable[[str], list[IPAddress]]
"""A host name to its addresses; raises ``OSError`` when it does not resolve. The API passes
one that answers from a lookup awaited before the request's handler (``event_routes``): a
blocking lookup would stall the event loop."""


def system_lookup(host: str) -> list[IPAddress]:
    """Blocking: for callers off the event loop (the CLI, tests)."""
    found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))


def host_to_look_up(url: object) -> str | None:
    """The host name a destination URL needs resolved, or None: a malformed URL (refused
    anyway, and never looked up) or a literal address (judged as it is)."""
    if not isinstance(url, str):
        return None
    try:
        host = urls.web_url(url, use="destination").host.strip("[]")
    except FieldInvalid:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host or None
    return None


_NO_ALLOW_LIST = EgressPolicy()


def create(
    uow: UnitOfWork,
    call: Call,
    params: dict[str, Any],
    *,
    egress: EgressPolicy = _NO_ALLOW_LIST,
    lookup: Lookup = system_lookup,
) -> DestinationRecord:
    params = contract.check("EventDestinationCreateParams", params)
    kind = params["type"]
    if kind != "webhook_endpoint":
        raise InvalidRequest(
            f"Gangway delivers to webhook endpoints only; type {kind} is not supported.",
            code="unsupported_feature",
            param="type",
        )
    if params["event_payload"] != "thin":
        raise InvalidRequest(
            "Gangway sends thin events only: use event_payload thin (snapshot payloads are "
            "classic v1 events, which Gangway does not produce).",
            code="unsupported_feature",
            param="event_payload",
        )
    endpoint = params.get("webhook_endpoint")
    if not endpoint:
        raise InvalidRequest(
            "webhook_endpoint[url] is required when type is webhook_endpoint.",
            code="parameter_missing",
            param="webhook_endpoint[url]",
        )
    url = endpoint["url"]
    check_url(url, livemode=call.livemode, egress=egress, addresses=addresses_of(url, lookup))
    _check_types(params["enabled_events"])
    sources = params.get("events_from")
    if sources is not None:
        for index, source in enumerate(sources):
            if source not in _SOURCES:
                raise InvalidRequest(
                    f"events_from may contain {' and '.join(_SOURCES)}; got '{source}'.",
                    code="parameter_invalid_enum",
                    param=f"events_from[{index}]",
                )
    record = DestinationRecord(
        id=new_id("ed", livemode=call.livemode),
        platform_id=call.principal.platform_id,
        livemode=call.livemode,
        created_ms=call.now_ms,
        updated_ms=call.now_ms,
        status="enabled",
        deleted_ms=None,
        enabled_events=list(dict.fromkeys(params["enabled_events"])),
        events_from=list(dict.fromkeys(sources)) if sources else None,
        document={
            "name": params["name"],
            "description": params.get("description") or "",
            "metadata": params.get("metadata") or {},
            "type": kind,
            "event_payload": "thin",
            "url": endpoint["url"],
            "signing_secret": "whsec_" + random_token(32),
        },
    )
    uow.webhooks.add_destination(record)
    return record


def retrieve(
    uow: UnitOfWork, call: Call, destination_id: str, *, for_update: bool = False
) -> DestinationRecord:
    record = uow.webhooks.destination(call.principal, destination_id, for_update=for_update)
    if record is None:
        raise NotFound(f"No such event destination: '{destination_id}'", param="id")
    return record


def update(
    uow: UnitOfWork,
    call: Call,
    destination_id: str,
    params: dict[str, Any],
    *,
    egress: EgressPolicy = _NO_ALLOW_LIST,
    lookup: Lookup = system_lookup,
) -> DestinationRecord:
    params = contract.check("EventDestinationUpdateParams", params)
    endpoint = params.get("webhook_endpoint")
    # looked up before the transaction begins: a slow resolver must not hold the write lock
    addresses = addresses_of(endpoint["url"], lookup) if endpoint else []
    record = retrieve(uow, call, destination_id, for_update=True)
    if "enabled_events" in params:
        _check_types(params["enabled_events"])
        record.enabled_events = list(dict.fromkeys(params["enabled_events"]))
    for name in ("name", "description"):
        if name in params:
            record.document[name] = params[name]
    if "metadata" in params:
        record.document["metadata"] = merged_metadata(record.document, params["metadata"])
    if endpoint:
        check_url(endpoint["url"], livemode=call.livemode, egress=egress, addresses=addresses)
        set_url(uow, record, endpoint["url"])
    record.updated_ms = call.now_ms
    uow.webhooks.save_destination(record)
    return record


def set_status(
    uow: UnitOfWork, call: Call, destination_id: str, *, enabled: bool
) -> DestinationRecord:
    """Disabled: nothing new is owed to it and its pending deliveries wait; enabled again:
    they resume, and its circuit starts closed (the worker may have disabled it for failing)."""
    record = retrieve(uow, call, destination_id, for_update=True)
    set_enabled(uow, record, enabled)
    record.updated_ms = call.now_ms
    uow.webhooks.save_destination(record)
    return record


def resend(uow: UnitOfWork, call: Call, destination_id: str, delivery_id: str) -> DeliveryRecord:
    """Due at once, whatever its state (a failed delivery gets one more attempt, a succeeded
    one is sent again); the worker is woken by the commit. The API's resend and the console's
    both come here."""
    destination = retrieve(uow, call, destination_id)
    webhooks = uow.webhooks
    record = webhooks.delivery(destination.id, delivery_id)
    if record is None:
        raise NotFound(f"No such delivery: '{delivery_id}'", param="delivery")
    # real time, not the test clock: the worker schedules by the wall clock
    webhooks.resend(record.id, time.time_ns() // 1_000_000)
    again = webhooks.delivery(destination.id, record.id)
    assert again is not None
    return again


def merged_metadata(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The stored metadata with ``changes`` applied: a ``None`` value unsets its key."""
    metadata = dict(document.get("metadata") or {})
    for key, value in changes.items():
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    return metadata


def set_url(uow: UnitOfWork, record: DestinationRecord, url: str) -> None:
    """A checked URL; a new one owes nothing to the old one's failures (its circuit closes)."""
    if url != record.document.get("url"):
        uow.webhooks.reset_circuit(record.id)
    record.document["url"] = url


def set_enabled(uow: UnitOfWork, record: DestinationRecord, enabled: bool) -> None:
    """Disabled by the user, or enabled again with a closed circuit (the worker may have
    disabled it for failing)."""
    record.status = "enabled" if enabled else "disabled"
    record.document["status_details"] = None if enabled else {"disabled": {"reason": "user"}}
    if enabled:
        record.document.pop("disabled_for_failures", None)
        uow.webhooks.reset_circuit(record.id)


def delete(uow: UnitOfWork, call: Call, destination_id: str) -> DestinationRecord:
    """Deleted destinations never receive anything again (their pending deliveries included)."""
    return mark_deleted(uow, retrieve(uow, call, destination_id, for_update=True), call.now_ms)


def mark_deleted(uow: UnitOfWork, record: DestinationRecord, now_ms: int) -> DestinationRecord:
    record.deleted_ms = now_ms
    record.updated_ms = now_ms
    uow.webhooks.save_destination(record)
    return record


def list_page(
    uow: UnitOfWork, call: Call, page: PageRequest
) -> tuple[list[DestinationRecord], Page]:
    return uow.webhooks.page(call.principal, limit=page.limit, cursor=page.cursor)


def ping(uow: UnitOfWork, call: Call, destination_id: str) -> EventRecord:
    """``v2.core.event_destination.ping``, delivered to this destination whatever its
    enabled events."""
    record = retrieve(uow, call, destination_id)
    event = EventRecord(
        id=sortable_id("evt", livemode=call.livemode, at_ms=call.now_ms),
        platform_id=call.principal.platform_id,
        livemode=call.livemode,
        type="v2.core.event_destination.ping",
        created_ms=call.now_ms,
        object_id=record.id,
        payload={
            "context": None,
            "related_object": {
                "id": record.id,
                "type": "v2.core.event_destination",
                "url": f"/v2/core/event_destinations/{quote(record.id, safe='')}",
            },
            "reason": call.reason(),
            "data": None,
        },
    )
    uow.events.add(event, fan_out=False)
    uow.webhooks.add_deliveries(
        [
            {
                "id": sortable_id("dlv", livemode=call.livemode, at_ms=call.now_ms),
                "event_id": event.id,
                "destination_id": record.id,
                "platform_id": record.platform_id,
                "livemode": record.livemode,
                "status": "pending",
                "attempts": 0,
                "next_attempt_ms": call.now_ms,
                "created_ms": call.now_ms,
                "updated_ms": call.now_ms,
            }
        ]
    )
    return event


def _check_types(types: list[str]) -> None:
    if not types:
        raise InvalidRequest(
            "enabled_events must name at least one event type.",
            code="parameter_invalid_empty",
            param="enabled_events",
        )
    for index, name in enumerate(types):
        if name not in EVENT_TYPES:
            raise InvalidRequest(
                f"'{name[:120]}' is not an event type Gangway emits; see the README for the list "
                "(for example v2.core.account[requirements].updated).",
                code="parameter_invalid_enum",
                param=f"enabled_events[{index}]",
            )


def addresses_of(url: str, lookup: Lookup) -> list[IPAddress]:
    """The addresses of the URL's host: itself if it is one; none if it does not resolve now
    (each delivery checks again) or the URL is malformed (``_check_url`` says so, in its turn)."""
    name = host_to_look_up(url)
    if name is None:
        try:
            return [ipaddress.ip_address(urlsplit(url).hostname or "")]
        except ValueError:
            return []
    try:
        return lookup(name)
    except (OSError, ValueError):  # ValueError: a name the resolver cannot even encode
        return []


def check_url(
    value: str, *, livemode: bool, egress: EgressPolicy, addresses: list[IPAddress]
) -> None:
    try:
        urls.web_url(value, use="destination", https_only=livemode)
    except FieldInvalid as exc:
        raise exc.at("webhook_endpoint", "url") from None
    host = urlsplit(value).hostname or ""
    for address in addresses:
        reason = egress.refusal(address, livemode=livemode, host=host)
        if reason is not None:
            raise InvalidRequest(
                f"Gangway does not deliver there: {reason[:300]}. Event destinations must be "
                "at public addresses (the operator can allow others).",
                code="url_invalid",
                param="webhook_endpoint[url]",
            )
