"""Event destinations, the deliveries owed to them, and the attempts made.

Fan-out happens in the transaction that records an event (``EventRepository.add`` calls
``fan_out``): a delivery row per enabled destination that wants the event's type. The worker
then claims due rows with a lease, posts outside any transaction, and records the outcome.

Each destination's pending deliveries are its own queue: a claim takes the destinations whose
oldest due delivery waited longest, and from each at most its quota (what the worker's
per-destination limit leaves), so one destination's backlog never fills a claim. Recording an
outcome moves the destination's circuit (``webhooks.circuit``), stored on its row so every
worker process sees the same pause.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)

from gangway.core.clock import to_rfc3339
from gangway.core.ids import sortable_id
from gangway.core.keys import KeyPrincipal
from gangway.core.pagination import Cursor
from gangway.store.fastpath import DriverStatement
from gangway.store.repos.events import is_v1_type
from gangway.store.repos.paging import Page, keyset_page
from gangway.store.sealing import Sealer
from gangway.store.tables import deliveries, delivery_attempts, event_destinations, events
from gangway.v1.event_types import V1_API_VERSION
from gangway.webhooks.circuit import (
    Circuit,
    CircuitPolicy,
    failed,
    probing,
    should_disable,
    succeeded,
)

__all__ = [
    "DISABLED_FOR_FAILURES",
    "Attempt",
    "Claimed",
    "DeliveryRecord",
    "DestinationRecord",
    "Route",
    "WebhookRepository",
    "WindowStats",
    "snapshot_event",
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


DISABLED_FOR_FAILURES = "failing"
"""``status_details.disabled.reason`` of a destination the worker disabled. stripe-python 16.1.0
lists ``user`` and two cloud-provider reasons and accepts any other string; it has no event type
for a disabled destination, so the reason is recorded on the destination alone."""


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to a worker, with what it needs to post it."""

    delivery_id: str
    destination_id: str
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


