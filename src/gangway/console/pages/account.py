"""One account, as an operator sees it: identity (ID numbers masked), capabilities, every
requirement entry, persons, links, verifications and events; in test mode, the trigger cards.

What the page shows of requirements and capabilities is what the v2 API renders: the same
evaluation (``services.accounts.evaluation``) through the same renderer (``api.render``), so the
console never holds a second copy of a rule. ID number values come only as "provided" or their
last four characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from gangway.api import render
from gangway.console import web
from gangway.console.guard import NOT_FOUND, Console, Screen
from gangway.console.wire import capabilities, person_of
from gangway.core.clock import from_rfc3339
from gangway.hosted.i18n import N_
from gangway.services import accounts, audit, timeline
from gangway.store.repos.events import EventRecord
from gangway.store.repos.links import LinkRecord
from gangway.store.repos.verifications import DecisionRecord, VerificationRecord
from gangway.store.uow import UnitOfWork

__all__ = ["mask_id_number", "routes"]

_INCLUDE_ALL = set(render.INCLUDABLE)
_EVENTS = 50
_LINKS = 20

TEST_ONLY = (
    N_("Test mode only"),
    N_("Triggers change test accounts only; live accounts change when their data does."),
)
CLOSED = (N_("This account is closed"), N_("A closed account can no longer be changed."))
BAD_TRIGGER = (N_("Unknown trigger"), N_("Choose one of the trigger buttons on the account page."))
DONE = {
    "next_requirements": N_("Eventually due requirements are now currently due."),
    "charge_block": N_("Charges are blocked: what was currently due is now past due."),
    "payout_block": N_("Payouts are blocked: what was currently due is now past due."),
}


def routes(console: Console) -> list[Route]:
    return [
        Route(
            "/console/{platform}/{mode}/accounts/{account}",
            console.page("read")(account_page),
            methods=["GET"],
        ),
        Route(
            "/console/{platform}/{mode}/accounts/{account}/triggers",
            console.page("review")(trigger),
            methods=["POST"],
        ),
    ]


def mask_id_number(number: Mapping[str, Any]) -> str:
    """``•••• 6789`` for a full number; just "provided" (``""``) for a short or last-4 one,
    whose last four would be all of it."""
    value = str(number.get("value") or "")
    kind = str(number.get("type") or "")
    if kind.endswith("_last_4") or len(value) < 8:
        return ""
    return "•••• " + value[-4:]


@dataclass
class AccountView:
    wire: dict[str, Any]
    closed: bool
    identity: dict[str, Any]
    individual: dict[str, Any] | None
    business: dict[str, Any] | None
    capabilities: list[tuple[str, str, dict[str, Any]]]
    requirements: dict[str, Any]
    future: dict[str, Any]
    persons: list[dict[str, Any]]
    links: list[LinkRecord]
    verifications: list[tuple[VerificationRecord, list[DecisionRecord]]]
    events: list[EventRecord]
    now_ms: int
    created_ms: int
    next_deadline_ms: int | None


async def account_page(screen: Screen) -> Response:
    assert screen.scope is not None
    account_id = screen.request.path_params["account"]
    view = await screen.work(lambda uow: _load(screen, uow, account_id))
    if view is None:
        return screen.message(NOT_FOUND, 404)
    done = screen.request.query_params.get("done", "")
    return screen.render(
        "account.html",
        section="accounts",
        title=view.wire.get("display_name") or account_id,
        account=view,
        account_id=account_id,
        done=DONE.get(done, ""),
        triggers=timeline.TRIGGERS,
        may_trigger=(
            not screen.scope.livemode and not view.closed and screen.session.may("review")
        ),
    )


async def trigger(screen: Screen) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    account_id = screen.request.path_params["account"]
    kind = screen.form.get("type", "")
    if scope.livemode:
        return screen.message(TEST_ONLY, 400)
    if kind not in timeline.TRIGGERS:
        return screen.message(BAD_TRIGGER, 400)
    rules = screen.console.rules

    def run(uow: UnitOfWork) -> tuple[str, str] | None:
        record = uow.accounts.get(scope.principal, account_id, for_update=True)
        if record is None:
            return NOT_FOUND
        if record.closed:
            return CLOSED
        now = screen.now_ms(uow)
        timeline.trigger(uow, record, kind, rules, now, None)  # type: ignore[arg-type]
        audit.record(
            uow,
            screen.actor,
            "account.trigger",
            now_ms=screen.console.clock.now_ms(),
            platform_id=scope.platform_id,
            livemode=False,
            target=account_id,
            detail={"type": kind, "test_clock": now},
        )
        return None

    refused = await screen.work(run, write=True)
    if refused is NOT_FOUND:
        return screen.message(NOT_FOUND, 404)
    if refused is not None:
        return screen.message(refused, 400)
    return web.redirect(f"{scope.prefix}/accounts/{account_id}?done={kind}")


def _load(screen: Screen, uow: UnitOfWork, account_id: str) -> AccountView | None:
    assert screen.scope is not None
    principal = screen.scope.principal
    record = uow.accounts.get(principal, account_id)
    if record is None:
        return None
    now = screen.now_ms(uow)
    evaluation = accounts.evaluation(uow, record, screen.console.rules, now)
    wire = render.account(record, _INCLUDE_ALL, evaluation)
    requirements = wire.get("requirements") or {}
    entries = requirements.get("entries") or []
    document = record.document
    identity = dict(wire.get("identity") or {})
    stored_identity = document.get("identity") or {}
    individual = _individual(identity.get("individual"), stored_identity.get("individual"))
    business = _business(identity.get("business_details"), stored_identity.get("business_details"))
    persons = []
    for person in uow.accounts.persons_of(record.id):
        shown = render.person(person, livemode=record.livemode)
        persons.append(
            {
                "id": person.id,
                "name": _name(shown),
                "email": shown.get("email"),
                "relationship": _relationship(shown.get("relationship") or {}),
                "dob": _partial_dob(shown.get("date_of_birth")),
                "address": _address(shown.get("address")),
                "id_numbers": _numbers(person.document.get("id_numbers")),
                "entries": [e for e in entries if person_of(e) == person.id],
            }
        )
    checks = uow.verifications.of_account(record.id)
    return AccountView(
        wire=wire,
        closed=record.closed,
        identity=identity,
        individual=individual,
        business=business,
        capabilities=capabilities(wire),
        requirements=requirements,
        future=wire.get("future_requirements") or {},
        persons=persons,
        links=uow.links.of_account(record.id, _LINKS),
        verifications=[(check, uow.verifications.decisions(check.id)) for check in checks],
        events=uow.events.newest_for_object(principal, record.id, limit=_EVENTS),
        now_ms=now,
        created_ms=record.created_ms,
        next_deadline_ms=_ms_of((requirements.get("summary") or {}).get("minimum_deadline") or {}),
    )


def _ms_of(deadline: Mapping[str, Any]) -> int | None:
    """A wire deadline's ``time`` (RFC 3339) as epoch ms, for ``when()``."""
    time = deadline.get("time")
    if not time:
        return None
    try:
        return from_rfc3339(str(time))
    except ValueError:
        return None


