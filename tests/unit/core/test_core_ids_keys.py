"""Object ids and secret API keys: their formats, their randomness, and key digests."""

from __future__ import annotations

import hashlib
import re
import string
from collections import Counter

import pytest

from gangway.core.ids import new_id, random_token
from gangway.core.keys import digest, mode_of, new_secret_key

BASE62 = set(string.ascii_letters + string.digits)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"prefix": "acct"}, r"acct_[A-Za-z0-9]{24}"),
        ({"prefix": "acct", "length": 16}, r"acct_[A-Za-z0-9]{16}"),
        ({"prefix": "person", "livemode": False}, r"person_test_61[A-Za-z0-9]{24}"),
        ({"prefix": "person", "livemode": True}, r"person_live_61[A-Za-z0-9]{24}"),
        ({"prefix": "evt", "livemode": False, "length": 30}, r"evt_test_61[A-Za-z0-9]{30}"),
    ],
)
def test_new_id_format(kwargs: dict[str, object], pattern: str) -> None:
    for _ in range(50):
        assert re.fullmatch(pattern, new_id(**kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize("length", [0, 1, 7, 16, 24, 48, 200])
def test_random_token_has_the_asked_length_in_base62(length: int) -> None:
    token = random_token(length)
    assert len(token) == length
    assert set(token) <= BASE62


def test_ids_do_not_repeat_over_many_draws() -> None:
    draws = 20_000
    assert len({new_id("acct", length=16) for _ in range(draws)}) == draws
    assert len({new_id("person", livemode=False) for _ in range(draws)}) == draws


def test_random_tokens_use_every_base62_character_about_equally() -> None:
    counts = Counter(random_token(62_000))
    assert set(counts) == BASE62
    # 1,000 expected per character; a character dropped, doubled or modulo-biased
    # (256 % 62 = 8) would show far outside this band (sd ~ 31).
    assert all(800 < n < 1_200 for n in counts.values()), counts


@pytest.mark.parametrize(("livemode", "prefix"), [(False, "sk_test_"), (True, "sk_live_")])
def test_new_secret_key_format_digest_and_hint(livemode: bool, prefix: str) -> None:
    key = new_secret_key(livemode=livemode)
    assert re.fullmatch(re.escape(prefix) + r"[A-Za-z0-9]{48}", key.secret)
    assert key.livemode is livemode
    assert key.digest == hashlib.sha256(key.secret.encode()).hexdigest()
    assert key.digest == digest(key.secret)
    assert key.hint == key.secret[-4:]
    assert key.secret not in key.digest
    assert mode_of(key.secret) is livemode


def test_secret_keys_do_not_repeat_over_many_draws() -> None:
    draws = 5_000
    keys = [new_secret_key(livemode=False) for _ in range(draws)]
    assert len({k.secret for k in keys}) == draws
    assert len({k.digest for k in keys}) == draws


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("sk_test_abc", "4b4090ccee1e713c3d411b96a4226b90bd0f0deb34e02d19475a951316fd04ee"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ],
)
def test_digest_is_the_sha256_hex_of_the_secret(secret: str, expected: str) -> None:
    assert digest(secret) == expected


@pytest.mark.parametrize(
    ("secret", "mode"),
    [
        ("sk_live_abc", True),
        ("sk_test_abc", False),
        ("sk_live_", True),
        ("pk_live_abc", None),
        ("pk_test_abc", None),
        ("rk_test_abc", None),
        ("sk_abc", None),
        ("SK_TEST_abc", None),
        (" sk_test_abc", None),
        ("", None),
    ],
)
def test_mode_of(secret: str, mode: bool | None) -> None:
    assert mode_of(secret) is mode


def test_sortable_ids_sort_in_creation_order() -> None:
    from gangway.core.ids import sortable_id

    same_ms = [sortable_id("evt", livemode=False, at_ms=1_795_000_000_000) for _ in range(50)]
    later = sortable_id("evt", livemode=False, at_ms=1_795_000_000_001)
    assert sorted(same_ms) == same_ms
    assert later > same_ms[-1]
    assert all(i.startswith("evt_test_65") for i in same_ms)
    assert len(set(same_ms)) == 50
