"""The console's routes: sign-in and sign-out here, each area's pages in ``console.pages``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from gangway.console import web
from gangway.console.guard import EXPIRED, LOCALE_COOKIE, UNREADABLE, Console, Screen
from gangway.console.pages import PAGES
from gangway.core.clock import Clock
from gangway.hosted import i18n
from gangway.hosted.i18n import N_
from gangway.requirements import RuleBook
from gangway.services import operators
from gangway.services.clocks import Clocks
from gangway.store.uow import Store

__all__ = ["ConsoleApp"]

STATIC = Path(__file__).with_name("static")
INVALID = N_("That email and password do not match an active operator.")
THROTTLED = N_("Too many failed sign-ins. Try again in %(minutes)s minutes.")


class ConsoleApp:
    """ASGI app for everything under ``/console``."""

    def __init__(
        self,
        *,
        store: Store,
        rules: RuleBook,
        clocks: Clocks,
        clock: Clock,
        public_url: str,
        idle_ms: int,
        absolute_ms: int,
    ) -> None:
        self.console = Console(
            store=store,
            rules=rules,
            clocks=clocks,
            clock=clock,
            public_url=public_url,
            idle_ms=idle_ms,
            absolute_ms=absolute_ms,
        )
        console = self.console
        routes = [
            Route("/console/login", self.login, methods=["GET", "POST"]),
            Route(
                "/console/logout", console.page("read", scoped=False)(self.logout), methods=["POST"]
            ),
            Route("/console/locale", self.choose_locale, methods=["POST"]),
            Route("/console/", console.page("read", scoped=False)(self.home), methods=["GET"]),
            Route("/console", self.slash, methods=["GET"]),
            Route("/console/static/{name}", self.static, methods=["GET"]),
        ]
        for module in PAGES:
            routes += module.routes(console)
        self.app = Starlette(routes=routes)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    async def slash(self, request: Request) -> Response:
        return web.redirect("/console/")

    async def home(self, screen: Screen) -> Response:
        """The first platform's test accounts."""
        if not screen.platforms:
            return screen.render(
                "message.html",
                title=N_("No platforms yet"),
                text=N_("Create one with `gangway platforms create`."),
            )
        return web.redirect(f"/console/{screen.platforms[0][0]}/test/accounts")

    # sign-in --------------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        console = self.console
        locale = console.locale_of(request)
        next_path = _safe_next(request.query_params.get("next")) or "/console/"
        if request.method == "GET":
            return self._login_page(locale, next_path)
        try:
            form = await web.read_form(request)
        except web.FormUnreadable:
            return console.message(request, UNREADABLE, 400)
        if not console.origin_ok(request):
            return console.message(request, EXPIRED, 403)
        email, password = form.get("email", "")[:320], form.get("password", "")[:1024]
        ip = request.client.host if request.client else ""
        user_agent = request.headers.get("user-agent", "")[:400]
        now_ms = console.clock.now_ms()

        outcome = await console.work(
            lambda uow: operators.sign_in(
                uow, email=email, password=password, ip=ip, user_agent=user_agent, now_ms=now_ms
            ),
            write=True,
        )
        if outcome.outcome == "throttled":
            minutes = max(1, (outcome.retry_after_s + 59) // 60)
            response = self._login_page(
                locale, next_path, email=email, error=THROTTLED, minutes=minutes, status=429
            )
            response.headers["retry-after"] = str(outcome.retry_after_s)
            return response
        if outcome.outcome != "signed_in" or outcome.secret is None:
            return self._login_page(locale, next_path, email=email, error=INVALID, status=401)
        response = web.redirect(_safe_next(form.get("next")) or next_path)
        response.set_cookie(
            console.cookie,
            outcome.secret,
            path="/",
            secure=console.secure,
            httponly=True,
            samesite="strict",
        )
        return response

    def _login_page(
        self,
        locale: str,
        next_path: str,
        *,
        email: str = "",
        error: str | None = None,
        minutes: int = 0,
        status: int = 200,
    ) -> Response:
        return self.console.renderer.render(
            "login.html",
            locale,
            status,
            next=next_path,
            email=email,
            error=error,
            minutes=minutes,
            session=None,
            scope=None,
            platforms=[],
        )

    async def logout(self, screen: Screen) -> Response:
        now_ms = self.console.clock.now_ms()
        await screen.work(
            lambda uow: operators.sign_out(uow, screen.session, now_ms=now_ms), write=True
        )
        response = web.redirect("/console/login")
        response.delete_cookie(
            self.console.cookie,
            path="/",
            secure=self.console.secure,
            httponly=True,
            samesite="strict",
        )
        return response

    async def choose_locale(self, request: Request) -> Response:
        """The language menu: a preference cookie, not a state change, so no session needed;
        still same-origin only."""
        try:
            form = await web.read_form(request)
        except web.FormUnreadable:
            return self.console.message(request, UNREADABLE, 400)
        if not self.console.origin_ok(request):
            return self.console.message(request, EXPIRED, 403)
        locale = form.get("locale", "")
        response = web.redirect(_safe_next(form.get("next")) or "/console/")
        if locale in i18n.SUPPORTED:
            response.set_cookie(
                LOCALE_COOKIE,
                locale,
                path="/console",
                max_age=365 * 86400,
                secure=self.console.secure,
                httponly=True,
                samesite="strict",
            )
        return response

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file():
            return Response(status_code=404)
        media = {".css": "text/css", ".svg": "image/svg+xml"}.get(path.suffix)
        if media is None:
            return Response(status_code=404)
        response = FileResponse(path, media_type=media)
        response.headers["cache-control"] = "public, max-age=3600"
        response.headers["x-content-type-options"] = "nosniff"
        return response


def _safe_next(value: str | None) -> str:
    """Only a path of the console itself: never ``//evil.example`` or another origin."""
    if not value or not value.startswith("/console") or value.startswith("//") or "\\" in value:
        return ""
    return value
