"""Who may reach a console page, checked on the server for every request.

``Console.page(permission)`` wraps a handler: it finds the operator's session (none: to the
sign-in page), checks the role (``core.roles``) and, for a page of one platform's mode, the
operator's live grant; a POST also needs the session's CSRF token and a same-origin ``Origin``.
Handlers get a ``Screen`` (who, where, which locale, the posted form) and do their database
work through ``Screen.work``: one unit of work, on a worker thread, admitted by the database's
own limiter, as in the hosted form.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from gangway.console import web
from gangway.core.clock import Clock
from gangway.core.errors import GangwayError
from gangway.core.keys import KeyPrincipal
from gangway.core.roles import Permission
from gangway.hosted import i18n
from gangway.hosted.i18n import N_
from gangway.requirements import RuleBook
from gangway.services import operators
from gangway.services.audit import Actor
from gangway.services.clocks import Clocks
from gangway.services.operators import ConsoleSession
from gangway.store.repos.operators import OperatorRecord
from gangway.store.uow import Store, UnitOfWork

__all__ = ["Console", "Scope", "Screen"]

log = logging.getLogger("gangway.console")
T = TypeVar("T")
LOCALE_COOKIE = "gangway_console_locale"
MODES = {"test": False, "live": True}
ROLE_NAMES = {"viewer": N_("Viewer"), "reviewer": N_("Reviewer"), "admin": N_("Admin")}

NOT_ALLOWED = (
    N_("Not allowed"),
    N_("Your role does not allow this. Ask an admin if you need it."),
)
NO_LIVE = (
    N_("Live data is not yours to see"),
    N_("Your operator account sees test mode only. Ask an admin for live access."),
)
EXPIRED = (N_("This form has expired"), N_("Go back, reload the page and try again."))
UNREADABLE = (N_("The form could not be read"), N_("Go back and try again."))
NOT_FOUND = (N_("Not found"), N_("There is nothing at this address."))
FAILED = (N_("That did not work"), N_("Go back, check what you entered and try again."))


@dataclass(frozen=True)
class Scope:
    """The platform and mode a page shows: one of each, never mixed."""

    platform_id: str
    livemode: bool

    @property
    def mode(self) -> str:
        return "live" if self.livemode else "test"

    @property
    def principal(self) -> KeyPrincipal:
        return KeyPrincipal(self.platform_id, self.livemode, key_id="console")

    @property
    def prefix(self) -> str:
        """The URL path every page of this scope starts with."""
        return f"/console/{self.platform_id}/{self.mode}"


@dataclass
class Screen:
    """One request, as a handler sees it."""

    request: Request
    console: Console
    session: ConsoleSession
    locale: str
    scope: Scope | None
    platforms: list[tuple[str, str]]
    form: dict[str, str] = field(default_factory=dict)

    @property
    def operator(self) -> OperatorRecord:
        return self.session.operator

    @property
    def actor(self) -> Actor:
        return self.session.actor()

    def now_ms(self, uow: UnitOfWork) -> int:
        """Real time in live mode; the platform's test clock in test mode."""
        if self.scope is None or self.scope.livemode:
            return self.console.clock.now_ms()
        return self.console.clocks.now_ms(self.scope.principal, uow)

    async def work(self, fn: Callable[[UnitOfWork], T], *, write: bool = False) -> T:
        return await self.console.work(fn, write=write)

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        return self.console.renderer.render(
            template,
            self.locale,
            status,
            session=self.session,
            scope=self.scope,
            csrf=self.session.csrf,
            path=self.request.url.path,
            query=dict(self.request.query_params),
            platforms=self.platforms,
            role_names=ROLE_NAMES,
            **context,
        )

    def message(self, texts: tuple[str, str], status: int) -> Response:
        return self.render("message.html", status, title=texts[0], text=texts[1])


Handler = Callable[[Screen], Awaitable[Response]]


