"""How Gangway meets the network: uvicorn's httptools protocol with limits a slow or greedy
client cannot get round, and the one set of uvicorn options every server is started with.

uvicorn alone bounds nothing before a request's headers are complete (its keep-alive timer starts
only after a response, and any byte cancels it), caps no connections (``limit_concurrency``
answers 503 only once a request's headers have arrived, so slow sockets still pile up), and
answers a URL over httptools' 64 KiB ceiling with a ``text/plain`` 400. This protocol adds:

- a **head deadline**: the request line and headers must be complete within
  ``header_timeout_seconds`` of the connection opening or, on a kept-alive connection, of the
  next request's first byte; sending a byte at a time does not extend it;
- an idle kept-alive connection closes after ``keep_alive_seconds`` (a float, unlike uvicorn's);
- a **connection cap** per process: one more connection gets an immediate 429 and is closed;
- a **head size limit**: a URL over ``max_header_bytes`` gets 414, a larger head 431, a head
  httptools cannot parse 400, all in Stripe's JSON envelope.

Every refusal is a small JSON answer followed by a half-close and a short linger, so the client
reads the answer instead of a reset caused by request bytes the server never read.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Any

import orjson
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from gangway.core.errors import (
    GangwayError,
    HeadersTooLarge,
    InvalidRequest,
    RateLimited,
    RequestTimeout,
    UrlTooLong,
)
from gangway.core.ids import random_token
from gangway.settings import Settings

__all__ = ["ConnectionLimits", "GangwayHttpProtocol", "uvicorn_options"]

_LINGER_SECONDS = 1.0
"""After a refusal, how long the server keeps reading (and dropping) what the client still sends
before it closes: closing with unread bytes would reset the connection and lose the answer."""


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float
    keep_alive: float
    max_connections: int
    max_header_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            header_timeout=settings.header_timeout_seconds,
            keep_alive=settings.keep_alive_seconds,
            max_connections=settings.max_connections,
            max_header_bytes=settings.max_header_bytes,
        )


@functools.cache
def _process_limits() -> ConnectionLimits:
    # uvicorn imports the protocol class by name in every worker process, so, like
    # ``gangway.app:asgi_factory``, each process reads its limits from ``GANGWAY_*``.
    return ConnectionLimits.from_settings(Settings())


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Everything ``uvicorn.run`` is given besides the app, for ``gangway serve``."""
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "log_level": settings.log_level,
        "access_log": False,
        "server_header": False,
        "http": GangwayHttpProtocol,
        # Gangway serves no WebSocket; an upgrade would hand the socket to a protocol
        # without these limits.
        "ws": "none",
    }


class _Refused(Exception):
    """Raised inside a parser callback to stop httptools once the answer is chosen."""


class GangwayHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the deadlines, cap and size limits described above."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = _process_limits()
        self.timeout_keep_alive = self.limits.keep_alive  # type: ignore[assignment]  # call_later takes a float
        self._head_timer: asyncio.TimerHandle | None = None
        self._reading_head = True
        self._head_bytes = 0
        self._refusal: GangwayError | None = None
        self._refusing = False
        self._linger: asyncio.TimerHandle | None = None

    # connection -------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections:
            self.transport = transport  # never counted: it is answered and closed at once
            self._refuse(RateLimited("Too many open connections to this server; retry shortly."))
            return
        super().connection_made(transport)
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refusing:
            return  # lingering after an answer: drop what the client still sends
        if self._reading_head:
            self._arm_head_deadline()  # the first byte on an idle kept-alive connection
        counted = self._reading_head
        super().data_received(data)
        if self._refusing or not (counted and self._reading_head):
            return
        # httptools keeps a header's partial name and value to itself: count what arrives.
        self._head_bytes += len(data)
        if self._head_bytes > self.limits.max_header_bytes:
            self._refuse(self._head_too_large())

    # parser callbacks -------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._arm_head_deadline()  # a pipelined request's head has the same deadline

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_header_bytes:
            self._stop(self._head_too_large())

    def on_headers_complete(self) -> None:
        self._cancel_head_deadline()
        self._reading_head = False
        self._head_bytes = 0
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.max_header_bytes:
            self._stop(self._head_too_large())
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._idle():
            self._reading_head = True  # the keep-alive timer runs until the next byte
            self._head_bytes = 0

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to any parser error (a callback's refusal included)."""
        refusal, self._refusal = self._refusal, None
        self._refuse(refusal or InvalidRequest("The HTTP request could not be parsed."))

    # limits -----------------------------------------------------------------------------------

    def _idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_head_deadline(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(
                self.limits.header_timeout, self._head_timed_out
            )

    def _cancel_head_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._refusing or self.transport.is_closing():
            return
        if self._head_bytes or not self._idle():
            self._refuse(RequestTimeout("The request's headers did not arrive in time."))
        else:
            self.transport.close()  # nothing asked, nothing to answer

    def _head_too_large(self) -> GangwayError:
        limit = self.limits.max_header_bytes
        if len(self.url) > limit:
            return UrlTooLong(f"The request URL is longer than {limit} bytes.")
        return HeadersTooLarge(f"The request's headers are larger than {limit} bytes.")

    def _stop(self, refusal: GangwayError) -> None:
        self._refusal = refusal
        raise _Refused

    def _refuse(self, error: GangwayError) -> None:
        """Answer ``error`` and close; while an earlier request is still being answered, only
        make that answer the connection's last."""
        self._refusing = True
        self._cancel_head_deadline()
        self._unset_keepalive_if_required()
        if not self._idle():
            self.cycle.keep_alive = False
            return
        body = orjson.dumps(error.body())
        retry = b"true" if error.status in (409, 429) or error.status >= 500 else b"false"
        head = [STATUS_LINE[error.status]]
        for name, value in [
            *self.server_state.default_headers,
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"request-id", b"req_" + random_token(14).encode()),
            (b"cache-control", b"no-store"),
            (b"stripe-should-retry", retry),
            (b"connection", b"close"),
        ]:
            head += [name, b": ", value, b"\r\n"]
        self.transport.write(b"".join([*head, b"\r\n", body]))
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self._linger = self.loop.call_later(_LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()
