"""Event destinations, the deliveries owed to them, and the attempts made.

Fan-out happens in the transaction that records an event (``EventRepository.add`` calls
``fan_out``): a delivery row per enabled destination that wants the event's type. The worker
then claims due rows with a lease, posts outside any transaction, and records the outcome.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from gangway.core.clock import to_rfc3339
from gangway.core.ids import sortable_id
from gangway.core.keys import KeyPrincipal
from gangway.core.pagination import Cursor
from gangway.store.fastpath import DriverStatement
from gangway.store.repos.paging import Page, keyset_page
from gangway.store.sealing import Sealer
from gangway.store.tables import deliveries, delivery_attempts, event_destinations, events

__all__ = [
    "Attempt",
    "Claimed",
    "DeliveryRecord",
    "DestinationRecord",
    "Route",
    "WebhookRepository",
    "thin_event",
]


@dataclass
class DestinationRecord:
    id: str
    platform_id: str
    livemode: bool
    created_ms: int
    updated_ms: int
    status: str
    deleted_ms: int | None
    enabled_events: list[str]
    events_from: list[str] | None
    document: dict[str, Any] = field(default_factory=dict)
    """name, description, metadata, type, event_payload, url, signing_secret, status_details."""


@dataclass(frozen=True)
class Route:
    """What fan-out needs of a destination."""

    id: str
    enabled_events: frozenset[str]
    events_from: frozenset[str] | None


@dataclass(frozen=True)
class DeliveryRecord:
    id: str
    event_id: str
    destination_id: str
    status: str
    attempts: int
    next_attempt_ms: int
    created_ms: int
    updated_ms: int


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to a worker, with what it needs to post it."""

    delivery_id: str
    attempts: int
    livemode: bool
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class Attempt:
    id: str
    delivery_id: str
    attempted_ms: int
    status_code: int | None
    error: str | None
    latency_ms: int
    response_body: str | None


# built once: fan-out runs in every transaction that records an event (every account create)
_ROUTES = DriverStatement(
    select(event_destinations.c.id, event_destinations.c.routing).where(
        event_destinations.c.platform_id == bindparam("platform_id"),
        event_destinations.c.livemode == bindparam("livemode"),
        event_destinations.c.status == bindparam("status"),
        event_destinations.c.deleted_ms.is_(None),
    )
)


