"""The API tier: the official stripe SDK against ``gangway serve``, once per storage backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from tests.conftest import RunningServer, start_server, stop_server


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"gangway-{request.param}")
    database_url = (
        request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    )
    running = start_server(data_dir, database_url)
    try:
        yield running
    finally:
        stop_server(running)


def sdk(server: RunningServer, key: str | None = None) -> stripe.StripeClient:
    return stripe.StripeClient(key or server.test_key, base_addresses={"api": server.url})


@pytest.fixture()
def client(server: RunningServer) -> stripe.StripeClient:
    return sdk(server)


@pytest.fixture()
def legacy_stripe(server: RunningServer) -> Iterator[None]:
    """The module-level configuration the resource classes (``stripe.Account.create``) use,
    pointed at the server for one test and restored after it."""
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = server.test_key, server.url
    try:
        yield
    finally:
        stripe.api_key, stripe.api_base = saved
