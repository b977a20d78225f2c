"""What every v1 route module shares: a form-encoded endpoint's ``Route``, and the account its
path names.

Why one place: v1 bodies are always hashes checked by the v1 translators, and v1 deletes
accounts (a closed v2 account is gone from this view), so each rule is written once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from gangway.api.app import Handler, Request, Route
from gangway.core.errors import NotFound
from gangway.services import accounts
from gangway.store.repos.accounts import AccountRecord

__all__ = ["form_params", "form_route", "open_account"]


def form_params(decoded: Any) -> dict[str, Any]:
    """The edge's check of a v1 body: a decoded form is always a hash; the v1 translators
    check its fields."""
    return dict(decoded) if isinstance(decoded, dict) else {}


def form_route(
    method: str,
    pattern: str,
    handler: Handler,
    *,
    write: bool = False,
    prepare: Callable[[Any], Awaitable[Any]] | None = None,
) -> Route:
    return Route(method, pattern, handler, form_params, write=write, form=True, prepare=prepare)


def open_account(request: Request, account_id: str) -> AccountRecord:
    """A v1 account that exists: v1 deletes, so a closed (v2) account is gone from this view."""
    record = accounts.retrieve(request.uow, request.call, account_id)
    if record.closed:
        raise NotFound(f"No such account: '{account_id}'", param="account")
    return record
