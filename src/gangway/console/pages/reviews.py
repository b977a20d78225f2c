"""The review queue and the review page: pending verifications, oldest first, and a reviewer's
approve / reject, through the same service as the review API (``services.reviews.decide``), so
the account's requirements, capability statuses and events follow exactly as they do there.

Documents are shown inline from Gangway's own storage (``/files/{file}``, this platform and mode
only); ID numbers are never shown in full.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date, format_timedelta
from starlette.responses import Response
from starlette.routing import Route

from gangway.api import render
from gangway.console import web
from gangway.console.guard import NOT_FOUND, Console, Screen
from gangway.console.wire import capabilities, person_of
from gangway.core.errors import InvalidRequest
from gangway.hosted import i18n
from gangway.hosted.i18n import N_
from gangway.services import accounts as account_service
from gangway.services import audit, reviews, timeline
from gangway.services.verifications import TEST_MODE_ACTOR
from gangway.store.repos.verifications import VerificationRecord
from gangway.store.uow import UnitOfWork
from gangway.verification import KINDS
from gangway.verification.collect import fingerprint
from gangway.verification.submissions import find

__all__ = ["KIND_LABELS", "routes"]

_PAGE = 50
_INCLUDE = (
    "configuration.customer",
    "configuration.merchant",
    "configuration.recipient",
    "requirements",
)
_MAX_REASON = 2000
_INLINE = frozenset({"image/png", "image/jpeg", "application/pdf"})
"""What the hosted form accepts (``hosted.web`` sniffs it on upload): shown in the page."""
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_AFTER = re.compile(r"^(\d{1,15})\.([A-Za-z0-9_]{1,80})$")

#: What each kind of verification is called on the console.
KIND_LABELS: Mapping[str, str] = {
    "date_of_birth": N_("Date of birth"),
    "address": N_("Address"),
    "id_number": N_("ID number"),
    "identity_document": N_("Identity document"),
    "supporting_document": N_("Supporting document"),
    "business_tax_id": N_("Business tax ID"),
    "business_address": N_("Business address"),
    "business_name": N_("Business name"),
    "doing_business_as": N_("Doing-business-as name"),
    "product_description": N_("Product description"),
    "business_url": N_("Business website"),
    "statement_descriptor": N_("Statement descriptor"),
    "statement_descriptor_prefix": N_("Statement descriptor prefix"),
    "directors": N_("Directors"),
    "owners": N_("Owners"),
}
assert set(KIND_LABELS) == set(KINDS), "every kind needs a console label"

#: What each part of a submitted value is called on the review page.
FIELD_LABELS: Mapping[str, str] = {
    "type": N_("Type"),
    "value": N_("Value"),
    "number": N_("Number"),
    "date": N_("Date"),
    "persons": N_("People"),
    "attested": N_("Confirmed by the account"),
    "files": N_("Files"),
    "line1": N_("Address line 1"),
    "line2": N_("Address line 2"),
    "city": N_("City"),
    "state": N_("State or region"),
    "postal_code": N_("Postal code"),
    "town": N_("Town"),
    "country": N_("Country"),
}

BAD_FILTER = N_("That filter is not one the queue knows. Choose a kind and country from the lists.")
NEED_REASON = N_("Give a reason for the rejection: the account's owner is told why.")
NEED_CODE = N_("Choose a rejection code from the list.")
TOO_LONG = N_("The reason is too long: use at most 2,000 characters.")
NOT_DECIDED = N_("That did not work. Check what you entered and try again.")
NOT_PENDING = N_("This verification has already been decided; nothing was changed.")
DONE = {
    "approved": N_("Approved. The account's requirements and capabilities are updated below."),
    "rejected": N_("Rejected. The account's requirements and capabilities are updated below."),
}


def routes(console: Console) -> list[Route]:
    base = "/console/{platform}/{mode}"
    return [
        Route(f"{base}/reviews", console.page("read")(queue), methods=["GET"]),
        Route(f"{base}/reviews/{{verification}}", console.page("read")(review), methods=["GET"]),
        Route(
            f"{base}/reviews/{{verification}}/approve",
            console.page("review")(approve),
            methods=["POST"],
        ),
        Route(
            f"{base}/reviews/{{verification}}/reject",
            console.page("review")(reject),
            methods=["POST"],
        ),
        Route(f"{base}/files/{{file}}", console.page("read")(file), methods=["GET"]),
    ]


# ---- the queue -------------------------------------------------------------------------------


async def queue(screen: Screen) -> Response:
    """``?kind=`` and ``?country=`` narrow; ``?after=<created_ms>.<id>`` pages on."""
    assert screen.scope is not None
    scope = screen.scope
    query = screen.request.query_params
    kind = query.get("kind") or None
    country = query.get("country") or None
    raw_after = query.get("after") or ""
    after = None
    bad = False
    if kind is not None and kind not in KINDS:
        bad, kind = True, None
    if country is not None:
        if _COUNTRY.match(country):
            country = country.upper()
        else:
            bad, country = True, None
    if raw_after:
        found = _AFTER.match(raw_after)
        if found:
            after = (int(found.group(1)), found.group(2))
        else:
            bad = True

    def read(uow: UnitOfWork) -> dict[str, Any]:
        principal = scope.principal
        kinds, countries = uow.verifications.pending_facets(principal)
        rows = uow.verifications.pending(
            principal, kind=kind, country=country, limit=_PAGE + 1, after=after
        )
        owners = {}
        for row in rows[:_PAGE]:
            account_id = row.record.account_id
            if account_id not in owners:
                owners[account_id] = uow.accounts.get(principal, account_id)
        return {
            "kinds": kinds,
            "countries": countries,
            "rows": rows,
            "owners": owners,
            "count": uow.verifications.pending_count(principal, kind=kind, country=country),
            "now_ms": screen.now_ms(uow),
        }

    data = await screen.work(read)
    rows = data["rows"]
    more = len(rows) > _PAGE
    rows = rows[:_PAGE]
    locale = i18n.babel_locale(screen.locale)
    items = []
    for row in rows:
        record = row.record
        owner = data["owners"].get(record.account_id)
        items.append(
            {
                "id": record.id,
                "kind": record.kind,
                "label": record.payload.get("label") or "",
                "waiting": _age(data["now_ms"] - record.created_ms, locale),
                "created_ms": record.created_ms,
                "account_id": record.account_id,
                "account_name": (owner.document.get("display_name") if owner else None) or "",
                "person": record.subject,
                "country": row.country,
                "decide_at_ms": record.decide_at_ms,
            }
        )
    following = f"{rows[-1].record.created_ms}.{rows[-1].record.id}" if more and rows else None
    return screen.render(
        "reviews.html",
        400 if bad else 200,
        section="reviews",
        title="Review queue",
        items=items,
        count=data["count"],
        kinds=sorted({*data["kinds"], *([kind] if kind else [])}),
        countries=sorted({*data["countries"], *([country] if country else [])}),
        kind=kind or "",
        country=country or "",
        paged=after is not None,
        following=following,
        kind_labels=KIND_LABELS,
        error=BAD_FILTER if bad else None,
        query_string=_query_string,
    )


def _query_string(kind: str, country: str, after: str | None) -> str:
    return web.query_with({}, kind=kind or None, country=country or None, after=after)


def _age(ms: int, locale: Any) -> str:
    seconds = max(ms, 0) / 1000
    return str(
        format_timedelta(
            dt.timedelta(seconds=seconds), threshold=1.5, locale=locale, format="short"
        )
    )


# ---- one review ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    file_id: str
    content_type: str | None
    """None: no such file in this platform and mode (a token or a file id of elsewhere)."""


async def review(screen: Screen) -> Response:
    done = screen.request.query_params.get("done")
    return await _page(screen, 200, notice=DONE.get(done or ""))


async def _page(
    screen: Screen,
    status: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    detail: str | None = None,
) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    verification_id = screen.request.path_params["verification"]
    rules = screen.console.rules

    def read(uow: UnitOfWork) -> dict[str, Any] | None:
        principal = scope.principal
        record = uow.verifications.get(principal, verification_id)
        if record is None:
            return None
        account = uow.accounts.get(principal, record.account_id)
        decisions = uow.verifications.decisions(record.id)
        if account is None:
            return {"record": record, "account": None, "decisions": decisions}
        persons = timeline.persons_of(uow, account)
        now_ms = screen.now_ms(uow)
        evaluation = account_service.evaluation(uow, account, rules, now_ms)
        wire = render.account(account, _INCLUDE, evaluation)  # as the API shows the account
        submitted = find(
            account.document, persons, (record.subject, record.kind, _descriptions(record))
        )
        current = submitted is not None and (
            fingerprint(submitted, uow.fingerprint_secret) == record.fingerprint
        )
        value = submitted.value if submitted is not None and current else None
        documents = []
        if record.kind in ("identity_document", "supporting_document") and value:
            for file_id in value:
                stored = uow.links.file_of(str(file_id), scope.platform_id, scope.livemode)
                kind = stored.content_type if stored is not None else None
                documents.append(_Document(str(file_id), kind))
        person = next((p for p in persons if p.get("id") == record.subject), None)
        return {
            "record": record,
            "account": account,
            "decisions": decisions,
            "value": value,
            "current": current,
            "documents": documents,
            "person": person,
            "entries": _affected(wire.get("requirements") or {}, record),
            "capabilities": capabilities(wire),
        }

    data = await screen.work(read)
    if data is None:
        return screen.message(NOT_FOUND, 404)
    record: VerificationRecord = data["record"]
    locale = i18n.babel_locale(screen.locale)
    return screen.render(
        "review.html",
        status,
        section="reviews",
        title="Review",
        record=record,
        account=data["account"],
        decisions=data["decisions"],
        shown=_shown(record.kind, data.get("value"), locale),
        current=data.get("current", False),
        documents=data.get("documents", []),
        person=data.get("person"),
        entries=data.get("entries", []),
        capabilities=data.get("capabilities", []),
        kind_labels=KIND_LABELS,
        field_labels=FIELD_LABELS,
        test_actor=TEST_MODE_ACTOR,
        codes=reviews.REJECTION_CODES,
        notice=notice,
        error=error,
        detail=detail,
        form=screen.form,
    )


def _descriptions(record: VerificationRecord) -> tuple[str, ...]:
    return tuple(str(d) for d in record.payload.get("descriptions") or ())


def _affected(requirements: Mapping[str, Any], record: VerificationRecord) -> list[dict[str, Any]]:
    """The requirement entries this verification's verdict lands on."""
    descriptions = set(_descriptions(record))
    out = []
    for entry in requirements.get("entries") or []:
        if entry.get("description") in descriptions and person_of(entry) == record.subject:
            out.append(entry)
    return out


