"""Object identifiers: unguessable, prefixed as Stripe's are, and tagged by mode for v2 objects."""

from __future__ import annotations

import itertools
import os
import string

__all__ = ["idempotency_key", "new_id", "random_token", "sortable_id"]

_ALPHABET = string.ascii_letters + string.digits
# Bytes 0..247 map evenly onto the 62 characters (248 = 4 * 62); 248..255 are dropped, so every
# character is uniform. One os.urandom call and a translate: ~10x faster than secrets.choice.
_TABLE = bytes(ord(_ALPHABET[b % 62]) if b < 248 else 0 for b in range(256))
_DROP = bytes(range(248, 256))


def random_token(length: int) -> str:
    """``length`` base62 characters from the OS CSPRNG (5.95 bits each)."""
    token = b""
    while len(token) < length:
        token += os.urandom(length + 8).translate(_TABLE, _DROP)
    return token[:length].decode()


def idempotency_key() -> str:
    """A key in the SDK's own format (``_api_requestor._generate_idempotency_key`` of stripe
    16.1.0: 16 random bytes as 8-4-4-4-12 hex), for a request that came without one."""
    b = os.urandom(16)
    return f"{b[0:4].hex()}-{b[4:6].hex()}-{b[6:8].hex()}-{b[8:10].hex()}-{b[10:].hex()}"


def new_id(prefix: str, *, livemode: bool | None = None, length: int = 24) -> str:
    """``acct_…`` (v1-style, no mode tag) or ``person_test_61…`` (v2-style, ``livemode`` given)."""
    if livemode is None:
        return f"{prefix}_{random_token(length)}"
    mode = "live" if livemode else "test"
    return f"{prefix}_{mode}_61{random_token(length)}"


_SORTABLE = string.digits + string.ascii_uppercase + string.ascii_lowercase  # ASCII order
_sequence = itertools.count()


def sortable_id(prefix: str, *, livemode: bool, at_ms: int) -> str:
    """An id that sorts in creation order: the time, then a per-process sequence (so the events
    of one change keep their order within a millisecond), then randomness."""
    mode = "live" if livemode else "test"
    stamp = _base62(at_ms, 8) + _base62(next(_sequence) % 62**4, 4)
    return f"{prefix}_{mode}_65{stamp}{random_token(12)}"


def _base62(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 62)
        digits.append(_SORTABLE[digit])
    return "".join(reversed(digits))
