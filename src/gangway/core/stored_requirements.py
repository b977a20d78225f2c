"""An account's requirements as last evaluated, kept with the account so reads render them.

Why: a retrieve with ``include=requirements`` used to run the engine and then walk its answer
against the SDK's shape on every read; the answer only changes when the account is written
(``timeline.settle`` stores it) or when time reaches its ``next_change_ms``. So the engine's
result is stored with the account, with the requirements already shaped for the wire.

It is fresh for a read at ``now_ms`` when it was computed under the same ``key`` (the rule book's
fingerprint and the wire form's, ``timeline.stored_key``) and ``evaluated_ms <= now_ms <
next_change_ms`` (the engine's own next change, not the account's wake-up, which a closed
account drops). Otherwise the reader evaluates afresh.

Encoded as five lines of JSON (orjson never writes a raw newline): a small header (key, times,
capability statuses), the wire-shaped requirements and future requirements, and the engine's
own requirements and future requirements (empty lines when they equal the wire's but for key
order, as they nearly always do: a row then carries one copy, about 7 KB for a US company
merchant instead of 15). Each is decoded on first use (or never: the API
places the wire lines in its response as they are, ``wire_json``), and the sealed bytes are
opened on first use too, so loading an account for a plain retrieve or a write costs nothing
here.
Pure: sealing is the caller's (``store.repos.accounts``) ``open``/``seal`` functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

__all__ = ["StoredRequirements"]

Capabilities = dict[str, dict[str, dict[str, Any]]]
_WIRE = ("requirements", "future_requirements")


class StoredRequirements:
    """One stored evaluation: built from an evaluation (``of``) or read sealed (``sealed``)."""

    __slots__ = ("_header", "_lines", "_open", "_raw", "_sealed", "_wire")

    def __init__(self) -> None:
        self._sealed: bytes | None = None
        self._open: Callable[[bytes], bytes] | None = None
        self._lines: list[bytes] | None = None
        self._header: dict[str, Any] | None = None
        self._wire: dict[str, Any] | None = None
        self._raw: dict[str, Any] | None = None

    @classmethod
    def of(
        cls,
        *,
        key: str,
        evaluated_ms: int,
        next_change_ms: int | None,
        capabilities: Capabilities,
        wire_json: tuple[bytes, bytes],
        raw_json: tuple[bytes, bytes] | None,
    ) -> StoredRequirements:
        """``wire_json`` and ``raw_json``: the requirements and future requirements encoded,
        as the wire shows them and as the engine returned them; ``raw_json`` None when they
        equal the wire's but for key order (stored as empty lines: one copy per row)."""
        stored = cls()
        stored._header = {
            "key": key,
            "evaluated_ms": evaluated_ms,
            "next_change_ms": next_change_ms,
            "capabilities": capabilities,
        }
        stored._lines = [b"", *wire_json, *(raw_json or (b"", b""))]
        return stored

    @classmethod
    def sealed(cls, sealed: bytes, open_: Callable[[bytes], bytes]) -> StoredRequirements:
        """As read from the database: ``open_`` unseals ``sealed`` when first needed."""
        stored = cls()
        stored._sealed = sealed
        stored._open = open_
        return stored

    def seal(self, seal: Callable[[bytes], bytes]) -> bytes:
        """The bytes to store: the ones read, when this was read and not rebuilt."""
        if self._sealed is not None:
            return self._sealed
        self._sealed = seal(self.encode())
        return self._sealed

    def encode(self) -> bytes:
        return b"\n".join((orjson.dumps(self.header), *(self._line(i) for i in range(1, 5))))

    def is_fresh(self, key: str, now_ms: int) -> bool:
        header = self.header
        if header["key"] != key or now_ms < header["evaluated_ms"]:
            return False
        until = header["next_change_ms"]
        return until is None or now_ms < until

    @property
    def key(self) -> str:
        key: str = self.header["key"]
        return key

    @property
    def evaluated_ms(self) -> int:
        at: int = self.header["evaluated_ms"]
        return at

    @property
    def next_change_ms(self) -> int | None:
        until: int | None = self.header["next_change_ms"]
        return until

    @property
    def capabilities(self) -> Capabilities:
        capabilities: Capabilities = self.header["capabilities"]
        return capabilities

    @property
    def header(self) -> dict[str, Any]:
        if self._header is None:
            self._header = orjson.loads(self._line(0))
        return self._header

    @property
    def wire(self) -> dict[str, Any]:
        """The requirements and future requirements as the v2 wire shows them."""
        if self._wire is None:
            self._wire = {name: orjson.loads(self.wire_json(name)) for name in _WIRE}
        return self._wire

    def wire_json(self, name: str) -> bytes:
        """``wire[name]`` encoded (``requirements`` or ``future_requirements``)."""
        return self._line(_WIRE.index(name) + 1)

    @property
    def raw(self) -> dict[str, Any]:
        """The engine's ``requirements`` and ``future_requirements``, equal to what it returned
        (in the wire's key order when only that differed)."""
        if self._raw is None:
            self._raw = {
                name: orjson.loads(self._line(i + 3) or self._line(i + 1))
                for i, name in enumerate(_WIRE)
            }
        return self._raw

    def _line(self, index: int) -> bytes:
        if self._lines is None:
            if self._sealed is None or self._open is None:
                raise ValueError("a stored evaluation with nothing to read")
            self._lines = self._open(self._sealed).split(b"\n", 4)
        return self._lines[index]
