"""Signed v2 page tokens: what a list hands out comes back unchanged to the same list, platform
and mode; anything else (edited, truncated, unsigned, foreign) is refused."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from gangway.core.errors import InvalidRequest
from gangway.core.keys import KeyPrincipal
from gangway.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Cursor,
    PageRequest,
    PageTokens,
)

KEY = bytes(range(32))
PLATFORM = KeyPrincipal("plat_1", livemode=False, key_id="key_1")
TOKENS = PageTokens(KEY).bound("/v2/core/accounts", PLATFORM)
encode_token = TOKENS.encode
decode_token = TOKENS.decode

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
#: the format before tokens were signed: every field right, and no HMAC
_UNSIGNED = _raw(_GOOD)
_VALID_TOKEN = encode_token(Cursor(1_700_000_000_123, "acct_61abc", "next"), 10, {"closed": False})

GARBAGE = {
    "empty": "",
    "an unsigned token of the old format": _UNSIGNED,
    "padded": _VALID_TOKEN + "==",
    "with a character outside the alphabet": _VALID_TOKEN[:5] + "!" + _VALID_TOKEN[5:],
    "the signature alone": _VALID_TOKEN[:43],
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
    # says otherwise was edited by hand, to get empty pages or to get round the ceiling. Edited,
    # its signature fails; signed (a bug elsewhere), its limit still does.
    for token in (
        _raw({**_GOOD, "l": limit}),
        encode_token(Cursor(1, "acct_1", "next"), limit, {}),
    ):
        with pytest.raises(InvalidRequest) as info:
            decode_token(token)
        assert (info.value.code, info.value.param) == ("invalid_page_token", "page")


@pytest.mark.parametrize("limit", [1, DEFAULT_LIMIT, MAX_LIMIT])
def test_every_limit_a_list_accepts_survives_the_token(limit: int) -> None:
    cursor = Cursor(1, "acct_1", "next")
    assert decode_token(encode_token(cursor, limit, {})).limit == limit


def test_changing_any_one_character_of_a_token_is_refused() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for index, char in enumerate(_VALID_TOKEN):
        other = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
        with pytest.raises(InvalidRequest):
            decode_token(_VALID_TOKEN[:index] + other + _VALID_TOKEN[index + 1 :])


def test_a_payload_edited_and_re_encoded_without_the_key_is_refused() -> None:
    raw = base64.urlsafe_b64decode(_VALID_TOKEN + "=" * (-len(_VALID_TOKEN) % 4))
    mac, payload = raw[:32], raw[32:]
    edited = payload.replace(b'"l":10', b'"l":99').replace(b'"closed":false', b'"closed":true ')
    assert edited != payload
    forged = base64.urlsafe_b64encode(mac + edited).decode().rstrip("=")
    with pytest.raises(InvalidRequest) as info:
        decode_token(forged)
    assert info.value.code == "invalid_page_token"


@pytest.mark.parametrize(
    "foreign",
    [
        PageTokens(KEY).bound("/v2/core/events", PLATFORM),
        PageTokens(KEY).bound("/v2/core/accounts/acct_1/persons", PLATFORM),
        PageTokens(KEY).bound("/v2/core/accounts", KeyPrincipal("plat_2", False, "key_2")),
        PageTokens(KEY).bound("/v2/core/accounts", KeyPrincipal("plat_1", True, "key_3")),
        PageTokens(bytes(32)).bound("/v2/core/accounts", PLATFORM),
    ],
    ids=[
        "another list",
        "another list's path",
        "another platform",
        "the other mode",
        "another key",
    ],
)
def test_a_token_is_refused_by_any_other_list_platform_mode_or_key(foreign: Any) -> None:
    token = foreign.encode(Cursor(1, "acct_1", "next"), 10, {})
    with pytest.raises(InvalidRequest) as info:
        decode_token(token)
    assert info.value.code == "invalid_page_token"
    assert foreign.decode(token).limit == 10


def test_another_key_of_the_same_platform_and_mode_reads_the_token() -> None:
    same = PageTokens(KEY).bound("/v2/core/accounts", KeyPrincipal("plat_1", False, "key_9"))
    assert same.decode(encode_token(Cursor(1, "acct_1", "next"), 10, {})).limit == 10


def test_the_next_page_url_is_the_list_s_path_with_the_token() -> None:
    url = TOKENS.url(Cursor(1, "acct_1", "next"), 10, {})
    path, _, token = url.partition("?page=")
    assert path == "/v2/core/accounts"
    assert decode_token(token).cursor == Cursor(1, "acct_1", "next")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        PageTokens(b"short")
