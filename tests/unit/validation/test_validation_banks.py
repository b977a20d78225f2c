"""IBANs, BICs, US routing numbers and account numbers."""

from __future__ import annotations

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.banks import account_number, bic, iban, us_routing_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("de89370400440532013000", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
    ],
)
def test_iban_returns_compact_form(raw: str, expected: str) -> None:
    assert iban(raw) == expected


@pytest.mark.parametrize(
    "raw", ["DE89370400440532013001", "DE8937040044053201300", "XX00123", "", "not an iban"]
)
def test_iban_refuses_invalid(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        iban(raw)
    assert info.value.code == "bank_account_invalid"


def test_iban_message_does_not_repeat_the_iban() -> None:
    with pytest.raises(FieldInvalid) as info:
        iban("XX00123")
    assert "XX00123" not in info.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("deutdeff", "DEUTDEFF"), ("DEUTDEFF500", "DEUTDEFF500"), ("NWBK GB 2L", "NWBKGB2L")],
)
def test_bic_returns_compact_form(raw: str, expected: str) -> None:
    assert bic(raw) == expected


@pytest.mark.parametrize("raw", ["DEUTXXFF", "DEUT", "DEUTDEFF5", "", "12345678"])
def test_bic_refuses_invalid(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        bic(raw)
    assert info.value.code == "bank_account_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("110000000", "110000000"), ("111000025", "111000025"), ("0210-0002-1", "021000021")],
)
def test_us_routing_number_accepts(raw: str, expected: str) -> None:
    assert us_routing_number(raw) == expected


def test_us_routing_number_test_value_is_refused_in_live_mode() -> None:
    # 110000000 happens to carry a valid check digit, but it is Stripe's test bank, not a bank.
    with pytest.raises(FieldInvalid) as info:
        us_routing_number("110000000", test_values=False)
    assert info.value.code == "bank_account_invalid"
    assert us_routing_number("111000025", test_values=False) == "111000025"


@pytest.mark.parametrize("raw", ["112000025", "11000000", "1100000000", "11000000A", ""])
def test_us_routing_number_refuses(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        us_routing_number(raw)
    assert info.value.code == "bank_account_invalid"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("000123456789", "us", "000123456789"),  # Stripe test accounts
        ("000999999991", "us", "000999999991"),
        ("000999999992", "US", "000999999992"),
        ("1234", "us", "1234"),
        ("DE89 3704 0044 0532 0130 00", "de", "DE89370400440532013000"),
        ("31926819", "gb", "31926819"),
        ("1234-567", "jp", "1234567"),
    ],
)
def test_account_number_accepts(raw: str, country: str, expected: str) -> None:
    assert account_number(raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "country", "code"),
    [
        ("123", "us", "bank_account_invalid"),
        ("1" * 18, "us", "bank_account_invalid"),
        ("12345678A", "us", "bank_account_invalid"),
        ("DE89370400440532013001", "de", "bank_account_invalid"),  # IBAN with bad checksum
        ("", "gb", "bank_account_invalid"),
        ("1" * 35, "gb", "bank_account_invalid"),
        ("12#34", "gb", "bank_account_invalid"),
        ("12345678", "zz", "country_invalid"),
    ],
)
def test_account_number_refuses(raw: str, country: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        account_number(raw, country)
    assert info.value.code == code


def test_account_number_message_does_not_repeat_the_number() -> None:
    with pytest.raises(FieldInvalid) as info:
        account_number("12345678A", "us")
    assert "12345678A" not in info.value.message