def _shown(kind: str, value: Any, locale: Any) -> list[tuple[str, str]]:
    """The submitted value as a reviewer reads it: (field, text) pairs; ID numbers masked."""
    if value is None:
        return []
    if kind in ("id_number", "business_tax_id") and isinstance(value, Mapping):
        number = str(value.get("value") or "")
        return [("type", str(value.get("type") or "")), ("number", mask(number))]
    if kind == "date_of_birth" and isinstance(value, Mapping):
        day, month, year = value.get("day"), value.get("month"), value.get("year")
        try:
            text = format_date(dt.date(int(year), int(month), int(day)), "long", locale=locale)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            text = f"{year}-{month}-{day}"
        return [("date", text)]
    if kind in ("directors", "owners") and isinstance(value, Mapping):
        people = [
            " ".join(str(p.get(k) or "") for k in ("given_name", "surname")).strip()
            or str(p.get("id") or "")
            for p in value.get("persons") or []
        ]
        shown = [("persons", ", ".join(people) or "—")]
        shown.append(("attested", N_("Yes") if value.get("attested") else N_("No")))
        return shown
    if isinstance(value, Mapping):
        return [(str(k), str(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [("files", ", ".join(str(v) for v in value))]
    return [("value", str(value))]


def mask(number: str) -> str:
    """``•••• 6789``: at most the last 4 digits of an ID number (all a last-4 submission holds),
    nothing of a shorter one."""
    if len(number) < 4:
        return "••••"
    return "•••• " + number[-4:]


# ---- decisions -------------------------------------------------------------------------------


async def approve(screen: Screen) -> Response:
    return await _decide(screen, approve=True)


async def reject(screen: Screen) -> Response:
    return await _decide(screen, approve=False)


async def _decide(screen: Screen, *, approve: bool) -> Response:
    assert screen.scope is not None
    scope = screen.scope
    verification_id = screen.request.path_params["verification"]
    reason = screen.form.get("reason", "").strip()
    code = screen.form.get("code", "").strip() or None
    if len(reason) > _MAX_REASON:
        return await _page(screen, 400, error=TOO_LONG)
    if not approve:
        if code not in reviews.REJECTION_CODES:
            return await _page(screen, 400, error=NEED_CODE)
        if not reason:
            return await _page(screen, 400, error=NEED_REASON)
    reviewer = f"{screen.operator.email} (console)"
    rules = screen.console.rules

    def write(uow: UnitOfWork) -> None:
        now_ms = screen.now_ms(uow)
        record = reviews.decide(
            uow,
            scope.principal,
            verification_id,
            approve=approve,
            code=None if approve else code,
            reason=reason or "approved",
            reviewer=reviewer,
            now_ms=now_ms,
            rules=rules,
        )
        detail: dict[str, Any] = {"account": record.account_id, "reason": reason or "approved"}
        if not approve:
            detail["code"] = code
        audit.record(
            uow,
            screen.actor,
            "verification.approved" if approve else "verification.rejected",
            now_ms=now_ms,
            platform_id=scope.platform_id,
            livemode=scope.livemode,
            target=record.id,
            detail=detail,
        )

    try:
        await screen.work(write, write=True)
    except InvalidRequest as exc:
        if exc.code == "verification_not_pending":
            return await _page(screen, 409, error=NOT_PENDING)
        return await _page(screen, 400, error=NOT_DECIDED, detail=exc.message)
    done = "approved" if approve else "rejected"
    return web.redirect(f"{scope.prefix}/reviews/{verification_id}?done={done}")


# ---- documents -------------------------------------------------------------------------------


async def file(screen: Screen) -> Response:
    """A document's bytes, from storage, only within this platform and mode."""
    assert screen.scope is not None
    scope = screen.scope
    file_id = screen.request.path_params["file"]
    stored = await screen.work(
        lambda uow: uow.links.file_of(file_id, scope.platform_id, scope.livemode)
    )
    if stored is None:
        return screen.message(NOT_FOUND, 404)
    content_type = stored.content_type  # sniffed from the bytes when they were uploaded
    response = Response(stored.content, media_type=content_type)
    web.headers(response, frame_ancestors="'self'")
    disposition = "inline" if content_type in _INLINE else "attachment"
    response.headers["content-disposition"] = f'{disposition}; filename="{stored.id}"'
    return response