def _name(person: Mapping[str, Any]) -> str:
    return " ".join(str(p) for p in (person.get("given_name"), person.get("surname")) if p)


def _partial_dob(dob: Mapping[str, Any] | None) -> str:
    """Day and month hidden: ``•• •• 1990``."""
    if not dob or not dob.get("year"):
        return ""
    return f"•• •• {dob['year']}"


def _address(address: Mapping[str, Any] | None) -> str:
    if not address:
        return ""
    parts = [
        address.get(key)
        for key in ("line1", "line2", "city", "state", "postal_code", "country")
        if address.get(key)
    ]
    return ", ".join(str(p).upper() if p == address.get("country") else str(p) for p in parts)


def _numbers(numbers: Any) -> list[tuple[str, str]]:
    """``(type, masked)`` per ID number; ``masked`` is ``""`` when only "provided" may show."""
    return [
        (str(number.get("type") or ""), mask_id_number(number))
        for number in numbers or []
        if isinstance(number, Mapping)
    ]


def _relationship(relationship: Mapping[str, Any]) -> list[str]:
    roles = [
        key
        for key in ("representative", "owner", "director", "executive", "legal_guardian")
        if relationship.get(key)
    ]
    if relationship.get("title"):
        roles.append(str(relationship["title"]))
    if relationship.get("percent_ownership"):
        roles.append(f"{relationship['percent_ownership']}%")
    return roles


def _individual(
    wire: Mapping[str, Any] | None, stored: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    if not wire:
        return None
    return {
        "id": wire.get("id"),
        "name": _name(wire),
        "email": wire.get("email"),
        "phone": wire.get("phone"),
        "dob": _partial_dob(wire.get("date_of_birth")),
        "address": _address(wire.get("address")),
        "relationship": _relationship(wire.get("relationship") or {}),
        "id_numbers": _numbers((stored or {}).get("id_numbers")),
    }


def _business(
    wire: Mapping[str, Any] | None, stored: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    if not wire:
        return None
    return {
        "registered_name": wire.get("registered_name"),
        "structure": wire.get("structure"),
        "phone": wire.get("phone"),
        "address": _address(wire.get("address")),
        "id_numbers": _numbers((stored or {}).get("id_numbers")),
    }
