"""Email addresses, phone numbers and URLs."""

from __future__ import annotations

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.contact import URL_MAX_LENGTH, email, endpoint_url, phone, url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jenny.rosen@example.com", "jenny.rosen@example.com"),
        ("Jenny.Rosen@Example.COM", "Jenny.Rosen@example.com"),
        ("  ops+onboarding@stripe.com ", "ops+onboarding@stripe.com"),
        ("josé@bücher.de", "josé@bücher.de"),
    ],
)
def test_email_normalises(raw: str, expected: str) -> None:
    assert email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "jenny", "jenny@", "@example.com", "jenny@example", "a b@example.com", "x@y.test"],
)
def test_email_refuses_malformed_addresses(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        email(raw)
    assert info.value.code == "email_invalid"


def test_email_message_does_not_repeat_the_address() -> None:
    with pytest.raises(FieldInvalid) as info:
        email("secret.person@")
    assert "secret.person" not in info.value.message


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+14155550123", None, "+14155550123"),
        ("+1 (415) 555-0123", None, "+14155550123"),
        ("(415) 555-0123", "us", "+14155550123"),
        ("415.555.0123", "US", "+14155550123"),
        ("020 7183 8750", "gb", "+442071838750"),
        ("+44 20 7183 8750", "us", "+442071838750"),  # international wins over the country
        ("03-1234-5678", "jp", "+81312345678"),
        ("0000000000", None, "0000000000"),  # Stripe's test-mode phone number
        ("0000000000", "us", "0000000000"),
    ],
)
def test_phone_returns_e164(raw: str, country: str | None, expected: str) -> None:
    assert phone(raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("4155550123", None),  # national format without a country
        ("+1 415 555 01234", None),  # too long
        ("+1 200 555 0123", None),  # unassigned area code
        ("12345", "us"),
        ("not a phone", "us"),
        ("", None),
    ],
)
def test_phone_refuses_invalid_numbers(raw: str, country: str | None) -> None:
    with pytest.raises(FieldInvalid) as info:
        phone(raw, country)
    assert info.value.code == "phone_invalid"


def test_phone_test_value_is_refused_in_live_mode() -> None:
    with pytest.raises(FieldInvalid) as info:
        phone("0000000000", "us", test_values=False)
    assert info.value.code == "phone_invalid"


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.com",
        "http://example.com/shop?x=1#top",
        "https://accessible.stripe.com",  # Stripe test-mode URLs
        "https://disallowed.stripe.com",
        "http://localhost:8000/return",
        "https://127.0.0.1/path",
        "https://bücher.de",
        "HTTPS://EXAMPLE.COM",
    ],
)
def test_url_accepts_http_and_https(raw: str) -> None:
    assert url(raw) == raw


def test_url_strips_surrounding_space() -> None:
    assert url("  https://example.com  ") == "https://example.com"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "example.com",
        "ftp://example.com",
        "javascript:alert(1)",
        "https://intranet/",
        "https://exa mple.com",
        "https://example.com:99999/",
        "https://-bad-.com",
        "https://example..com",
        "https://example.com/\x00",
        "https://" + "a" * URL_MAX_LENGTH + ".com",
    ],
)
def test_url_refuses_invalid_urls(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        url(raw)
    assert info.value.code == "url_invalid"


@pytest.mark.parametrize(
    ("raw", "https_only"),
    [("http://receiver:8000/hooks", False), ("https://platform.example/return", True)],
)
def test_endpoint_url_takes_any_host_over_the_allowed_scheme(raw: str, https_only: bool) -> None:
    assert endpoint_url(raw, https_only=https_only) == raw


@pytest.mark.parametrize(
    ("raw", "https_only"),
    [
        ("javascript:alert(1)", False),
        ("ftp://files.example/x", False),
        ("http://[::1", False),
        ("/relative/path", False),
        ("http://platform.example/return", True),
    ],
)
def test_endpoint_url_refuses_other_schemes_and_plain_http_in_live_mode(
    raw: str, https_only: bool
) -> None:
    with pytest.raises(FieldInvalid) as info:
        endpoint_url(raw, https_only=https_only)
    assert info.value.code == "url_invalid"
