"""MCC, statement descriptors, ownership percentages and product descriptions."""

from __future__ import annotations

import re
import typing
from decimal import Decimal

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.business import (
    MCC_CATEGORIES,
    PRODUCT_DESCRIPTION_MAX_LENGTH,
    mcc,
    percent_ownership,
    product_description,
    statement_descriptor,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("5734", "5734"), (" 5817 ", "5817"), ("0742", "0742"), ("7011", "7011"), ("5262", "5262")],
)
def test_mcc_accepts_known_codes(raw: str, expected: str) -> None:
    assert mcc(raw) == expected


# The last value is 5734 in full-width digits.
@pytest.mark.parametrize(
    "raw", ["0000", "9999", "573", "57345", "57a4", "", "\uff15\uff17\uff13\uff14"]
)
def test_mcc_refuses_unknown_or_malformed_codes(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        mcc(raw)
    assert info.value.code == "mcc_invalid"


def test_mcc_table_uses_stripes_category_names() -> None:
    from stripe.params.issuing._card_create_params import CardCreateParamsSpendingControls

    hint = typing.get_type_hints(CardCreateParamsSpendingControls)["allowed_categories"]
    stripe_names = set(re.findall(r"'([a-z0-9_]+)'", repr(hint)))
    assert set(MCC_CATEGORIES.values()) <= stripe_names
    # Every Stripe category except the code-less catch-all has its MCC here.
    assert stripe_names - set(MCC_CATEGORIES.values()) == {"miscellaneous"}
    assert all(re.fullmatch(r"\d{4}", code) for code in MCC_CATEGORIES)
    assert MCC_CATEGORIES["5734"] == "computer_software_stores"


@pytest.mark.parametrize(
    ("raw", "prefix", "expected"),
    [
        ("ROCKET RIDES", False, "ROCKET RIDES"),
        (" Rocket Rides ", False, "Rocket Rides"),
        ("Café Zürich", False, "Café Zürich"),
        ("A1B2C", False, "A1B2C"),
        ("x" * 22, False, "x" * 22),
        ("mismatch", False, "mismatch"),  # Stripe test values
        ("disallowed", False, "disallowed"),
        ("RR", True, "RR"),
        ("ROCKET", True, "ROCKET"),
        ("mismatch", True, "mismatch"),
        ("disallowed", True, "disallowed"),
    ],
)
def test_statement_descriptor_accepts(raw: str, prefix: bool, expected: str) -> None:
    assert statement_descriptor(raw, prefix=prefix) == expected


@pytest.mark.parametrize(
    ("raw", "prefix"),
    [
        ("ABCD", False),  # too short
        ("x" * 23, False),  # too long
        ("R", True),
        ("x" * 11, True),
        ("12345", False),  # no letter
        ("99", True),
        ("Rocket <Rides>", False),
        ("Rocket's", False),
        ('Say "hi"', False),
        ("Star*Shop", False),
        ("Back\\slash", False),
        ("Кафе Москва", False),  # Cyrillic
        ("東京ショップ", False),
    ],
)
def test_statement_descriptor_refuses(raw: str, prefix: bool) -> None:
    with pytest.raises(FieldInvalid) as info:
        statement_descriptor(raw, prefix=prefix)
    assert info.value.code == "statement_descriptor_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", Decimal("0")),
        ("25", Decimal("25")),
        ("33.3333", Decimal("33.3333")),
        ("100", Decimal("100")),
        ("100.00", Decimal("100")),
        (" 50.5 ", Decimal("50.5")),
    ],
)
def test_percent_ownership_parses(raw: str, expected: Decimal) -> None:
    assert percent_ownership(raw) == expected


@pytest.mark.parametrize(
    "raw", ["-1", "100.01", "101", "1e2", "33.33333", "abc", "", "NaN", "Infinity", ".5", "1,5"]
)
def test_percent_ownership_refuses(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        percent_ownership(raw)
    assert info.value.code == "person_percent_ownership_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("We sell bikes.", "We sell bikes."),
        ("  Line one\nLine two  ", "Line one\nLine two"),
        ("require_url", "require_url"),  # Stripe test value
        ("x" * PRODUCT_DESCRIPTION_MAX_LENGTH, "x" * PRODUCT_DESCRIPTION_MAX_LENGTH),
    ],
)
def test_product_description_accepts(raw: str, expected: str) -> None:
    assert product_description(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "invalid_product_description_length"),
        ("   ", "invalid_product_description_length"),
        ("x" * (PRODUCT_DESCRIPTION_MAX_LENGTH + 1), "invalid_product_description_length"),
        ("bell\x07", "invalid_value_other"),
    ],
)
def test_product_description_refuses(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        product_description(raw)
    assert info.value.code == code
