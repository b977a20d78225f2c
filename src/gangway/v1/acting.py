"""``Stripe-Account``: a platform acting as one of its connected accounts on v1.

Why one guard around every v1 route and not a check in each handler: what acting allows is a
rule about paths (an account's own objects, never another's, never the platform's list), so it
is written once, here, and no v1 route can forget it. The header must name an account of the
key's platform and mode; a request as that account may reach only it: ``/v1/account``,
``/v1/accounts/{that id}/...``, and links for it. Listing or creating accounts while acting as
one is refused, as Stripe refuses it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gangway.api.app import Request, Route
from gangway.core.errors import InvalidRequest, PermissionDenied

__all__ = ["guarded"]

_OWN_PATHS = ("/v1/accounts/{id}",)
_PLATFORM_ONLY = {("POST", "/v1/accounts"), ("GET", "/v1/accounts")}


def _no_access(request: Request, account_id: str) -> PermissionDenied:
    key = request.call.principal.key_id
    return PermissionDenied(
        f"The provided key '{key}' does not have access to account '{account_id[:100]}' (or "
        "that account does not exist).",
        code="account_invalid",
    )


def _check(route: Route, request: Request) -> None:
    acting = request.call.stripe_account
    if acting is None:
        return
    if (route.method, route.pattern) in _PLATFORM_ONLY:
        raise InvalidRequest(
            f"{route.method} {route.pattern} is a platform request: send it without the "
            "Stripe-Account header.",
            code="platform_api_key_required",
        )
    record = request.uow.accounts.get(request.call.principal, acting)
    if record is None:
        raise _no_access(request, acting)
    if route.pattern.startswith(_OWN_PATHS) and request.args and request.args[0] != acting:
        raise _no_access(request, request.args[0])
    named = request.params.get("account")
    if route.pattern == "/v1/account_links" and isinstance(named, str) and named != acting:
        raise _no_access(request, named)


def _guard(route: Route) -> Route:
    handler = route.handler

    def guarded_handler(request: Request) -> tuple[int, dict[str, Any]]:
        _check(route, request)
        return handler(request)

    return replace(route, handler=guarded_handler)


def guarded(routes: list[Route]) -> list[Route]:
    """Every v1 route, refusing what a ``Stripe-Account`` may not reach before its handler."""
    return [_guard(route) for route in routes]
