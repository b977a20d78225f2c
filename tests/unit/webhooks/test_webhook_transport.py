"""The worker's HTTP/1.1 transport against scripted raw servers: keep-alive reuse, the ways an
answer can be framed, and the ways a receiver can misbehave."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gangway.webhooks.transport import KeepAliveTransport

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


def serve(script: Script, test: Callable[[str, list[int]], Awaitable[None]]) -> None:
    """Run ``test(url, connections)`` against a server that runs ``script`` per connection."""
    asyncio.run(serve_async(script, test))


async def serve_async(script: Script, test: Callable[[str, list[int]], Awaitable[None]]) -> None:
    """``serve`` inside a running loop (for a second server beside a first)."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            await script(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await test(f"http://127.0.0.1:{port}/hook?x=1", connections)


async def post(transport: KeepAliveTransport, url: str) -> httpx.Response:
    request = httpx.Request("POST", url, content=b'{"id":"evt_1"}')
    return await transport.handle_async_request(request)


def test_keep_alive_connections_are_reused() -> None:
    seen: list[bytes] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            seen.append(await _read_request(reader))
            writer.write(OK)

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            for _ in range(3):
                response = await post(transport, url)
                assert (response.status_code, response.content) == (200, b"ok")
        assert len(connections) == 1

    serve(script, test)
    assert seen[0].startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert b"\r\nHost: 127.0.0.1:" in seen[0] and seen[0].endswith(b'\r\n\r\n{"id":"evt_1"}')


def test_chunked_and_close_delimited_answers_are_read_whole() -> None:
    answers = [
        b"HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\n\r\nuntil the end",
    ]

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(answers.pop(0))
        await writer.drain()

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            chunked = await post(transport, url)
            assert (chunked.status_code, chunked.content) == (202, b"abcde")
            closed = await post(transport, url)
            assert (closed.status_code, closed.content) == (200, b"until the end")

    serve(script, test)


def test_only_the_start_of_a_long_answer_is_kept_and_the_connection_stays_usable() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 500 Oops\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100_000)
        await _read_request(reader)
        writer.write(OK)

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport(keep_bytes=10) as transport:
            long = await post(transport, url)
            assert (long.status_code, long.content) == (500, b"x" * 10)
            assert (await post(transport, url)).status_code == 200
        assert len(connections) == 1

    serve(script, test)


def test_an_interim_100_continue_is_skipped() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + OK)

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            assert (await post(transport, url)).content == b"ok"

    serve(script, test)


def test_an_idle_connection_the_receiver_dropped_is_replaced_silently() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(OK)  # keep-alive by default, then gone
        await writer.drain()

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            assert (await post(transport, url)).status_code == 200
            await asyncio.sleep(0.05)  # the server has closed it meanwhile
            assert (await post(transport, url)).status_code == 200
        assert len(connections) == 2

    serve(script, test)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", httpx.ReadError),  # closed without a word
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", httpx.ReadError),  # cut short
        (b"NONSENSE\r\n\r\n", httpx.RemoteProtocolError),
    ],
)
def test_a_broken_answer_raises_httpx_s_error(answer: bytes, error: type[Exception]) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(answer)
        await writer.drain()

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            with pytest.raises(error):
                await post(transport, url)

    serve(script, test)


def test_a_cancelled_exchange_closes_its_connection() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await asyncio.sleep(0.3)  # too slow for the first request
        writer.write(OK)
        await _read_request(reader)
        writer.write(OK)

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05):
                    await post(transport, url)
            assert (await post(transport, url)).status_code == 200
        assert len(connections) == 2  # the late answer was never mistaken for the next one

    serve(script, test)


def test_refused_connections_and_other_schemes() -> None:
    async def main() -> None:
        async with KeepAliveTransport() as transport:
            with pytest.raises(httpx.ConnectError):
                await post(transport, "http://127.0.0.1:9/hook")
            with pytest.raises(httpx.UnsupportedProtocol):
                await post(transport, "ftp://127.0.0.1/hook")

    asyncio.run(main())


def test_a_reused_connection_closed_before_any_answer_is_retried_once_anew() -> None:
    opened: list[int] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        opened.append(1)
        await _read_request(reader)
        writer.write(OK)
        if len(opened) == 1:  # the first connection takes the next request and drops it
            await _read_request(reader)
            return
        await _read_request(reader)
        writer.write(OK)

    async def test(url: str, connections: list[int]) -> None:
        async with KeepAliveTransport() as transport:
            assert (await post(transport, url)).status_code == 200
            assert (await post(transport, url)).status_code == 200
        assert len(connections) == 2

    serve(script, test)


def test_https_with_certificate_and_hostname_checks(tmp_path: Path) -> None:
    authority, certificate, key = _certificates(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate, key)
    trusting = ssl.create_default_context(cafile=str(authority))

    async def main() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                while True:
                    await _read_request(reader)
                    writer.write(OK)
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context)
        port = server.sockets[0].getsockname()[1]
        async with server:
            async with KeepAliveTransport(ssl_context=trusting) as transport:
                for _ in range(2):
                    response = await post(transport, f"https://localhost:{port}/hook")
                    assert response.content == b"ok"
            async with KeepAliveTransport() as transport:  # certifi does not know this CA
                with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await post(transport, f"https://localhost:{port}/hook")

    asyncio.run(main())


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for localhost signed by it."""
    now = datetime.datetime.now(datetime.UTC)

    def build(subject: str, issuer: str, public: Any, signer: Any, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = build("Gangway test CA", "Gangway test CA", ca_key.public_key(), ca_key, True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = build("localhost", "Gangway test CA", leaf_key.public_key(), ca_key, False)
    pem = serialization.Encoding.PEM
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(leaf.public_bytes(pem))
    paths[2].write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths
