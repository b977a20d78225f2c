"""Opaque v2 page tokens: what a list hands out comes back unchanged; anything else is refused."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from gangway.core.errors import InvalidRequest
from gangway.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Cursor,
    PageRequest,
    decode_token,
    encode_token,
)

ROUND_TRIPS = [
    (Cursor(1_700_000_000_123, "acct_61abcDEF", "next"), 10, {}),
    (Cursor(0, "acct_0", "prev"), 1, {}),
    (Cursor(1_700_000_000_123, "acct_x", "next"), 100, {"closed": True}),
    (
        Cursor(42, "person_test_61Zz", "prev"),
        25,
        {"applied_configurations": ["merchant", "recipient"], "closed": False},
    ),
    (Cursor(2**53, "acct_ünïcode", "next"), 7, {"nested": {"a": [1, "b", None]}}),
]


@pytest.mark.parametrize(("cursor", "limit", "filters"), ROUND_TRIPS)
def test_a_token_decodes_to_what_was_encoded(
    cursor: Cursor, limit: int, filters: dict[str, Any]
) -> None:
    token = encode_token(cursor, limit, filters)
    assert decode_token(token) == PageRequest(limit=limit, cursor=cursor, filters=filters)


@pytest.mark.parametrize(("cursor", "limit", "filters"), ROUND_TRIPS)
def test_a_token_is_url_safe_without_padding(
    cursor: Cursor, limit: int, filters: dict[str, Any]
) -> None:
    token = encode_token(cursor, limit, filters)
    assert token
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_equal_filters_give_equal_tokens_whatever_their_order() -> None:
    cursor = Cursor(5, "acct_a", "next")
    one = encode_token(cursor, 10, {"closed": True, "applied_configurations": ["merchant"]})
    two = encode_token(cursor, 10, {"applied_configurations": ["merchant"], "closed": True})
    assert one == two


def _raw(data: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")


_GOOD = {"c": 1, "i": "acct_1", "d": "next", "l": 10, "f": {}}
_VALID_TOKEN = encode_token(Cursor(1_700_000_000_123, "acct_61abc", "next"), 10, {"closed": False})

GARBAGE = {
    "empty": "",
    "not base64 at all": "!!!!",
    "base64 of text that is not JSON": base64.urlsafe_b64encode(b"hello world").decode(),
    "non-ascii characters": "ééé",
    "truncated valid token": _VALID_TOKEN[:-6],
    "valid token with a flipped head": "A" + _VALID_TOKEN[1:],
    "JSON list": _raw([1, 2, 3]),
    "JSON string": _raw("next"),
    "JSON number": _raw(12),
    "JSON null": _raw(None),
    "missing created": _raw({k: v for k, v in _GOOD.items() if k != "c"}),
    "missing id": _raw({k: v for k, v in _GOOD.items() if k != "i"}),
    "missing direction": _raw({k: v for k, v in _GOOD.items() if k != "d"}),
    "missing limit": _raw({k: v for k, v in _GOOD.items() if k != "l"}),
    "missing filters": _raw({k: v for k, v in _GOOD.items() if k != "f"}),
    "unknown direction": _raw({**_GOOD, "d": "sideways"}),
    "direction of the wrong type": _raw({**_GOOD, "d": ["next"]}),
    "created not a number": _raw({**_GOOD, "c": "yesterday"}),
    "created null": _raw({**_GOOD, "c": None}),
    "limit not a number": _raw({**_GOOD, "l": "ten"}),
    "limit null": _raw({**_GOOD, "l": None}),
    "filters a list": _raw({**_GOOD, "f": ["closed"]}),
    "filters a string": _raw({**_GOOD, "f": "closed"}),
}


@pytest.mark.parametrize("token", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_and_tampered_tokens_are_refused_as_invalid_page_token(token: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        decode_token(token)
    error = info.value
    assert (error.status, error.code, error.param) == (400, "invalid_page_token", "page")
    assert error.body() == {
        "error": {
            "type": "invalid_request_error",
            "code": "invalid_page_token",
            "message": error.message,
            "param": "page",
        }
    }


@pytest.mark.parametrize("limit", [0, -1, -100, MAX_LIMIT + 1, 1_000_000])
def test_a_token_with_a_limit_no_list_can_hand_out_is_refused(limit: int) -> None:
    # encode_token is only called with a limit the list accepted (1 to MAX_LIMIT); a token that
    # says otherwise was edited by hand, to get empty pages or to get round the ceiling.
    with pytest.raises(InvalidRequest) as info:
        decode_token(_raw({**_GOOD, "l": limit}))
    assert (info.value.code, info.value.param) == ("invalid_page_token", "page")


@pytest.mark.parametrize("limit", [1, DEFAULT_LIMIT, MAX_LIMIT])
def test_every_limit_a_list_accepts_survives_the_token(limit: int) -> None:
    cursor = Cursor(1, "acct_1", "next")
    assert decode_token(encode_token(cursor, limit, {})).limit == limit