@dataclass(frozen=True)
class WindowStats:
    """One destination's attempts over a window: how many, how many got a 2xx, and the
    nearest-rank median and 99th percentile of their latency."""

    attempts: int
    succeeded: int
    p50_ms: int | None
    p99_ms: int | None

    @property
    def success_rate(self) -> float | None:
        return self.succeeded / self.attempts if self.attempts else None


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
        self,
        principal: KeyPrincipal,
        *,
        limit: int,
        cursor: Cursor | None,
        id_prefix: str | None = None,
    ) -> tuple[list[DestinationRecord], Page]:
        """``id_prefix`` ``we_``: the v1 webhook endpoints only."""
        where = [
            event_destinations.c.platform_id == principal.platform_id,
            event_destinations.c.livemode == principal.livemode,
            event_destinations.c.deleted_ms.is_(None),
        ]
        if id_prefix:
            where.append(event_destinations.c.id.startswith(id_prefix, autoescape=True))
        page = keyset_page(self._conn, event_destinations, where, limit=limit, cursor=cursor)
        return [self._record(row) for row in page.rows], page

    def pending_for(self, event_ids: Sequence[str]) -> dict[str, int]:
        """Deliveries still owed per event (a v1 Event's ``pending_webhooks``), in one query."""
        if not event_ids:
            return {}
        rows = self._conn.execute(
            select(deliveries.c.event_id, func.count())
            .where(deliveries.c.event_id.in_(event_ids), deliveries.c.status == "pending")
            .group_by(deliveries.c.event_id)
        ).all()
        return {row[0]: int(row[1]) for row in rows}

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
            if (
                type_ in route.enabled_events or ("*" in route.enabled_events and is_v1_type(type_))
            )
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
    def claim(
        self,
        now_ms: int,
        *,
        lease_ms: int,
        limit: int,
        skip_locked: bool,
        per_destination: int | None = None,
        busy: dict[str, int] | None = None,
        bodies: dict[str, bytes] | None = None,
    ) -> list[Claimed]:
        """Lease up to ``limit`` due deliveries of enabled destinations whose circuit lets them
        through: their next attempt moves to ``now + lease``, so if this worker dies they are
        due again after the lease. Each destination gives at most ``per_destination`` less what
        this worker already has in flight to it (``busy``); a half-open circuit gives one probe.

        ``bodies`` (event id to the body a destination receives) is the caller's cache across
        claims: an event owed to several destinations is opened and encoded once, not once per
        delivery (an event's body never changes).
        """
        busy = busy or {}
        bodies = {} if bodies is None else bodies
        cap = per_destination or limit
        full = [destination for destination, count in busy.items() if count >= cap]
        queues = self._conn.execute(
            _DUE_QUEUES, {"now_ms": now_ms, "limit": limit, "full": full}
        ).all()
        claimed: list[Claimed] = []
        for queue in queues:
            room = min(cap - busy.get(queue.id, 0), limit - len(claimed))
            if room <= 0:
                continue
            circuit = _circuit(queue)
            probe = circuit.half_open(now_ms)
            if probe:
                if not self._lock_for_probe(queue.id, now_ms, skip_locked):
                    continue  # another worker is choosing this destination's probe
                room = 1
            rows = _QUEUE_HEAD[skip_locked].all(
                self._conn, {"destination_id": queue.id, "now_ms": now_ms, "room": room}
            )
            if not rows:
                continue
            if probe:
                self._save_circuit(queue.id, probing(circuit, rows[0].id, now_ms + lease_ms))
            destination = orjson.loads(self._sealer.open(queue.sealed, queue.id))
            url, secret = str(destination["url"]), str(destination["signing_secret"])
            for row in rows:
                body = bodies.get(row.event_id)
                if body is None:
                    payload = orjson.loads(self._sealer.open(row.event_sealed, row.event_id))
                    body = bodies[row.event_id] = _body(
                        row.event_id, row.type, row.event_created_ms, row.livemode, payload
                    )
                claimed.append(
                    Claimed(
                        delivery_id=row.id,
                        destination_id=queue.id,
                        attempts=row.attempts,
                        livemode=row.livemode,
                        url=url,
                        secret=secret,
                        body=body,
                    )
                )
            if len(claimed) >= limit:
                break
        if claimed:
            until_ms = now_ms + lease_ms
            _LEASE.execute_many(
                self._conn,
                [{"b_id": c.delivery_id, "b_next": until_ms, "b_now": now_ms} for c in claimed],
            )
        return claimed

    def _lock_for_probe(self, destination_id: str, now_ms: int, skip_locked: bool) -> bool:
        """The destination row, if its pause is still over once locked (PostgreSQL re-reads a
        row it waited for, so of two workers only the first sends a probe)."""
        query = select(event_destinations.c.id).where(
            event_destinations.c.id == destination_id,
            or_(
                event_destinations.c.circuit_paused_until_ms.is_(None),
                event_destinations.c.circuit_paused_until_ms <= now_ms,
            ),
        )
        if skip_locked:  # NO KEY UPDATE: fan-out's foreign-key checks (KEY SHARE) go on
            query = query.with_for_update(skip_locked=True, key_share=True)
        return self._conn.execute(query).first() is not None

    def _save_circuit(self, destination_id: str, circuit: Circuit) -> None:
        self._conn.execute(
            update(event_destinations)
            .where(event_destinations.c.id == destination_id)
            .values(
                circuit_failures=circuit.failures or None,
                circuit_failing_since_ms=circuit.failing_since_ms,
                circuit_pauses=circuit.pauses or None,
                circuit_paused_until_ms=circuit.paused_until_ms,
                circuit_probe_id=circuit.probe_id,
            )
        )

    def reset_circuit(self, destination_id: str) -> None:
        """Enabled again, or given a new URL: the streak starts afresh."""
        self._save_circuit(destination_id, Circuit())

    def circuit(self, destination_id: str) -> Circuit:
        row = self._conn.execute(
            select(*_CIRCUIT_COLUMNS).where(event_destinations.c.id == destination_id)
        ).first()
        return _circuit(row) if row is not None else Circuit()

    def record_attempts(
        self,
        results: Sequence[tuple[Attempt, str, int | None]],
        now_ms: int,
        circuit: CircuitPolicy | None = None,
    ) -> list[str]:
        """``(attempt, new status, next attempt time)`` per delivery tried, in three statements,
        then each destination's circuit moved by its outcomes (with ``circuit``). A delivery
        deleted meanwhile (its event expired, the sandbox was reset) is skipped: one vanished row
        must not fail the batch, or every delivery in it would be sent again. Returns the
        destinations this disabled."""
        if not results:
            return []
        ids = [attempt.delivery_id for attempt, _, _ in results]
        present = {row.id: row.destination_id for row in self._conn.execute(_PRESENT, {"ids": ids})}
        kept = [result for result in results if result[0].delivery_id in present]
        if not kept:
            return []
        _ADD_ATTEMPT.execute_many(
            self._conn,
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
        _RECORD.execute_many(
            self._conn,
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
        if circuit is None:
            return []
        outcomes: dict[str, list[Attempt]] = {}
        for attempt, _, _ in sorted(kept, key=lambda result: result[0].attempted_ms):
            outcomes.setdefault(present[attempt.delivery_id], []).append(attempt)
        return self._move_circuits(outcomes, now_ms, circuit)

    def _move_circuits(
        self, outcomes: dict[str, list[Attempt]], now_ms: int, policy: CircuitPolicy
    ) -> list[str]:
        """Each destination's circuit after its outcomes, oldest attempt first. A destination
        that only succeeded is closed by one conditional statement that changes nothing for a
        healthy one; only destinations with a failure are read (and locked) and moved."""
        failing = {
            destination
            for destination, attempts in outcomes.items()
            if any(not _succeeded(attempt) for attempt in attempts)
        }
        healthy = sorted(set(outcomes) - failing)
        if healthy:
            self._conn.execute(_CLOSE_CIRCUITS, {"ids": healthy})
        if not failing:
            return []
        rows = self._conn.execute(
            select(*_CIRCUIT_COLUMNS, event_destinations.c.livemode, event_destinations.c.status)
            .where(event_destinations.c.id.in_(sorted(failing)))
            .order_by(event_destinations.c.id)
            # NO KEY UPDATE: a transaction owing this destination a delivery (its foreign key
            # holds KEY SHARE until commit) must not hold up recording, nor wait for it
            .with_for_update(key_share=True)
        ).all()
        disabled: list[str] = []
        for row in rows:
            before = circuit = _circuit(row)
            for attempt in outcomes[row.id]:
                if _succeeded(attempt):
                    circuit = succeeded(circuit)
                else:
                    circuit = failed(
                        policy, circuit, attempt.delivery_id, attempt.attempted_ms, now_ms
                    )
            if circuit == before:
                continue
            self._save_circuit(row.id, circuit)
            if row.status == "enabled" and should_disable(policy, circuit, now_ms, row.livemode):
                self._disable_for_failures(row.id, circuit, outcomes[row.id][-1], now_ms)
                disabled.append(row.id)
        return disabled

    def _disable_for_failures(
        self, destination_id: str, circuit: Circuit, last: Attempt, now_ms: int
    ) -> None:
        """As Stripe does after days of failures: nothing new is owed to it and its pending
        deliveries wait until it is enabled again. Why is kept with the destination."""
        row = self._conn.execute(
            select(event_destinations).where(event_destinations.c.id == destination_id)
        ).one()
        record = self._record(row)
        record.status = "disabled"
        record.updated_ms = now_ms
        record.document["status_details"] = {"disabled": {"reason": DISABLED_FOR_FAILURES}}
        record.document["disabled_for_failures"] = {
            "at_ms": now_ms,
            "failures": circuit.failures,
            "failing_since_ms": circuit.failing_since_ms,
            "last_status_code": last.status_code,
            "last_error": last.error,
        }
        self.save_destination(record)

    # outside the Stripe namespace: a destination's deliveries -------------------------------
    def deliveries_page(
        self,
        destination_id: str,
        *,
        limit: int,
        cursor: Cursor | None,
        status: str | None = None,
    ) -> tuple[list[DeliveryRecord], Page]:
        """Newest first; ``status`` (pending, succeeded, failed) narrows. One range read of
        ``ix_deliveries_destination``; a status filter skips the other rows of that range."""
        where = [deliveries.c.destination_id == destination_id]
        if status is not None:
            where.append(deliveries.c.status == status)
        page = keyset_page(self._conn, deliveries, where, limit=limit, cursor=cursor)
        return [_delivery(row) for row in page.rows], page

    def stats_since(
        self, platform_id: str, livemode: bool, since_ms: int
    ) -> dict[str, WindowStats]:
        """Each destination of one platform and mode with an attempt at or after ``since_ms``:
        attempts, successes, p50 and p99 latency, computed in the database in one statement.

        Reads every attempt of the window once (a range of ``ix_delivery_attempts_attempted``,
        each joined to its delivery by primary key and kept if it is this platform's and mode's),
        and ranks each destination's latencies with a window function: O(A log A) for the A
        attempts of the window, however many deliveries are older. Only a row per destination
        leaves the database."""
        ok = case(
            (
                and_(delivery_attempts.c.status_code >= 200, delivery_attempts.c.status_code < 300),
                1,
            ),
            else_=0,
        )
        ranked = (
            select(
                deliveries.c.destination_id.label("destination_id"),
                delivery_attempts.c.latency_ms.label("latency_ms"),
                ok.label("ok"),
                func.row_number()
                .over(
                    partition_by=deliveries.c.destination_id,
                    order_by=(delivery_attempts.c.latency_ms, delivery_attempts.c.id),
                )
                .label("place"),
                func.count().over(partition_by=deliveries.c.destination_id).label("total"),
            )
            .select_from(
                delivery_attempts.join(
                    deliveries, deliveries.c.id == delivery_attempts.c.delivery_id
                )
            )
            .where(
                delivery_attempts.c.attempted_ms >= since_ms,
                deliveries.c.platform_id == platform_id,
                deliveries.c.livemode == livemode,
            )
            .subquery()
        )

        def rank(percent: int) -> Any:
            """The latency at the nearest rank: the smallest position with ``percent`` of the
            attempts at or below it."""
            position, total = ranked.c.place, ranked.c.total
            return func.max(
                case(
                    (
                        and_(
                            position * 100 >= total * percent,
                            (position - 1) * 100 < total * percent,
                        ),
                        ranked.c.latency_ms,
                    ),
                    else_=None,
                )
            )

        rows = self._conn.execute(
            select(
                ranked.c.destination_id,
                func.count(),
                func.sum(ranked.c.ok),
                rank(50),
                rank(99),
            ).group_by(ranked.c.destination_id)
        ).all()
        return {
            row[0]: WindowStats(
                attempts=int(row[1]),
                succeeded=int(row[2] or 0),
                p50_ms=int(row[3]) if row[3] is not None else None,
                p99_ms=int(row[4]) if row[4] is not None else None,
            )
            for row in rows
        }

    def backlog(self, destination_ids: Sequence[str]) -> dict[str, int]:
        """Pending deliveries per destination, in one query (a range of
        ``ix_deliveries_queue`` per destination)."""
        if not destination_ids:
            return {}
        rows = self._conn.execute(
            select(deliveries.c.destination_id, func.count())
            .where(
                deliveries.c.destination_id.in_(list(destination_ids)),
                deliveries.c.status == "pending",
            )
            .group_by(deliveries.c.destination_id)
        ).all()
        return {row[0]: int(row[1]) for row in rows}

    def circuits(self, destination_ids: Sequence[str]) -> dict[str, Circuit]:
        """Several destinations' circuits in one query."""
        if not destination_ids:
            return {}
        rows = self._conn.execute(
            select(*_CIRCUIT_COLUMNS).where(event_destinations.c.id.in_(list(destination_ids)))
        ).all()
        return {row.id: _circuit(row) for row in rows}

    def event_deliveries(
        self, platform_id: str, livemode: bool, event_id: str
    ) -> list[DeliveryRecord]:
        """One event's deliveries (one per destination that wanted it), oldest first, through
        ``ix_deliveries_event``."""
        rows = self._conn.execute(
            select(deliveries)
            .where(
                deliveries.c.event_id == event_id,
                deliveries.c.platform_id == platform_id,
                deliveries.c.livemode == livemode,
            )
            .order_by(deliveries.c.created_ms, deliveries.c.id)
        ).all()
        return [_delivery(row) for row in rows]

    def event_types(
        self, platform_id: str, livemode: bool, event_ids: Sequence[str]
    ) -> dict[str, str]:
        """The type of each of several events of one platform and mode (a page of deliveries
        names them), by primary key, in one query; an event pruned meanwhile is absent."""
        if not event_ids:
            return {}
        rows = self._conn.execute(
            select(events.c.id, events.c.type).where(
                events.c.id.in_(sorted(set(event_ids))),
                events.c.platform_id == platform_id,
                events.c.livemode == livemode,
            )
        ).all()
        return {row.id: row.type for row in rows}

    def destinations_named(
        self, platform_id: str, livemode: bool, destination_ids: Sequence[str]
    ) -> dict[str, DestinationRecord]:
        """Several destinations of one platform and mode by id, deleted ones included (an old
        event's deliveries may name one)."""
        if not destination_ids:
            return {}
        rows = self._conn.execute(
            select(event_destinations).where(
                event_destinations.c.id.in_(list(destination_ids)),
                event_destinations.c.platform_id == platform_id,
                event_destinations.c.livemode == livemode,
            )
        ).all()
        return {row.id: self._record(row) for row in rows}

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


_CIRCUIT_COLUMNS = (
    event_destinations.c.id,
    event_destinations.c.circuit_failures,
    event_destinations.c.circuit_failing_since_ms,
    event_destinations.c.circuit_pauses,
    event_destinations.c.circuit_paused_until_ms,
    event_destinations.c.circuit_probe_id,
)


_CLOSE_CIRCUITS = (
    update(event_destinations)
    .where(
        event_destinations.c.id.in_(bindparam("ids", expanding=True)),
        or_(
            event_destinations.c.circuit_failures.is_not(None),
            event_destinations.c.circuit_pauses.is_not(None),
            event_destinations.c.circuit_paused_until_ms.is_not(None),
            event_destinations.c.circuit_probe_id.is_not(None),
        ),
    )
    .values(
        circuit_failures=None,
        circuit_failing_since_ms=None,
        circuit_pauses=None,
        circuit_paused_until_ms=None,
        circuit_probe_id=None,
    )
)
"""Any success closes a circuit (``circuit.succeeded``); a closed one is not written."""


def _succeeded(attempt: Attempt) -> bool:
    return attempt.status_code is not None and 200 <= attempt.status_code < 300


def _circuit(row: Any) -> Circuit:
    return Circuit(
        failures=row.circuit_failures or 0,
        failing_since_ms=row.circuit_failing_since_ms,
        pauses=row.circuit_pauses or 0,
        paused_until_ms=row.circuit_paused_until_ms,
        probe_id=row.circuit_probe_id,
    )


def _due_queues() -> Any:
    """Claimable destinations with a due delivery, the longest-waiting first: one index seek
    per enabled destination (``ix_deliveries_queue``), however long any queue is. ``full``:
    destinations this worker cannot send more to now."""
    head = (
        select(func.min(deliveries.c.next_attempt_ms))
        .where(
            deliveries.c.destination_id == event_destinations.c.id,
            deliveries.c.status == "pending",
        )
        .correlate(event_destinations)
        .scalar_subquery()
    )
    now_ms: Any = bindparam("now_ms")
    queues = (
        select(*_CIRCUIT_COLUMNS, event_destinations.c.sealed, head.label("head"))
        .where(
            event_destinations.c.status == "enabled",
            event_destinations.c.deleted_ms.is_(None),
            or_(
                event_destinations.c.circuit_paused_until_ms.is_(None),
                event_destinations.c.circuit_paused_until_ms <= now_ms,
            ),
            event_destinations.c.id.not_in(bindparam("full", expanding=True)),
        )
        .subquery()
    )
    return (
        select(queues)
        .where(queues.c.head <= now_ms)
        .order_by(queues.c.head)
        .limit(bindparam("limit"))
    )


_DUE_QUEUES = _due_queues()
"""Built once (building it cost more than running it); SQLAlchemy caches its compiled form."""


def _queue_head(skip_locked: bool) -> Any:
    """A destination's due deliveries, oldest first, at most ``room`` of them."""
    query = (
        select(
            deliveries.c.id,
            deliveries.c.attempts,
            deliveries.c.event_id,
            deliveries.c.livemode,
            events.c.sealed.label("event_sealed"),
            events.c.type,
            events.c.created_ms.label("event_created_ms"),
        )
        .select_from(deliveries.join(events, deliveries.c.event_id == events.c.id))
        .where(
            deliveries.c.destination_id == bindparam("destination_id"),
            deliveries.c.status == literal_column("'pending'"),
            deliveries.c.next_attempt_ms <= bindparam("now_ms"),
        )
        .order_by(deliveries.c.next_attempt_ms)
        .limit(bindparam("room"))
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True, of=deliveries)
    return query


_QUEUE_HEAD = {False: DriverStatement(_queue_head(False)), True: DriverStatement(_queue_head(True))}
"""Built once, run on the driver: a claim runs one per destination it serves."""

_LEASE = DriverStatement(
    update(deliveries)
    .where(deliveries.c.id == bindparam("b_id"))
    .values(next_attempt_ms=bindparam("b_next"), updated_ms=bindparam("b_now"))
)
"""A claimed delivery is due again once its lease ends (run once per claimed row, in one
``executemany``)."""

_RECORD = DriverStatement(
    update(deliveries)
    .where(deliveries.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        attempts=deliveries.c.attempts + literal_column("1"),
        next_attempt_ms=bindparam("b_next"),
        updated_ms=bindparam("b_now"),
    )
)
_ADD_ATTEMPT = DriverStatement(insert(delivery_attempts))
_PRESENT = (
    select(deliveries.c.id, deliveries.c.destination_id)
    .where(deliveries.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(deliveries.c.id)  # one lock order for every writer: no deadlocks
    .with_for_update()
)
"""The recorded deliveries still there, locked (a vanished one is skipped)."""


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


def snapshot_event(
    event_id: str,
    type_: str,
    created_ms: int,
    livemode: bool,
    payload: dict[str, Any],
    *,
    pending_webhooks: int,
) -> dict[str, Any]:
    """A v1 Event, as ``GET /v1/events/{id}`` returns it and a v1 webhook endpoint receives it
    (``services.events.record_v1_event`` wrote the payload)."""
    return {
        "id": event_id,
        "object": "event",
        "account": payload.get("context"),
        "api_version": V1_API_VERSION,
        "created": created_ms // 1000,
        "data": payload.get("data") or {},
        "livemode": livemode,
        "pending_webhooks": pending_webhooks,
        "request": payload.get("request") or {"id": None, "idempotency_key": None},
        "type": type_,
    }


def _body(
    event_id: str, type_: str, created_ms: int, livemode: bool, payload: dict[str, Any]
) -> bytes:
    """What a destination receives: a v1 Event for a v1 type (snapshot endpoints), else the
    thin notification. ``pending_webhooks`` counts this delivery: it is not done yet."""
    if is_v1_type(type_):
        return orjson.dumps(
            snapshot_event(event_id, type_, created_ms, livemode, payload, pending_webhooks=1)
        )
    return thin_event(event_id, type_, created_ms, livemode, payload)


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
