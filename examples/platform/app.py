"""The example platform's web app.

Routes, in the order a connected account meets them:

- ``GET /``: the platform's home, with the "create a connected account and onboard" form.
- ``POST /accounts``: create the account, mint an Account Link, redirect the browser to it.
- ``GET /refresh/<acct>``: Gangway sends the browser here when a link was already used or has
  expired; mint a new link with the same parameters and redirect again.
- ``GET /return/<acct>``: Gangway sends the browser here when the user finishes or leaves the flow.
  The URL carries no state, so the page re-reads the account and shows what is still outstanding.
- ``POST /accounts/<acct>/onboarding`` and ``POST /accounts/<acct>/update``: "Continue onboarding"
  (an ``account_onboarding`` link) and "Update details" (an ``account_update`` link).
- ``POST /webhooks`` (with a webhook secret): Gangway's signed events; a requirements update
  (``v2.core.account[requirements].updated``, or v1's ``account.updated``) caches the account's
  requirement counts, which the return page shows beside what it retrieved.

Every API call is in ``v2_api`` or ``v1_api`` (``Settings.api`` picks one): the same platform
written against Accounts v2 or against Connect v1's Custom accounts.

There is no login here: a real platform authenticates its user and checks that the account is
theirs before minting a link, because a link grants access to the account holder's personal data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import stripe
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from examples.platform.integration import Integration, InvalidWebhook
from examples.platform.state import AccountRecord, State
from examples.platform.v1_api import V1Api
from examples.platform.v2_api import V2Api

__all__ = ["APIS", "COLLECTIONS", "COUNTRIES", "Settings", "create_app"]

HERE = Path(__file__).parent

COUNTRIES: dict[str, str] = {
    "us": "United States",
    "gb": "United Kingdom",
    "fr": "France",
    "de": "Germany",
    "jp": "Japan",
    "ca": "Canada",
    "au": "Australia",
    "sg": "Singapore",
}
ENTITY_TYPES: dict[str, str] = {
    "individual": "Individual",
    "company": "Company",
    "": "Let the user choose in the onboarding form",
}
CONFIGURATIONS: dict[str, str] = {
    "merchant": "Merchant: accepts card payments",
    "recipient": "Recipient: receives transfers from the platform",
}
APIS: dict[str, Callable[[stripe.StripeClient], Integration]] = {"v1": V1Api, "v2": V2Api}
COLLECTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "up_front": (
        "Up-front: everything eventually due, future requirements included",
        {"fields": "eventually_due", "future_requirements": "include"},
    ),
    "incremental": (
        "Incremental: only what is currently due",
        {"fields": "currently_due", "future_requirements": "omit"},
    ),
}
USE_CASES = ("account_onboarding", "account_update")
SECURITY_HEADERS = {
    # no scripts, no third-party anything; forms may still post and redirect to Gangway
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "same-origin",  # no-referrer would make browsers send "Origin: null"
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Settings:
    gangway_url: str
    """Gangway's API base address, where the SDK sends requests."""
    api_key: str
    public_url: str
    """Where browsers reach this app: the base of the refresh and return URLs."""
    state_dir: Path
    webhook_secret: str | None = None
    """The ``whsec_`` secret that signs deliveries to ``/webhooks``; without it there is no such
    route."""
    api: str = "v2"
    """Which of Stripe's APIs the platform integrates with: a key of ``APIS``."""


