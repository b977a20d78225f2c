"""The transport under the egress policy: it resolves names itself, checks every address, and
connects only to an address it checked, so a name that resolves somewhere else at delivery time
(DNS rebinding) reaches nothing; connections are never lent across modes; redirects are answers,
not instructions; every way of failing to connect reads the same."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpx
import pytest
from tests.unit.webhooks.test_webhook_transport import OK, _read_request, serve, serve_async

from gangway.webhooks.egress import EgressPolicy, IPAddress
from gangway.webhooks.transport import (
    CONNECTED,
    COULD_NOT_CONNECT,
    LIVEMODE,
    EgressRefused,
    KeepAliveTransport,
)

POLICY = EgressPolicy()


class StubResolver:
    """Answers from a table, the way a hostile DNS server would, and counts the questions."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(text) for text in self.table[host]]


async def post(transport: KeepAliveTransport, url: str, *, livemode: bool) -> httpx.Response:
    request = httpx.Request("POST", url, content=b'{"id":"evt_1"}', extensions={LIVEMODE: livemode})
    return await transport.handle_async_request(request)


async def answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await _read_request(reader)
        writer.write(OK)


def test_a_name_resolving_to_a_refused_address_at_connect_time_is_refused_unconnected() -> None:
    async def test(url: str, connections: list[int]) -> None:
        port = httpx.URL(url).port
        resolver = StubResolver(
            {
                "hooks.example": ["127.0.0.1"],  # was public when the destination was created
                "mixed.example": ["93.184.216.34", "127.0.0.1"],
                "meta.example": ["169.254.169.254"],
            }
        )
        async with KeepAliveTransport(egress=POLICY, resolver=resolver) as transport:
            with pytest.raises(EgressRefused, match=r"hooks\.example resolves to a loopback"):
                await post(transport, f"https://hooks.example:{port}/hook", livemode=True)
            with pytest.raises(EgressRefused, match=r"mixed\.example resolves to a loopback"):
                await post(transport, f"https://mixed.example:{port}/hook", livemode=True)
            with pytest.raises(EgressRefused, match="cloud metadata"):
                await post(transport, f"http://meta.example:{port}/hook", livemode=False)
        assert resolver.asked == ["hooks.example", "mixed.example", "meta.example"]
        assert connections == []  # the receiver on 127.0.0.1 was never reached

    serve(answer_ok, test)


def test_it_connects_to_the_address_it_checked_and_sends_the_name_as_host() -> None:
    seen: list[bytes] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await _read_request(reader))
        writer.write(OK)

    async def test(url: str, connections: list[int]) -> None:
        port = httpx.URL(url).port
        # the system cannot resolve receiver.test: only the checked address can be dialled
        resolver = StubResolver({"receiver.test": ["127.0.0.1"]})
        async with KeepAliveTransport(egress=POLICY, resolver=resolver) as transport:
            response = await post(transport, f"http://receiver.test:{port}/hook", livemode=False)
        assert (response.status_code, response.content) == (200, b"ok")
        assert len(connections) == 1

    serve(script, test)
    assert b"\r\nHost: receiver.test:" in seen[0]


def test_a_connection_opened_for_test_mode_is_never_lent_to_live_mode() -> None:
    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport(egress=POLICY) as transport:
            assert (await post(transport, url, livemode=False)).status_code == 200
            with pytest.raises(EgressRefused, match=r"127\.0\.0\.1 is a loopback address"):
                await post(transport, url, livemode=True)
            assert (await post(transport, url, livemode=False)).status_code == 200
        assert len(connections) == 1  # test mode's connection was reused, by test mode only

    serve(answer_ok, test)


def test_without_a_mode_the_live_rules_apply() -> None:
    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport(egress=POLICY) as transport:
            with pytest.raises(EgressRefused):
                await transport.handle_async_request(httpx.Request("POST", url, content=b"{}"))
        assert connections == []

    serve(answer_ok, test)


def test_a_redirect_is_returned_not_followed() -> None:
    async def test(target: str, target_connections: list[int]) -> None:
        async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await _read_request(reader)
            location = target.encode()
            writer.write(
                b"HTTP/1.1 307 Temporary Redirect\r\nLocation: %s\r\nContent-Length: 5\r\n\r\n"
                b"moved" % location
            )

        async def check(url: str, connections: list[int]) -> None:
            async with KeepAliveTransport(egress=POLICY) as transport:
                response = await post(transport, url, livemode=False)
            assert (response.status_code, response.content) == (307, b"moved")
            assert response.headers["location"] == target
            assert len(connections) == 1

        await serve_async(redirect, check)
        assert target_connections == []  # the place it pointed to was never asked

    serve(answer_ok, test)


def test_refused_and_unresolvable_read_alike_and_say_nothing_of_the_cause() -> None:
    async def main() -> None:
        with socket.socket() as probe:  # a port that was free a moment ago: refused
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        resolver = StubResolver({"closed.test": ["127.0.0.1"]})
        async with KeepAliveTransport(egress=POLICY, resolver=resolver) as transport:
            request = httpx.Request(
                "POST", f"http://closed.test:{closed}/", extensions={LIVEMODE: False}
            )
            with pytest.raises(httpx.ConnectError) as refused:
                await transport.handle_async_request(request)
            assert str(refused.value) == COULD_NOT_CONNECT
            assert not request.extensions.get(CONNECTED)
            with pytest.raises(httpx.ConnectError) as unresolved:
                await post(transport, "http://nowhere.test/", livemode=False)
            assert str(unresolved.value).startswith(COULD_NOT_CONNECT)

    asyncio.run(main())
