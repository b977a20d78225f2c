"""Deliveries: a platform mode's event destinations with their health, a destination's
deliveries, a delivery's attempts, and an event with what became of it.

Every role reads these pages; only an admin (``manage``) resends a delivery or enables and
disables a destination, through the same service functions as the API
(``services.destinations``), each audited in the unit of work that makes the change.

Success rates and latencies are over attempts started in the last hour and the last day, by
the wall clock (the worker records attempts by it, in test mode too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.responses import Response
from starlette.routing import Route

from gangway.console import web
from gangway.console.guard import NOT_FOUND, Console, Screen
from gangway.core.ids import random_token
from gangway.core.pagination import Cursor
from gangway.hosted.i18n import N_
from gangway.services import audit, destinations
from gangway.services.context import Call
from gangway.store.repos.events import EventRecord
from gangway.store.repos.webhooks import (
    DISABLED_FOR_FAILURES,
    Attempt,
    DeliveryRecord,
    DestinationRecord,
    WindowStats,
)
from gangway.store.uow import UnitOfWork
from gangway.webhooks.circuit import Circuit

__all__ = ["routes"]

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
_PAGE = 25
_MOST_DESTINATIONS = 500
"""Read at most this many destinations for the list (Stripe allows far fewer per mode)."""
STATUSES = ("pending", "succeeded", "failed")
STATUS_NAMES = {
    "pending": N_("Pending"),
    "succeeded": N_("Succeeded"),
    "failed": N_("Failed"),
    "enabled": N_("Enabled"),
    "disabled": N_("Disabled"),
}
BAD_STATUS = (
    N_("Unknown status"),
    N_("Choose pending, succeeded or failed, or show every delivery."),
)
BAD_CURSOR = (N_("This page link is not valid"), N_("Go back to the first page and try again."))
BAD_ACTION = (N_("Unknown action"), N_("Go back and use the Enable or Disable button."))
DONE = {
    "resent": N_("The delivery is due again: the worker sends it at once."),
    "enabled": N_("The destination is enabled: its pending deliveries resume."),
    "disabled": N_("The destination is disabled: nothing new is owed to it."),
}
_SECRET_KEYS = ("id_number", "ssn", "personal_id")


def routes(console: Console) -> list[Route]:
    base = "/console/{platform}/{mode}/deliveries"
    return [
        Route(base, console.page("read")(destination_list), methods=["GET"]),
        Route(base + "/{destination}", console.page("read")(destination_page), methods=["GET"]),
        Route(
            base + "/{destination}/status",
            console.page("manage")(set_status),
            methods=["POST"],
        ),
        Route(
            base + "/{destination}/{delivery}",
            console.page("read")(delivery_page),
            methods=["GET"],
        ),
        Route(
            base + "/{destination}/{delivery}/resend",
            console.page("manage")(resend),
            methods=["POST"],
        ),
        Route(
            "/console/{platform}/{mode}/events/{event}",
            console.page("read")(event_page),
            methods=["GET"],
        ),
    ]


# the destinations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A destination as the list shows it."""

    record: DestinationRecord
    host: str
    paused_until_ms: int | None
    hour: WindowStats | None
    day: WindowStats | None
    backlog: int

    @property
    def failing_for(self) -> bool:
        return self.record.document.get("disabled_for_failures") is not None

    def order(self) -> tuple[float, float, int, str]:
        """Failing ones first: the lowest success rate in the last hour, then in the day; one
        without attempts counts as healthy; then the newest."""
        hour = _rate(self.hour)
        day = _rate(self.day)
        return (
            hour if hour is not None else 2.0,
            day if day is not None else 2.0,
            -self.record.created_ms,
            self.record.id,
        )