class Console:
    """What every page shares: the store and engine, the renderer, the session settings."""

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
        self.store = store
        self.rules = rules
        self.clocks = clocks
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.secure = public_url.startswith("https://")
        self.cookie = "__Host-gangway_console" if self.secure else "gangway_console"
        self.idle_ms = idle_ms
        self.absolute_ms = absolute_ms
        self.renderer = web.Renderer()

    async def work(self, fn: Callable[[UnitOfWork], T], *, write: bool = False) -> T:
        """``fn(uow)`` in one unit of work on a worker thread, admitted by the database's own
        limiter, as in the hosted form."""

        def run() -> T:
            with self.store.unit_of_work(write=write) as uow:
                return fn(uow)

        return await self.store.database.in_thread(run)

    def locale_of(self, request: Request) -> str:
        return i18n.negotiate(
            request.query_params.get("locale") or request.cookies.get(LOCALE_COOKIE),
            [],
            request.headers.get("accept-language"),
        )

    def origin_ok(self, request: Request) -> bool:
        """A POST's ``Origin`` (sent by every browser on a POST) must be ours."""
        origin = request.headers.get("origin")
        if origin is None:
            return request.headers.get("sec-fetch-site") in (None, "same-origin")
        return origin.rstrip("/") == self.public_url

    def message(self, request: Request, texts: tuple[str, str], status: int) -> Response:
        return self.renderer.render(
            "message.html",
            self.locale_of(request),
            status,
            title=texts[0],
            text=texts[1],
            session=None,
            scope=None,
            platforms=[],
        )

    def page(self, permission: Permission, *, scoped: bool = True) -> Callable[[Handler], Any]:
        def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                return await self._guarded(request, handler, permission, scoped)

            endpoint.__name__ = handler.__name__
            endpoint.permission = permission  # type: ignore[attr-defined]  # read by the tests
            return endpoint

        return wrap

    async def _guarded(
        self, request: Request, handler: Handler, permission: Permission, scoped: bool
    ) -> Response:
        secret = request.cookies.get(self.cookie)
        now_ms = self.clock.now_ms()

        def load() -> tuple[ConsoleSession | None, list[tuple[str, str]]]:
            with self.store.unit_of_work(write=False) as uow:
                current = operators.session(
                    uow, secret, now_ms=now_ms, idle_ms=self.idle_ms, absolute_ms=self.absolute_ms
                )
                names = [(p.id, p.name) for p in uow.keys.platforms()] if current else []
            if current is not None and operators.needs_touch(current, now_ms):
                with self.store.unit_of_work(write=True) as uow:
                    operators.touch(uow, current, now_ms)
            return current, names

        current, names = await self.store.database.in_thread(load)
        if current is None:
            if request.method != "GET":
                return self.message(request, EXPIRED, 403)
            return web.redirect("/console/login" + web.query_with({}, next=_next(request)))
        scope = None
        if scoped:
            mode = request.path_params.get("mode")
            platform_id = request.path_params.get("platform", "")
            if mode not in MODES or platform_id not in dict(names):
                return self.message(request, NOT_FOUND, 404)
            scope = Scope(platform_id, MODES[mode])
        screen = Screen(request, self, current, self.locale_of(request), scope, names)
        if not current.may(permission):
            log.info("%s refused %s %s", current.operator.email, request.method, request.url.path)
            return screen.message(NOT_ALLOWED, 403)
        if scope is not None and not current.may_see(scope.livemode):
            return screen.message(NO_LIVE, 403)
        if request.method == "POST":
            try:
                screen.form = await web.read_form(request)
            except web.FormUnreadable:
                return screen.message(UNREADABLE, 400)
            if not self.origin_ok(request) or not current.csrf_ok(screen.form.get("csrf")):
                return screen.message(EXPIRED, 403)
        try:
            return await handler(screen)
        except GangwayError as exc:
            log.info("console request refused: %s", exc.message)
            if exc.status == 404:
                return screen.message(NOT_FOUND, 404)
            return screen.render(
                "message.html",
                400 if exc.status < 500 else 500,
                title=FAILED[0],
                detail=exc.message,
            )


def _next(request: Request) -> str:
    """Where to come back to after signing in: a path of ours, never another origin."""
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return path if path.startswith("/console") and not path.startswith("//") else "/console/"
