"""The operator's admin API under ``/_gangway/admin``: platforms and their secret keys.

It answers only to an admin token (``gangway admin-tokens create`` prints one, once; the
database keeps its SHA-256 digest), never to a platform's secret key, so a tenant cannot make
itself another platform or revoke another's keys. With no token created, every request is
refused. The token is checked in each request's own transaction, with no cache: admin calls are
rare, and a revoked token stops at once. Errors use Stripe's envelope, as the rest of the API
does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gangway.api.app import _validated as validated
from gangway.api.auth import bearer_secret
from gangway.core.clock import Clock
from gangway.core.errors import (
    AuthenticationFailed,
    GangwayError,
    InternalError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
)
from gangway.core.ids import random_token
from gangway.core.keys import ADMIN_TOKEN_PREFIX, digest, masked
from gangway.services import tenancy
from gangway.services.audit import Actor
from gangway.store.uow import Store, UnitOfWork

__all__ = ["PREFIX", "AdminApp"]

log = logging.getLogger("gangway.admin")

PREFIX = "/_gangway/admin"
_MAX_BODY = 64 * 1024


class _NewPlatform(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


class _NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: str | None = None
    mode: Literal["test", "live"] = "test"


class _KeyFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: str | None = None


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


_Work = Callable[[UnitOfWork, dict[str, Any], Actor], Any]


class AdminApp:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self.app = Starlette(
            routes=[
                Route(PREFIX + "/platforms", self._platforms, methods=["GET", "POST"]),
                Route(PREFIX + "/keys", self._keys, methods=["GET", "POST"]),
                Route(PREFIX + "/keys/{key_id}/revoke", self._revoke, methods=["POST"]),
            ],
            exception_handlers={HTTPException: _http_error},
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    async def _platforms(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._answer(
                request, _NoParams, lambda uow, _params, _actor: _list(tenancy.list_platforms(uow))
            )
        return await self._answer(
            request,
            _NewPlatform,
            lambda uow, params, actor: (
                tenancy.create_platform(
                    uow, name=params["name"], now_ms=self._clock.now_ms(), actor=actor
                ).view
            ),
        )

    async def _keys(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._answer(
                request,
                _KeyFilter,
                lambda uow, params, _actor: _list(
                    tenancy.list_keys(uow, platform_id=params.get("platform"))
                ),
            )
        return await self._answer(
            request,
            _NewKey,
            lambda uow, params, actor: (
                tenancy.create_key(
                    uow,
                    platform_id=params.get("platform"),
                    livemode=params["mode"] == "live",
                    now_ms=self._clock.now_ms(),
                    actor=actor,
                ).view
            ),
        )

    async def _revoke(self, request: Request) -> Response:
        key_id = request.path_params["key_id"]
        return await self._answer(
            request,
            _NoParams,
            lambda uow, _params, actor: tenancy.revoke_key(
                uow, key_id, now_ms=self._clock.now_ms(), actor=actor
            ),
        )

    async def _answer(self, request: Request, model: type[BaseModel], work: _Work) -> Response:
        """Authenticate, check the params, run ``work`` in one unit of work on a worker thread."""
        try:
            secret = _admin_secret(request.headers.get("authorization"))
            params = await _params(request, model)

            def run() -> Any:
                with self._store.unit_of_work(write=request.method == "POST") as uow:
                    token_id = uow.admin_tokens.active_id(digest(secret))
                    if token_id is None:
                        raise AuthenticationFailed(
                            f"Invalid admin token provided: {masked(secret)}. Create one with "
                            "`gangway admin-tokens create`.",
                            code="admin_token_invalid",
                        )
                    actor = Actor(
                        name=f"admin-token:{token_id}",
                        operator_id=None,
                        ip=request.client.host if request.client else "",
                        user_agent=request.headers.get("user-agent", ""),
                    )
                    return work(uow, params, actor)

            return _json(200, await self._store.database.in_thread(run))
        except GangwayError as exc:
            return _json(exc.status, exc.body())
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            internal = InternalError(
                "An unexpected error occurred; the request was not carried out."
            )
            return _json(internal.status, internal.body())


async def _http_error(_request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, in Stripe's envelope."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    error: GangwayError = (
        MethodNotAllowed("That method is not allowed here.")
        if status == 405
        else NotFound("Unrecognized admin API URL.", code="unrecognized_request_url")
    )
    return _json(error.status, error.body())


def _json(status: int, body: Any) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"Request-Id": "req_" + random_token(14), "Cache-Control": "no-store"},
    )


def _admin_secret(authorization: str | None) -> str:
    secret = bearer_secret(authorization)
    if not secret.startswith(ADMIN_TOKEN_PREFIX):
        raise AuthenticationFailed(
            "The admin API takes an operator's admin token (`gangway admin-tokens create`), "
            "not a platform's secret key.",
            code="admin_token_required",
        )
    return secret


async def _params(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    if request.method == "GET":
        return validated(model, dict(request.query_params))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # read no further than the limit
        size += len(chunk)
        if size > _MAX_BODY:
            raise PayloadTooLarge(f"The request body is larger than the {_MAX_BODY} byte limit.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return validated(model, {})
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidRequest("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(decoded, dict):
        raise InvalidRequest("The request body must be a JSON object.", code="invalid_json")
    return validated(model, decoded)


def _list(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "list", "data": data}
