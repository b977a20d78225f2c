"""Time as a value passed in, so tests and test-mode sandboxes can move it."""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "from_rfc3339", "to_rfc3339"]


class Clock(Protocol):
    def now_ms(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now_ms: int) -> None:
        self._now = now_ms

    def now_ms(self) -> int:
        return self._now

    def advance(self, ms: int) -> None:
        self._now += ms


def to_rfc3339(ms: int) -> str:
    """``1700000000123`` -> ``2023-11-14T22:13:20.123Z``: UTC with milliseconds, as v2 emits."""
    seconds, millis = divmod(ms, 1000)
    return f"{_second(seconds)}.{millis:03d}Z"


@functools.lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    """Every response renders a few timestamps, and most fall in recent seconds: cached."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def from_rfc3339(text: str) -> int:
    """Parse an RFC 3339 timestamp (any offset, optional fraction) to epoch milliseconds."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # integer arithmetic: float timestamps lose the millisecond (…47.472 -> 471)
    delta = parsed - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
