"""Signed page tokens for v2 lists.

A token names the row a page continues from, the direction, and the list's filters and limit, so
``next_page_url`` is self-contained (the SDK follows it verbatim and sends nothing else) and stays
correct while rows are inserted: pages are keyset ranges over (created, id), never offsets.

Why signed: a token is handed to the client and comes back as input. Unsigned, it could be edited
(another page size, another position, a ``closed`` filter the caller never asked for) or carried
to another list. Each token is ``base64url(HMAC-SHA256 || payload)``; the HMAC covers the payload
and the token's scope, the list's path (``/v2/core/accounts/acct_1/persons``), the platform and
the mode, which the token does not carry: the request supplies them. So a changed, truncated or
foreign token (another list, another account's persons, another platform, the other mode) fails
the one check, with 400 ``invalid_page_token``. The key is derived from the encryption key
(``bootstrap.page_token_secret_for``) and passed down: every process of one deployment accepts
the tokens of the others.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from gangway.core.errors import InvalidRequest
from gangway.core.keys import KeyPrincipal

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Cursor",
    "ListTokens",
    "PageRequest",
    "PageTokens",
    "invalid_page_token",
]

Direction = Literal["next", "prev"]
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
_MAC_BYTES = hashlib.sha256().digest_size
_VERSION = 1  # in the signed scope: a change of format makes old tokens fail the check


@dataclass(frozen=True)
class Cursor:
    created_ms: int
    id: str
    direction: Direction


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor: Cursor | None = None
    filters: dict[str, Any] = field(default_factory=dict)


def invalid_page_token() -> InvalidRequest:
    return InvalidRequest(
        "The page token is not valid: use the next_page_url or previous_page_url as given.",
        code="invalid_page_token",
        param="page",
    )


class PageTokens:
    """The deployment's signing key for page tokens; ``bound`` gives one list's tokens."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a page token key has at least 32 bytes")
        self._key = key

    def bound(self, endpoint: str, principal: KeyPrincipal) -> ListTokens:
        """Tokens of the list at ``endpoint`` (its path, which ``next_page_url`` starts with)
        as seen by ``principal``'s platform and mode."""
        scope = orjson.dumps([_VERSION, endpoint, principal.platform_id, principal.livemode])
        return ListTokens(endpoint, hmac.new(self._key, scope, "sha256").digest())


@dataclass(frozen=True)
class ListTokens:
    """Encode and check the tokens of one list for one platform and mode. ``mac_key`` is
    ``HMAC(key, scope)``: a key of its own per scope, so the scope is signed without being
    carried."""

    endpoint: str
    mac_key: bytes = field(repr=False)

    def encode(self, cursor: Cursor, limit: int, filters: dict[str, Any]) -> str:
        payload = orjson.dumps(
            {
                "c": cursor.created_ms,
                "i": cursor.id,
                "d": cursor.direction,
                "l": limit,
                "f": filters,
            },
            option=orjson.OPT_SORT_KEYS,
        )
        raw = hmac.new(self.mac_key, payload, "sha256").digest() + payload
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def url(self, cursor: Cursor, limit: int, filters: dict[str, Any]) -> str:
        """The origin-relative ``next_page_url`` / ``previous_page_url`` the SDK follows."""
        return f"{self.endpoint}?page={self.encode(cursor, limit, filters)}"

    def decode(self, token: str) -> PageRequest:
        """The page a token asks for; raises ``InvalidRequest`` (``invalid_page_token``) for any
        token this list did not hand to this platform in this mode, or that was changed."""
        try:
            padded = (token + "=" * (-len(token) % 4)).encode("ascii")
            raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        except (ValueError, binascii.Error):
            raise invalid_page_token() from None
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
            raise invalid_page_token()  # one encoding per token: no spare bits to flip
        mac, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        expected = hmac.new(self.mac_key, payload, "sha256").digest()
        if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, expected):
            raise invalid_page_token()
        try:  # signed by us, so well formed; checked all the same, as input
            data = orjson.loads(payload)
            direction = data["d"]
            if direction not in ("next", "prev"):
                raise ValueError(direction)
            cursor = Cursor(created_ms=int(data["c"]), id=str(data["i"]), direction=direction)
            filters = data["f"]
            if not isinstance(filters, dict):
                raise ValueError(filters)
            limit = int(data["l"])
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError(limit)
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
            raise invalid_page_token() from exc
        return PageRequest(limit=limit, cursor=cursor, filters=filters)
