"""Secret API keys: made from the OS CSPRNG, shown once, stored only as a SHA-256 digest.

A plain digest (no salt, no slow KDF) is the right tool here: keys carry ~280 bits of entropy, so
there is nothing to brute-force, and auth must stay a single indexed lookup.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from gangway.core.ids import random_token

__all__ = [
    "ADMIN_TOKEN_PREFIX",
    "AdminToken",
    "ApiKey",
    "KeyPrincipal",
    "digest",
    "masked",
    "mode_of",
    "new_admin_token",
    "new_secret_key",
    "shown_hint",
]

_PREFIX = {False: "sk_test_", True: "sk_live_"}
ADMIN_TOKEN_PREFIX = "gwadmin_"
"""Operator tokens for ``/_gangway/admin``: a prefix no platform key has, so neither kind of
secret can be mistaken for the other."""


@dataclass(frozen=True)
class KeyPrincipal:
    """Who a request acts as: one platform, in one mode."""

    platform_id: str
    livemode: bool
    key_id: str


@dataclass(frozen=True)
class ApiKey:
    secret: str
    digest: str
    hint: str
    livemode: bool


@dataclass(frozen=True)
class AdminToken:
    secret: str
    digest: str
    hint: str


def new_admin_token() -> AdminToken:
    secret = ADMIN_TOKEN_PREFIX + random_token(48)
    return AdminToken(secret=secret, digest=digest(secret), hint=secret[-4:])


def new_secret_key(*, livemode: bool) -> ApiKey:
    secret = _PREFIX[livemode] + random_token(48)
    return ApiKey(secret=secret, digest=digest(secret), hint=secret[-4:], livemode=livemode)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def mode_of(secret: str) -> bool | None:
    """True for live keys, False for test keys, None for anything that is not a secret key."""
    if secret.startswith("sk_live_"):
        return True
    if secret.startswith("sk_test_"):
        return False
    return None


def shown_hint(*, livemode: bool, hint: str) -> str:
    """How a stored key is listed: its prefix and last four characters, ``sk_test_…abcd``."""
    return f"{_PREFIX[livemode]}…{hint}"


def masked(secret: str) -> str:
    """A presented secret as an error message may repeat it, as Stripe does."""
    return secret[:8] + "*" * 4 + secret[-4:] if len(secret) > 12 else "****"
