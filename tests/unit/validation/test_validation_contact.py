"""Email addresses and phone numbers (URLs: test_validation_urls.py)."""

from __future__ import annotations

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.contact import email, phone


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
