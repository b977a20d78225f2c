"""Test mode's controls: the platform's test clock (with a preview of what a move reaches) and
emptying the sandbox behind a typed confirmation.

The clock moves by the same service path as ``POST /_gangway/test_clock/advance``
(``Clocks.move_test_clock``: one deadline at a time) and the sandbox empties by ``timeline.reset``,
like ``POST /_gangway/test_sandbox/reset``. The preview evaluates each account the move reaches
at the target time with the API's own evaluation (``services.accounts.evaluation``), so what it
announces is what the API will then report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from gangway.console import web
from gangway.console.guard import Console, Screen
from gangway.hosted.i18n import N_
from gangway.requirements import Evaluation
from gangway.services import accounts, audit, timeline
from gangway.store.repos import pending
from gangway.store.uow import UnitOfWork

__all__ = ["parse_advance", "routes"]

_SHOWN = 20
_MAX_MS = 10 * 365 * 86_400_000  # as the API's advance: at most ten years at once
_UNITS = {"minutes": 60_000, "hours": 3_600_000, "days": 86_400_000}
_SHORT = {"m": "minutes", "h": "hours", "d": "days"}
_ADVANCE = re.compile(r"^([0-9]{1,7})([mhd])$")

NO_CLOCK = (
    N_("Live mode has no test clock"),
    N_("Live accounts run on real time. The test clock, triggers and reset are in test mode."),
)
BAD_DURATION = N_("Give a whole number of minutes, hours or days, up to ten years.")
NOTHING_PENDING = N_("Nothing in this sandbox changes by time: no deadline or decision is pending.")
PAST_TARGET = N_("The clock is already past that time. Preview the move again.")
WRONG_CONFIRMATION = N_("That is not what the box asks for: nothing was deleted.")
DONE = {
    "advanced": N_("The test clock moved."),
    "reset": N_("The sandbox is empty: its test accounts, events and clock are gone."),
}


def routes(console: Console) -> list[Route]:
    return [
        Route(
            "/console/{platform}/{mode}/clock", console.page("read")(clock_page), methods=["GET"]
        ),
        # four segments after /console: never mistaken for /console/operators/{id}/{action}
        Route(
            "/console/{platform}/{mode}/clock/advance",
            console.page("review")(advance_clock),
            methods=["POST"],
        ),
        Route(
            "/console/{platform}/{mode}/sandbox/reset",
            console.page("manage")(reset_page),
            methods=["GET"],
        ),
        Route(
            "/console/{platform}/{mode}/sandbox/reset",
            console.page("manage")(reset_sandbox),
            methods=["POST"],
        ),
    ]


def parse_advance(query: dict[str, str]) -> str | int | None:
    """How far to move, from the query: ``"next"``, a duration in ms, ``None`` (no preview asked
    for) or ``""`` (unreadable). ``?advance=3d`` / ``?advance=next`` or ``?amount=3&unit=days``."""
    raw = (query.get("advance") or "").strip()
    if raw == "next" or query.get("to") == "next_change":
        return "next"
    if raw:
        found = _ADVANCE.match(raw)
        if not found:
            return ""
        amount, unit = int(found.group(1)), _SHORT[found.group(2)]
    elif "amount" in query or "unit" in query:
        text = (query.get("amount") or "").strip()
        unit = query.get("unit") or ""
        if not text.isdigit() or len(text) > 7 or unit not in _UNITS:
            return ""
        amount = int(text)
    else:
        return None
    duration = amount * _UNITS[unit]
    if amount <= 0 or duration > _MAX_MS:
        return ""
    return duration


@dataclass
class Move:
    """What one account's evaluation does between now and the target."""

    account_id: str
    name: str
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    """``(description, status now, status then)``; ``"—"`` for an entry absent on one side."""
    capabilities: list[tuple[str, str, str]] = field(default_factory=list)
    decisions: int = 0


@dataclass
class Preview:
    target_ms: int
    count: int
    moves: list[Move]


@dataclass
class ClockState:
    now_ms: int
    offset_ms: int
    next_change_ms: int | None
    preview: Preview | None = None
    error: str = ""


async def clock_page(screen: Screen) -> Response:
    assert screen.scope is not None
    if screen.scope.livemode:
        return screen.message(NO_CLOCK, 404)
    asked = parse_advance(dict(screen.request.query_params))
    state = await screen.work(lambda uow: _state(screen, uow, asked))
    return _render(screen, state, 400 if state.error else 200, asked=asked)


