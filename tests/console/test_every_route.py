"""Every console route, found from the app itself, keeps the rules: nothing without a session,
no POST without the session's CSRF token, and no POST beyond the operator's role, whatever the
page shows or hides. A route added later is covered without editing this file."""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Route

from gangway.console.app import ConsoleApp
from gangway.core.clock import SystemClock
from gangway.core.roles import allows
from gangway.requirements import load_rules
from gangway.services.clocks import Clocks
from gangway.store.database import Database
from gangway.store.sealing import Sealer
from gangway.store.uow import Store
from tests.conftest import RunningServer
from tests.console.conftest import OPERATORS, csrf_of, platform_of, sign_in

OPEN = {"/console/login", "/console/locale", "/console", "/console/static/{name}"}


def _routes() -> list[tuple[str, str, str]]:
    """(method, path template, permission) of every guarded route."""
    folder = tempfile.TemporaryDirectory()
    database = Database(f"sqlite:///{folder.name}/routes.db")
    try:
        app = ConsoleApp(
            store=Store(database, Sealer(b"k" * 32)),
            rules=load_rules(None),
            clocks=Clocks(Store(database, Sealer(b"k" * 32)), SystemClock()),
            clock=SystemClock(),
            public_url="http://127.0.0.1",
            idle_ms=60_000,
            absolute_ms=60_000,
        )
        found = []
        for route in app.app.routes:
            assert isinstance(route, Route)
            if route.path in OPEN:
                continue
            permission = getattr(route.endpoint, "permission", None)
            assert permission is not None, f"{route.path} is not guarded by Console.page"
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.append((method, route.path, permission))
        return found
    finally:
        database.dispose()
        folder.cleanup()


ROUTES = _routes()


def _path(template: str, platform: str, mode: str = "test") -> str:
    filled = template.replace("{platform}", platform).replace("{mode}", mode)
    return re.sub(r"\{[a-z_]+\}", "nothing_here", filled)


@pytest.fixture(scope="module")
def platform(console_server: RunningServer) -> str:
    return platform_of(console_server)


@pytest.fixture(scope="module")
def signed(console_server: RunningServer) -> Iterator[dict[str, tuple[httpx.Client, str]]]:
    """One signed-in client (and its CSRF token) per operator, for the whole module."""
    with contextlib.ExitStack() as stack:
        clients = {}
        for who in OPERATORS:
            client = stack.enter_context(sign_in(console_server, who))
            clients[who] = (client, csrf_of(client))
        yield clients


def test_the_console_has_guarded_routes_of_every_kind() -> None:
    permissions = {permission for _, _, permission in ROUTES}
    assert {"read", "manage"} <= permissions
    assert any(method == "POST" for method, _, _ in ROUTES)


@pytest.mark.parametrize(("method", "template", "permission"), ROUTES)
def test_nothing_without_a_session(
    console_server: RunningServer, platform: str, method: str, template: str, permission: str
) -> None:
    answer = httpx.request(
        method,
        console_server.url + _path(template, platform),
        data={"csrf": "guess"} if method == "POST" else None,
        headers={"origin": console_server.url},
    )
    if method == "GET":
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/console/login?next=")
    else:
        assert answer.status_code == 403


@pytest.mark.parametrize(
    ("method", "template", "permission"), [r for r in ROUTES if r[0] == "POST"]
)
def test_no_post_without_the_csrf_token(
    signed: dict[str, tuple[httpx.Client, str]],
    platform: str,
    method: str,
    template: str,
    permission: str,
) -> None:
    client, _ = signed["admin"]
    answer = client.post(_path(template, platform), data={"csrf": "not-the-token"})
    assert answer.status_code == 403
    assert "This form has expired" in answer.text


def _beyond(permission: str) -> Iterator[str]:
    for who, operator in OPERATORS.items():
        if not allows(operator.role, permission):  # type: ignore[arg-type]
            yield who


@pytest.mark.parametrize(
    ("method", "template", "permission", "who"),
    [(m, t, p, who) for m, t, p in ROUTES if m == "POST" for who in _beyond(p)],
)
def test_no_post_beyond_the_role(
    signed: dict[str, tuple[httpx.Client, str]],
    platform: str,
    method: str,
    template: str,
    permission: str,
    who: str,
) -> None:
    client, token = signed[who]
    answer = client.post(_path(template, platform), data={"csrf": token})
    assert answer.status_code == 403
    assert "Your role does not allow this" in answer.text


@pytest.mark.parametrize(
    ("method", "template", "permission"),
    [r for r in ROUTES if "{mode}" in r[1]],
)
def test_a_test_only_operator_never_reaches_live_routes(
    signed: dict[str, tuple[httpx.Client, str]],
    platform: str,
    method: str,
    template: str,
    permission: str,
) -> None:
    client, token = signed["tester"]
    data = {"csrf": token} if method == "POST" else None
    answer = client.request(method, _path(template, platform, "live"), data=data)
    if allows("reviewer", permission):  # type: ignore[arg-type]
        assert answer.status_code == 403
        assert "Live data is not yours to see" in answer.text
    else:
        assert answer.status_code == 403  # the role stops it first


def test_routes_are_all_under_console() -> None:
    assert all(template.startswith("/console/") for _, template, _ in ROUTES)
