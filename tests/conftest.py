"""Shared fixtures: real servers over real HTTP, on SQLite and (when configured) PostgreSQL.

The PostgreSQL tier runs when ``GANGWAY_TEST_POSTGRES_URL`` names a server it may create scratch
databases on; with ``GANGWAY_REQUIRE_POSTGRES=1`` (CI) a missing server fails instead of skipping.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("GANGWAY_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("GANGWAY_REQUIRE_POSTGRES") == "1"


@dataclass(frozen=True)
class RunningServer:
    url: str
    test_key: str
    data_dir: Path
    database_url: str | None
    process: subprocess.Popen[bytes]

    def new_key(self, mode: str) -> str:
        return self._cli("keys", "create", "--mode", mode).strip()

    def new_platform_key(self) -> str:
        """The test secret key of a new platform (``gangway platforms create``)."""
        printed = self._cli("platforms", "create", "--name", "Another platform")
        return printed.rsplit("(shown once): ", 1)[1].strip()

    def new_operator(
        self, email: str, role: str, password: str, *, live: bool | None = None
    ) -> str:
        """An operator of the console (``gangway operators create``); returns its id."""
        flags = [] if live is None else ["--live" if live else "--test-only"]
        printed = self._cli(
            "operators",
            "create",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
            *flags,
            stdin=password + "\n",
        )
        return printed.split()[0]

    def _cli(self, *command: str, stdin: str | None = None) -> str:
        args = [sys.executable, "-m", "gangway.cli.main", *command]
        args += (
            ["--database-url", self.database_url]
            if self.database_url
            else ["--data-dir", str(self.data_dir)]
        )
        env = {**os.environ, "GANGWAY_DATA_DIR": str(self.data_dir)}
        return subprocess.run(
            args, check=True, capture_output=True, text=True, env=env, input=stdin
        ).stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    data_dir: Path,
    database_url: str | None = None,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
) -> RunningServer:
    """``env`` adds to the server's environment (a shared ``GANGWAY_ENCRYPTION_KEY``, say)."""
    port = free_port()
    environment = {
        **os.environ,
        "GANGWAY_DATA_DIR": str(data_dir),
        "GANGWAY_LOG_LEVEL": "warning",
        **(env or {}),
    }
    args = [
        sys.executable,
        "-m",
        "gangway.cli.main",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if database_url:
        args += ["--database-url", database_url]
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "server.log", "wb") as log:  # the child keeps its own descriptor
        # its own session: stop_server (and tests that kill it) reach the workers too
        process = subprocess.Popen(
            args, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gangway serve exited: {(data_dir / 'server.log').read_text()}")
        try:
            if httpx.get(f"{url}/_gangway/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        raise RuntimeError("gangway serve did not become healthy within 30 s")
    key = (data_dir / "test_secret_key").read_text().strip()
    return RunningServer(
        url=url, test_key=key, data_dir=data_dir, database_url=database_url, process=process
    )


def stop_server(server: RunningServer) -> None:
    """Stop the server and every worker it started (they share its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def kill_server(server: RunningServer) -> None:
    """SIGKILL the server and its workers at once: no shutdown code runs anywhere."""
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


@contextlib.contextmanager
def scratch_postgres(prefix: str = "gangway_test") -> Iterator[str]:
    """A database of its own on the configured PostgreSQL server, dropped afterwards; skips
    (or fails, when ``GANGWAY_REQUIRE_POSTGRES=1``) without one."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("GANGWAY_REQUIRE_POSTGRES=1 but GANGWAY_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tier: set GANGWAY_TEST_POSTGRES_URL to run it")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL tier required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A scratch database shared by the session's PostgreSQL tests."""
    with scratch_postgres() as url:
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fuzz tier runs first, in a fresh interpreter state. Late in a whole-suite run on
    CPython 3.11.7, Hypothesis' lambda descriptions inside schemathesis once raised
    ``SystemError: AST constructor recursion depth mismatch`` (the interpreter's own
    bookkeeping, as in CPython gh-106905; not reproduced in isolation); the tier alone, or
    first, has never shown it."""
    items.sort(key=lambda item: 0 if item.path.parts[-2:-1] == ("fuzz",) else 1)
