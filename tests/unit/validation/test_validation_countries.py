"""Country, currency and locale codes."""

from __future__ import annotations

import typing

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.countries import LOCALES, country, country_name, currency, locale


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("us", "us"), ("US", "us"), (" gb ", "gb"), ("Jp", "jp"), ("de", "de")],
)
def test_country_normalises_to_lower_case(raw: str, expected: str) -> None:
    assert country(raw) == expected


@pytest.mark.parametrize("raw", ["zz", "XX", "usa", "u", "", "1a", "ü1", "u s"])
def test_country_refuses_unassigned_or_malformed_codes(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        country(raw)
    assert info.value.code == "country_invalid"


def test_country_refuses_non_strings() -> None:
    with pytest.raises(FieldInvalid) as info:
        country(840)  # type: ignore[arg-type]
    assert info.value.code == "country_invalid"


def test_country_message_names_the_value() -> None:
    with pytest.raises(FieldInvalid) as info:
        country("zz")
    assert "'zz'" in info.value.message


@pytest.mark.parametrize(("code", "name"), [("us", "United States"), ("gb", "United Kingdom")])
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


@pytest.mark.parametrize(
    ("raw", "expected"), [("usd", "usd"), ("EUR", "eur"), (" Jpy ", "jpy"), ("xof", "xof")]
)
def test_currency_normalises_to_lower_case(raw: str, expected: str) -> None:
    assert currency(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "us", "dollars", "", "12$"])
def test_currency_refuses_unknown_codes(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        currency(raw)
    assert info.value.code == "currency_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("en-US", "en-US"), ("en-us", "en-US"), ("ZH-HANT-TW", "zh-Hant-TW"), ("es-419", "es-419")],
)
def test_locale_returns_canonical_casing(raw: str, expected: str) -> None:
    assert locale(raw) == expected


@pytest.mark.parametrize("raw", ["en_US", "xx", "en-FR", "", "english"])
def test_locale_refuses_tags_outside_the_enum(raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        locale(raw)
    assert info.value.code == "locale_invalid"


def test_locales_match_the_sdk_enum() -> None:
    from stripe.params.v2.core._account_create_params import AccountCreateParamsDefaults

    hint = typing.get_type_hints(AccountCreateParamsDefaults)["locales"]
    literals: set[str] = set()
    for arg in typing.get_args(typing.get_args(hint)[0]):
        if typing.get_origin(arg) is typing.Literal:
            literals.update(typing.get_args(arg))
    assert literals == set(LOCALES)
