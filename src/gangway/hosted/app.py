"""The hosted onboarding form's web layer: links, sessions, CSRF, headers, pages.

Server-rendered, no JavaScript: every page works with a keyboard and without scripts, and the
Content-Security-Policy forbids scripts altogether. Database work runs in a worker thread inside
one unit of work (``flow``); this module parses, renders and redirects.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from gangway.api.query import parse_query
from gangway.core.clock import Clock
from gangway.core.errors import GangwayError
from gangway.core.ids import random_token
from gangway.core.keys import KeyPrincipal
from gangway.hosted import flow, i18n
from gangway.hosted.controls import ERROR_MESSAGES, GENERIC_ERROR
from gangway.hosted.flow import SessionState
from gangway.hosted.i18n import N_
from gangway.hosted.summary import summary
from gangway.requirements import RuleBook
from gangway.services import account_links
from gangway.services.clocks import Clocks
from gangway.services.context import Call
from gangway.store.repos.links import HostedSessionRecord
from gangway.store.uow import Store, UnitOfWork

__all__ = ["HostedApp"]

log = logging.getLogger("gangway.hosted")

STATIC = Path(__file__).with_name("static")
LINK_INVALID = (
    N_("This link is not valid"),
    N_("Ask the platform that sent you here for a new link."),
)
NO_SUCH_STEP = (N_("Not found"), N_("There is no such step."))
FAILED = N_("Something went wrong")
SESSION_ENDED = (
    N_("Your session has ended"),
    N_("Open the onboarding link from the platform again."),
)
FORM_EXPIRED = (N_("This form has expired"), N_("Go back, reload the page and try again."))
DONE = (N_("You're all set"), N_("You can close this window."))
_SNIFF = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


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
        self.rules = rules
        self.clocks = clocks
        self.clock = clock
        self.public_url = public_url
        self.secure = public_url.startswith("https://")
        self.cookie = "__Host-gangway_session" if self.secure else "gangway_session"
        self.idle_ms = idle_ms
        self.upload_max = upload_max_bytes
        self.env = Environment(
            loader=PackageLoader("gangway.hosted", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.app = Starlette(
            routes=[
                Route(account_links.URL_PATH + "{token}", self.redeem, methods=["GET"]),
                Route("/onboarding", self.start, methods=["GET"]),
                Route("/onboarding/step/{step}", self.step, methods=["GET", "POST"]),
                Route("/onboarding/person/{pid}", self.person, methods=["GET", "POST"]),
                Route("/onboarding/person/{pid}/delete", self.delete_person, methods=["POST"]),
                Route("/onboarding/exit", self.exit, methods=["POST"]),
                Route("/onboarding/static/gangway.css", self.stylesheet, methods=["GET"]),
                Route("/onboarding/static/favicon.svg", self.icon, methods=["GET"]),
            ]
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    # plumbing ------------------------------------------------------------------------------

    def _call(self, state: SessionState) -> Call:
        principal = KeyPrincipal(state.platform_id, state.livemode, "hosted_onboarding")
        return Call(
            principal=principal,
            request_id="req_" + random_token(14),
            clock=lambda: self.clocks.now_ms(principal),
        )

    def _work(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        def run() -> Any:
            with self.store.unit_of_work(write=True) as uow:
                return fn(uow)

        return run_in_threadpool(run)

    def _session(
        self, request: Request, uow: UnitOfWork
    ) -> tuple[HostedSessionRecord | None, str | None]:
        """The live session, or ``(None, refresh_url)`` when it ended or idled out."""
        secret = request.cookies.get(self.cookie)
        if not secret:
            return None, None
        record = uow.links.session(account_links.digest(secret))
        if record is None:
            return None, None
        now = self.clock.now_ms()
        refresh = str(record.state.get("refresh_url"))
        if record.ended_ms is not None or now - record.seen_ms > self.idle_ms:
            return None, refresh
        record.seen_ms = now
        return record, None

    def _locale(
        self, request: Request, state: SessionState | None, account_locales: list[str]
    ) -> str:
        explicit = request.query_params.get("locale")
        if explicit is None and state is not None:
            explicit = state.locale
        return i18n.negotiate(explicit, account_locales, request.headers.get("accept-language"))

    def _render(
        self,
        template: str,
        locale: str,
        status: int = 200,
        state: SessionState | None = None,
        **context: Any,
    ) -> HTMLResponse:
        translations = i18n.translations(locale)

        @pass_context
        def gettext(ctx: Any, message: str, **variables: Any) -> str:
            text = translations.gettext(message) if message else ""
            if ctx.eval_ctx.autoescape:
                text = Markup(text)
            return text % variables if variables and "%(" in text else text

        body = self.env.get_template(template).render(
            _=gettext,
            gettext=gettext,
            locale=locale,
            lang=locale.split("-")[0],
            languages=[(code, i18n.LANGUAGE_NAMES[code]) for code in i18n.SUPPORTED],
            error_message=_error_text(translations, locale),
            **context,
        )
        response = HTMLResponse(body, status_code=status)
        self._headers(response, state)
        return response

    def _headers(self, response: Response, state: SessionState | None) -> None:
        targets = {"'self'"}
        if state is not None:
            for url in (state.return_url, state.refresh_url):
                if url:
                    parts = urlsplit(url)
                    targets.add(f"{parts.scheme}://{parts.netloc}")
        response.headers["content-security-policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
            f"form-action {' '.join(sorted(targets))}; frame-ancestors 'none'"
        )
        response.headers["x-frame-options"] = "DENY"
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "no-referrer"
        response.headers["cache-control"] = "no-store"
        response.headers["cross-origin-opener-policy"] = "same-origin"
        response.headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"

    def _redirect(self, url: str, state: SessionState | None = None) -> RedirectResponse:
        response = RedirectResponse(url, status_code=303)
        self._headers(response, state)
        return response

    def _message(self, request: Request, title: str, text: str, status: int) -> HTMLResponse:
        locale = self._locale(request, None, [])
        return self._render("message.html", locale, status, title=title, text=text)

    def _csrf_ok(self, request: Request, state: SessionState, form: dict[str, Any]) -> bool:
        origin = request.headers.get("origin")
        if origin and origin != "null" and origin.rstrip("/") != self.public_url:
            return False
        sent = str(form.get("csrf_token") or "")
        return bool(sent) and hmac.compare_digest(sent, state.csrf)

    # routes --------------------------------------------------------------------------------

    async def redeem(self, request: Request) -> Response:
        """The first visit wins the link and starts a session; any other goes to refresh_url."""
        token = request.path_params["token"]
        token_hash = account_links.digest(token)
        secret = random_token(43)

        def work(uow: UnitOfWork) -> tuple[str, str | None]:
            link = uow.links.link(token_hash)
            if link is None:
                return "unknown", None
            kind = link.use_case["type"]
            branch = link.use_case[kind]
            principal = KeyPrincipal(link.platform_id, link.livemode, "hosted_onboarding")
            now = self.clocks.now_ms(principal)
            if not uow.links.redeem(token_hash, now):
                return "refresh", branch["refresh_url"]
            options = branch.get("collection_options") or {}
            state = SessionState(
                platform_id=link.platform_id,
                livemode=link.livemode,
                account_id=link.account_id,
                use_case=kind,
                fields=options.get("fields", "currently_due"),
                future_requirements=options.get("future_requirements", "omit"),
                refresh_url=branch["refresh_url"],
                return_url=branch.get("return_url"),
                csrf=random_token(43),
            )
            real_now = self.clock.now_ms()
            uow.links.add_session(
                HostedSessionRecord(
                    id_hash=account_links.digest(secret),
                    link_hash=token_hash,
                    account_id=link.account_id,
                    created_ms=real_now,
                    seen_ms=real_now,
                    ended_ms=None,
                    state=state.to_dict(),
                )
            )
            return "started", None

        outcome, refresh = await self._work(work)
        if outcome == "unknown":
            return self._message(
                request,
                *LINK_INVALID,
                404,
            )
        if outcome == "refresh":
            assert refresh is not None
            return self._redirect(refresh)
        locale = request.query_params.get("locale")
        response = self._redirect(
            "/onboarding" + (f"?locale={locale}" if locale in i18n.SUPPORTED else "")
        )
        response.set_cookie(
            self.cookie,
            secret,
            max_age=None,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )
        return response

    async def start(self, request: Request) -> Response:
        return await self._page(request, None)

    async def step(self, request: Request) -> Response:
        step = request.path_params["step"]
        if step not in flow.STEP_TITLES:
            return self._message(request, *NO_SUCH_STEP, 404)
        return await self._page(request, step)

    async def person(self, request: Request) -> Response:
        return await self._page(request, "person", person_id=request.path_params["pid"])

    async def _page(
        self, request: Request, step: str | None, person_id: str | None = None
    ) -> Response:
        form: dict[str, Any] = {}
        uploads: dict[str, tuple[str, bytes]] = {}
        if request.method == "POST":
            form, uploads, problem = await self._read_form(request)
            if problem:
                form.setdefault("_upload_errors", problem)
        role = request.query_params.get("role")
        if role not in (None, "owner", "director", "executive", "representative"):
            role = None
        client = {
            "ip": request.client.host if request.client else "",
            "user_agent": request.headers.get("user-agent", ""),
        }

        def work(uow: UnitOfWork) -> Any:
            record, refresh = self._session(request, uow)
            if record is None:
                return ("refresh", refresh)
            state = SessionState.from_dict(record.state)
            call = self._call(state)
            if request.method == "POST" and not self._csrf_ok(request, state, form):
                return ("csrf", state)
            explicit = request.query_params.get("locale")
            if explicit in i18n.SUPPORTED and explicit != state.locale:
                state.locale = explicit
                record.state = state.to_dict()
            uow.links.save_session(record)
            view = flow.load_view(uow, call, self.rules, state)
            account_locales = list(
                ((view.account.document.get("defaults") or {}).get("locales")) or []
            )
            locale = self._locale(request, state, account_locales)
            if step is None:  # the entry point: on to the first step that owes something
                query = f"?{request.url.query}" if request.url.query else ""
                return ("redirect", state, f"/onboarding/step/{view.plan.first()}{query}")
            current = step
            if current not in view.plan.steps and current != "person":
                current = view.plan.first()
            pid = None if person_id == "new" else person_id
            kind = "person" if step == "person" else current
            shown = flow.sections(
                view,
                kind,
                locale,
                person_id=pid,
                role=role,
                uow=uow,
                rules=self.rules,
                now_ms=call.now_ms,
            )
            if request.method == "GET":
                return ("page", state, view, locale, current, shown, {}, None)
            action = form.get("action")
            if action == "delete" and pid:
                flow.delete_person(uow, call, self.rules, view, pid)
                return ("redirect", state, "/onboarding/step/people")
            finishing = action in ("continue", "submit")
            errors = dict(form.get("_upload_errors") or {})
            outcome = (
                flow.Outcome(errors)
                if errors
                else flow.submit(
                    uow,
                    call,
                    self.rules,
                    view,
                    kind,
                    form,
                    shown,
                    finishing=finishing,
                    person_id=pid,
                    role=role,
                    uploads=uploads,
                    client=client,
                )
            )
            if outcome.errors or outcome.form_error:  # roll back: nothing half-written
                raise _Invalid(
                    (
                        "page",
                        state,
                        view,
                        locale,
                        current,
                        shown,
                        outcome.errors,
                        outcome.form_error,
                    )
                )
            if action == "save" or (kind == "review" and finishing):
                return ("exit", state, call)
            if kind == "person":
                return ("redirect", state, "/onboarding/step/people")
            after = flow.load_view(uow, call, self.rules, state)
            return ("redirect", state, f"/onboarding/step/{after.plan.next_after(current)}")

        try:
            result = await self._work(work)
        except _Invalid as invalid:
            result = invalid.result
            # keep the values entered: re-render the sections over the submitted form
            _, state, view, locale, current, shown, errors, form_error = result
            _apply_submitted(shown, form, errors)
            return self._step_page(
                request, state, view, locale, current, shown, errors, form_error, status=400
            )
        except GangwayError as exc:
            return self._message(request, FAILED, exc.message, exc.status)
        kind = result[0]
        if kind == "refresh":
            if result[1]:
                return self._redirect(result[1])
            return self._message(
                request,
                *SESSION_ENDED,
                403,
            )
        if kind == "csrf":
            return self._message(request, *FORM_EXPIRED, 403)
        if kind == "redirect":
            return self._redirect(result[2], result[1])
        if kind == "exit":
            return await self._leave(request, result[1])
        _, state, view, locale, current, shown, errors, form_error = result
        return self._step_page(request, state, view, locale, current, shown, errors, form_error)

    def _step_page(
        self,
        request: Request,
        state: SessionState,
        view: flow.View,
        locale: str,
        current: str,
        shown: list[flow.Section],
        errors: dict[str, Any],
        form_error: str | None,
        status: int = 200,
    ) -> HTMLResponse:
        template = {"people": "people.html", "review": "review.html"}.get(current, "step.html")
        if request.url.path.startswith("/onboarding/person/"):
            template = "step.html"
        return self._render(
            template,
            locale,
            status,
            state=state,
            view=view,
            step=current,
            sections=shown,
            steps=[(s, flow.STEP_TITLES[s], view.plan.is_done(s)) for s in view.plan.steps],
            titles=flow.STEP_TITLES,
            errors=errors,
            form_error=form_error,
            csrf=state.csrf,
            action=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            role_titles=flow.ROLE_TITLES,
            summary=summary(view.account.document, [p.document for p in view.persons], locale),
            multipart=current == "documents",
            outstanding=[
                (s, flow.STEP_TITLES[s])
                for s in view.plan.steps
                if not view.plan.is_done(s) and s != "review"
            ],
        )

    async def delete_person(self, request: Request) -> Response:
        return await self._page(request, "person", person_id=request.path_params["pid"])

    async def exit(self, request: Request) -> Response:
        form, _, _ = await self._read_form(request)

        def work(uow: UnitOfWork) -> Any:
            record, refresh = self._session(request, uow)
            if record is None:
                return ("refresh", refresh)
            state = SessionState.from_dict(record.state)
            if not self._csrf_ok(request, state, form):
                return ("csrf", state)
            return ("exit", state)

        result = await self._work(work)
        if result[0] == "refresh":
            return (
                self._redirect(result[1])
                if result[1]
                else self._message(request, *SESSION_ENDED, 403)
            )
        if result[0] == "csrf":
            return self._message(request, *FORM_EXPIRED, 403)
        return await self._leave(request, result[1])

    async def _leave(self, request: Request, state: SessionState, *_: Any) -> Response:
        """End the session, record ``v2.core.account_link.returned``, go to ``return_url``."""
        secret = request.cookies.get(self.cookie, "")
        call = self._call(state)

        def work(uow: UnitOfWork) -> None:
            id_hash = account_links.digest(secret)
            record = uow.links.session(id_hash)
            if record is None or not uow.links.end_session(id_hash, self.clock.now_ms()):
                return
            link = uow.links.link(record.link_hash)
            if link is not None:
                account_links.record_returned(uow, link, at_ms=call.now_ms, reason=call.reason())

        await self._work(work)
        if state.return_url:
            response: Response = self._redirect(state.return_url, state)
        else:
            locale = self._locale(request, state, [])
            response = self._render(
                "message.html",
                locale,
                state=state,
                title=DONE[0],
                text=DONE[1],
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

    async def _read_form(
        self, request: Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]], dict[str, Any]]:
        """The urlencoded body as the API's nested params (bracketed names), plus uploads."""
        content_type = request.headers.get("content-type", "")
        uploads: dict[str, tuple[str, bytes]] = {}
        problems: dict[str, Any] = {}
        if content_type.startswith("multipart/form-data"):
            data = await request.form(max_files=10, max_fields=200)
            pairs: list[tuple[str, str]] = []
            for name, value in data.multi_items():
                if isinstance(value, UploadFile):
                    content = await value.read(self.upload_max + 1)
                    if not content:
                        continue
                    sniffed = next(
                        (t for magic, t in _SNIFF.items() if content.startswith(magic)), None
                    )
                    if len(content) > self.upload_max or sniffed is None:
                        problems[name] = ("file_invalid", "")
                    else:
                        uploads[name] = (sniffed, content)
                else:
                    pairs.append((name, value))
            body = urlencode(pairs).encode()
        else:
            body = await request.body()
            if len(body) > 1_048_576:
                return {}, {}, {"form": ("too_large", "")}
        try:
            form = parse_query(body) if body else {}
        except GangwayError:
            form = {}
        return form, uploads, problems


