"""Fair delivery, in-process against a SQLite store and real sockets: a dead destination (it
accepts TCP and never answers) holds only its own few slots while another platform's healthy
receiver gets everything; a failing destination's circuit stops the attempts, lets one probe
through when the pause ends, and closes on a success."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gangway.core.keys import KeyPrincipal
from gangway.services import destinations
from gangway.services.context import Call
from gangway.store.repos.keys import KeyRepository
from gangway.store.uow import Store
from gangway.webhooks.circuit import CircuitPolicy
from gangway.webhooks.schedule import RetrySchedule
from tests.api.receiver import Receiver, receiving
from tests.store.test_delivery_worker import run as run_worker

PLATFORM_A = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
PLATFORM_B = KeyPrincipal(platform_id="plat_2", livemode=False, key_id="key_2")
QUICK = RetrySchedule(attempts=1000, base_ms=20, factor=1, cap_ms=20)
NEVER_OPENS = CircuitPolicy(failures_to_open=10_000)


class Blackhole:
    """Accepts every connection and never answers: each attempt runs into the timeout."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self._listener.settimeout(0.05)
        self._held: list[socket.socket] = []
        self._closing = False
        self._lock = threading.Lock()
        self.connections = 0
        self.most_open = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/webhooks"

    def _accept(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError, OSError):
                conn, _ = self._listener.accept()
                with self._lock:
                    self._held.append(conn)
                    self.connections += 1
            with self._lock:  # forget those the worker gave up on
                for conn in list(self._held):
                    conn.setblocking(False)
                    try:
                        closed = conn.recv(65536, socket.MSG_PEEK) == b""
                    except BlockingIOError:
                        closed = False
                    except OSError:
                        closed = True
                    if closed:
                        conn.close()
                        self._held.remove(conn)
                self.most_open = max(self.most_open, len(self._held))

    def close(self) -> None:
        self._closing = True
        self._thread.join()
        for conn in self._held:
            conn.close()
        self._listener.close()


@pytest.fixture()
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole()
    try:
        yield hole
    finally:
        hole.close()


@pytest.fixture()
def two_platforms(store: Store) -> Store:
    with store.database.transaction(write=True) as conn:
        KeyRepository(conn).add_platform("plat_2", "Other", 0)
    return store


def call(principal: KeyPrincipal, clock: Callable[[], int] | None = None) -> Call:
    return Call(
        principal=principal,
        request_id="req_test",
        clock=clock or (lambda: int(time.time() * 1000)),
    )


def destination(store: Store, principal: KeyPrincipal, url: str) -> str:
    params = {
        "name": "d",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": url},
    }
    with store.unit_of_work(write=True) as uow:
        return destinations.create(uow, call(principal), params).id


def owe(store: Store, principal: KeyPrincipal, destination_id: str, count: int) -> set[str]:
    """``count`` pings (one delivery each) in one transaction."""
    with store.unit_of_work(write=True) as uow:
        return {destinations.ping(uow, call(principal), destination_id).id for _ in range(count)}


def delivery_states(store: Store, destination_id: str) -> list[tuple[str, int]]:
    with store.unit_of_work(write=False) as uow:
        records, _ = uow.webhooks.deliveries_page(destination_id, limit=100, cursor=None)
        return [(r.status, len(uow.webhooks.attempts(r.id))) for r in records]


def attempt_count(store: Store, destination_id: str) -> int:
    return sum(attempts for _, attempts in delivery_states(store, destination_id))


def run(
    store: Store,
    until: Callable[[], bool],
    *,
    within: float,
    now_ms: Callable[[], int] | None = None,
    **options: Any,
) -> bool:
    """``test_delivery_worker.run`` with a longer attempt timeout, a schedule that does not run
    out, and an optional clock."""
    if now_ms is not None:
        options["now_ms"] = now_ms
    defaults: dict[str, Any] = {"timeout_seconds": 5.0, "test_schedule": QUICK}
    return run_worker(store, until, within=within, **{**defaults, **options})