class PageError(Exception):
    """Ends a request with an error page."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def create_app(settings: Settings) -> Starlette:
    """The Starlette app; the SDK client, state and templates live in this closure."""
    client = stripe.StripeClient(settings.api_key, base_addresses={"api": settings.gangway_url})
    api = APIS[settings.api](client)
    state = State(settings.state_dir)
    public_url = settings.public_url.rstrip("/")
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value from the user or the API is escaped on output
        undefined=jinja2.StrictUndefined,
    )

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = templates.get_template(name).render(
            gangway_url=settings.gangway_url, api=api.name, **context
        )
        return HTMLResponse(html, status_code=status)

    def known(request: Request) -> AccountRecord:
        account_id = request.path_params["account_id"]
        record = state.get(account_id)
        if record is None:
            # the platform only mints links for accounts it created (and, for real, that the
            # logged-in user owns)
            raise PageError(404, "Unknown account", f"This platform did not create {account_id}.")
        return record

    def issue_link(record: AccountRecord, use_case: str, reason: str) -> str:
        """Mint a link with the parameters stored for the account; the URL is used once."""
        refresh_url = f"{public_url}/refresh/{record.id}"
        if use_case == "account_update":
            refresh_url += "?use_case=account_update"  # so a refresh keeps the same use case
        link = api.issue_link(record, use_case, refresh_url, f"{public_url}/return/{record.id}")
        state.record_link(
            record.id,
            {
                "use_case": use_case,
                "reason": reason,
                "created": link.created,
                "expires_at": link.expires_at,
            },
        )
        return link.url

    async def home(request: Request) -> Response:
        records = state.accounts()
        counts = await run_in_threadpool(lambda: [api.outstanding_counts(r) for r in records])
        return page(
            "home.html",
            accounts=list(zip(records, counts, strict=True)),
            countries=COUNTRIES,
            entity_types=ENTITY_TYPES,
            configurations=CONFIGURATIONS,
            collections={key: label for key, (label, _) in COLLECTIONS.items()},
        )

    async def start(request: Request) -> Response:
        choice = parse_start_form(await request.form())

        def create() -> str:
            record = AccountRecord(
                id=api.create_account(choice),
                display_name=choice["display_name"],
                country=choice["country"],
                entity_type=choice["entity_type"] or None,
                configuration=choice["configuration"],
                collection=choice["collection"],
                collection_options=dict(COLLECTIONS[choice["collection"]][1]),
                created=datetime.now(UTC).isoformat(),
            )
            state.add(record)
            return issue_link(record, "account_onboarding", "start")

        return RedirectResponse(await run_in_threadpool(create), status_code=303)

    async def refresh(request: Request) -> Response:
        # a GET that mints a link: Gangway redirects the browser here, so it cannot be a POST
        record = known(request)
        use_case = request.query_params.get("use_case", "account_onboarding")
        if use_case not in USE_CASES:
            raise PageError(400, "Bad refresh URL", "Unknown use_case.")
        url = await run_in_threadpool(issue_link, record, use_case, "refresh")
        return RedirectResponse(url, status_code=303)

    async def returned(request: Request) -> Response:
        record = known(request)
        described = await run_in_threadpool(api.describe, record)
        return page(
            "account.html",
            record=record,
            webhooks=settings.webhook_secret is not None,
            requirements_event=api.requirements_event,
            collection_label=COLLECTIONS[record.collection][0],
            **described,
        )

    async def webhook(request: Request) -> Response:
        """Verify the signature over the raw body before trusting anything in it."""
        raw = await request.body()
        assert settings.webhook_secret is not None  # the route exists only with one
        try:
            event = api.verify(
                raw, request.headers.get("stripe-signature"), settings.webhook_secret
            )
        except InvalidWebhook:
            return PlainTextResponse("Invalid signature or payload.", status_code=400)
        outcome = await run_in_threadpool(api.handle, state, event)
        return PlainTextResponse(outcome)

    def relink(use_case: str, reason: str) -> Callable[[Request], Awaitable[Response]]:
        """The return page's buttons: POSTs, since each mints a link."""

        async def handler(request: Request) -> Response:
            record = known(request)
            url = await run_in_threadpool(issue_link, record, use_case, reason)
            return RedirectResponse(url, status_code=303)

        return handler

    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        return page("error.html", exc.status, title=exc.title, detail=exc.detail)

    async def stripe_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, stripe.StripeError)
        if isinstance(exc, stripe.APIConnectionError):
            detail = f"Could not reach Gangway at {settings.gangway_url}. Is it running?"
            return page("error.html", 502, title="Gangway is unreachable", detail=detail)
        # a refused request is usually the form's input (an invalid email, say); anything else,
        # such as a wrong API key, is this server's problem
        status = 400 if isinstance(exc, stripe.InvalidRequestError) else 502
        detail = f"{exc.code or exc.http_status}: {exc.user_message or exc}"
        return page("error.html", status, title="Gangway refused the request", detail=detail)

    return Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/accounts", start, methods=["POST"]),
            Route("/refresh/{account_id}", refresh, methods=["GET"]),
            Route("/return/{account_id}", returned, methods=["GET"]),
            Route(
                "/accounts/{account_id}/onboarding",
                relink("account_onboarding", "continue"),
                methods=["POST"],
            ),
            Route(
                "/accounts/{account_id}/update",
                relink("account_update", "update"),
                methods=["POST"],
            ),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
            *([Route("/webhooks", webhook, methods=["POST"])] if settings.webhook_secret else []),
        ],
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)],
        exception_handlers={PageError: page_error, stripe.StripeError: stripe_error},
    )


async def guard(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """Refuse cross-site POSTs (another site's form must not create accounts or mint links) and
    add the security headers to every response."""
    if request.method == "POST" and not same_origin(request):
        response: Response = HTMLResponse("Cross-site request refused.", status_code=403)
    else:
        response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response


def same_origin(request: Request) -> bool:
    """Browsers send ``Origin`` on every form POST; it must name this server's own host."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser (curl, tests): nothing ambient to abuse
    return urlsplit(origin).netloc == request.headers.get("host")


def parse_start_form(form: FormData) -> dict[str, str]:
    """The start form's choices, each checked against the offered options."""

    def pick(name: str, options: Mapping[str, object]) -> str:
        value = form.get(name, "")
        if not isinstance(value, str) or value not in options:
            raise PageError(400, "Invalid form", f"Choose a valid {name.replace('_', ' ')}.")
        return value

    def text(name: str, default: str) -> str:
        value = form.get(name, "")
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > 200:
            raise PageError(400, "Invalid form", f"The {name.replace('_', ' ')} is too long.")
        return value or default

    return {
        "country": pick("country", COUNTRIES),
        "entity_type": pick("entity_type", ENTITY_TYPES),
        "configuration": pick("configuration", CONFIGURATIONS),
        "collection": pick("collection", COLLECTIONS),
        "display_name": text("display_name", "Example connected account"),
        "contact_email": text("contact_email", "jenny.rosen@example.com"),
    }
