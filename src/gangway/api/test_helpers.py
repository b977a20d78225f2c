"""Gangway's test-mode helpers, outside the Stripe namespace: the platform's test clock, Stripe's
trigger cards, and emptying the sandbox. Live keys get a clear 400.

Moving the clock and emptying the sandbox take several transactions, so those two routes run
outside the request's unit of work (``Route.transaction``) and open their own."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gangway.api import render
from gangway.api.app import Request, Route
from gangway.core.clock import to_rfc3339
from gangway.core.errors import InvalidRequest, NotFound
from gangway.requirements import RuleBook
from gangway.services import accounts, timeline
from gangway.services.clocks import Clocks
from gangway.store.uow import Store, UnitOfWork

__all__ = ["test_helper_routes"]

_INCLUDE_ALL = set(render.INCLUDABLE)


class AdvanceParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: int | None = Field(default=None, gt=0, le=10 * 365 * 86_400)
    to: Literal["next_change"] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> AdvanceParams:
        if (self.seconds is None) == (self.to is None):
            raise ValueError("give exactly one of seconds or to=next_change")
        return self


class TriggerParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["next_requirements", "charge_block", "payout_block"]


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def test_helper_routes(rules: RuleBook, store: Store, clocks: Clocks) -> list[Route]:
    def show_clock(request: Request) -> tuple[int, dict[str, Any]]:
        _test_mode_only(request)
        return 200, _clock(clocks, request.uow, request.call.principal.platform_id, processed=0)

    def advance_clock(request: Request) -> tuple[int, dict[str, Any]]:
        _test_mode_only(request)
        platform = request.call.principal.platform_id
        with store.unit_of_work(write=False) as uow:
            if request.params.get("to") == "next_change":
                target = clocks.next_change_ms(platform, uow)
            else:
                target = clocks.test_now_ms(platform, uow) + request.params["seconds"] * 1000
        if target is None:
            raise InvalidRequest(
                "Nothing in this sandbox changes by time: no deadline or decision is pending.",
                code="no_pending_change",
            )
        processed = clocks.move_test_clock(rules, platform, target)
        with store.unit_of_work(write=False) as uow:
            return 200, _clock(clocks, uow, platform, processed=processed)

    def trigger(request: Request) -> tuple[int, dict[str, Any]]:
        _test_mode_only(request)
        record = request.uow.accounts.get(request.call.principal, request.args[0], for_update=True)
        if record is None or record.closed:
            raise NotFound(f"No such open account: '{request.args[0]}'", param="account")
        now = request.call.now_ms
        timeline.trigger(
            request.uow, record, request.params["type"], rules, now, request.call.reason()
        )
        evaluation = accounts.evaluation(request.uow, record, rules, now)
        return 200, render.account(record, _INCLUDE_ALL, evaluation)

    def reset(request: Request) -> tuple[int, dict[str, Any]]:
        _test_mode_only(request)
        removed = timeline.reset(store, request.call.principal.platform_id)
        return 200, {"object": "gangway.test_sandbox_reset", "deleted_accounts": removed}

    return [
        Route("GET", "/_gangway/test_clock", show_clock, None),
        Route(
            "POST",
            "/_gangway/test_clock/advance",
            advance_clock,
            AdvanceParams,
            idempotent=False,
            transaction=False,
        ),
        Route("POST", "/_gangway/accounts/{id}/triggers", trigger, TriggerParams, write=True),
        Route(
            "POST",
            "/_gangway/test_sandbox/reset",
            reset,
            NoParams,
            idempotent=False,
            transaction=False,
        ),
    ]


def _test_mode_only(request: Request) -> None:
    if request.call.livemode:
        raise InvalidRequest(
            "Test clocks, triggers and sandbox resets exist in test mode only; use a sk_test_ key.",
            code="test_mode_only",
        )


def _clock(clocks: Clocks, uow: UnitOfWork, platform_id: str, *, processed: int) -> dict[str, Any]:
    now = clocks.test_now_ms(platform_id, uow)
    return {
        "object": "gangway.test_clock",
        "now": to_rfc3339(now),
        "offset_seconds": (now - clocks.real_ms()) // 1000,
        "changes_processed": processed,
    }
