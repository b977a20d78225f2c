"""Fixtures for the example platform's tests: a real Gangway and ``python -m examples.platform``
running against it, once per API mode (``--api v2``, ``--api v1``)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from tests.conftest import RunningServer, free_port, scratch_postgres, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Platform:
    url: str
    api: str
    state_file: Path
    gangway: RunningServer
    client: stripe.StripeClient

    def accounts(self) -> dict[str, Any]:
        """The platform's own records, by account id."""
        if not self.state_file.exists():
            return {}
        records: dict[str, Any] = json.loads(self.state_file.read_text())["accounts"]
        return records

    def links(self, account_id: str) -> list[dict[str, str]]:
        """What the platform recorded from each link response (use case, reason, times)."""
        return list(self.accounts()[account_id]["links"])


WEBHOOK_SECRET = "whsec_example_platform_test"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def gangway(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """Once per storage backend for the session, on a database of its own (a server's key file
    is written only by the first server on a database); the PostgreSQL one skips without
    GANGWAY_TEST_POSTGRES_URL."""
    with contextlib.ExitStack() as stack:
        database_url = (
            stack.enter_context(scratch_postgres("gangway_examples"))
            if request.param == "postgres"
            else None
        )
        server = start_server(tmp_path_factory.mktemp(f"gangway-{request.param}"), database_url)
        try:
            yield server
        finally:
            stop_server(server)


def _platform(
    gangway: RunningServer, tmp_path_factory: pytest.TempPathFactory, api: str
) -> Iterator[Platform]:
    state_dir = tmp_path_factory.mktemp(f"platform-{api}")
    with running_platform(
        gangway, state_dir, "--api", api, "--webhook-secret", WEBHOOK_SECRET
    ) as platform:
        yield platform


@pytest.fixture(scope="module")
def v2_platform(
    gangway: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    yield from _platform(gangway, tmp_path_factory, "v2")


@pytest.fixture(scope="module")
def v1_platform(
    gangway: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    yield from _platform(gangway, tmp_path_factory, "v1")


@pytest.fixture(params=["v2", "v1"])
def platform(
    request: pytest.FixtureRequest, v2_platform: Platform, v1_platform: Platform
) -> Platform:
    """The platform in each API mode, for behaviour both modes share."""
    return v2_platform if request.param == "v2" else v1_platform


@contextlib.contextmanager
def running_platform(gangway: RunningServer, state_dir: Path, *extra: str) -> Iterator[Platform]:
    """``python -m examples.platform`` on a free port, stopped (its process group) on exit."""
    port = free_port()
    args = [sys.executable, "-m", "examples.platform", "--gangway-url", gangway.url]
    args += ["--api-key", gangway.test_key, "--port", str(port), "--state-dir", str(state_dir)]
    args += ["--log-level", "warning", *extra]
    with open(state_dir / "platform.log", "ab") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process, state_dir / "platform.log")
        client = stripe.StripeClient(gangway.test_key, base_addresses={"api": gangway.url})
        api = extra[extra.index("--api") + 1] if "--api" in extra else "v2"
        yield Platform(url, api, state_dir / "accounts.json", gangway, client)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the example platform exited: {log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the example platform did not answer within 20 s")


def http(platform: Platform) -> httpx.Client:
    return httpx.Client(base_url=platform.url, follow_redirects=False, timeout=10)


def onboard(platform: Platform, **choices: str) -> tuple[str, str]:
    """Submit the home page's form; return the new account's id and the link it redirected to."""
    before = set(platform.accounts())
    form = {
        "country": "us",
        "entity_type": "individual",
        "configuration": "merchant",
        "collection": "incremental",
        "display_name": "Jenny Rosen",
        "contact_email": "jenny@example.com",
        **choices,
    }
    with http(platform) as browser:
        response = browser.post("/accounts", data=form)
    assert response.status_code == 303, response.text
    created = set(platform.accounts()) - before
    assert len(created) == 1
    return created.pop(), response.headers["location"]


def link_prefix(platform: Platform) -> str:
    return f"{platform.gangway.url}/onboarding/link/alu_test_"
