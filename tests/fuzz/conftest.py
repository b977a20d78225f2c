"""The fuzz tier: requests generated from Stripe's published v2 spec against ``gangway serve``.

The server delivers no webhooks (``GANGWAY_DELIVERIES=false``): fuzzed destinations name
arbitrary hosts, and this tier sends traffic to loopback only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import RunningServer, start_server, stop_server

REQUESTS_SENT: dict[str, int] = {}
"""Requests sent per operation label, summed up at the end of the run."""


@pytest.fixture(scope="session")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(
        tmp_path_factory.mktemp("gangway-fuzz"),
        None,
        env={"GANGWAY_DELIVERIES": "false", "GANGWAY_SCHEDULER": "false"},
    )
    try:
        yield running
    finally:
        stop_server(running)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REQUESTS_SENT:
        terminalreporter.write_line(
            f"fuzz tier: {sum(REQUESTS_SENT.values())} requests sent to "
            f"{len(REQUESTS_SENT)} operations of Stripe's v2 spec"
        )
