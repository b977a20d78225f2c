"""The review API, outside the Stripe namespace: the operator's reviewers (playing the part Stripe
plays in the seed's "awaiting_action_from: stripe") list pending verifications and approve or
reject them; every decision lands in an audit trail with who, when and why, and the account's
requirements, capabilities and events follow at once."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gangway.api.app import Request, Route
from gangway.core.clock import to_rfc3339
from gangway.core.errors import NotFound
from gangway.requirements import RuleBook
from gangway.services import reviews
from gangway.store.repos.verifications import VerificationRecord
from gangway.store.uow import UnitOfWork

__all__ = ["review_routes"]


class QueueParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["pending", "verified", "failed"] = "pending"
    limit: int = Field(default=20, ge=1, le=100)
    starting_after: str | None = None


class ApproveParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reviewer: str = Field(min_length=1, max_length=200)
    reason: str = Field(default="approved", min_length=1, max_length=2000)


class RejectParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reviewer: str = Field(min_length=1, max_length=200)
    code: str = Field(pattern=r"^(verification|invalid)_[a-z0-9_]+$", max_length=100)
    reason: str = Field(min_length=1, max_length=2000)


def review_routes(rules: RuleBook) -> list[Route]:
    def queue(request: Request) -> tuple[int, dict[str, Any]]:
        params = request.params
        records = request.uow.verifications.queue(
            request.call.principal,
            params.get("status", "pending"),
            limit=params.get("limit", 20) + 1,
            after_id=params.get("starting_after"),
        )
        limit = params.get("limit", 20)
        page, more = records[:limit], len(records) > limit
        return 200, {
            "object": "list",
            "data": [_render(record) for record in page],
            "has_more": more,
        }

    def show(request: Request) -> tuple[int, dict[str, Any]]:
        record = _find(request.uow, request)
        decisions = request.uow.verifications.decisions(record.id)
        return 200, _render(record, decisions=decisions)

    def decide(approve: bool) -> Any:
        def handler(request: Request) -> tuple[int, dict[str, Any]]:
            params, call = request.params, request.call
            record = reviews.decide(
                request.uow,
                call.principal,
                request.args[0],
                approve=approve,
                code=params.get("code"),
                reason=params.get("reason", "approved"),
                reviewer=f"{params['reviewer']} (key {call.principal.key_id})",
                now_ms=call.now_ms,
                rules=rules,
            )
            return 200, _render(record, decisions=request.uow.verifications.decisions(record.id))

        return handler

    return [
        Route("GET", "/_gangway/verifications", queue, QueueParams),
        Route("GET", "/_gangway/verifications/{id}", show, None),
        Route(
            "POST", "/_gangway/verifications/{id}/approve", decide(True), ApproveParams, write=True
        ),
        Route(
            "POST", "/_gangway/verifications/{id}/reject", decide(False), RejectParams, write=True
        ),
    ]


def _find(uow: UnitOfWork, request: Request) -> VerificationRecord:
    record = uow.verifications.get(request.call.principal, request.args[0])
    if record is None:
        raise NotFound(f"No such verification: '{request.args[0]}'", param="verification")
    return record


def _render(record: VerificationRecord, *, decisions: list[Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id,
        "object": "gangway.verification",
        "account": record.account_id,
        "person": record.subject,
        "kind": record.kind,
        "label": record.payload.get("label"),
        "descriptions": record.payload.get("descriptions") or [],
        "status": record.status,
        "errors": record.payload.get("errors") or [],
        "created": to_rfc3339(record.created_ms),
        "updated": to_rfc3339(record.updated_ms),
        "decides_at": to_rfc3339(record.decide_at_ms) if record.decide_at_ms else None,
        "livemode": record.livemode,
    }
    if decisions is not None:
        body["decisions"] = [
            {
                "actor": d.actor,
                "status": d.status,
                "decided": to_rfc3339(d.decided_ms),
                "errors": d.payload.get("errors") or [],
                "reason": d.payload.get("reason"),
            }
            for d in decisions
        ]
    return body
