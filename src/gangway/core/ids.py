"""Object identifiers: unguessable, prefixed as Stripe's are, and tagged by mode for v2 objects."""

from __future__ import annotations

import secrets
import string

__all__ = ["new_id", "random_token"]

_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int) -> str:
    """``length`` base62 characters from the OS CSPRNG (5.95 bits each)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(prefix: str, *, livemode: bool | None = None, length: int = 24) -> str:
    """``acct_…`` (v1-style, no mode tag) or ``person_test_61…`` (v2-style, ``livemode`` given)."""
    if livemode is None:
        return f"{prefix}_{random_token(length)}"
    mode = "live" if livemode else "test"
    return f"{prefix}_{mode}_61{random_token(length)}"
