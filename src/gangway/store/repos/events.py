"""Recorded events: what happened to which object, written in the transaction that caused it.

Delivery to event destinations comes later (it reads these rows); the payload (data, context,
reason, related object) is sealed like every other document, since it names accounts and
requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, bindparam, delete, insert, select

from gangway.core.keys import KeyPrincipal
from gangway.core.pagination import Cursor
from gangway.store.fastpath import DriverStatement
from gangway.store.repos.paging import Page, created_bounds, keyset_page
from gangway.store.sealing import Sealer
from gangway.store.tables import deliveries, delivery_attempts, events

__all__ = ["EventRecord", "EventRepository", "FanOut", "is_v1_type"]

Api = Literal["v1", "v2"]
"""Which view an event belongs to: v2 thin events (``v2.`` types) or v1 snapshot events (every
other type, ``account.updated``...). One table holds both; each API lists only its own."""


def is_v1_type(type_: str) -> bool:
    return not type_.startswith("v2.")


def _of_api(api: Api) -> Any:
    v2 = events.c.type.startswith("v2.", autoescape=True)
    return v2 if api == "v2" else ~v2


_FOR_OBJECT = {
    api: select(events)
    .where(
        events.c.platform_id == bindparam("platform_id"),
        events.c.livemode == bindparam("livemode"),
        events.c.object_id == bindparam("object_id"),
        _of_api(api),
    )
    .order_by(events.c.created_ms, events.c.id)
    for api in ("v1", "v2")
}

FanOut = Callable[[str, str, bool, str, "str | None", int], None]
"""``(event id, platform, livemode, type, context, created_ms)``: owe the event's deliveries."""

# built once: building an insert per event cost 5x running it (measured in the sweep)
_INSERT = DriverStatement(insert(events))


@dataclass(frozen=True)
class EventRecord:
    id: str
    platform_id: str
    livemode: bool
    type: str
    created_ms: int
    object_id: str | None
    payload: dict[str, Any]
    """``{"context", "related_object", "reason", "data"}`` in v2 wire shape."""


class EventRepository:
    def __init__(self, conn: Connection, sealer: Sealer, fan_out: FanOut | None = None) -> None:
        self._conn = conn
        self._sealer = sealer
        self._fan_out = fan_out

    def add(self, event: EventRecord, *, fan_out: bool = True) -> None:
        _INSERT.execute(
            self._conn,
            {
                "id": event.id,
                "platform_id": event.platform_id,
                "livemode": event.livemode,
                "type": event.type,
                "created_ms": event.created_ms,
                "object_id": event.object_id,
                "sealed": self._sealer.seal(orjson.dumps(event.payload), event.id),
            },
        )
        if fan_out and self._fan_out is not None:  # deliveries commit with the event, or not at all
            self._fan_out(
                event.id,
                event.platform_id,
                event.livemode,
                event.type,
                event.payload.get("context"),
                event.created_ms,
            )

    def for_object(
        self, principal: KeyPrincipal, object_id: str, *, api: Api = "v2"
    ) -> list[EventRecord]:
        """One view's events of one object, oldest first."""
        rows = self._conn.execute(
            _FOR_OBJECT[api],
            {
                "platform_id": principal.platform_id,
                "livemode": principal.livemode,
                "object_id": object_id,
            },
        ).all()
        return [self._record(row) for row in rows]

    def delete_mode(self, platform_id: str, livemode: bool) -> None:
        self._conn.execute(
            delete(events).where(events.c.platform_id == platform_id, events.c.livemode == livemode)
        )

    def get(self, principal: KeyPrincipal, event_id: str, *, api: Api = "v2") -> EventRecord | None:
        row = self._conn.execute(
            select(events).where(
                events.c.id == event_id,
                events.c.platform_id == principal.platform_id,
                events.c.livemode == principal.livemode,
                _of_api(api),
            )
        ).first()
        return self._record(row) if row is not None else None

    def page(
        self,
        principal: KeyPrincipal,
        *,
        object_id: str | None,
        types: list[str] | None,
        created: dict[str, int],
        limit: int,
        cursor: Cursor | None,
        api: Api = "v2",
    ) -> tuple[list[EventRecord], Page]:
        """Newest first; ``created`` bounds are ``{"gt"|"gte"|"lt"|"lte": ms}``."""
        where = [
            events.c.platform_id == principal.platform_id,
            events.c.livemode == principal.livemode,
            _of_api(api),
        ]
        if object_id:
            where.append(events.c.object_id == object_id)
        if types:
            where.append(events.c.type.in_(types))
        where += created_bounds(events.c.created_ms, created)
        page = keyset_page(self._conn, events, where, limit=limit, cursor=cursor)
        return [self._record(row) for row in page.rows], page

    def _record(self, row: Any) -> EventRecord:
        return EventRecord(
            id=row.id,
            platform_id=row.platform_id,
            livemode=row.livemode,
            type=row.type,
            created_ms=row.created_ms,
            object_id=row.object_id,
            payload=orjson.loads(self._sealer.open(row.sealed, row.id)),
        )

    def prune(self, before_ms: int) -> int:
        """Events past their retention, with their deliveries and attempts."""
        old = select(events.c.id).where(events.c.created_ms < before_ms)
        owed = select(deliveries.c.id).where(deliveries.c.event_id.in_(old))
        self._conn.execute(
            delete(delivery_attempts).where(delivery_attempts.c.delivery_id.in_(owed))
        )
        self._conn.execute(delete(deliveries).where(deliveries.c.event_id.in_(old)))
        result = self._conn.execute(delete(events).where(events.c.created_ms < before_ms))
        return int(result.rowcount or 0)

    def newest_for_object(
        self, principal: KeyPrincipal, object_id: str, *, limit: int
    ) -> list[EventRecord]:
        """Both views' events of one object (v2 and v1 types), newest first."""
        rows = self._conn.execute(
            select(events)
            .where(
                events.c.platform_id == principal.platform_id,
                events.c.livemode == principal.livemode,
                events.c.object_id == object_id,
            )
            .order_by(events.c.created_ms.desc(), events.c.id.desc())
            .limit(limit)
        ).all()
        return [self._record(row) for row in rows]
