"""IBANs, BICs, US routing numbers, Japanese bank and branch codes, and account numbers."""

# Full-width digits, letters and hyphens in the data are the point: what Japanese keyboards type.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.banks import (
    JP_ACCOUNT_TEST_VALUES,
    JP_ROUTING_TEST_VALUES,
    account_number,
    bic,
    iban,
    jp_bank_and_branch,
    jp_routing_number,
    jp_split_routing_number,
    us_routing_number,
)


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


# -- Japan ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank", "branch", "expected"),
    [
        ("1100", "000", "1100000"),  # Stripe's test bank and branch
        ("0001", "001", "0001001"),
        (" 0005 ", "123", "0005123"),
        ("０００９", "１２３", "0009123"),  # full-width digits, as Japanese keyboards type them
    ],
)
def test_jp_bank_and_branch_make_the_routing_number(bank: str, branch: str, expected: str) -> None:
    assert jp_bank_and_branch(bank, branch) == expected


@pytest.mark.parametrize(
    ("bank", "branch", "field", "says"),
    [
        ("110", "000", "bank_code", "a Japanese bank code is 4 digits"),
        ("11000", "000", "bank_code", "a Japanese bank code is 4 digits"),
        ("11OO", "000", "bank_code", "a Japanese bank code is 4 digits"),
        ("", "000", "bank_code", "a Japanese bank code is 4 digits"),
        ("1100", "00", "branch_code", "a Japanese branch code is 3 digits"),
        ("1100", "0000", "branch_code", "a Japanese branch code is 3 digits"),
        ("1100", "abc", "branch_code", "a Japanese branch code is 3 digits"),
    ],
)
def test_jp_bank_and_branch_name_the_part_that_is_wrong(
    bank: str, branch: str, field: str, says: str
) -> None:
    with pytest.raises(FieldInvalid) as info:
        jp_bank_and_branch(bank, branch)
    assert (info.value.code, info.value.details["field"]) == ("bank_account_invalid", field)
    assert says in info.value.message


def test_jp_bank_code_message_quotes_the_code() -> None:
    with pytest.raises(FieldInvalid) as info:
        jp_bank_and_branch("110", "000")
    assert info.value.message == (
        "The bank code '110' is not valid: a Japanese bank code is 4 digits, like 0001."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1100000", "1100000"), ("1100-000", "1100000"), ("1100 000", "1100000"),
     ("１１００－０００", "1100000")],
)  # fmt: skip
def test_jp_routing_number_accepts_both_stripe_formats(raw: str, expected: str) -> None:
    assert jp_routing_number(raw) == expected


@pytest.mark.parametrize("raw", ["110000", "11000000", "110-0000", "1100", "ABCD-EFG", ""])
def test_jp_routing_number_refuses(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        jp_routing_number(raw)
    assert info.value.code == "bank_account_invalid"
    assert "routing number" in info.value.message  # the form marks the routing input by this
    assert "xxxx-xxx or xxxxxxx" in info.value.message


def test_jp_routing_number_says_when_the_branch_is_missing() -> None:
    with pytest.raises(FieldInvalid) as info:
        jp_routing_number("1100")
    assert info.value.message.endswith("this looks like a bank code alone.")


def test_jp_routing_number_splits_into_bank_and_branch() -> None:
    assert jp_split_routing_number("1100-000") == ("1100", "000")


def test_stripe_jp_test_values_are_well_formed() -> None:
    (routing,) = JP_ROUTING_TEST_VALUES
    (number,) = JP_ACCOUNT_TEST_VALUES
    assert jp_routing_number(routing) == "1100000"
    assert jp_bank_and_branch(*jp_split_routing_number(routing)) == routing
    assert account_number(number, "jp") == "0001234"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0001234", "0001234"), ("1234567", "1234567"), ("12345678", "12345678"),
     ("０００１２３４", "0001234"), ("000 1234", "0001234"), ("1234-567", "1234567")],
)  # fmt: skip
def test_jp_account_number_accepts_7_or_8_digits(raw: str, expected: str) -> None:
    assert account_number(raw, "JP") == expected


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("123456", "add leading zeros to a shorter one (123456 is 0123456)"),
        ("1", "add leading zeros"),
        ("123456789", "must be 7 or 8 digits."),
        ("123456A", "must be 7 or 8 digits."),
        ("ABCDEFG", "must be 7 or 8 digits."),
    ],
)
def test_jp_account_number_refuses(raw: str, hint: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        account_number(raw, "jp")
    assert info.value.code == "bank_account_invalid"
    assert hint in info.value.message
    assert raw not in info.value.message.replace("123456 is 0123456", "")