def test_a_dead_destination_delays_only_itself(two_platforms: Store, blackhole: Blackhole) -> None:
    store = two_platforms
    with receiving() as healthy:
        dead_id = destination(store, PLATFORM_A, blackhole.url)
        healthy_id = destination(store, PLATFORM_B, healthy.url)
        owe(store, PLATFORM_A, dead_id, 40)  # owed first: the oldest deliveries are the dead's
        expected = owe(store, PLATFORM_B, healthy_id, 40)
        arrived = run(
            store,
            lambda: healthy.accepted_ids() >= expected,
            within=8,
            per_destination=2,
            circuit=NEVER_OPENS,
        )
        assert arrived, f"{len(healthy.accepted_ids())} of 40 arrived"
        assert healthy.accepted_ids() == expected
        # the dead destination held two connections, not the worker's eight, and its first
        # attempts were still waiting for their timeout when the other platform had everything
        assert blackhole.most_open <= 2 and blackhole.connections <= 2
        assert delivery_states(store, dead_id) == [("pending", 0)] * 40
        assert all(status == "succeeded" for status, _ in delivery_states(store, healthy_id))


def test_a_destination_that_is_not_at_its_limit_is_claimed_again_at_once(
    store: Store, receiver: Receiver
) -> None:
    """A queue held back only by its per-destination limit is claimed as soon as its attempts
    finish, not at the next poll (polling once a minute here)."""
    receiver_id = destination(store, PLATFORM_A, receiver.url)
    expected = owe(store, PLATFORM_A, receiver_id, 30)
    assert run(
        store,
        lambda: receiver.accepted_ids() >= expected,
        within=8,
        per_destination=2,
        poll_seconds=60,
    )


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


class Clock:
    """The worker's clock, moved by the test: pauses end when the test says so."""

    def __init__(self) -> None:
        self.offset_ms = 0

    def __call__(self) -> int:
        return int(time.time() * 1000) + self.offset_ms


def test_the_circuit_pauses_a_failing_destination_then_probes_it_once(store: Store) -> None:
    refused = destination(store, PLATFORM_A, "http://127.0.0.1:9/nobody-listens")
    owe(store, PLATFORM_A, refused, 20)
    policy = CircuitPolicy(failures_to_open=3, first_pause_ms=600_000, longest_pause_ms=600_000)
    clock = Clock()
    options: dict[str, Any] = {"per_destination": 1, "circuit": policy, "now_ms": clock}
    # without the circuit, 20 deliveries retried every 20 ms would be hundreds of attempts
    assert not run(store, lambda: attempt_count(store, refused) > 3, within=1.0, **options)
    assert attempt_count(store, refused) == 3
    with store.unit_of_work(write=False) as uow:
        opened = uow.webhooks.circuit(refused)
    assert opened.pauses == 1 and opened.failures == 3

    clock.offset_ms = 600_000  # the pause is over: one probe, which fails, and a longer pause
    assert not run(store, lambda: attempt_count(store, refused) > 4, within=1.0, **options)
    assert attempt_count(store, refused) == 4
    with store.unit_of_work(write=False) as uow:
        assert uow.webhooks.circuit(refused).pauses == 2


def test_a_successful_probe_closes_the_circuit_and_the_queue_drains(
    store: Store, receiver: Receiver
) -> None:
    receiver.status = 500
    flaky = destination(store, PLATFORM_A, receiver.url)
    expected = owe(store, PLATFORM_A, flaky, 10)
    policy = CircuitPolicy(failures_to_open=2, first_pause_ms=600_000, longest_pause_ms=600_000)
    clock = Clock()
    options: dict[str, Any] = {"per_destination": 1, "circuit": policy, "now_ms": clock}
    assert not run(store, lambda: len(receiver.deliveries) > 2, within=0.6, **options)
    assert len(receiver.deliveries) == 2
    receiver.status = 200
    clock.offset_ms = 600_000
    assert run(store, lambda: receiver.accepted_ids() >= expected, within=5, **options)
    with store.unit_of_work(write=False) as uow:
        assert uow.webhooks.circuit(flaky).pauses == 0
