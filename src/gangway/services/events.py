"""Recording events in the transaction of the change that caused them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from gangway.core.changes import EventSpec
from gangway.core.ids import sortable_id
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.events import EventRecord
from gangway.store.uow import UnitOfWork

__all__ = ["record_account_events", "record_person_event", "record_v1_event"]


def record_account_events(
    uow: UnitOfWork,
    account: AccountRecord,
    specs: Iterable[EventSpec],
    *,
    at_ms: int,
    reason: dict[str, Any] | None,
) -> list[EventRecord]:
    """``reason`` is the causing request (``Call.reason()``), or None when the clock or a
    reviewer caused the change."""
    recorded = []
    url = f"/v2/core/accounts/{quote(account.id, safe='')}"
    for spec in specs:
        event = EventRecord(
            id=sortable_id("evt", livemode=account.livemode, at_ms=at_ms),
            platform_id=account.platform_id,
            livemode=account.livemode,
            type=spec.type,
            created_ms=at_ms,
            object_id=account.id,
            payload={
                "context": account.id,
                "related_object": {"id": account.id, "type": "v2.core.account", "url": url},
                "reason": reason,
                "data": spec.data,
            },
        )
        uow.events.add(event)
        recorded.append(event)
    return recorded


def record_person_event(
    uow: UnitOfWork,
    account: AccountRecord,
    person_id: str,
    action: str,
    *,
    at_ms: int,
    reason: dict[str, Any] | None,
) -> EventRecord:
    """``v2.core.account_person.created|updated|deleted``."""
    account_path = f"/v2/core/accounts/{quote(account.id, safe='')}"
    event = EventRecord(
        id=sortable_id("evt", livemode=account.livemode, at_ms=at_ms),
        platform_id=account.platform_id,
        livemode=account.livemode,
        type=f"v2.core.account_person.{action}",
        created_ms=at_ms,
        object_id=person_id,
        payload={
            "context": account.id,
            "related_object": {
                "id": person_id,
                "type": "v2.core.account_person",
                "url": f"{account_path}/persons/{quote(person_id, safe='')}",
            },
            "reason": reason,
            "data": {"account_id": account.id},
        },
    )
    uow.events.add(event)
    return event


def record_v1_event(
    uow: UnitOfWork,
    account: AccountRecord,
    type_: str,
    obj: dict[str, Any],
    *,
    previous_attributes: dict[str, Any] | None = None,
    at_ms: int,
    reason: dict[str, Any] | None,
) -> EventRecord:
    """A v1 snapshot event (``account.updated``, ``person.created``...) about ``account`` or an
    object it owns: ``obj`` is the v1 object as it is after the change, ``previous_attributes``
    the changed fields' values before it (``*.updated`` only). The v1 view records these beside
    the v2 thin events of the same change; ``is_v1_type`` tells the two apart.

    Payload: ``{"context": account id, "data": {"object", "previous_attributes"?},
    "request": {"id", "idempotency_key"}}``, where ``request`` holds nulls when the clock or a
    reviewer caused the change, as Stripe's automatic events do."""
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    request = (reason or {}).get("request") or {}
    event = EventRecord(
        id=sortable_id("evt", livemode=account.livemode, at_ms=at_ms),
        platform_id=account.platform_id,
        livemode=account.livemode,
        type=type_,
        created_ms=at_ms,
        object_id=str(obj.get("id")) if obj.get("id") else account.id,
        payload={
            "context": account.id,
            "data": data,
            "request": {
                "id": request.get("id"),
                "idempotency_key": request.get("idempotency_key"),
            },
        },
    )
    uow.events.add(event)
    return event
