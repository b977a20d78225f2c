"""``gangway listen`` against a real Gangway: events caused through the SDK reach a local endpoint,
signed so that the SDK's own ``parse_event_notification`` accepts them."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import stripe

from gangway.cli.listen import EventFeed, signing_secret, thin_notification
from gangway.cli.main import main
from gangway.core.clock import from_rfc3339
from gangway.webhooks.signing import signature_header
from tests.conftest import RunningServer, free_port, start_server, stop_server

WAIT_SECONDS = 8.0


@dataclass
class Delivery:
    path: str
    signature: str
    body: str


@dataclass
class Receiver:
    """A local webhook endpoint that records every POST and answers 200."""

    server: ThreadingHTTPServer
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(delivery.body) for delivery in list(self.deliveries)]


@contextlib.contextmanager
def receiver(port: int = 0) -> Iterator[Receiver]:
    deliveries: list[Delivery] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            deliveries.append(Delivery(self.path, self.headers["Stripe-Signature"], body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(server, deliveries)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Listener:
    process: subprocess.Popen[str]
    lines: list[str]
    secret: str
    stderr: str = ""

    def output(self) -> str:
        return "\n".join(self.lines)


@contextlib.contextmanager
def listen(gangway: RunningServer, *args: str) -> Iterator[Listener]:
    command = [sys.executable, "-m", "gangway.cli.main", "listen", "--url", gangway.url]
    command += ["--api-key", gangway.test_key, *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    listener = Listener(process, [], "")

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            listener.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(line.startswith("Ready!") for line in listener.lines), "Ready")
        ready = next(line for line in listener.lines if line.startswith("Ready!"))
        listener.secret = next(word for word in ready.split() if word.startswith("whsec_"))
        yield listener
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        with process.stderr:
            listener.stderr = process.stderr.read()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def gangway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(tmp_path_factory.mktemp("gangway"))
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def client(gangway: RunningServer) -> stripe.StripeClient:
    return stripe.StripeClient(gangway.test_key, base_addresses={"api": gangway.url})


def create_account(client: stripe.StripeClient) -> str:
    account = client.v2.core.accounts.create(
        {
            "display_name": "Jenny Rosen",
            "contact_email": "jenny@example.com",
            "identity": {"country": "us", "entity_type": "individual"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    return account.id


def update_account(client: stripe.StripeClient, account_id: str) -> None:
    """A change to identity: requirements move too, so several events."""
    client.v2.core.accounts.update(
        account_id, {"identity": {"individual": {"given_name": "Jenny", "surname": "Rosen"}}}
    )


def account_events(client: stripe.StripeClient, account_id: str) -> list[Any]:
    return list(client.v2.core.events.list({"object_id": account_id}).data)


def test_events_are_forwarded_signed_once_each(
    gangway: RunningServer, client: stripe.StripeClient
) -> None:
    before = create_account(client)  # recorded before listen starts: never forwarded
    with receiver() as endpoint, listen(gangway, "--forward-to", endpoint.url) as listener:
        account_id = create_account(client)
        update_account(client, account_id)
        expected = {event.id: event.type for event in account_events(client, account_id)}
        assert "v2.core.account[requirements].updated" in expected.values()
        wait_for(
            lambda: {body["id"] for body in endpoint.bodies()} >= set(expected),
            "every event to arrive",
        )
        wait_for(
            lambda: sum("<-- [200]" in line for line in listener.lines) >= len(expected),
            "the responses to be printed",
        )
        time.sleep(0.6)  # a couple more polls: nothing may arrive twice
        deliveries = list(endpoint.deliveries)

        ids = [json.loads(delivery.body)["id"] for delivery in deliveries]
        assert len(ids) == len(set(ids))
        assert set(ids) == set(expected)  # nothing from `before`, nothing twice
        for delivery in deliveries:
            assert delivery.path == "/webhooks"
            notification = client.parse_event_notification(
                delivery.body, delivery.signature, listener.secret
            )
            assert notification.type == expected[notification.id]
            body = json.loads(delivery.body)
            assert "data" not in body and body["object"] == "v2.core.event"
            assert body["related_object"]["id"] == account_id
            if notification.type == "v2.core.account[requirements].updated":
                assert notification.fetch_related_object().id == account_id
        with pytest.raises(stripe.SignatureVerificationError):
            client.parse_event_notification(deliveries[0].body, deliveries[0].signature, "whsec_x")

        output = listener.output()
        for event_id, event_type in expected.items():
            assert f"  --> {event_type} [{event_id}]" in output
            assert f"  <-- [200] POST {endpoint.url} [{event_id}]" in output
        assert before not in output

    assert listener.secret == signing_secret(gangway.test_key)  # the same on every run
    assert listener.process.returncode == 0  # Ctrl-C is a clean exit
    assert "Traceback" not in listener.stderr


def test_print_secret_prints_the_secret_listen_uses(
    gangway: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["listen", "--print-secret", "--api-key", gangway.test_key]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret == signing_secret(gangway.test_key)
    assert secret.startswith("whsec_") and gangway.test_key not in secret


def test_a_down_endpoint_is_reported_and_listen_keeps_going(
    gangway: RunningServer, client: stripe.StripeClient
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/webhooks"
    with listen(gangway, "--forward-to", url, "--events", "v2.core.account.created") as listener:
        first = create_account(client)
        wait_for(lambda: f"<-- [ERROR] POST {url}" in listener.output(), "the error line")
        assert "--> v2.core.account.created [" in listener.output()
        with receiver(port) as endpoint:  # the endpoint comes up: the next event goes through
            second = create_account(client)
            wait_for(lambda: len(endpoint.deliveries) == 1, "the second delivery")
            delivered = client.parse_event_notification(
                endpoint.deliveries[0].body, endpoint.deliveries[0].signature, listener.secret
            )
        assert delivered.type == "v2.core.account.created"
        assert delivered.related_object.id == second
        wait_for(lambda: f"<-- [200] POST {url}" in listener.output(), "the 200 line")
        assert listener.process.poll() is None
        assert first != second


def test_the_feed_pages_and_polls_without_missing_or_repeating(
    gangway: RunningServer, client: stripe.StripeClient
) -> None:
    headers = {"Authorization": f"Bearer {gangway.test_key}"}
    with httpx.Client(base_url=gangway.url, headers=headers, timeout=10) as api:

        def now_ms() -> int:
            return from_rfc3339(api.get("/_gangway/test_clock").json()["now"])

        feed = EventFeed(api, now_ms, page_limit=2)  # every poll spans several pages
        create_account(client)  # before start(): not returned
        feed.start()
        accounts = [create_account(client) for _ in range(2)]
        first = feed.poll()
        update_account(client, accounts[0])
        second = feed.poll()
        update_account(client, accounts[1])
        third = feed.poll()
        assert feed.poll() == []

    returned = [event["id"] for event in first + second + third]
    expected = {event.id for account in accounts for event in account_events(client, account)}
    assert len(returned) == len(set(returned))
    assert set(returned) == expected
    assert len(expected) > 6
    created = [from_rfc3339(event["created"]) for event in third]
    assert created == sorted(created)  # oldest first


def test_the_signature_and_body_follow_the_sdk() -> None:
    event = {
        "id": "evt_test_1",
        "object": "v2.core.event",
        "type": "v2.core.account_link.returned",
        "created": "2026-01-01T00:00:00.000Z",
        "livemode": False,
        "context": None,
        "reason": None,
        "related_object": None,
        "data": {"account_id": "acct_1"},
        "changes": None,
    }
    body = thin_notification(event)
    assert list(body) == ["id", "object", "type", "created", "livemode", "context", "reason"]
    payload = json.dumps(body)
    secret = "whsec_test"
    timestamp = int(time.time())
    header = signature_header(payload.encode(), secret, timestamp)
    assert header == stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    assert stripe.WebhookSignature.verify_header(payload, header, secret)


def test_v1_snapshot_events_are_forwarded_whole_with_v1(
    gangway: RunningServer, client: stripe.StripeClient
) -> None:
    """``--v1``: the v1 view's events too, each the whole v1 Event, which stripe-python's v1
    ``Webhook.construct_event`` accepts; ``--events`` names split between the two feeds."""
    with (
        receiver() as endpoint,
        listen(
            gangway,
            "--forward-to",
            endpoint.url,
            "--v1",
            "--events",
            "account.updated,v2.core.account.updated",
        ) as listener,
    ):
        account_id = create_account(client)
        client.v1.accounts.update(account_id, {"metadata": {"source": "listen"}})
        wait_for(
            lambda: (
                {json.loads(d.body)["type"] for d in endpoint.deliveries}
                >= {"account.updated", "v2.core.account.updated"}
            ),
            "a v1 and a v2 event to arrive",
        )
        time.sleep(0.6)
        bodies = [json.loads(d.body) for d in endpoint.deliveries]
        assert {b["type"] for b in bodies} == {"account.updated", "v2.core.account.updated"}
        snapshot = next(
            d
            for d in endpoint.deliveries
            if json.loads(d.body)["object"] == "event"
            and json.loads(d.body)["account"] == account_id
        )
        event = stripe.Webhook.construct_event(snapshot.body, snapshot.signature, listener.secret)
        assert event.account == account_id
        assert event.data.object.metadata["source"] == "listen"
        assert event.data.previous_attributes["metadata"].to_dict() == {"source": None}
        ids = [b["id"] for b in bodies]
        assert len(ids) == len(set(ids))


def test_the_v1_feed_never_repeats_an_event_across_a_second_boundary(
    gangway: RunningServer, client: stripe.StripeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """v1 asks ``created[gte]`` in whole seconds: an event from just before the overlap's start
    is returned again by the next poll and must still count as seen (a short overlap here, so
    the window crosses seconds within the test)."""
    from gangway.cli import listen as module

    monkeypatch.setattr(module, "OVERLAP_MS", 300)
    headers = {"Authorization": f"Bearer {gangway.test_key}"}
    with httpx.Client(base_url=gangway.url, headers=headers, timeout=10) as api:

        def now_ms() -> int:
            return from_rfc3339(api.get("/_gangway/test_clock").json()["now"])

        feed = EventFeed(api, now_ms, page_limit=2, v1=True)
        feed.start()
        account = create_account(client)
        client.v1.accounts.update(account, {"metadata": {"n": "1"}})
        returned = []
        for _ in range(8):  # polls 0.25 s apart: the overlap's start crosses a second
            returned += [event["id"] for event in feed.poll()]
            time.sleep(0.25)
    assert returned, "the v1 account.updated arrived"
    assert len(returned) == len(set(returned))
