"""Secret-key authentication, with a short per-process cache so a retrieve costs one query."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable

from gangway.core.errors import AuthenticationFailed
from gangway.core.keys import KeyPrincipal, digest, mode_of

__all__ = ["Authenticator", "bearer_secret"]

_TTL_SECONDS = 30.0
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
    def __init__(self, lookup: Callable[[str], KeyPrincipal | None]) -> None:
        self._lookup = lookup
        self._cache: dict[str, tuple[float, KeyPrincipal]] = {}

    def principal(self, authorization: str | None) -> KeyPrincipal:
        secret = bearer_secret(authorization)
        now = time.monotonic()
        # Keyed by the header value itself: this process holds the secret while it serves the
        # request anyway, and a hit then costs one dict lookup instead of a SHA-256.
        cached = self._cache.get(secret)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = self._lookup(digest(secret)) if mode_of(secret) is not None else None
        if found is None:
            hint = secret[:8] + "*" * 4 + secret[-4:] if len(secret) > 12 else "****"
            raise AuthenticationFailed(f"Invalid API Key provided: {hint}", code=None)
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        self._cache[secret] = (now + _TTL_SECONDS, found)
        return found