class WebhookRepository:
    def __init__(self, conn: Connection, sealer: Sealer) -> None:
        self._conn = conn
        self._sealer = sealer
        self._routes: dict[tuple[str, bool], list[Route]] = {}
        self.fanned_out = 0
        """Deliveries added in this transaction: the worker is woken after commit if any."""

    # destinations --------------------------------------------------------------------------
    def add_destination(self, record: DestinationRecord) -> None:
        self._conn.execute(insert(event_destinations).values(**self._row(record)))
        self._routes.clear()

    def save_destination(self, record: DestinationRecord) -> None:
        row = self._row(record)
        del row["id"]
        self._conn.execute(
            update(event_destinations).where(event_destinations.c.id == record.id).values(**row)
        )
        self._routes.clear()

    def destination(
        self, principal: KeyPrincipal, destination_id: str, *, for_update: bool = False
    ) -> DestinationRecord | None:
        query = select(event_destinations).where(
            event_destinations.c.id == destination_id,
            event_destinations.c.platform_id == principal.platform_id,
            event_destinations.c.livemode == principal.livemode,
            event_destinations.c.deleted_ms.is_(None),
        )
        if for_update:
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        return self._record(row) if row is not None else None

    def page(
        self, principal: KeyPrincipal, *, limit: int, cursor: Cursor | None
    ) -> tuple[list[DestinationRecord], Page]:
        page = keyset_page(
            self._conn,
            event_destinations,
            [
                event_destinations.c.platform_id == principal.platform_id,
                event_destinations.c.livemode == principal.livemode,
                event_destinations.c.deleted_ms.is_(None),
            ],
            limit=limit,
            cursor=cursor,
        )
        return [self._record(row) for row in page.rows], page

    def _row(self, record: DestinationRecord) -> dict[str, Any]:
        routing = {"enabled_events": record.enabled_events, "events_from": record.events_from}
        return {
            "id": record.id,
            "platform_id": record.platform_id,
            "livemode": record.livemode,
            "created_ms": record.created_ms,
            "updated_ms": record.updated_ms,
            "status": record.status,
            "deleted_ms": record.deleted_ms,
            "routing": orjson.dumps(routing).decode(),
            "sealed": self._sealer.seal(orjson.dumps(record.document), record.id),
        }

    def _record(self, row: Any) -> DestinationRecord:
        routing = orjson.loads(row.routing)
        return DestinationRecord(
            id=row.id,
            platform_id=row.platform_id,
            livemode=row.livemode,
            created_ms=row.created_ms,
            updated_ms=row.updated_ms,
            status=row.status,
            deleted_ms=row.deleted_ms,
            enabled_events=list(routing["enabled_events"]),
            events_from=routing.get("events_from"),
            document=orjson.loads(self._sealer.open(row.sealed, row.id)),
        )

    # fan-out -------------------------------------------------------------------------------
    def routes(self, platform_id: str, livemode: bool) -> list[Route]:
        """Enabled destinations of one platform and mode, read once per transaction."""
        key = (platform_id, livemode)
        found = self._routes.get(key)
        if found is None:
            rows = _ROUTES.all(
                self._conn,
                {"platform_id": platform_id, "livemode": livemode, "status": "enabled"},
            )
            found = []
            for row in rows:
                routing = orjson.loads(row.routing)
                sources = routing.get("events_from")
                found.append(
                    Route(
                        id=row.id,
                        enabled_events=frozenset(routing["enabled_events"]),
                        events_from=frozenset(sources) if sources else None,
                    )
                )
            self._routes[key] = found
        return found

    def fan_out(
        self,
        event_id: str,
        platform_id: str,
        livemode: bool,
        type_: str,
        context: str | None,
        created_ms: int,
    ) -> None:
        """A delivery for every enabled destination that wants this event: its type is enabled,
        and it takes events from connected accounts (``@accounts``, events with a context) or
        from the platform itself (``@self``); a destination that names no source takes both."""
        routes = self.routes(platform_id, livemode)
        if not routes:
            return
        source = "@accounts" if context else "@self"
        rows = [
            {
                "id": sortable_id("dlv", livemode=livemode, at_ms=created_ms),
                "event_id": event_id,
                "destination_id": route.id,
                "platform_id": platform_id,
                "livemode": livemode,
                "status": "pending",
                "attempts": 0,
                "next_attempt_ms": created_ms,
                "created_ms": created_ms,
                "updated_ms": created_ms,
            }
            for route in routes
            if type_ in route.enabled_events
            and (route.events_from is None or source in route.events_from)
        ]
        self.add_deliveries(rows)

    def add_deliveries(self, rows: Sequence[dict[str, Any]]) -> None:
        """A new delivery's first attempt is due at its event's time, but never later than now
        by the wall clock: a test-mode event carries its platform's test clock, which may run
        days ahead of the worker's real time."""
        if rows:
            now_ms = time.time_ns() // 1_000_000
            owed = [
                {**row, "next_attempt_ms": min(row["next_attempt_ms"], now_ms)}
                if row["next_attempt_ms"] > now_ms
                else row
                for row in rows
            ]
            self._conn.execute(insert(deliveries), owed)
            self.fanned_out += len(owed)

    # the worker ----------------------------------------------------------------------------
    def claim(self, now_ms: int, *, lease_ms: int, limit: int, skip_locked: bool) -> list[Claimed]:
        """Lease up to ``limit`` due deliveries of enabled destinations: their next attempt moves
        to ``now + lease``, so if this worker dies they are due again after the lease."""
        query = (
            select(
                deliveries.c.id,
                deliveries.c.attempts,
                deliveries.c.event_id,
                deliveries.c.livemode,
                event_destinations.c.id.label("destination_id"),
                event_destinations.c.sealed.label("destination_sealed"),
                events.c.sealed.label("event_sealed"),
                events.c.type,
                events.c.created_ms.label("event_created_ms"),
            )
            .select_from(
                deliveries.join(
                    event_destinations, deliveries.c.destination_id == event_destinations.c.id
                ).join(events, deliveries.c.event_id == events.c.id)
            )
            .where(
                and_(
                    deliveries.c.status == "pending",
                    deliveries.c.next_attempt_ms <= now_ms,
                    event_destinations.c.status == "enabled",
                    event_destinations.c.deleted_ms.is_(None),
                )
            )
            .order_by(deliveries.c.next_attempt_ms)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True, of=deliveries)
        rows = self._conn.execute(query).all()
        if not rows:
            return []
        self._conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_([row.id for row in rows]))
            .values(next_attempt_ms=now_ms + lease_ms, updated_ms=now_ms)
        )
        claimed = []
        destinations: dict[str, dict[str, Any]] = {}
        for row in rows:
            destination = destinations.get(row.destination_id)
            if destination is None:
                destination = orjson.loads(
                    self._sealer.open(row.destination_sealed, row.destination_id)
                )
                destinations[row.destination_id] = destination
            payload = orjson.loads(self._sealer.open(row.event_sealed, row.event_id))
            claimed.append(
                Claimed(
                    delivery_id=row.id,
                    attempts=row.attempts,
                    livemode=row.livemode,
                    url=str(destination["url"]),
                    secret=str(destination["signing_secret"]),
                    body=thin_event(
                        row.event_id, row.type, row.event_created_ms, row.livemode, payload
                    ),
                )
            )
        return claimed

    def record_attempts(
        self, results: Sequence[tuple[Attempt, str, int | None]], now_ms: int
    ) -> None:
        """``(attempt, new status, next attempt time)`` per delivery tried, in three statements.
        A delivery deleted meanwhile (its event expired, the sandbox was reset) is skipped: one
        vanished row must not fail the batch, or every delivery in it would be sent again."""
        if not results:
            return
        ids = [attempt.delivery_id for attempt, _, _ in results]
        present = {
            row.id
            for row in self._conn.execute(
                select(deliveries.c.id)
                .where(deliveries.c.id.in_(ids))
                .order_by(deliveries.c.id)  # one lock order for every writer: no deadlocks
                .with_for_update()
            )
        }
        kept = [result for result in results if result[0].delivery_id in present]
        if not kept:
            return
        self._conn.execute(
            insert(delivery_attempts),
            [
                {
                    "id": a.id,
                    "delivery_id": a.delivery_id,
                    "attempted_ms": a.attempted_ms,
                    "status_code": a.status_code,
                    "error": a.error,
                    "latency_ms": a.latency_ms,
                    "response_body": a.response_body,
                }
                for a, _, _ in kept
            ],
        )
        self._conn.execute(
            _RECORD,
            [
                {
                    "b_id": attempt.delivery_id,
                    "b_status": status,
                    "b_next": next_ms if next_ms is not None else now_ms,
                    "b_now": now_ms,
                }
                for attempt, status, next_ms in kept
            ],
        )

    # outside the Stripe namespace: a destination's deliveries -------------------------------
    def deliveries_page(
        self, destination_id: str, *, limit: int, cursor: Cursor | None
    ) -> tuple[list[DeliveryRecord], Page]:
        page = keyset_page(
            self._conn,
            deliveries,
            [deliveries.c.destination_id == destination_id],
            limit=limit,
            cursor=cursor,
        )
        return [_delivery(row) for row in page.rows], page

    def delivery(self, destination_id: str, delivery_id: str) -> DeliveryRecord | None:
        row = self._conn.execute(
            select(deliveries).where(
                deliveries.c.id == delivery_id, deliveries.c.destination_id == destination_id
            )
        ).first()
        return _delivery(row) if row is not None else None

    def attempts(self, delivery_id: str) -> list[Attempt]:
        return self.attempts_for([delivery_id]).get(delivery_id, [])

    def attempts_for(self, delivery_ids: Sequence[str]) -> dict[str, list[Attempt]]:
        """The attempts of several deliveries (a page of them) in one query, oldest first."""
        found: dict[str, list[Attempt]] = {}
        if not delivery_ids:
            return found
        rows = self._conn.execute(
            select(delivery_attempts)
            .where(delivery_attempts.c.delivery_id.in_(list(delivery_ids)))
            .order_by(delivery_attempts.c.attempted_ms, delivery_attempts.c.id)
        ).all()
        for row in rows:
            found.setdefault(row.delivery_id, []).append(
                Attempt(
                    id=row.id,
                    delivery_id=row.delivery_id,
                    attempted_ms=row.attempted_ms,
                    status_code=row.status_code,
                    error=row.error,
                    latency_ms=row.latency_ms,
                    response_body=row.response_body,
                )
            )
        return found

    def resend(self, delivery_id: str, now_ms: int) -> None:
        """Due again now, whatever its state: a manual retry."""
        self._conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .values(status="pending", next_attempt_ms=now_ms, updated_ms=now_ms)
        )
        self.fanned_out += 1

    def delete_mode(self, platform_id: str, livemode: bool) -> None:
        owned = select(deliveries.c.id).where(
            deliveries.c.platform_id == platform_id, deliveries.c.livemode == livemode
        )
        self._conn.execute(
            delete(delivery_attempts).where(delivery_attempts.c.delivery_id.in_(owned))
        )
        self._conn.execute(
            delete(deliveries).where(
                deliveries.c.platform_id == platform_id, deliveries.c.livemode == livemode
            )
        )


_RECORD = (
    update(deliveries)
    .where(deliveries.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        attempts=deliveries.c.attempts + 1,
        next_attempt_ms=bindparam("b_next"),
        updated_ms=bindparam("b_now"),
    )
)


def thin_event(
    event_id: str, type_: str, created_ms: int, livemode: bool, payload: dict[str, Any]
) -> bytes:
    """The thin notification a webhook receives: no ``data``; ``related_object`` only where the
    type has one (``parse_event_notification`` reads it unconditionally for those)."""
    body: dict[str, Any] = {
        "id": event_id,
        "object": "v2.core.event",
        "type": type_,
        "created": to_rfc3339(created_ms),
        "livemode": livemode,
        "context": payload.get("context"),
        "reason": payload.get("reason"),
    }
    if payload.get("related_object"):
        body["related_object"] = payload["related_object"]
    return orjson.dumps(body)


def _delivery(row: Any) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id,
        event_id=row.event_id,
        destination_id=row.destination_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_ms=row.next_attempt_ms,
        created_ms=row.created_ms,
        updated_ms=row.updated_ms,
    )
