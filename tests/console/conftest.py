"""The console tier: the operator console over real HTTP, on one Gangway (SQLite) per session.

Operators of every role exist from the start (``OPERATORS``); ``sign_in`` returns an httpx client
holding that operator's session cookie, and ``csrf_of`` reads the token a page's forms carry.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest

from tests.conftest import RunningServer, start_server, stop_server

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Operator:
    email: str
    role: str
    live: bool


OPERATORS = {
    "viewer": Operator("viewer@example.com", "viewer", live=False),
    "reviewer": Operator("reviewer@example.com", "reviewer", live=True),
    "tester": Operator("tester@example.com", "reviewer", live=False),
    "admin": Operator("admin@example.com", "admin", live=True),
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(Path(tmp_path_factory.mktemp("console")))
    try:
        for operator in OPERATORS.values():
            server.new_operator(operator.email, operator.role, PASSWORD, live=operator.live)
        yield server
    finally:
        stop_server(server)


@contextlib.contextmanager
def sign_in(server: RunningServer, who: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    """A client signed in as ``OPERATORS[who]`` (or as ``who``, an email), closed afterwards."""
    email = OPERATORS[who].email if who in OPERATORS else who
    with httpx.Client(base_url=server.url, timeout=10, headers={"origin": server.url}) as client:
        answer = client.post("/console/login", data={"email": email, "password": password})
        assert answer.status_code == 303, answer.text
        yield client


def csrf_of(client: httpx.Client, path: str = "/console/audit") -> str:
    page = client.get(path)
    found = _CSRF.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def platform_of(server: RunningServer) -> str:
    """The first platform's id (the one whose test key the server printed)."""
    return str(orjson.loads(server._cli("platforms", "list", "--json"))[0]["id"])
