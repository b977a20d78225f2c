"""Slow and greedy clients over real sockets: head deadlines, keep-alive, the connection cap and
over-long heads, against ``gangway serve`` started with small limits.

Every wait is bounded (a socket timeout or a loop deadline) so a regression fails instead of
hanging; nothing asserts how long anything took.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import stripe

from tests.api.conftest import sdk
from tests.conftest import RunningServer, start_server, stop_server

HEADER_TIMEOUT = 0.5
KEEP_ALIVE = 0.3
CAP = 3
GIVE_UP = 10.0
"""Far past every limit under test: reaching it means the server kept the connection."""


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Short head deadline and keep-alive, default cap and head size."""
    running = start_server(
        tmp_path_factory.mktemp("gangway-quick"),
        env={
            "GANGWAY_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
            "GANGWAY_KEEP_ALIVE_SECONDS": str(KEEP_ALIVE),
        },
    )
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Few connections, and deadlines long enough that held ones stay open for the test."""
    running = start_server(
        tmp_path_factory.mktemp("gangway-capped"),
        env={
            "GANGWAY_MAX_CONNECTIONS": str(CAP),
            "GANGWAY_HEADER_TIMEOUT_SECONDS": "60",
            "GANGWAY_KEEP_ALIVE_SECONDS": "60",
        },
    )
    try:
        yield running
    finally:
        stop_server(running)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def error(self) -> dict[str, object]:
        assert self.headers["content-type"] == "application/json"
        error: dict[str, object] = json.loads(self.body)["error"]
        return error


def connect(server: RunningServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=GIVE_UP)
    return sock


def read_until_closed(sock: socket.socket, within: float = GIVE_UP) -> bytes:
    """Everything the server sends until it closes; a socket timeout fails the test."""
    sock.settimeout(within)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body)


def request_on(sock: socket.socket, path: str = "/_gangway/health") -> Answer:
    """One keep-alive request; reads exactly its answer (Content-Length framed)."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: gangway.test\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, "the server closed instead of answering"
        received += chunk
    answer = parse(received)
    while len(answer.body) < int(answer.headers["content-length"]):
        answer = parse(received := received + sock.recv(65536))
    return answer


# head deadline and keep-alive ---------------------------------------------------------------


def test_an_idle_connection_is_closed_after_the_header_timeout(quick: RunningServer) -> None:
    with connect(quick) as sock:
        assert read_until_closed(sock) == b""  # closed, and nothing was asked: no answer


@pytest.mark.parametrize("first", ["fresh", "after_a_request"])
def test_a_head_sent_a_byte_at_a_time_is_cut_off_at_the_deadline(
    quick: RunningServer, first: str
) -> None:
    """Slowloris: the client never stops sending, yet the deadline holds, on a new connection
    and on one kept alive after an answer."""
    trickle = b"GET /_gangway/health HTTP/1.1\r\nHost: gangway.test\r\nX-Slow: "
    received = b""
    with connect(quick) as sock:
        if first == "after_a_request":
            assert request_on(sock).status == 200
        sock.settimeout(0.05)
        give_up = time.monotonic() + GIVE_UP
        sent = 0
        while time.monotonic() < give_up:
            try:
                sock.sendall(trickle[sent : sent + 1] if sent < len(trickle) else b"a")
                sent += 1
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            received += chunk
            if not chunk:
                break
        else:
            pytest.fail(f"still open after {GIVE_UP} s of trickling")
        received += read_until_closed(sock)
    answer = parse(received)
    assert answer.status == 408
    assert answer.headers["connection"] == "close"
    assert answer.error() == {
        "type": "invalid_request_error",
        "code": "request_timeout",
        "message": "The request's headers did not arrive in time.",
    }


def test_a_kept_alive_connection_serves_requests_then_closes_when_idle(
    quick: RunningServer,
) -> None:
    with connect(quick) as sock:
        assert request_on(sock).status == 200
        assert request_on(sock).status == 200  # the same connection, kept alive
        # ten times the setting, yet half of uvicorn's own 5 s: the setting is what applies
        assert read_until_closed(sock, within=KEEP_ALIVE * 10) == b""


