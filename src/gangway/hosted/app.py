"""The hosted onboarding form's routes: parse the request, run the flow, render the result.

Server-rendered, no JavaScript: every page works with a keyboard and without scripts, and the
Content-Security-Policy forbids scripts altogether. Each request's database work runs in a
worker thread inside one unit of work (``flow``), admitted by the database's own thread limiter
(``Database.in_thread``); this module never touches a repository.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from gangway.core.clock import Clock
from gangway.core.errors import GangwayError
from gangway.core.ids import random_token
from gangway.hosted import i18n, web
from gangway.hosted.flow import ROLES, Flow, Refused, Visit, csrf_ok
from gangway.hosted.i18n import N_
from gangway.hosted.results import Ended, Exit, Forbidden, Page, Redirect, Result
from gangway.hosted.summary import person_name, summary
from gangway.hosted.wording import ROLE_TITLES, STEP_TITLES
from gangway.requirements import RuleBook
from gangway.services import account_links, onboarding
from gangway.services.clocks import Clocks
from gangway.store.uow import Store, UnitOfWork

__all__ = ["HostedApp"]

log = logging.getLogger("gangway.hosted")
T = TypeVar("T")

STATIC = Path(__file__).with_name("static")
LINK_INVALID = (
    N_("This link is not valid"),
    N_("Ask the platform that sent you here for a new link."),
)
LINK_PREVIEW = (
    N_("Account setup"),
    N_("Open this link in a web browser to continue."),
)
NO_SUCH_STEP = (N_("Not found"), N_("There is no such step."))
FAILED = (N_("Something went wrong"), N_("Go back and try again."))
SESSION_ENDED = (
    N_("Your session has ended"),
    N_("Open the onboarding link from the platform again."),
)
FORM_EXPIRED = (N_("This form has expired"), N_("Go back, reload the page and try again."))
FORM_UNREADABLE = (
    N_("The form could not be read"),
    N_("Go back, check what you entered and try again."),
)
DONE = (N_("You're all set"), N_("You can close this window."))


class HostedApp:
    """ASGI app for everything under ``/onboarding``."""

    def __init__(
        self,
        *,
        store: Store,
        rules: RuleBook,
        clocks: Clocks,
        clock: Clock,
        public_url: str,
        idle_ms: int,
        upload_max_bytes: int,
    ) -> None:
        self.store = store
        self.clock = clock
        self.public_url = public_url
        self.secure = public_url.startswith("https://")
        self.cookie = "__Host-gangway_session" if self.secure else "gangway_session"
        self.upload_max = upload_max_bytes
        self.flow = Flow(rules, clock, idle_ms)
        self.renderer = web.Renderer()
        self.app = Starlette(
            routes=[
                Route(account_links.URL_PATH + "{token}", self.redeem, methods=["GET"]),
                Route("/onboarding", self.start, methods=["GET"]),
                Route("/onboarding/step/{step}", self.step, methods=["GET", "POST"]),
                Route("/onboarding/person/{pid}", self.person, methods=["GET", "POST"]),
                Route("/onboarding/person/{pid}/delete", self.person, methods=["POST"]),
                Route("/onboarding/exit", self.exit, methods=["POST"]),
                Route("/onboarding/static/gangway.css", self.stylesheet, methods=["GET"]),
                Route("/onboarding/static/favicon.svg", self.icon, methods=["GET"]),
            ]
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    # plumbing ------------------------------------------------------------------------------

    async def _work(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run ``fn`` in one write unit of work on a worker thread. ``Database.in_thread``
        admits one fewer thread than the database has connections, shared with the background
        work; the event loop's thread (the API) has the last: visitors queue for a thread here,
        never for a connection."""

        def run() -> T:
            with self.store.unit_of_work(write=True) as uow:
                return fn(uow)

        return await self.store.database.in_thread(run)

    def _message(
        self, request: Request, texts: tuple[str, str], status: int, **extra: Any
    ) -> Response:
        locale = i18n.negotiate(
            request.query_params.get("locale"), [], request.headers.get("accept-language")
        )
        return self.renderer.render(
            "message.html", locale, status, title=texts[0], text=texts[1], **extra
        )

    def _visit(self, request: Request, step: str | None, **extra: Any) -> Visit:
        role = request.query_params.get("role")
        origin = request.headers.get("origin")
        return Visit(
            method=request.method,
            secret=request.cookies.get(self.cookie),
            step=step,
            role=role if role in ROLES else None,
            locale=request.query_params.get("locale"),
            query=request.url.query,
            accept_language=request.headers.get("accept-language"),
            client={
                "ip": request.client.host if request.client else "",
                "user_agent": request.headers.get("user-agent", ""),
            },
            origin_ok=not origin or origin == "null" or origin.rstrip("/") == self.public_url,
            **extra,
        )

    # routes --------------------------------------------------------------------------------

    async def redeem(self, request: Request) -> Response:
        """The first GET wins the link and starts a session; any other goes to refresh_url.
        A HEAD (a link scanner, a preview) never spends the link."""
        if request.method != "GET":
            return self._message(request, LINK_PREVIEW, 200)
        token = request.path_params["token"]
        secret = random_token(43)
        outcome = await self._work(
            lambda uow: onboarding.redeem(uow, token, secret, self.clock.now_ms())
        )
        if outcome.outcome == "unknown":
            return self._message(request, LINK_INVALID, 404)
        if outcome.outcome == "refresh":
            assert outcome.refresh_url is not None
            return web.redirect(outcome.refresh_url)
        locale = request.query_params.get("locale")
        response = web.redirect(
            "/onboarding" + (f"?locale={locale}" if locale in i18n.SUPPORTED else "")
        )
        response.set_cookie(
            self.cookie, secret, path="/", secure=self.secure, httponly=True, samesite="lax"
        )
        return response

    async def start(self, request: Request) -> Response:
        return await self._page(request, None)

    async def step(self, request: Request) -> Response:
        step = request.path_params["step"]
        if step not in STEP_TITLES:
            return self._message(request, NO_SUCH_STEP, 404)
        return await self._page(request, step)

    async def person(self, request: Request) -> Response:
        return await self._page(request, "person", person_id=request.path_params["pid"])

    async def _page(self, request: Request, step: str | None, **extra: Any) -> Response:
        form: dict[str, Any] = {}
        uploads: dict[str, Any] = {}
        problems: dict[str, Any] = {}
        if request.method == "POST":
            try:
                form, uploads, problems = await web.read_form(request, self.upload_max)
            except web.FormTooLarge:
                return self._message(request, FORM_UNREADABLE, 400)
        visit = self._visit(
            request, step, form=form, uploads=uploads, upload_errors=problems, **extra
        )
        try:
            result: Result = await self._work(lambda uow: self.flow.handle(uow, visit))
        except Refused as refused:
            result = refused.page
        except GangwayError as exc:
            log.info("hosted request refused: %s", exc.message)
            return self._message(request, FAILED, exc.status if exc.status < 500 else 500)
        return await self._respond(request, result)

    async def _respond(self, request: Request, result: Result) -> Response:
        if isinstance(result, Page):
            return self._step_page(request, result)
        if isinstance(result, Redirect):
            return web.redirect(result.url, result.state)
        if isinstance(result, Ended):
            if result.refresh_url:
                return web.redirect(result.refresh_url)
            return self._message(request, SESSION_ENDED, 403)
        if isinstance(result, Forbidden):
            return self._message(request, FORM_EXPIRED, 403)
        return await self._leave(request, result)

    def _step_page(self, request: Request, page: Page) -> Response:
        view = page.view
        steps = view.plan.steps
        number, total = view.plan.position(page.nav_step)
        return self.renderer.render(
            page.template,
            page.locale,
            page.status,
            state=page.state,
            view=view,
            step=page.step,
            nav_step=page.nav_step,
            sections=page.sections,
            steps=[(s, STEP_TITLES[s], view.plan.is_done(s)) for s in steps],
            progress={"number": number, "total": total},
            titles=STEP_TITLES,
            errors=page.errors,
            form_error=page.form_error,
            csrf=page.state.csrf,
            action=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            role_titles=ROLE_TITLES,
            person_name=person_name,
            platform=(view.document.get("display_name") or ""),
            summary=summary(view.document, [p.document for p in view.persons], page.locale)
            if page.step == "review"
            else [],
            multipart=page.step == "documents",
            outstanding=[
                (s, STEP_TITLES[s]) for s in steps if not view.plan.is_done(s) and s != "review"
            ],
        )

    async def exit(self, request: Request) -> Response:
        try:
            form, _, _ = await web.read_form(request, self.upload_max)
        except web.FormTooLarge:
            return self._message(request, FORM_UNREADABLE, 400)
        visit = self._visit(request, None, form=form)

        def work(uow: UnitOfWork) -> Result:
            session = self.flow.session(uow, visit)
            if isinstance(session, Ended):
                return session
            if not csrf_ok(visit, session.state):
                return Forbidden()
            return Exit(session.state)

        return await self._respond(request, await self._work(work))

    async def _leave(self, request: Request, result: Exit) -> Response:
        """End the session, record ``v2.core.account_link.returned``, go to ``return_url``."""
        state = result.state
        secret = request.cookies.get(self.cookie, "")

        def work(uow: UnitOfWork) -> None:
            onboarding.end(uow, secret, self.flow.call(uow, state), self.clock.now_ms())

        await self._work(work)
        response: Response
        if state.return_url:
            response = web.redirect(state.return_url, state)
        else:
            locale = self.flow.locale_of(self._visit(request, None), state)
            response = self.renderer.render(
                "message.html", locale, state=state, title=DONE[0], text=DONE[1]
            )
        response.delete_cookie(
            self.cookie, path="/", secure=self.secure, httponly=True, samesite="lax"
        )
        return response

    async def stylesheet(self, request: Request) -> Response:
        response = FileResponse(STATIC / "gangway.css", media_type="text/css")
        response.headers["cache-control"] = "public, max-age=3600"
        response.headers["x-content-type-options"] = "nosniff"
        return response

    async def icon(self, request: Request) -> Response:
        """Linked from every page, so browsers don't ask for a /favicon.ico that is not there."""
        response = FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")
        response.headers["cache-control"] = "public, max-age=86400"
        response.headers["x-content-type-options"] = "nosniff"
        return response