async def destination_list(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    now_ms = screen.console.clock.now_ms()

    def read(uow: UnitOfWork) -> tuple[list[Row], bool]:
        records, _ = uow.webhooks.page(scope.principal, limit=_MOST_DESTINATIONS, cursor=None)
        ids = [r.id for r in records]
        hour = uow.webhooks.stats_since(scope.platform_id, scope.livemode, now_ms - HOUR_MS)
        day = uow.webhooks.stats_since(scope.platform_id, scope.livemode, now_ms - DAY_MS)
        backlog = uow.webhooks.backlog(ids)
        circuits = uow.webhooks.circuits(ids)
        rows = [
            Row(
                record=r,
                host=_host(r.document.get("url")),
                paused_until_ms=_paused(circuits.get(r.id), now_ms),
                hour=hour.get(r.id),
                day=day.get(r.id),
                backlog=backlog.get(r.id, 0),
            )
            for r in records
        ]
        return sorted(rows, key=Row.order), len(records) >= _MOST_DESTINATIONS

    rows, truncated = await screen.work(read)
    return screen.render(
        "deliveries.html",
        section="deliveries",
        title=N_("Deliveries"),
        rows=rows,
        truncated=truncated,
        rate=_rate,
        status_name=STATUS_NAMES,
    )


# one destination -------------------------------------------------------------------------


async def destination_page(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    destination_id = screen.request.path_params["destination"]
    query = screen.request.query_params
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        return screen.message(BAD_STATUS, 400)
    try:
        cursor = _cursor(query.get("page"))
    except _BadCursor:
        return screen.message(BAD_CURSOR, 400)
    now_ms = screen.console.clock.now_ms()

    def read(uow: UnitOfWork) -> dict[str, Any]:
        record = destinations.retrieve(uow, _call(screen, uow), destination_id)
        found, page = uow.webhooks.deliveries_page(
            record.id, limit=_PAGE, cursor=cursor, status=status
        )
        circuit = uow.webhooks.circuits([record.id]).get(record.id)
        return {
            "destination": record,
            "deliveries": found,
            "types": uow.webhooks.event_types(
                scope.platform_id, scope.livemode, [d.event_id for d in found]
            ),
            "newer": _token(page.prev_cursor),
            "older": _token(page.next_cursor),
            "backlog": uow.webhooks.backlog([record.id]).get(record.id, 0),
            "paused_until_ms": _paused(circuit, now_ms),
            "failures": circuit.failures if circuit else 0,
        }

    found = await screen.work(read)
    record: DestinationRecord = found["destination"]
    return screen.render(
        "delivery_destination.html",
        section="deliveries",
        title=record.document.get("name") or record.id,
        **found,
        url=_shown_url(record.document.get("url")),
        chosen=status or "",
        statuses=STATUSES,
        status_name=STATUS_NAMES,
        done=DONE.get(query.get("done", "")),
        disabled_for_failures=record.document.get("disabled_for_failures"),
        failing_reason=DISABLED_FOR_FAILURES,
        quote=_quote,
        query_with=lambda **changes: web.query_with({}, **changes),
    )


async def set_status(screen: Screen) -> Response:
    """Enable or disable (admins only), through ``destinations.set_status`` as the API does."""
    assert screen.scope is not None
    scope = screen.scope
    action = screen.form.get("action")
    if action not in ("enable", "disable"):
        return screen.message(BAD_ACTION, 400)
    destination_id = screen.request.path_params["destination"]
    enabled = action == "enable"

    def change(uow: UnitOfWork) -> DestinationRecord:
        before = destinations.retrieve(uow, _call(screen, uow), destination_id, for_update=True)
        was = before.status
        record = destinations.set_status(uow, _call(screen, uow), destination_id, enabled=enabled)
        audit.record(
            uow,
            screen.actor,
            f"deliveries.destination_{action}d",
            now_ms=screen.console.clock.now_ms(),
            platform_id=scope.platform_id,
            livemode=scope.livemode,
            target=record.id,
            detail={"from": was, "to": record.status},
        )
        return record

    record = await screen.work(change, write=True)
    return web.redirect(f"{scope.prefix}/deliveries/{_quote(record.id)}?done={action}d")


# one delivery ----------------------------------------------------------------------------


async def delivery_page(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    destination_id = screen.request.path_params["destination"]
    delivery_id = screen.request.path_params["delivery"]

    def read(uow: UnitOfWork) -> dict[str, Any] | None:
        record = destinations.retrieve(uow, _call(screen, uow), destination_id)
        delivery = uow.webhooks.delivery(record.id, delivery_id)
        if delivery is None:
            return None
        types = uow.webhooks.event_types(scope.platform_id, scope.livemode, [delivery.event_id])
        return {
            "destination": record,
            "delivery": delivery,
            "attempts": list(reversed(uow.webhooks.attempts(delivery.id))),
            "event_type": types.get(delivery.event_id),
        }

    found = await screen.work(read)
    if found is None:
        return screen.message(NOT_FOUND, 404)
    return screen.render(
        "delivery_attempts.html",
        section="deliveries",
        title=N_("Delivery"),
        **found,
        status_name=STATUS_NAMES,
        done=DONE.get(screen.request.query_params.get("done", "")),
        outcome=_outcome,
        quote=_quote,
    )


async def resend(screen: Screen) -> Response:
    """Due again at once (admins only), through ``destinations.resend`` as the API's resend."""
    assert screen.scope is not None
    scope = screen.scope
    destination_id = screen.request.path_params["destination"]
    delivery_id = screen.request.path_params["delivery"]

    def change(uow: UnitOfWork) -> DeliveryRecord:
        before = uow.webhooks.delivery(destination_id, delivery_id)
        record = destinations.resend(uow, _call(screen, uow), destination_id, delivery_id)
        audit.record(
            uow,
            screen.actor,
            "deliveries.resend",
            now_ms=screen.console.clock.now_ms(),
            platform_id=scope.platform_id,
            livemode=scope.livemode,
            target=record.id,
            detail={
                "destination": record.destination_id,
                "event": record.event_id,
                "was": before.status if before else None,
            },
        )
        return record

    record = await screen.work(change, write=True)
    return web.redirect(
        f"{scope.prefix}/deliveries/{_quote(record.destination_id)}/{_quote(record.id)}?done=resent"
    )


# an event --------------------------------------------------------------------------------


async def event_page(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    event_id = screen.request.path_params["event"]

    def read(uow: UnitOfWork) -> dict[str, Any] | None:
        event = uow.events.get(scope.principal, event_id) or uow.events.get(
            scope.principal, event_id, api="v1"
        )
        if event is None:
            return None
        owed = uow.webhooks.event_deliveries(scope.platform_id, scope.livemode, event.id)
        named = uow.webhooks.destinations_named(
            scope.platform_id, scope.livemode, sorted({d.destination_id for d in owed})
        )
        return {"event": event, "deliveries": owed, "destinations": named}

    found = await screen.work(read)
    if found is None:
        return screen.message(NOT_FOUND, 404)
    event: EventRecord = found["event"]
    return screen.render(
        "event.html",
        section="deliveries",
        title=event.type,
        **found,
        account=_account_of(event),
        related=event.payload.get("related_object") or None,
        reason=event.payload.get("reason") or None,
        payload=json.dumps(_masked(event.payload), indent=2, sort_keys=True, ensure_ascii=False),
        status_name=STATUS_NAMES,
        quote=_quote,
    )


# helpers ---------------------------------------------------------------------------------


def _call(screen: Screen, uow: UnitOfWork) -> Call:
    """The services' view of this request: the page's platform and mode, its clock."""
    assert screen.scope is not None
    return Call(
        principal=screen.scope.principal,
        request_id="req_console_" + random_token(10),
        clock=lambda: screen.now_ms(uow),
    )


def _rate(stats: WindowStats | None) -> float | None:
    return stats.success_rate if stats is not None else None


def _paused(circuit: Circuit | None, now_ms: int) -> int | None:
    if circuit is None or circuit.paused_until_ms is None or circuit.paused_until_ms <= now_ms:
        return None
    return circuit.paused_until_ms


def _host(url: object) -> str:
    """Only the host (and a port): a URL's path or query may carry the platform's secrets."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""


def _shown_url(url: object) -> str:
    """Scheme, host and path; never the query (it may carry a token)."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class _BadCursor(Exception):
    pass


def _cursor(raw: str | None) -> Cursor | None:
    """``next.<created_ms>.<id>`` or ``prev.<created_ms>.<id>``."""
    if not raw:
        return None
    direction, _, rest = raw.partition(".")
    at, _, ident = rest.partition(".")
    if direction not in ("next", "prev") or not at.isdigit() or not ident or len(raw) > 200:
        raise _BadCursor()
    return Cursor(int(at), ident, "next" if direction == "next" else "prev")


def _token(cursor: Cursor | None) -> str | None:
    return f"{cursor.direction}.{cursor.created_ms}.{cursor.id}" if cursor else None


def _quote(value: str) -> str:
    return quote(value, safe="")


def _outcome(attempt: Attempt) -> str:
    code = attempt.status_code
    return "succeeded" if code is not None and 200 <= code < 300 else "failed"


def _account_of(event: EventRecord) -> str | None:
    """The connected account the event is about, for a link to its page."""
    related = event.payload.get("related_object") or {}
    if isinstance(related, dict) and str(related.get("id", "")).startswith("acct_"):
        return str(related["id"])
    context = event.payload.get("context")
    if isinstance(context, str) and context.startswith("acct_"):
        return context
    if event.object_id and event.object_id.startswith("acct_"):
        return event.object_id
    return None


def _masked(value: Any, key: str = "") -> Any:
    """The payload with any ID number masked to its last four characters."""
    if isinstance(value, dict):
        return {k: _masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, key) for v in value]
    if isinstance(value, str) and any(secret in key.lower() for secret in _SECRET_KEYS):
        return "•••• " + value[-4:] if len(value) > 4 else "••••"
    return value
