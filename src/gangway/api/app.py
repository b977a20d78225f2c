"""The Stripe-compatible HTTP edge, as a plain ASGI app.

Every request: route, authenticate (the key is confirmed again as the first statement of the
request's transaction, so a revocation is seen at once by every process), decode (JSON body, or
a bracketed query string), check the params against the SDK's shape (or, for a write whose
service takes the params, leave that to the service, the boundary every writer passes), run one
handler inside one transaction, encode.
Errors of every kind leave through one place, in Stripe's envelope, with a ``Request-Id``.
Handlers are synchronous and run to completion inside the transaction, so a transaction never
spans an ``await``; they run on the event loop's thread, which so holds one connection at a
time. The caller's now (a test clock) is read through the request's own unit of work. This layer
is plain ASGI rather than a framework because the API surface is uniform (JSON in, JSON out) and
the hot paths are measured against a bare ASGI ceiling.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from gangway.api.auth import Authenticator
from gangway.api.query import QueryMemo, parse_query
from gangway.contract import params as contract
from gangway.contract.coerce import coerce
from gangway.core.errors import (
    GangwayError,
    IdempotencyConflict,
    InternalError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    param_path,
)
from gangway.core.ids import random_token
from gangway.core.keys import KeyPrincipal
from gangway.services.context import Call
from gangway.store.repos.idempotency import StoredResponse
from gangway.store.uow import ClockMoved, Store, UnitOfWork
from gangway.v1.wire import decode_form, is_v1_path, v1_error

__all__ = ["ApiApp", "Request", "Route"]

log = logging.getLogger("gangway.api")

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


@dataclass
class Request:
    """What a handler sees: the caller, params, path arguments and the unit of work. ``params``
    are checked, or, on a ``service_checks`` route, the decoded JSON object that the service
    checks."""

    call: Call
    params: dict[str, Any]
    args: tuple[str, ...]
    opened: UnitOfWork | None
    """``None`` on a route that opens its own units of work (``Route.transaction``)."""
    prepared: Any = None
    """What the route's ``prepare`` found, if it has one."""

    @property
    def uow(self) -> UnitOfWork:
        if self.opened is None:
            raise RuntimeError("this route runs outside a unit of work: it opens its own")
        return self.opened


