"""``--create-destination`` in v1 mode (``v1_webhooks.ensure_endpoint``) against a fake
``/v1/webhook_endpoints``: what the platform sends through stripe-python, and when it reuses,
replaces or recreates its endpoint. The same against Gangway is in ``test_platform_v1.py``
(skipped until Gangway serves the route)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import stripe
from examples.platform.v1_webhooks import ensure_endpoint


class FakeEndpoints(ThreadingHTTPServer):
    """Stripe's webhook endpoint routes, in memory; ``calls`` logs each (method, path, form)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, dict[str, str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeEndpoints

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def answer(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def handle_call(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        self.server.calls.append((self.command, self.path, form))
        endpoints, prefix = self.server.endpoints, "/v1/webhook_endpoints"
        endpoint_id = self.path[len(prefix) + 1 :]
        if self.command == "POST" and self.path == prefix:
            created = {
                "id": f"we_test_{len(self.server.calls)}",
                "object": "webhook_endpoint",
                "url": form["url"],
                "enabled_events": [v for k, v in sorted(form.items()) if k.startswith("enabled")],
                "status": "enabled",
            }
            endpoints[created["id"]] = created
            return self.answer(200, {**created, "secret": f"whsec_{created['id']}"})
        if endpoint_id not in endpoints:
            error = {"type": "invalid_request_error", "code": "resource_missing"}
            return self.answer(404, {"error": {**error, "message": "No such webhook endpoint"}})
        if self.command == "DELETE":
            del endpoints[endpoint_id]
            return self.answer(
                200, {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}
            )
        return self.answer(200, endpoints[endpoint_id])

    do_GET = do_POST = do_DELETE = handle_call


@pytest.fixture
def fake() -> Iterator[FakeEndpoints]:
    server = FakeEndpoints()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_ensure_endpoint_creates_once_reuses_and_replaces(
    fake: FakeEndpoints, tmp_path: Path
) -> None:
    client = stripe.StripeClient("sk_test_fake", base_addresses={"api": fake.url})
    secret = ensure_endpoint(client, "http://127.0.0.1:8000", tmp_path)
    saved = json.loads((tmp_path / "webhook_endpoint.json").read_text())
    method, path, form = fake.calls[0]
    assert (method, path) == ("POST", "/v1/webhook_endpoints")
    assert form["url"] == "http://127.0.0.1:8000/webhooks" == saved["url"]
    assert form["enabled_events[0]"] == "account.updated"
    assert form["connect"] == "true"  # events about connected accounts
    assert secret == saved["secret"] == f"whsec_{saved['id']}"
    assert (tmp_path / "webhook_endpoint.json").stat().st_mode & 0o077 == 0

    assert ensure_endpoint(client, "http://127.0.0.1:8000/", tmp_path) == secret  # same URL
    assert [call[0] for call in fake.calls] == ["POST", "GET"]

    moved = ensure_endpoint(client, "http://127.0.0.1:8001", tmp_path)
    assert [call[0] for call in fake.calls] == ["POST", "GET", "GET", "DELETE", "POST"]
    assert moved != secret and list(fake.endpoints) != [saved["id"]]
    assert len(fake.endpoints) == 1

    fake.endpoints.clear()  # a fresh Gangway: the saved endpoint is gone
    recreated = ensure_endpoint(client, "http://127.0.0.1:8001", tmp_path)
    assert recreated not in (secret, moved) and len(fake.endpoints) == 1
