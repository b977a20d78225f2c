"""Postal addresses: format only, never requiredness."""

from __future__ import annotations

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.addresses import address, address_fields, postal_code_label, state_label

Address = dict[str, str | None]


@pytest.mark.parametrize(
    ("fields", "country", "expected"),
    [
        # Partial addresses are fine: requirements, not this validator, decide what is due.
        ({"line1": "address_full_match"}, "us", {"line1": "address_full_match"}),
        ({"line1": "address_no_match"}, None, {"line1": "address_no_match"}),
        ({"line1": "address_line1_no_match"}, "gb", {"line1": "address_line1_no_match"}),
        ({}, "us", {}),
        ({"line2": None}, "us", {"line2": None}),
        # Values are stripped; the state becomes the code when it is one.
        (
            {"line1": " 510 Townsend St ", "city": "San Francisco", "state": "California",
             "postal_code": "94103", "country": "US"},
            None,
            {"line1": "510 Townsend St", "city": "San Francisco", "state": "CA",
             "postal_code": "94103", "country": "us"},
        ),
        ({"state": "ca", "postal_code": "94103-1234"}, "us", {"state": "CA", "postal_code": "94103-1234"}),
        ({"state": "ontario", "postal_code": "M5V 3L9"}, "ca", {"state": "ON", "postal_code": "M5V 3L9"}),
        ({"state": "New South Wales", "postal_code": "2000"}, "au", {"state": "NSW", "postal_code": "2000"}),
        ({"state": "madrid"}, "es", {"state": "M"}),
        # GB has no states in the address data: whatever is given is kept.
        ({"postal_code": "EC1Y 8SY", "state": "Greater London"}, "gb",
         {"postal_code": "EC1Y 8SY", "state": "Greater London"}),
        ({"postal_code": "ec1y 8sy"}, "gb", {"postal_code": "ec1y 8sy"}),
        # Non-code keys: the value is kept in the script it was written in.
        ({"state": "Tokyo", "postal_code": "100-0001"}, "jp", {"state": "Tokyo", "postal_code": "100-0001"}),
        ({"state": "東京都"}, "jp", {"state": "東京都"}),
        ({"state": "ﾄｳｷｮｳﾄ", "city": "ﾁﾖﾀﾞｸ"}, "jp", {"state": "ﾄｳｷｮｳﾄ", "city": "ﾁﾖﾀﾞｸ"}),
        ({"state": "Co. Dublin"}, "ie", {"state": "Co. Dublin"}),
        ({"state": "D"}, "ie", {"state": "D"}),  # ISO 3166-2 code
        ({"state": "Jalisco"}, "mx", {"state": "Jalisco"}),
        # The address's own country wins over the fallback.
        ({"country": "gb", "postal_code": "SW1A 1AA"}, "us", {"country": "gb", "postal_code": "SW1A 1AA"}),
        # Cities are checked where the data lists them, accents and suffixes optional.
        ({"state": "SP", "city": "Sao Paulo", "postal_code": "01310-100"}, "br",
         {"state": "SP", "city": "Sao Paulo", "postal_code": "01310-100"}),
        ({"state": "Guangdong", "city": "Guangzhou"}, "cn", {"state": "Guangdong", "city": "Guangzhou"}),
        ({"state": "Beijing Shi", "city": "Beijing"}, "cn", {"state": "Beijing Shi", "city": "Beijing"}),
        ({"state": "Seoul", "city": "Gangnam-gu"}, "kr", {"state": "Seoul", "city": "Gangnam-gu"}),
        ({"state": "Kowloon", "city": "Kowloon"}, "hk", {"state": "Kowloon", "city": "Kowloon"}),
        ({"state": "Hong Kong Island", "city": "Hong Kong"}, "hk",
         {"state": "Hong Kong Island", "city": "Hong Kong"}),
        # No country at all: only the characters are checked.
        ({"line1": "1 Rue de Rivoli", "postal_code": "whatever"}, None,
         {"line1": "1 Rue de Rivoli", "postal_code": "whatever"}),
    ],
)  # fmt: skip
def test_address_normalises(fields: Address, country: str | None, expected: Address) -> None:
    assert address(fields, country=country) == expected


@pytest.mark.parametrize(
    ("fields", "country", "code"),
    [
        ({"postal_code": "1234"}, "us", "address_postal_code_invalid"),
        ({"postal_code": "ABCDE"}, "us", "address_postal_code_invalid"),
        ({"postal_code": "123456"}, "de", "address_postal_code_invalid"),
        ({"postal_code": "EC1Y"}, "gb", "address_postal_code_invalid"),
        ({"postal_code": "100-00001"}, "jp", "address_postal_code_invalid"),
        # A real ZIP code, but not California's.
        ({"state": "CA", "postal_code": "10001"}, "us", "address_postal_code_invalid"),
        ({"state": "Californ"}, "us", "address_state_invalid"),
        ({"state": "New"}, "us", "address_state_invalid"),
        ({"state": "Bavaria-ish"}, "jp", "address_state_invalid"),
        ({"state": "SP", "city": "Springfield"}, "br", "address_town_invalid"),
        ({"state": "Guangdong", "city": "Springfield"}, "cn", "address_town_invalid"),
        ({"line1": "1 Main\tSt"}, "us", "address_characters_invalid"),
        ({"line2": "Apt \u202e5"}, "us", "address_characters_invalid"),
        ({"city": "Bad\x00City"}, None, "address_characters_invalid"),
        ({"line1": "\ue000"}, None, "address_characters_invalid"),
        ({"country": "zz"}, None, "country_invalid"),
        ({"line1": "x"}, "usa", "country_invalid"),
    ],
)
def test_address_errors(fields: Address, country: str | None, code: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        address(fields, country=country)
    assert info.value.code == code


def test_surrounding_whitespace_is_stripped_not_refused() -> None:
    assert address({"line1": "1 Main St\n"}, country="us") == {"line1": "1 Main St"}


def test_postal_code_message_is_specific() -> None:
    with pytest.raises(FieldInvalid) as info:
        address({"postal_code": "1234"}, country="us")
    assert info.value.message.startswith(
        "The zip code '1234' is not valid for United States addresses"
    )


def test_characters_message_names_the_field_and_code_point() -> None:
    with pytest.raises(FieldInvalid) as info:
        address({"line2": "Apt \u202e5"}, country="us")
    assert "line2" in info.value.message
    assert "U+202E" in info.value.message
    assert info.value.details["field"] == "line2"


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("us", ("line1", "line2", "city", "state", "postal_code")),
        ("gb", ("line1", "line2", "city", "postal_code")),
        ("de", ("line1", "line2", "postal_code", "city")),
        ("jp", ("line1", "line2", "state", "postal_code")),
        ("hk", ("line1", "line2", "city", "state")),
        ("sg", ("line1", "line2", "postal_code")),
    ],
)
def test_address_fields(country: str, expected: tuple[str, ...]) -> None:
    assert address_fields(country) == expected


@pytest.mark.parametrize(
    ("country", "postal", "state"),
    [
        ("us", "ZIP code", "State"),
        ("ie", "Eircode", "County"),
        ("jp", "Postal code", "Prefecture"),
        ("IN", "PIN code", "State"),
        ("ca", "Postal code", "Province"),
        ("ae", "Postal code", "Emirate"),
    ],
)
def test_labels(country: str, postal: str, state: str) -> None:
    assert postal_code_label(country) == postal
    assert state_label(country) == state


def test_labels_refuse_unknown_countries() -> None:
    with pytest.raises(FieldInvalid) as info:
        address_fields("zz")
    assert info.value.code == "country_invalid"