def test_pipelined_requests_are_all_answered(quick: RunningServer) -> None:
    with connect(quick) as sock:
        sock.sendall(
            b"GET /_gangway/health HTTP/1.1\r\nHost: gangway.test\r\n\r\n"
            b"GET /_gangway/health HTTP/1.1\r\nHost: gangway.test\r\nConnection: close\r\n\r\n"
        )
        received = read_until_closed(sock)
    assert received.count(b"HTTP/1.1 200 OK") == 2


def test_the_sdk_is_unaffected_by_the_short_limits(quick: RunningServer) -> None:
    client = sdk(quick)
    account = client.v2.core.accounts.create({"display_name": "Quick"})
    assert client.v2.core.accounts.retrieve(account.id).display_name == "Quick"


# over-long heads --------------------------------------------------------------------------


def test_a_70_kb_url_gets_a_414_in_stripes_envelope(quick: RunningServer) -> None:
    with connect(quick) as sock:
        sock.sendall(
            b"GET /v2/core/accounts?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: gangway.test\r\n"
            b"Authorization: Bearer " + quick.test_key.encode() + b"\r\n\r\n"
        )
        answer = parse(read_until_closed(sock))
    assert answer.status == 414
    assert answer.headers["request-id"].startswith("req_")
    error = answer.error()
    assert (error["type"], error["code"]) == ("invalid_request_error", "url_too_long")


def test_a_70_kb_url_through_the_sdk_is_an_api_error_with_the_code(quick: RunningServer) -> None:
    with pytest.raises(stripe.APIError) as raised:
        sdk(quick).v2.core.accounts.retrieve("acct_" + "a" * 70_000)
    assert raised.value.http_status == 414
    assert raised.value.error is not None
    assert raised.value.error.code == "url_too_long"


def test_a_70_kb_header_gets_a_431_in_stripes_envelope(quick: RunningServer) -> None:
    response = httpx.get(
        quick.url + "/v2/core/accounts",
        headers={"Authorization": f"Bearer {quick.test_key}", "X-Padding": "a" * 70_000},
        timeout=GIVE_UP,
    )
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", "headers_too_large")


def test_a_head_httptools_cannot_parse_gets_a_400_in_stripes_envelope(
    quick: RunningServer,
) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /v2 /core HTTP/1.1\r\nHost: gangway.test\r\n\r\n")
        answer = parse(read_until_closed(sock))
    assert answer.status == 400
    assert answer.error()["type"] == "invalid_request_error"


# connection cap ---------------------------------------------------------------------------


def held_connection(server: RunningServer) -> socket.socket:
    """A connection the server has accepted and answered on (retried while connections of the
    start-up health checks are still being closed)."""
    give_up = time.monotonic() + GIVE_UP
    while True:
        sock = connect(server)
        answer = request_on(sock)
        if answer.status == 200:
            return sock
        sock.close()
        assert answer.status == 429 and time.monotonic() < give_up
        time.sleep(0.05)


def test_beyond_the_cap_a_connection_gets_429_while_held_ones_work(
    capped: RunningServer,
) -> None:
    held = [held_connection(capped) for _ in range(CAP)]
    try:
        with connect(capped) as extra:
            extra.sendall(b"GET /_gangway/health HTTP/1.1\r\nHost: gangway.test\r\n\r\n")
            answer = parse(read_until_closed(extra))
        assert answer.status == 429
        assert answer.headers["stripe-should-retry"] == "true"
        assert answer.error()["type"] == "rate_limit"
        assert all(request_on(sock).status == 200 for sock in held)
    finally:
        for sock in held:
            sock.close()
    # the slots are free again once the server has seen those connections close
    held_connection(capped).close()


# workers ------------------------------------------------------------------------------------


def test_every_worker_process_applies_the_limits(tmp_path: Path) -> None:
    running = start_server(tmp_path / "data", workers=2)
    try:
        answers = []
        for _ in range(6):  # the kernel spreads connections over both workers
            with connect(running) as sock:
                sock.sendall(b"GET /?" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: gangway.test\r\n\r\n")
                answers.append(parse(read_until_closed(sock)))
        assert {(a.status, a.headers["content-type"]) for a in answers} == {
            (414, "application/json")
        }
    finally:
        stop_server(running)