Handler = Callable[[Request], tuple[int, dict[str, Any]]]
_CallFor = Callable[[UnitOfWork | None], Call]
_Confirm = Callable[[UnitOfWork], None]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Handler
    params: str | type[BaseModel] | Callable[[Any], dict[str, Any]] | None
    """The SDK params schema (by name) the body or query is checked against; for Gangway's own
    endpoints outside the Stripe namespace, a pydantic model; or a function that checks the
    decoded body itself (an endpoint that also accepts an older API version's params)."""
    write: bool = False
    idempotent: bool = True
    """Whether ``Idempotency-Key`` applies (Gangway's multi-step test helpers opt out)."""
    transaction: bool = True
    """Whether the handler runs inside the request's unit of work. ``False`` for the test
    helpers that take several transactions (moving a test clock): units of work never nest, so
    such a handler runs outside one and opens its own."""
    service_checks: bool = False
    """The handler's service checks the body against ``params`` itself (services are the
    boundary: the form and the CLI write through them too), so the edge only requires a JSON
    object and never checks the same body twice."""
    prepare: Callable[[Any], Awaitable[Any]] | None = None
    """Slow work a handler needs, awaited before the transaction with the decoded params (a
    destination URL's DNS lookup): handlers run on the loop's thread and must not block it."""
    form: bool = False
    """A v1 route: the body is ``application/x-www-form-urlencoded`` with brackets, decoded by
    the same parser as query strings (``gangway.api.query``)."""
    segments: tuple[str | None, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.transaction and (self.write or self.idempotent):
            raise ValueError(
                f"{self.pattern}: a route outside a transaction is neither write nor idempotent"
            )
        parts = tuple(None if p.startswith("{") else p for p in self.pattern.strip("/").split("/"))
        object.__setattr__(self, "segments", parts)

    def match(self, parts: list[str]) -> tuple[str, ...] | None:
        if len(parts) != len(self.segments):
            return None
        args = []
        for want, got in zip(self.segments, parts, strict=True):
            if want is None:
                if not got:
                    return None
                args.append(got)
            elif want != got:
                return None
        return tuple(args)


_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_CLOCK_ATTEMPTS = 3
"""A write assumes the cached test clock on all but its last attempt (``store.uow``)."""


class ApiApp:
    def __init__(
        self,
        *,
        routes: list[Route],
        store: Store,
        authenticator: Authenticator,
        now_ms: Callable[[KeyPrincipal, UnitOfWork], int],
        max_body_bytes: int,
        idempotency_ttl_ms: int,
    ) -> None:
        self._routes = routes
        self._store = store
        self._auth = authenticator
        self._now_ms = now_ms
        self._max_body = max_body_bytes
        self._idempotency_ttl_ms = idempotency_ttl_ms
        self._queries = QueryMemo()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = "req_" + random_token(14)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        replayed = False
        try:
            status, body, replayed = await self._handle(scope, receive, headers, request_id)
        except GangwayError as exc:
            status, envelope = _envelope(exc, scope["path"])
            body = orjson.dumps(envelope)
        except Exception:
            log.exception(
                "unhandled error in %s %s (%s)", scope["method"], scope["path"], request_id
            )
            internal = InternalError(
                "An unexpected error occurred; the request was not carried out."
            )
            status, envelope = _envelope(internal, scope["path"])
            body = orjson.dumps(envelope)
        response_headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"request-id", request_id.encode()),
            (b"cache-control", b"no-store"),
        ]
        version = headers.get("stripe-version")
        if version:
            response_headers.append((b"stripe-version", version.encode("latin-1")))
        if replayed:
            response_headers.append((b"idempotent-replayed", b"true"))
        if status >= 400:
            retry = b"true" if status in (409, 429) or status >= 500 else b"false"
            response_headers.append((b"stripe-should-retry", retry))
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(
        self, scope: Scope, receive: Receive, headers: dict[str, str], request_id: str
    ) -> tuple[int, bytes, bool]:
        method, path = scope["method"], scope["path"]
        route, args = self._route(method, path)
        authorization = headers.get("authorization")
        principal = self._auth.principal(authorization)

        def confirm(uow: UnitOfWork) -> None:
            """The transaction's first statement: the key is still active (not revoked since
            this process cached it), as of this very transaction."""
            self._auth.confirm(authorization, active=uow.keys.active(principal.key_id))

        raw = await self._read_body(receive, headers) if method == "POST" else b""
        query = scope.get("query_string", b"")
        if method == "GET" and type(route.params) is str and not route.service_checks:
            decoded = None  # only a write's idempotency fingerprint reads it
            params = self._queries.params(
                route.params,
                query,
                lambda: self._check(route, self._decode(method, raw, query, headers, route.form)),
            )
        else:
            decoded = self._decode(method, raw, query, headers, route.form)
            params = self._check(route, decoded)
        key = (
            headers.get("idempotency-key")
            if method in ("POST", "DELETE") and route.idempotent
            else None
        )
        client = scope.get("client")
        caller = partial(
            self._call,
            principal,
            request_id,
            key,
            headers.get("stripe-version"),
            (client[0] if client else None, headers.get("user-agent")),
            headers.get("stripe-account") if route.form else None,
        )
        prepared = await route.prepare(params) if route.prepare is not None else None
        if not route.transaction:
            status, body = self._run_alone(route, caller, params, args, confirm, prepared)
            return status, body, False
        fingerprint = ""
        if key is not None:
            if not _IDEMPOTENCY_KEY.match(key):
                if route.service_checks:  # the body's own errors have always come first
                    self._check(route, decoded, full=True)
                raise InvalidRequest(
                    "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
                    code="idempotency_key_invalid",
                )
            acting = headers.get("stripe-account", "") if route.form else ""
            fingerprint = _fingerprint(method, path, query, decoded, raw, acting)
        for attempt in range(_CLOCK_ATTEMPTS):
            # the last attempt reads the clock afresh, as other writers do: never ClockMoved
            assume = route.write and attempt < _CLOCK_ATTEMPTS - 1
            try:
                if key is None:
                    status, body = self._run(route, caller, params, args, confirm, prepared, assume)
                    return status, body, False
                return self._run_idempotent(
                    route,
                    caller,
                    params,
                    args,
                    confirm,
                    key,
                    fingerprint,
                    method,
                    path,
                    prepared,
                    assume,
                )
            except ClockMoved:
                # again from the bytes: the handler may have changed the params it was given
                params = self._check(route, self._decode(method, raw, query, headers, route.form))
        raise AssertionError("unreachable: the last attempt never assumes a clock")

    def _route(self, method: str, path: str) -> tuple[Route, tuple[str, ...]]:
        parts = path.strip("/").split("/")
        other_method = False
        for route in self._routes:
            args = route.match(parts)
            if args is None:
                continue
            if route.method == method:
                return route, args
            other_method = True
        if other_method:
            raise MethodNotAllowed(f"{method} is not allowed on {path}.")
        raise NotFound(
            f"Unrecognized request URL ({method}: {path}). Gangway's README lists the "
            "endpoints it serves (v2 Core and v1 Connect).",
            code="unrecognized_request_url",
        )

    async def _read_body(self, receive: Receive, headers: dict[str, str]) -> bytes:
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_body:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The request body is larger than the {self._max_body} byte limit.")

    @staticmethod
    def _decode(
        method: str, raw: bytes, query: bytes, headers: dict[str, str], form: bool = False
    ) -> Any:
        if method != "POST":
            return parse_query(query) if query else {}
        if form:
            return decode_form(raw, headers.get("content-type"))
        if not raw.strip():
            return {}
        content_type = headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if content_type not in ("application/json", ""):
            raise InvalidRequest(
                f"v2 endpoints take a JSON body (Content-Type: application/json), not {content_type}.",
                code="invalid_content_type",
            )
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidRequest(
                f"The request body is not valid JSON: {exc.msg} at position {exc.pos}.",
                code="invalid_json",
            ) from None

    @staticmethod
    def _check(route: Route, decoded: Any, *, full: bool = False) -> dict[str, Any]:
        """The params a handler gets; ``full`` checks a ``service_checks`` body here too."""
        if route.service_checks and not full:
            return contract.expect_object(decoded)
        if route.params is None:
            if decoded:
                name = next(iter(decoded)) if isinstance(decoded, dict) else ""
                raise InvalidRequest(
                    f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
            return {}
        if isinstance(route.params, type):
            return _validated(route.params, decoded)
        if not isinstance(route.params, str):
            return route.params(decoded)
        if route.method == "POST":
            return contract.check(route.params, decoded)
        return coerce(route.params, decoded) if decoded else {}

    def _call(
        self,
        principal: KeyPrincipal,
        request_id: str,
        key: str | None,
        api_version: str | None,
        origin: tuple[str | None, str | None],
        stripe_account: str | None,
        uow: UnitOfWork | None,
    ) -> Call:
        """The request's ``Call``, made once its unit of work is open so that the caller's now
        is read through it; on a route outside one (``uow`` is ``None``), in one of its own."""
        if uow is not None:
            clock = partial(self._now_ms, principal, uow)
        else:
            clock = partial(self._now_alone, principal)
        return Call(
            principal=principal,
            clock=clock,
            request_id=request_id,
            idempotency_key=key,
            api_version=api_version,
            client_ip=origin[0],
            user_agent=origin[1],
            stripe_account=stripe_account or None,
        )

    def _now_alone(self, principal: KeyPrincipal) -> int:
        with self._store.unit_of_work(write=False) as uow:
            return self._now_ms(principal, uow)

    def _run(
        self,
        route: Route,
        caller: _CallFor,
        params: dict[str, Any],
        args: tuple[str, ...],
        confirm: _Confirm,
        prepared: Any = None,
        assume_clocks: bool = False,
    ) -> tuple[int, bytes]:
        with (
            self._db_errors(),
            self._store.unit_of_work(
                write=route.write, on_begin=confirm, assume_clocks=assume_clocks
            ) as uow,
        ):
            status, body = route.handler(Request(caller(uow), params, args, uow, prepared))
            uow.begin()  # confirms the key even if the handler never touched the database
        return status, orjson.dumps(body)

    def _run_alone(
        self,
        route: Route,
        caller: _CallFor,
        params: dict[str, Any],
        args: tuple[str, ...],
        confirm: _Confirm,
        prepared: Any = None,
    ) -> tuple[int, bytes]:
        """A route that opens its own units of work: its key is confirmed in a short read
        transaction first."""
        with self._db_errors():
            with self._store.unit_of_work(write=False) as uow:
                confirm(uow)
            status, body = route.handler(Request(caller(None), params, args, None, prepared))
        return status, orjson.dumps(body)

    def _run_idempotent(
        self,
        route: Route,
        caller: _CallFor,
        params: dict[str, Any],
        args: tuple[str, ...],
        confirm: _Confirm,
        key: str,
        fingerprint: str,
        method: str,
        path: str,
        prepared: Any = None,
        assume_clocks: bool = False,
    ) -> tuple[int, bytes, bool]:
        """Replay, refuse, or run once, in one transaction.

        The stored response is looked up as the transaction's first statement (after the key's
        confirmation and the caller's test clock, which dates the key's expiry), so a replay
        never runs the handler's database work (a handler's pure work before that is wasted on a
        replay, which is rare).
        Otherwise the key is stored with the response in the same transaction. If a concurrent
        request with the key committed in between, storing the key fails on the primary key (on
        PostgreSQL after waiting for that transaction), this transaction rolls back whole, and
        the winner's response is replayed: never two creations.
        """
        not_before = 0  # set as the transaction begins, from the caller's clock

        def replay_if_stored(uow: UnitOfWork) -> None:  # ``call`` is bound by then, below
            nonlocal not_before
            confirm(uow)  # a revoked key replays nothing either
            not_before = call.now_ms - self._idempotency_ttl_ms
            stored = uow.idempotency.find(call.principal, key, not_before_ms=not_before)
            if stored is not None:
                raise _Stored(stored)

        try:
            with (
                self._db_errors(),
                self._store.unit_of_work(
                    write=True, on_begin=replay_if_stored, assume_clocks=assume_clocks
                ) as uow,
            ):
                call = caller(uow)
                status, body = route.handler(Request(call, params, args, uow, prepared))
                encoded = orjson.dumps(body)
                if status >= 400:
                    return status, encoded, False
                uow.idempotency.store(
                    call.principal,
                    key,
                    method=method,
                    path=path,
                    response=StoredResponse(fingerprint, status, encoded),
                    now_ms=call.now_ms,
                    not_before_ms=not_before,
                )
                return status, encoded, False
        except _Stored as found:
            return _replay(found.stored, fingerprint)
        except IntegrityError:
            with self._store.unit_of_work(write=False) as uow:
                stored = uow.idempotency.find(call.principal, key, not_before_ms=not_before)
            if stored is None:
                raise
            return _replay(stored, fingerprint)

    @staticmethod
    def _db_errors() -> _DbErrors:
        return _DB_ERRORS


class _DbErrors:
    """A lock that could not be had in time is the client's cue to retry, not a 500. A class
    rather than a ``contextmanager`` generator: it wraps every request."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
            raise RateLimited(
                "The database is busy; retry the request.", code="lock_timeout"
            ) from exc


_DB_ERRORS = _DbErrors()


class _Stored(Exception):
    """The key already has a response: leave the transaction and replay it."""

    def __init__(self, stored: StoredResponse) -> None:
        super().__init__("stored")
        self.stored = stored


def _validated(model: type[BaseModel], decoded: Any) -> dict[str, Any]:
    """Gangway's own endpoints: pydantic models, errors in Stripe's shape with bracketed params."""
    try:
        return model.model_validate(decoded if decoded else {}).model_dump(exclude_none=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = [part for part in first["loc"] if part != "__root__"]
        code = "parameter_unknown" if first["type"] == "extra_forbidden" else "parameter_invalid"
        if first["type"] == "missing":
            code = "parameter_missing"
        raise InvalidRequest(
            f"{param_path(location) or 'body'}: {first['msg']}",
            code=code,
            param=param_path(location) or None,
        ) from None


def _envelope(exc: GangwayError, path: str) -> tuple[int, dict[str, Any]]:
    """The error's status and body in the envelope of the API version the path belongs to."""
    return v1_error(exc) if is_v1_path(path) else (exc.status, exc.body())


def _replay(stored: StoredResponse, fingerprint: str) -> tuple[int, bytes, bool]:
    if stored.fingerprint != fingerprint:
        raise IdempotencyConflict(
            "Keys for idempotent requests can only be used with the same parameters they were "
            "first used with. Try using a key other than the one used for the original request."
        )
    return stored.status, stored.body, True


def _fingerprint(
    method: str, path: str, query: bytes, decoded: Any, raw: bytes, acting: str = ""
) -> str:
    """What a replay with the same key must match: the params, whatever their key order, and
    the v1 ``Stripe-Account`` acted as (the same key sent as another account is a conflict,
    never another account's answer). A body orjson cannot write back (nested past 254 levels:
    the service refuses it next) is fingerprinted by its bytes."""
    try:
        canonical = orjson.dumps(decoded, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        canonical = b"raw\x00" + raw
    digest = hashlib.sha256()
    parts = (method.encode(), path.encode(), query, canonical)
    for part in (*parts, acting.encode()) if acting else parts:
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()
