"""The one URL validator: a hostile corpus refused with a reason, tricky valid URLs accepted with
the origin a browser would see, and each use's own policy."""

from __future__ import annotations

import pytest
from tests.url_corpus import HOSTILE, TRICKY_VALID

from gangway.core.errors import FieldInvalid
from gangway.validation.urls import URL_MAX_LENGTH, Use, origin_of, web_url

_IPV6 = [(raw, part) for raw, part in HOSTILE if part == "IPv6"]
_UNICODE_HOSTS = ["https://\u0430pple.com/", "https://ex\u0430mple.com/", "https://b\u00fccher.de/"]


def _refused(raw: str, use: Use, https_only: bool = False) -> str:
    with pytest.raises(FieldInvalid) as info:
        web_url(raw, use=use, https_only=https_only)
    assert info.value.code == "url_invalid"
    message = info.value.message
    assert message.isprintable(), "the message must not carry the URL's control characters"
    assert len(message) < 300
    return message


def test_the_corpus_is_large() -> None:
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize(("raw", "reason"), HOSTILE, ids=[repr(r[:50]) for r, _ in HOSTILE])
def test_a_hostile_link_url_is_refused_with_its_reason(raw: str, reason: str) -> None:
    assert reason in _refused(raw, "link")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [h for h in HOSTILE if h not in _IPV6],
    ids=[repr(r[:50]) for r, _ in HOSTILE if (r, _) not in _IPV6],
)
def test_a_hostile_destination_url_is_refused(raw: str, reason: str) -> None:
    assert reason in _refused(raw, "destination")


@pytest.mark.parametrize(
    "raw",
    [
        raw
        for raw, reason in HOSTILE
        if reason != "IPv6" and raw not in _UNICODE_HOSTS and "caf\u00e9" not in raw
    ],
)
def test_a_hostile_business_url_is_refused(raw: str) -> None:
    _refused(raw, "business")


@pytest.mark.parametrize(("raw", "origin"), TRICKY_VALID)
def test_a_tricky_valid_url_is_kept_as_given_with_its_origin(raw: str, origin: str) -> None:
    for use in ("link", "destination"):
        checked = web_url(f"  {raw} ", use=use)
        assert checked.text == raw
        assert checked.origin == origin
    assert origin_of(raw) == origin


def test_origin_of_a_url_that_is_not_a_valid_link_is_none() -> None:
    assert origin_of(HOSTILE[0][0]) is None
    assert origin_of("http://[::1]/") is None
    assert origin_of(None) is None and origin_of("") is None


@pytest.mark.parametrize("use", ["link", "destination"])
def test_live_mode_takes_only_https(use: Use) -> None:
    assert "live mode allows only HTTPS" in _refused("http://platform.example/r", use, True)
    assert web_url("https://platform.example/r", use=use, https_only=True).scheme == "https"


def test_a_destination_may_be_an_intranet_name_or_an_ipv6_address() -> None:
    assert web_url("http://receiver:8000/hooks", use="destination").host == "receiver"
    assert web_url("http://[0:0:0:0:0:0:0:1]:9/h", use="destination").origin == "http://[::1]:9"


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.com",
        "http://example.com/shop?x=1#top",
        "https://accessible.stripe.com",  # Stripe test-mode URLs
        "https://disallowed.stripe.com",
        "http://localhost:8000/return",
        "https://127.0.0.1/path",
        "https://b\u00fccher.de",
        "https://B\u00dcCHER.de/stra\u00dfe",
        "HTTPS://EXAMPLE.COM",
    ],
)
def test_a_business_url_keeps_today_s_accepted_forms(raw: str) -> None:
    assert web_url(raw, use="business").text == raw


def test_a_business_url_s_unicode_host_is_checked_as_idna() -> None:
    assert web_url("https://b\u00fccher.de", use="business").host == "xn--bcher-kva.de"
    assert "standard form" in _refused("https://example\u3002com/", "business")
    assert "not a valid domain name" in _refused("https://\U0001f4a9.la/", "business")


@pytest.mark.parametrize("raw", ["https://intranet/", "https://intranet", "example.com"])
def test_a_business_url_needs_a_public_style_host(raw: str) -> None:
    _refused(raw, "business")


def test_the_limit_is_stripe_s_5000_characters() -> None:
    url = "https://example.com/"
    assert web_url(url + "a" * (URL_MAX_LENGTH - len(url)), use="link")
    with pytest.raises(FieldInvalid) as info:
        web_url(url + "a" * (URL_MAX_LENGTH - len(url) + 1), use="link")
    assert info.value.details == {"max_length": URL_MAX_LENGTH}


def test_a_non_string_is_refused() -> None:
    with pytest.raises(FieldInvalid):
        web_url(42, use="link")
