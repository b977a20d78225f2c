"""A destination's deliveries, outside the Stripe namespace: what was sent, what the receiver
answered, and a manual resend. Stripe shows this in its Dashboard; Gangway has no dashboard, so
the operator (or a platform's tests) reads it here."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from gangway.api.app import Request, Route
from gangway.api.handlers import list_body
from gangway.core.clock import to_rfc3339
from gangway.core.pagination import (
    DEFAULT_LIMIT,
    ListTokens,
    PageRequest,
    PageTokens,
    invalid_page_token,
)
from gangway.services import destinations
from gangway.store.repos.webhooks import Attempt, DeliveryRecord

__all__ = ["delivery_routes", "render_delivery"]


class DeliveriesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=100)
    page: str | None = None


class ResendParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def delivery_routes(pages: PageTokens) -> list[Route]:
    """A destination's deliveries and their resend; ``pages`` signs the list's page tokens."""

    def list_deliveries(request: Request) -> tuple[int, dict[str, Any]]:
        destination = destinations.retrieve(request.uow, request.call, request.args[0])
        base = f"/_gangway/event_destinations/{quote(destination.id, safe='')}/deliveries"
        tokens = pages.bound(base, request.call.principal)
        page = _page(request.params, tokens)
        records, result = request.uow.webhooks.deliveries_page(
            destination.id, limit=page.limit, cursor=page.cursor
        )
        attempts = request.uow.webhooks.attempts_for([r.id for r in records])
        data = [render_delivery(r, attempts.get(r.id, [])) for r in records]
        return 200, list_body(data, result, page, tokens)

    def resend(request: Request) -> tuple[int, dict[str, Any]]:
        """Due at once, whatever its state (a failed delivery gets one more attempt, a
        succeeded one is sent again); the worker is woken by the commit."""
        again = destinations.resend(request.uow, request.call, request.args[0], request.args[1])
        return 200, render_delivery(again, request.uow.webhooks.attempts(again.id))

    base = "/_gangway/event_destinations/{id}/deliveries"
    return [
        Route("GET", base, list_deliveries, DeliveriesParams),
        Route("POST", base + "/{delivery}/resend", resend, ResendParams, write=True),
    ]


def _page(params: dict[str, Any], tokens: ListTokens) -> PageRequest:
    token = params.get("page")
    if not token:
        return PageRequest(limit=params.get("limit", DEFAULT_LIMIT))
    page = tokens.decode(token)
    if page.filters:
        raise invalid_page_token()
    return page


def render_delivery(record: DeliveryRecord, attempts: list[Attempt]) -> dict[str, Any]:
    return {
        "id": record.id,
        "object": "gangway.delivery",
        "event": record.event_id,
        "destination": record.destination_id,
        "status": record.status,
        "attempt_count": record.attempts,
        "next_attempt": to_rfc3339(record.next_attempt_ms) if record.status == "pending" else None,
        "created": to_rfc3339(record.created_ms),
        "updated": to_rfc3339(record.updated_ms),
        "attempts": [
            {
                "attempted": to_rfc3339(a.attempted_ms),
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "response_body": a.response_body,
            }
            for a in attempts
        ],
    }
