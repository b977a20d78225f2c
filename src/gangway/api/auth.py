"""Secret-key authentication: a per-process cache of who a secret is, and the per-request check,
inside the request's own transaction, that its key is still active."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from gangway.core.errors import AuthenticationFailed
from gangway.core.keys import KeyPrincipal, digest, masked, mode_of

__all__ = ["Authenticator", "bearer_secret"]

_MAX_CACHED = 10_000


def bearer_secret(authorization: str | None) -> str:
    """The secret from ``Bearer sk_…`` or HTTP Basic (``curl -u sk_test_…:``)."""
    if not authorization:
        raise AuthenticationFailed(
            "You did not provide an API key. Provide it in the Authorization header, using "
            "Bearer auth (Authorization: Bearer YOUR_SECRET_KEY).",
            code=None,
        )
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            user, _, _password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
    raise AuthenticationFailed(
        "Invalid Authorization header: use 'Bearer YOUR_SECRET_KEY'.", code=None
    )


class Authenticator:
    """Finds a secret's principal, caching it per process without a time limit.

    The cache never decides whether a key is still good: every request confirms its key by id in
    its own transaction (``confirm``, one primary-key lookup), so a key revoked anywhere (another
    worker, another host on PostgreSQL) is refused by the next request to begin after the
    revocation commits. What the cache saves is the SHA-256 and the lookup by digest in a
    transaction of its own.
    """

    def __init__(self, lookup: Callable[[str], tuple[KeyPrincipal, bool] | None]) -> None:
        self._lookup = lookup
        self._cache: dict[str, KeyPrincipal] = {}

    def principal(self, authorization: str | None) -> KeyPrincipal:
        secret = bearer_secret(authorization)
        # Keyed by the header value itself: this process holds the secret while it serves the
        # request anyway, and a hit then costs one dict lookup instead of a SHA-256.
        cached = self._cache.get(secret)
        if cached is not None:
            return cached
        found = self._lookup(digest(secret)) if mode_of(secret) is not None else None
        if found is None:
            raise AuthenticationFailed(f"Invalid API Key provided: {masked(secret)}", code=None)
        principal, revoked = found
        if revoked:
            raise _expired(secret)
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        self._cache[secret] = principal
        return principal

    def confirm(self, authorization: str | None, *, active: bool) -> None:
        """Called inside the request's transaction with whether its key is still active there."""
        if active:
            return
        secret = bearer_secret(authorization)
        self._cache.pop(secret, None)
        raise _expired(secret)


def _expired(secret: str) -> AuthenticationFailed:
    """Stripe's answer to a rolled or expired key: its code ``api_key_expired``, and the message
    in the form of its invalid-key one."""
    return AuthenticationFailed(
        f"Expired API Key provided: {masked(secret)}", code="api_key_expired"
    )
