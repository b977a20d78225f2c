"""Delivery survives crashes and is shared safely: a SIGKILL in the middle of a burst loses no
committed event's delivery (at least once), and several ``gangway worker`` processes never send
one claim twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import sdk
from tests.api.receiver import Receiver, receiving
from tests.api.test_webhooks_sdk import CREATED, FAST, PING, endpoint, quiet_for
from tests.conftest import kill_server, scratch_postgres, start_server, stop_server

UPDATED = "v2.core.account.updated"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "postgres":
        with scratch_postgres("gangway_hooks") as url:
            yield url
    else:
        yield None


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def test_every_committed_event_is_delivered_after_a_kill_9(
    tmp_path: Path, database_url: str | None, receiver: Receiver
) -> None:
    # a short lease, so the deliveries claimed when the server died come back quickly
    env = {
        **FAST,
        "GANGWAY_DELIVERY_TIMEOUT_SECONDS": "0.5",
        "GANGWAY_DELIVERY_LEASE_SECONDS": "1",
    }
    server = start_server(tmp_path / "data", database_url, env=env)
    _destination, _ = endpoint(sdk(server), receiver, [CREATED, UPDATED])
    receiver.delay = 0.02  # attempts are under way when the server dies
    headers = {"Authorization": f"Bearer {server.test_key}"}
    stop = threading.Event()

    def burst(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=5) as http:
            try:
                account = http.post("/v2/core/accounts", json={"display_name": f"w{worker}"})
                path = f"/v2/core/accounts/{account.json()['id']}"
                for n in range(10_000):
                    if stop.is_set():
                        return
                    http.post(path, json={"display_name": f"w{worker}-{n}"})
            except (httpx.TransportError, KeyError, ValueError):
                return  # the server died under us

    threads = [threading.Thread(target=burst, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    assert receiver.wait_for(lambda got: len(got) >= 20)  # deliveries are flowing
    kill_server(server)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    before_restart = receiver.accepted_ids()

    restarted = start_server(tmp_path / "data", database_url, env=env)
    try:
        client = sdk(restarted)
        committed = {
            event.id
            for event in client.v2.core.events.list(
                {"types": [CREATED, UPDATED], "limit": 100}
            ).auto_paging_iter()
        }
        assert receiver.wait_for(
            lambda got: committed <= {d.event["id"] for d in got if d.status == 200}, within=30
        ), f"{len(committed - receiver.accepted_ids())} of {len(committed)} never arrived"
        delivered = receiver.accepted_ids()
        assert delivered <= committed, "a delivered event id the server never committed"
        assert before_restart  # some had arrived before the kill, the rest after
        ids = [d.event["id"] for d in receiver.accepted()]
        print(
            f"committed {len(committed)}, delivered before the kill {len(before_restart)}, "
            f"posts {len(ids)} ({len(ids) - len(set(ids))} again after the restart)"
        )
    finally:
        stop_server(restarted)


def test_several_workers_share_the_deliveries_and_never_send_one_twice(
    tmp_path: Path, database_url: str | None, receiver: Receiver
) -> None:
    # the server only records: the standalone workers deliver
    server = start_server(tmp_path / "data", database_url, env={"GANGWAY_DELIVERIES": "false"})
    workers: list[subprocess.Popen[bytes]] = []
    try:
        destination, _ = endpoint(sdk(server), receiver, [PING])
        storage = ["--database-url", database_url] if database_url else []
        environment = {**os.environ, **FAST, "GANGWAY_DATA_DIR": str(server.data_dir)}
        logs = [tmp_path / f"worker-{n}.log" for n in range(3)]
        for log in logs:
            with open(log, "wb") as handle:
                workers.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "gangway.cli.main",
                            "worker",
                            "--interval",
                            "5",
                            *storage,
                        ],
                        env=environment,
                        stdout=subprocess.DEVNULL,
                        stderr=handle,
                    )
                )
        # all three are up (each says so once it has its database), so all three compete
        assert _eventually(lambda: all(b"sweeping" in log.read_bytes() for log in logs))
        headers = {"Authorization": f"Bearer {server.test_key}"}

        def pings(count: int) -> list[str]:
            with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
                url = f"/v2/core/event_destinations/{destination}/ping"
                return [http.post(url).raise_for_status().json()["id"] for _ in range(count)]

        sent: list[str] = []
        threads = [threading.Thread(target=lambda: sent.extend(pings(40))) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert receiver.wait_for(lambda got: len(got) >= len(sent), within=20)
        assert quiet_for(receiver, 0.5)
        ids = [d.event["id"] for d in receiver.deliveries]
        assert sorted(ids) == sorted(sent)  # each exactly once
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = []
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                codes.append(worker.wait(timeout=10))
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        stop_server(server)
    assert codes == [0, 0, 0]  # SIGTERM is a clean stop


def _eventually(check: Callable[[], bool], within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
