"""The delivery worker in-process, against a SQLite store and a local receiver: timeouts, a
slow receiver that must not hold back the others, the end of a schedule, what is kept of an
answer, wake-ups from any thread, and recording that survives a vanished row."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from gangway.core.keys import KeyPrincipal
from gangway.services import destinations
from gangway.services.context import Call
from gangway.store.repos.webhooks import Attempt
from gangway.store.uow import Store
from gangway.webhooks.schedule import RetrySchedule
from gangway.webhooks.signing import signature_header
from gangway.webhooks.transport import encode_request
from gangway.webhooks.worker import _HEADERS, DeliveryWorker
from tests.api.receiver import Receiver, receiving

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
QUICK = RetrySchedule(attempts=3, base_ms=20, factor=1, cap_ms=20)


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def call() -> Call:
    return Call(principal=PRINCIPAL, request_id="req_test", clock=lambda: int(time.time() * 1000))


def destination(store: Store, url: str) -> str:
    params = {
        "name": "d",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": url},
    }
    with store.unit_of_work(write=True) as uow:
        return destinations.create(uow, call(), params).id


def ping(store: Store, destination_id: str) -> str:
    with store.unit_of_work(write=True) as uow:
        return destinations.ping(uow, call(), destination_id).id


def deliveries(store: Store, destination_id: str) -> list[Any]:
    with store.unit_of_work(write=False) as uow:
        records, _ = uow.webhooks.deliveries_page(destination_id, limit=100, cursor=None)
        return [(r, uow.webhooks.attempts(r.id)) for r in records]


def run(
    store: Store,
    until: Callable[[], bool],
    *,
    within: float = 5.0,
    during: Callable[[], None] | None = None,
    **options: Any,
) -> bool:
    """Run a worker until ``until()`` holds (or ``within`` seconds); ``during`` runs in a
    thread once the worker is up."""
    settings: dict[str, Any] = {
        "timeout_seconds": 2.0,
        "concurrency": 8,
        "poll_seconds": 0.02,
        "lease_seconds": 1.0,
        "test_schedule": QUICK,
        "skip_locked": False,
        **options,
    }

    async def main() -> bool:
        worker = DeliveryWorker(store, **settings)
        store.on_deliveries = worker.wake
        task = asyncio.create_task(worker.run())
        if during is not None:
            await asyncio.sleep(0.05)
            await asyncio.to_thread(during)
        deadline = time.monotonic() + within
        while not until() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        store.on_deliveries = None
        return until()

    return asyncio.run(main())


def test_a_slow_receiver_times_out_without_holding_back_the_others(store: Store) -> None:
    with receiving() as slow, receiving() as fast:
        slow.delay = 1.5
        slow_id, fast_id = destination(store, slow.url), destination(store, fast.url)
        ping(store, slow_id)
        ping(store, fast_id)
        started = time.monotonic()
        assert run(store, lambda: bool(fast.deliveries), timeout_seconds=0.4, within=1)
        assert fast.deliveries[0].at - started < 0.3  # not after the slow one's timeout
        assert run(
            store, lambda: bool(deliveries(store, slow_id)[0][1]), timeout_seconds=0.4, within=2
        )
    record, attempts = deliveries(store, slow_id)[0]
    assert record.status == "pending" and record.attempts >= 1
    assert attempts[0].error == "timeout: no complete answer within 0.4 s"
    assert attempts[0].status_code is None and 350 <= attempts[0].latency_ms < 1500


def test_a_delivery_fails_when_its_schedule_runs_out(store: Store, receiver: Receiver) -> None:
    receiver.status = 500
    destination_id = destination(store, receiver.url)
    ping(store, destination_id)
    assert run(store, lambda: deliveries(store, destination_id)[0][0].status == "failed")
    (record, attempts) = deliveries(store, destination_id)[0]
    assert record.attempts == 3 and [a.status_code for a in attempts] == [500, 500, 500]
    assert len(receiver.deliveries) == 3


def test_only_the_start_of_an_answer_is_kept(store: Store, receiver: Receiver) -> None:
    receiver.reply = "é".encode() * 3000
    destination_id = destination(store, receiver.url)
    ping(store, destination_id)
    assert run(store, lambda: deliveries(store, destination_id)[0][0].status == "succeeded")
    ((_, (attempt,)),) = deliveries(store, destination_id)
    assert attempt.response_body == "é" * 1000


def test_a_refused_connection_is_a_failed_attempt(store: Store) -> None:
    destination_id = destination(store, "http://127.0.0.1:9/nobody-listens")
    ping(store, destination_id)
    assert run(store, lambda: deliveries(store, destination_id)[0][0].status == "failed")
    (_, attempts) = deliveries(store, destination_id)[0]
    assert all(a.error == "could not connect" and a.status_code is None for a in attempts)


def test_a_commit_in_another_thread_wakes_the_worker(store: Store, receiver: Receiver) -> None:
    destination_id = destination(store, receiver.url)
    committed: list[float] = []

    def commit() -> None:
        ping(store, destination_id)
        committed.append(time.monotonic())

    # polling once a minute: only the wake-up can deliver within the test
    assert run(store, lambda: bool(receiver.deliveries), poll_seconds=60, during=commit)
    assert receiver.deliveries[0].at - committed[0] < 0.5


def test_outcomes_of_deliveries_deleted_meanwhile_are_skipped(store: Store) -> None:
    destination_id = destination(store, "http://127.0.0.1:9/")
    ping(store, destination_id)
    now = int(time.time() * 1000)
    with store.unit_of_work(write=True) as uow:
        (claimed,) = uow.webhooks.claim(now, lease_ms=1000, limit=10, skip_locked=False)

    def attempt(delivery_id: str, suffix: str) -> Attempt:
        return Attempt(f"dlat_{suffix}", delivery_id, now, 200, None, 3, "ok")

    with store.unit_of_work(write=True) as uow:
        uow.webhooks.record_attempts(
            [
                (attempt("dlv_test_gone", "1"), "succeeded", None),
                (attempt(claimed.delivery_id, "2"), "succeeded", None),
            ],
            now,
        )
    ((record, attempts),) = deliveries(store, destination_id)
    assert record.status == "succeeded" and [a.id for a in attempts] == ["dlat_2"]


def test_wake_before_the_worker_runs_is_harmless(store: Store) -> None:
    worker = DeliveryWorker(
        store,
        timeout_seconds=1,
        concurrency=1,
        poll_seconds=1,
        lease_seconds=1,
        test_schedule=QUICK,
        skip_locked=False,
    )
    threading.Thread(target=worker.wake).start()
    worker.wake()


def test_the_request_on_the_wire_is_what_httpx_would_send_and_verifies(store: Store) -> None:
    """The worker writes each request's bytes itself (a head per URL, then the signature, the
    length and the body): they must be exactly httpx's, with one Content-Length, and signed."""
    seen: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            seen.append(head + b"\r\n\r\n" + body)
            conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/hooks?tenant=a"
    destination_id = destination(store, url)
    ping(store, destination_id)
    assert run(store, lambda: deliveries(store, destination_id)[0][0].status == "succeeded")
    thread.join(timeout=5)
    server.close()
    (raw,) = seen
    head, _, body = raw.partition(b"\r\n\r\n")
    signature = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])[b"Stripe-Signature"]
    expected = httpx.Request(
        "POST",
        url,
        headers=[*_HEADERS, (b"Stripe-Signature", signature)],
        content=body,
    )
    assert raw == encode_request(expected, body)
    assert head.lower().count(b"content-length") == 1
    with store.unit_of_work(write=False) as uow:
        record = uow.webhooks.destination(PRINCIPAL, destination_id)
    assert record is not None
    stamp = int(signature.split(b",")[0].removeprefix(b"t="))
    assert signature.decode() == signature_header(body, record.document["signing_secret"], stamp)
