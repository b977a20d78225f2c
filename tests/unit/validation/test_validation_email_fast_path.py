"""The email fast path gives ``email_validator``'s verdicts: whatever address it answers for
normalises exactly as the library does, and the library accepts it."""

from __future__ import annotations

import random

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation import contact

_HAND = [
    "shop@example.com",
    "Jenny.Rosen@Example.COM",
    "POSTMASTER@example.com",
    "Info@Example.org",
    "a@b.co",
    "a@b.c1",
    "a@1.com",
    "a@b.123",
    "a@localhost",
    "a@x.local",
    "a@x.invalid",
    "a@x.onion",
    "a@x.arpa",
    "a@x.test",
    "a@sub.example.test",
    "a@xn--bcher-kva.de",
    "a@xn--bcher.de",
    "a@ab--cd.com",
    "a@a-b.com",
    "a@-ab.com",
    "a@ab-.com",
    "a@a..com",
    "a@.com",
    "a@com.",
    ".a@b.com",
    "a.@b.com",
    "a..b@c.com",
    "a+b=c{d}e|f~g@example.com",
    "!#$%&'*+/=?^_`{|}~-@example.com",
    "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com",
    "a@" + ".".join(["c" * 63] * 4) + ".io",
    "a" * 240 + "@example.com",
    "a" * 242 + "@example.com",
    "a" * 241 + "@example.com",
    "a" * 65 + "@example.com",
    '"quoted"@example.com',
    "Name <a@example.com>",
    "a@[127.0.0.1]",
    "josé@example.com",
    "a@bücher.de",
    "a@b@c.com",
    "a b@example.com",
    "a@EXAMPLE.COM",
    "a@example.co-m",
    "a@example.c-m",
]

_ATEXT = "abcXYZ019._+-!#$%&'*/=?^`{|}~"
_ODD = '"( é@\t<>[]\u200b'
_HOST = "abcXYZ019-"
_TLDS = ["com", "COM", "io", "test", "local", "invalid", "arpa", "onion", "1", "c0", "x-y", ""]


def _text(rng: random.Random, common: str, length: int) -> str:
    """Mostly ``common`` characters, now and then an odd one."""
    return "".join(rng.choice(_ODD if rng.random() < 0.02 else common) for _ in range(length))


def _random_address(rng: random.Random) -> str:
    local = _text(rng, _ATEXT, rng.choice([0, 1, 3, 8, 8, 8, 64, 65, 200]))
    if rng.random() < 0.1:
        local = rng.choice(["postmaster", "Sales", "WWW", "abuse"])
    labels = [
        _text(rng, _HOST, rng.choice([0, 1, 2, 5, 5, 5, 5, 62, 63, 64]))
        for _ in range(rng.choice([1, 1, 2, 3, 5]))
    ]
    if rng.random() < 0.1:
        labels.append(rng.choice(["xn--bcher-kva", "ab--c", "xn--zz", "a--b", "a.-b", "a..b"]))
    tld = rng.choice(_TLDS) if rng.random() < 0.5 else _text(rng, _HOST, rng.choice([1, 2, 4]))
    return local + "@" + ".".join([*labels, tld])


def _corpus() -> list[str]:
    rng = random.Random(13)
    plain = [f"user{i}.x+{i}@shop-{i}.example{i % 7}.com" for i in range(200)]
    return _HAND + plain + [_random_address(rng) for _ in range(6000)]


def _library(address: str) -> str | None:
    try:
        return contact._validated_email(address)
    except FieldInvalid:
        return None


def test_the_fast_path_agrees_with_email_validator_on_a_corpus() -> None:
    answered = 0
    for address in _corpus():
        fast = contact._plain_email(address)
        if fast is not None:
            answered += 1
            assert fast == _library(address), address
    assert answered > 200  # the plain addresses, at least: the path is taken


@pytest.mark.parametrize(
    ("address", "normalised"),
    [
        ("shop@example.com", "shop@example.com"),
        ("Jenny.Rosen@Example.COM", "Jenny.Rosen@example.com"),
        ("PostMaster@EXAMPLE.com", "postmaster@example.com"),
    ],
)
def test_plain_addresses_take_the_fast_path(address: str, normalised: str) -> None:
    assert contact._plain_email(address) == normalised


@pytest.mark.parametrize(
    "address", ["a@x.test", "a@xn--bcher-kva.de", "a@b.123", "josé@example.com", "a@localhost"]
)
def test_addresses_the_fast_path_leaves_to_the_library(address: str) -> None:
    assert contact._plain_email(address) is None