async def advance_clock(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    if scope.livemode:
        return screen.message(NO_CLOCK, 404)
    console = screen.console
    raw = screen.form.get("to_ms", "").strip()
    state = await screen.work(lambda uow: _state(screen, uow, None))
    if not raw.isdigit() or int(raw) - state.now_ms > _MAX_MS:
        state.error = BAD_DURATION
        return _render(screen, state, 400, asked=None)
    target = int(raw)
    if target <= state.now_ms:
        state.error = PAST_TARGET
        return _render(screen, state, 400, asked=None)

    def move() -> int:
        return console.clocks.move_test_clock(console.rules, scope.platform_id, target)

    processed = await console.store.database.in_thread(move)

    def record(uow: UnitOfWork) -> None:
        audit.record(
            uow,
            screen.actor,
            "test_clock.advance",
            now_ms=console.clock.now_ms(),
            platform_id=scope.platform_id,
            livemode=False,
            target=scope.platform_id,
            detail={"from": state.now_ms, "to": target, "changes_processed": processed},
        )

    await screen.work(record, write=True)
    return web.redirect(f"{scope.prefix}/clock?done=advanced")


async def reset_page(screen: Screen) -> Response:
    assert screen.scope is not None
    if screen.scope.livemode:
        return screen.message(NO_CLOCK, 404)
    return screen.render("reset.html", section="clock", title="Reset the sandbox", error="")


async def reset_sandbox(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    if scope.livemode:
        return screen.message(NO_CLOCK, 404)
    typed = screen.form.get("confirm", "")
    if typed not in (scope.platform_id, "RESET"):
        return screen.render(
            "reset.html", 400, section="clock", title="Reset the sandbox", error=WRONG_CONFIRMATION
        )
    console = screen.console

    def record(uow: UnitOfWork, removed: int) -> None:
        """In the reset's own transaction: no reset without its audit entry."""
        audit.record(
            uow,
            screen.actor,
            "test_sandbox.reset",
            now_ms=console.clock.now_ms(),
            platform_id=scope.platform_id,
            livemode=False,
            target=scope.platform_id,
            detail={"deleted_accounts": removed},
        )

    await console.store.database.in_thread(
        lambda: timeline.reset(console.store, scope.platform_id, also=record)
    )
    return web.redirect(f"{scope.prefix}/clock?done=reset")


def _render(screen: Screen, state: ClockState, status: int, *, asked: Any) -> Response:
    query = screen.request.query_params
    return screen.render(
        "clock.html",
        status,
        section="clock",
        title="Test clock",
        clock=state,
        asked=asked,
        amount=query.get("amount", ""),
        unit=query.get("unit", "days"),
        done=DONE.get(query.get("done", ""), ""),
        may_advance=screen.session.may("review"),
        may_reset=screen.session.may("manage"),
    )


def _state(screen: Screen, uow: UnitOfWork, asked: str | int | None) -> ClockState:
    assert screen.scope is not None
    platform = screen.scope.platform_id
    clocks = screen.console.clocks
    now = clocks.test_now_ms(platform, uow)
    state = ClockState(now, now - clocks.real_ms(), clocks.next_change_ms(platform, uow))
    if asked is None:
        return state
    if asked == "":
        state.error = BAD_DURATION
        return state
    if asked == "next":
        if state.next_change_ms is None:
            state.error = NOTHING_PENDING
            return state
        target = state.next_change_ms
    else:
        assert isinstance(asked, int)
        target = now + asked
    state.preview = _preview(screen, uow, now, target)
    return state


def _preview(screen: Screen, uow: UnitOfWork, now: int, target: int) -> Preview:
    assert screen.scope is not None
    principal = screen.scope.principal
    rules = screen.console.rules
    count, ids = pending.changes_by(uow.conn, principal.platform_id, False, target, _SHOWN)
    moves = []
    for account_id in ids:
        record = uow.accounts.get(principal, account_id)
        if record is None:
            continue
        before = accounts.evaluation(uow, record, rules, now)
        after = accounts.evaluation(uow, record, rules, target)
        move = Move(account_id, str(record.document.get("display_name") or ""))
        move.entries = _entry_changes(before, after)
        move.capabilities = _capability_changes(before, after)
        move.decisions = sum(
            1
            for check in uow.verifications.of_account(record.id)
            if check.decide_at_ms is not None and check.decide_at_ms <= target
        )
        moves.append(move)
    return Preview(target, count, moves)


def _statuses(evaluation: Evaluation) -> dict[str, str]:
    out = {}
    for entry in (evaluation.requirements or {}).get("entries") or []:
        reference = entry.get("reference") or {}
        key = entry["description"]
        if reference.get("resource"):
            key += f" ({reference['resource']})"
        out[key] = str((entry.get("minimum_deadline") or {}).get("status") or "")
    return out


def _entry_changes(before: Evaluation, after: Evaluation) -> list[tuple[str, str, str]]:
    was, will = _statuses(before), _statuses(after)
    return [
        (key, was.get(key, "—"), will.get(key, "—"))
        for key in sorted(set(was) | set(will))
        if was.get(key) != will.get(key)
    ]


def _capability_changes(before: Evaluation, after: Evaluation) -> list[tuple[str, str, str]]:
    out = []
    for configuration, statuses in sorted(after.capabilities.items()):
        old = before.capabilities.get(configuration) or {}
        for name, status in sorted(statuses.items()):
            was = str((old.get(name) or {}).get("status") or "—")
            will = str(status.get("status") or "—")
            if was != will:
                out.append((f"{configuration}.{name}", was, will))
    return out
