"""Bursts of concurrent visits on SQLite: one winner per link, no 500, no visit slower than 2 s,
and the server still serves afterwards. tests/postgres/test_hosted_concurrency_postgres.py runs
the same bursts on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import RunningServer, start_server, stop_server
from tests.hosted import concurrency


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of this module's own: a burst that wedged it must not fail other modules."""
    running = start_server(tmp_path_factory.mktemp("gangway-hosted-burst"))
    try:
        yield running
    finally:
        stop_server(running)


def test_of_32_concurrent_first_visits_exactly_one_wins_every_round(server: RunningServer) -> None:
    concurrency.race_for_one_link(server, rounds=5, visitors=32)
    concurrency.still_serves(server)


def test_64_sessions_visited_at_once_all_answer_quickly(server: RunningServer) -> None:
    concurrency.pages_at_many_sessions(server, rounds=3, sessions=64)
    concurrency.still_serves(server)
