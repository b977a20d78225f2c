"""Opaque page tokens for v2 lists.

A token names the row a page continues from, the direction, and the list's filters and limit, so
``next_page_url`` is self-contained (the SDK follows it verbatim and sends nothing else) and stays
correct while rows are inserted: pages are keyset ranges over (created, id), never offsets.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from gangway.core.errors import InvalidRequest

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Cursor", "PageRequest", "decode_token", "encode_token"]

Direction = Literal["next", "prev"]
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


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


def encode_token(cursor: Cursor, limit: int, filters: dict[str, Any]) -> str:
    raw = orjson.dumps(
        {"c": cursor.created_ms, "i": cursor.id, "d": cursor.direction, "l": limit, "f": filters},
        option=orjson.OPT_SORT_KEYS,
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> PageRequest:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
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
        return PageRequest(limit=limit, cursor=cursor, filters=filters)
    except (ValueError, KeyError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidRequest(
            "The page token is not valid: use the next_page_url or previous_page_url as given.",
            code="invalid_page_token",
            param="page",
        ) from exc
