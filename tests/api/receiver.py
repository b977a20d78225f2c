"""A webhook endpoint for tests: a threaded ``http.server`` on 127.0.0.1 that records every
request's raw body and headers and answers with scripted status codes. It can go down (the port
refuses connections) and come back on the same port."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

__all__ = ["Delivery", "Receiver", "receiving"]


@dataclass(frozen=True)
class Delivery:
    body: bytes
    headers: dict[str, str]
    """Lower-cased names."""
    status: int
    """What the receiver answered."""
    at: float

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = orjson.loads(self.body)
        return parsed

    @property
    def signature(self) -> str:
        return self.headers["stripe-signature"]


class Receiver:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._script: deque[int] = deque()
        self.status = 200
        """Answered once the script has run out."""
        self.delay = 0.0
        """Seconds to wait before answering (a slow receiver)."""
        self.reply: bytes | None = None
        """The answer's body; by default a short one that depends on the status."""
        self.headers: dict[str, str] = {}
        """Sent with every answer (a ``Location``, say)."""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks"

    def answer(self, *statuses: int) -> None:
        """The next requests get these statuses, in order."""
        with self._lock:
            self._script.extend(statuses)

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                declared = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(declared)
                if len(body) < declared:
                    return  # the sender died mid-request: nothing was delivered
                with receiver._lock:
                    status = receiver._script.popleft() if receiver._script else receiver.status
                    receiver._deliveries.append(
                        Delivery(
                            body=body,
                            headers={k.lower(): v for k, v in self.headers.items()},
                            status=status,
                            at=time.monotonic(),
                        )
                    )
                if receiver.delay:
                    time.sleep(receiver.delay)
                answer = receiver.reply or (
                    b'{"received": true}' if status < 300 else b"receiver says no"
                )
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256  # the default 5 drops bursts of connections

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (timed out) while we answered: expected here

        server = Server(("127.0.0.1", self.port), Handler)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Stop listening: connections to the port are refused until ``up``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    def accepted(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status < 300]

    def accepted_ids(self) -> set[str]:
        return {d.event["id"] for d in self.accepted()}

    def wait_for(self, check: Callable[[list[Delivery]], bool], within: float = 10.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if check(self.deliveries):
                return True
            time.sleep(0.02)
        return check(self.deliveries)

    def wait_for_types(self, types: set[str], within: float = 10.0) -> bool:
        return self.wait_for(lambda got: types <= {d.event["type"] for d in got}, within)


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.up()
    try:
        yield receiver
    finally:
        receiver.down()