class _Invalid(Exception):
    """A step did not validate: leave the unit of work (rolling it back) and re-render."""

    def __init__(self, result: Any) -> None:
        super().__init__("invalid")
        self.result = result


def _apply_submitted(
    shown: list[flow.Section], form: dict[str, Any], errors: dict[str, Any]
) -> None:
    for section in shown:
        for group in section.groups:
            for item in group.inputs:
                if item.kind in ("file", "hidden"):
                    continue
                node: Any = form
                for part in item.name.replace("]", "").split("["):
                    node = (
                        node.get(part)
                        if isinstance(node, dict)
                        else (
                            node[int(part)]
                            if isinstance(node, list) and part.isdigit() and int(part) < len(node)
                            else None
                        )
                    )
                if item.kind == "checkbox":
                    item.checked = node == "on"
                elif not item.name.endswith("[value]"):  # ID numbers are never echoed back
                    item.value = str(node or "")
                if item.name in errors:
                    item.error = errors[item.name][0]
                    item.detail = errors[item.name][1]


def _error_text(translations: Any, locale: str) -> Callable[[str, str], str]:
    def text(code: str, detail: str) -> str:
        message = translations.gettext(ERROR_MESSAGES.get(code, GENERIC_ERROR))
        if detail and locale.startswith("en") and code not in ERROR_MESSAGES:
            return detail
        return str(message)

    return text
