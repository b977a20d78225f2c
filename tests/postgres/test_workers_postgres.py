"""``gangway serve --workers 2`` on PostgreSQL: both worker processes come up and answer."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import stripe

from tests.conftest import RunningServer, start_server, stop_server


@pytest.fixture()
def two_workers(fresh_postgres: str, tmp_path: Path) -> Iterator[RunningServer]:
    server = start_server(tmp_path / "node", fresh_postgres, workers=2)
    try:
        yield server
    finally:
        stop_server(server)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("needs /proc to count worker processes")
    return [int(child) for child in path.read_text().split()]


def test_two_workers_answer_requests(two_workers: RunningServer) -> None:
    sdk = stripe.StripeClient(two_workers.test_key, base_addresses={"api": two_workers.url})

    def create_and_read(index: int) -> tuple[str, str | None]:
        made = sdk.v2.core.accounts.create({"display_name": f"Worker smoke {index}"})
        read = sdk.v2.core.accounts.retrieve(made.id)
        return made.id, read.display_name

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create_and_read, range(24)))

    assert [name for _id, name in results] == [f"Worker smoke {i}" for i in range(24)]
    listed = {a.id for a in sdk.v2.core.accounts.list({"limit": 100}).auto_paging_iter()}
    assert listed == {account_id for account_id, _name in results}

    # uvicorn's supervisor keeps two worker processes (plus, at most, a resource tracker).
    workers = [
        pid
        for pid in _children(two_workers.process.pid)
        if b"multiprocessing.resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(workers) == 2

    unauthenticated = httpx.get(f"{two_workers.url}/v2/core/accounts", timeout=5)
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["type"] == "invalid_request_error"
