"""Which validator guards which param: values are normalised in place, failures are placed."""

# Full-width digits, letters and hyphens in the data are the point: what Japanese keyboards type.
# ruff: noqa: RUF001

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from gangway.core.errors import InvalidRequest
from gangway.core.field_checks import CheckContext, check_account_params, check_person_params

TODAY = date(2025, 6, 1)
TEST_MODE = CheckContext(today=TODAY, country="us", livemode=False)
LIVE_MODE = CheckContext(today=TODAY, country="us", livemode=True)


def _nest(path: str, value: Any) -> Any:
    """Build the params that set ``value`` at a dotted path; integer parts make lists."""
    parts = path.split(".")
    node: Any = value
    for part in reversed(parts):
        node = [node] if part.isdigit() else {part: node}
    return node


def _get(params: Any, path: str) -> Any:
    for part in path.split("."):
        params = params[int(part)] if part.isdigit() else params[part]
    return params


US_ADDRESS = {
    "line1": " 1 Main St ",
    "city": "San Francisco",
    "state": "california",
    "postal_code": " 94103 ",
    "country": "US",
}
US_ADDRESS_CLEAN = {
    "line1": "1 Main St",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94103",
    "country": "us",
}
JP_KANA_ADDRESS = {
    "postal_code": "１５０－０００１", "state": "ﾄｳｷｮｳﾄ", "city": "ｼﾌﾞﾔｸ",
    "town": "ｼﾞﾝｸﾞｳﾏｴ 1ﾁｮｳﾒ", "line1": "1-1", "country": "JP",
}  # fmt: skip
JP_KANA_ADDRESS_CLEAN = {
    "postal_code": "150-0001", "state": "トウキョウト", "city": "シブヤク",
    "town": "ジングウマエ 1チョウメ", "line1": "1-1", "country": "jp",
}  # fmt: skip
JP_KANJI_ADDRESS = {
    "postal_code": "150-0001", "state": "東京都", "city": "渋谷区", "town": "神宮前１丁目",
    "line1": "１－１", "line2": "ロケットビル 3階", "country": "jp",
}  # fmt: skip
JP_KANJI_ADDRESS_CLEAN = JP_KANJI_ADDRESS  # kanji is stored as written
PERSON_PATHS = [
    ("email", " Jenny.Rosen@EXAMPLE.com ", "Jenny.Rosen@example.com"),
    ("phone", "(415) 555-0123", "+14155550123"),
    ("date_of_birth", {"day": "01", "month": "2", "year": "1990"}, {"day": 1, "month": 2, "year": 1990}),
    ("address", US_ADDRESS, US_ADDRESS_CLEAN),
    ("additional_addresses.0", {"state": "New York", "country": "US"}, {"state": "NY", "country": "us"}),
    ("id_numbers.0", {"type": "us_ssn", "value": "536-90-4399"}, {"type": "us_ssn", "value": "536904399"}),
    ("nationalities.0", "US", "us"),
    ("relationship.percent_ownership", " 25.5 ", "25.5"),
    ("script_names.kana.surname", "ﾔﾏﾀﾞ", "ヤマダ"),
    ("script_names.kana.given_name", " ハナコ ", "ハナコ"),
    ("script_names.kanji.surname", " 山田 ", "山田"),
    ("script_names.kanji.given_name", "花子", "花子"),
    ("script_addresses.kana", JP_KANA_ADDRESS, JP_KANA_ADDRESS_CLEAN),
    ("script_addresses.kanji", JP_KANJI_ADDRESS, JP_KANJI_ADDRESS_CLEAN),
]  # fmt: skip
ACCOUNT_PATHS = [
    ("contact_email", "Ops@Example.COM", "Ops@example.com"),
    ("contact_phone", "415.555.0123", "+14155550123"),
    ("defaults.currency", "USD", "usd"),
    ("defaults.locales.0", "fr-fr", "fr-FR"),
    ("defaults.profile.business_url", " https://example.com/shop ", "https://example.com/shop"),
    ("identity.country", "US", "us"),
    *[(f"identity.individual.{path}", raw, clean) for path, raw, clean in PERSON_PATHS],
    ("identity.business_details.phone", "+44 20 7946 0958", "+442079460958"),
    ("identity.business_details.address", US_ADDRESS, US_ADDRESS_CLEAN),
    ("identity.business_details.additional_addresses.0", {"state": "ny", "country": "us"}, {"state": "NY", "country": "us"}),
    ("identity.business_details.id_numbers.0", {"type": "us_ein", "value": "91-1144442"}, {"type": "us_ein", "value": "911144442"}),
    ("identity.business_details.registration_date", {"day": 2, "month": 3, "year": 2010}, {"day": 2, "month": 3, "year": 2010}),
    ("identity.business_details.script_names.kana.registered_name", "ﾛｹｯﾄﾗｲｽﾞ", "ロケットライズ"),
    ("identity.business_details.script_names.kanji.registered_name", "株式会社ロケットライズ", "株式会社ロケットライズ"),
    ("identity.business_details.script_addresses.kana", JP_KANA_ADDRESS, JP_KANA_ADDRESS_CLEAN),
    ("identity.business_details.script_addresses.kanji", JP_KANJI_ADDRESS, JP_KANJI_ADDRESS_CLEAN),
    ("configuration.merchant.mcc", "5734", "5734"),
    ("configuration.merchant.statement_descriptor.descriptor", "  Dunder Mifflin  ", "Dunder Mifflin"),
    ("configuration.merchant.statement_descriptor.prefix", "DUNDER", "DUNDER"),
    ("configuration.merchant.support.email", "HELP@EXAMPLE.COM", "HELP@example.com"),
    ("configuration.merchant.support.phone", "4155550123", "+14155550123"),
    ("configuration.merchant.support.url", "https://help.example.com", "https://help.example.com"),
    ("configuration.merchant.support.address", US_ADDRESS, US_ADDRESS_CLEAN),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "raw", "clean"), ACCOUNT_PATHS, ids=[p for p, _, _ in ACCOUNT_PATHS]
)
def test_account_value_is_validated_and_normalised_in_place(
    path: str, raw: Any, clean: Any
) -> None:
    params = _nest(path, copy.deepcopy(raw))
    check_account_params(params, TEST_MODE)
    assert _get(params, path) == clean


@pytest.mark.parametrize(
    ("path", "raw", "clean"), PERSON_PATHS, ids=[p for p, _, _ in PERSON_PATHS]
)
def test_person_value_is_validated_and_normalised_in_place(path: str, raw: Any, clean: Any) -> None:
    params = _nest(path, copy.deepcopy(raw))
    check_person_params(params, TEST_MODE)
    assert _get(params, path) == clean


def test_every_value_in_one_request_is_normalised_and_others_left_alone() -> None:
    params: dict[str, Any] = {
        "display_name": "  Dunder Mifflin  ",
        "metadata": {"email": "NOT@CHECKED.COM"},
        "contact_email": "Ops@Example.COM",
        "identity": {
            "country": "US",
            "individual": {
                "given_name": " Jenny ",
                "id_numbers": [
                    {"type": "us_ssn_last_4", "value": "4399"},
                    {"type": "us_itin", "value": "912-90-3456"},
                ],
                "nationalities": ["US", "gb"],
            },
        },
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    }
    check_account_params(params, TEST_MODE)
    assert params == {
        "display_name": "  Dunder Mifflin  ",
        "metadata": {"email": "NOT@CHECKED.COM"},
        "contact_email": "Ops@example.com",
        "identity": {
            "country": "us",
            "individual": {
                "given_name": " Jenny ",
                "id_numbers": [
                    {"type": "us_ssn_last_4", "value": "4399"},
                    {"type": "us_itin", "value": "912903456"},
                ],
                "nationalities": ["us", "gb"],
            },
        },
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    }


def test_null_values_are_not_validated() -> None:
    params: dict[str, Any] = {"contact_phone": None, "identity": {"individual": {"email": None}}}
    check_account_params(params, TEST_MODE)
    assert params == {"contact_phone": None, "identity": {"individual": {"email": None}}}


def test_a_national_phone_number_is_read_in_the_accounts_country() -> None:
    params: dict[str, Any] = {"contact_phone": "020 7946 0958"}
    check_account_params(params, CheckContext(today=TODAY, country="gb", livemode=False))
    assert params == {"contact_phone": "+442079460958"}
    with pytest.raises(InvalidRequest) as info:
        check_account_params({"contact_phone": "020 7946 0958"}, TEST_MODE)
    assert (info.value.code, info.value.param) == ("phone_invalid", "contact_phone")


FAILURES = [
    ({"contact_email": "jenny@"}, "email_invalid", "contact_email"),
    ({"contact_phone": "12"}, "phone_invalid", "contact_phone"),
    ({"defaults": {"currency": "zzz"}}, "currency_invalid", "defaults[currency]"),
    ({"defaults": {"locales": ["en-US", "xx-yy"]}}, "locale_invalid", "defaults[locales][1]"),
    ({"defaults": {"profile": {"business_url": "ftp://example.com"}}}, "url_invalid", "defaults[profile][business_url]"),
    ({"identity": {"country": "zz"}}, "country_invalid", "identity[country]"),
    ({"identity": {"individual": {"email": "no"}}}, "email_invalid", "identity[individual][email]"),
    ({"identity": {"individual": {"date_of_birth": {"day": 31, "month": 2, "year": 1990}}}},
     "date_of_birth_invalid", "identity[individual][date_of_birth]"),
    ({"identity": {"individual": {"date_of_birth": {"day": 1, "month": 1, "year": 2020}}}},
     "date_of_birth_age_restriction", "identity[individual][date_of_birth]"),
    ({"identity": {"individual": {"id_numbers": [{"type": "us_ssn", "value": "123"}]}}},
     "id_number_invalid", "identity[individual][id_numbers][0][value]"),
    ({"identity": {"individual": {"id_numbers": [{"type": "us_ssn_last_4", "value": "4399"},
                                                  {"type": "us_itin", "value": "12"}]}}},
     "id_number_invalid", "identity[individual][id_numbers][1][value]"),
    ({"identity": {"business_details": {"id_numbers": [{"type": "us_ein", "value": "1"}]}}},
     "id_number_invalid", "identity[business_details][id_numbers][0][value]"),
    ({"identity": {"individual": {"nationalities": ["us", "qq"]}}},
     "country_invalid", "identity[individual][nationalities][1]"),
    ({"identity": {"individual": {"relationship": {"percent_ownership": "101"}}}},
     "person_percent_ownership_invalid", "identity[individual][relationship][percent_ownership]"),
    ({"identity": {"business_details": {"registration_date": {"day": 1, "month": 1, "year": 2030}}}},
     "registration_date_invalid", "identity[business_details][registration_date]"),
    ({"identity": {"individual": {"address": {"line1": "1 Main St\x00", "country": "US"}}}},
     "address_characters_invalid", "identity[individual][address][line1]"),
    ({"identity": {"individual": {"additional_addresses": [{"city": "Ok"}, {"line2": "\u202e"}]}}},
     "address_characters_invalid", "identity[individual][additional_addresses][1][line2]"),
    ({"identity": {"business_details": {"address": {"state": "Guangdong", "city": "Springfield", "country": "CN"}}}},
     "address_town_invalid", "identity[business_details][address][city]"),
    ({"identity": {"individual": {"script_names": {"kana": {"surname": "Yamada"}}}}},
     "script_characters_invalid", "identity[individual][script_names][kana][surname]"),
    ({"identity": {"individual": {"script_names": {"kana": {"given_name": "花子"}}}}},
     "script_characters_invalid", "identity[individual][script_names][kana][given_name]"),
    ({"identity": {"individual": {"script_names": {"kanji": {"surname": "Yamada"}}}}},
     "script_characters_invalid", "identity[individual][script_names][kanji][surname]"),
    ({"identity": {"individual": {"script_addresses": {"kana": {"line1": "address_full_match"}}}}},
     "script_characters_invalid", "identity[individual][script_addresses][kana][line1]"),
    ({"identity": {"individual": {"script_addresses": {"kanji": {"state": "Tokyo"}}}}},
     "script_characters_invalid", "identity[individual][script_addresses][kanji][state]"),
    ({"identity": {"individual": {"script_addresses": {"kanji": {"state": "トウキョウト"}}}}},
     "address_state_invalid", "identity[individual][script_addresses][kanji][state]"),
    ({"identity": {"individual": {"script_addresses": {"kana": {"country": "us"}}}}},
     "non_jp_kana_kanji_address", "identity[individual][script_addresses][kana][country]"),
    ({"identity": {"business_details": {"script_names": {"kana": {"registered_name": "Rocket"}}}}},
     "script_characters_invalid", "identity[business_details][script_names][kana][registered_name]"),
    ({"identity": {"business_details": {"script_names": {"kanji": {"registered_name": "Rocket"}}}}},
     "script_characters_invalid", "identity[business_details][script_names][kanji][registered_name]"),
    ({"identity": {"business_details": {"script_addresses": {"kanji": {"state": "大阪府", "postal_code": "150-0001"}}}}},
     "address_postal_code_invalid", "identity[business_details][script_addresses][kanji][postal_code]"),
    ({"identity": {"business_details": {"address": {"state": "ナルニア", "country": "jp"}}}},
     "address_state_invalid", "identity[business_details][address][state]"),
    ({"configuration": {"merchant": {"mcc": "0000"}}}, "mcc_invalid", "configuration[merchant][mcc]"),
    ({"configuration": {"merchant": {"statement_descriptor": {"descriptor": "ab"}}}},
     "statement_descriptor_invalid", "configuration[merchant][statement_descriptor][descriptor]"),
    ({"configuration": {"merchant": {"support": {"url": "https://intranet"}}}},
     "url_invalid", "configuration[merchant][support][url]"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "code", "param"), FAILURES, ids=[p for _, _, p in FAILURES])
def test_a_failure_carries_its_code_and_bracketed_param(
    params: dict[str, Any], code: str, param: str
) -> None:
    with pytest.raises(InvalidRequest) as info:
        check_account_params(params, TEST_MODE)
    assert (info.value.code, info.value.param, info.value.status) == (code, param, 400)


ADDRESS_SUB_FIELDS = [
    ({"postal_code": "ABCDE", "country": "US"}, "address_postal_code_invalid", "postal_code"),
    (
        {"state": "CA", "postal_code": "10001", "country": "US"},
        "address_postal_code_invalid",
        "postal_code",
    ),
    ({"state": "Narnia", "country": "US"}, "address_state_invalid", "state"),
    ({"country": "XX"}, "country_invalid", "country"),
    ({"line1": 5, "country": "US"}, "address_characters_invalid", "line1"),
]


@pytest.mark.parametrize(
    "where", ["identity[individual][address]", "configuration[merchant][support][address]"]
)
@pytest.mark.parametrize(
    ("address", "code", "field"),
    ADDRESS_SUB_FIELDS,
    ids=[f"{c}-{f}" for _, c, f in ADDRESS_SUB_FIELDS],
)
def test_an_address_failure_names_the_sub_field_at_fault(
    where: str, address: dict[str, Any], code: str, field: str
) -> None:
    path = where.replace("][", ".").replace("[", ".").rstrip("]")
    with pytest.raises(InvalidRequest) as info:
        check_account_params(_nest(path, address), TEST_MODE)
    assert (info.value.code, info.value.param) == (code, f"{where}[{field}]")


def test_a_person_failure_is_placed_relative_to_the_person() -> None:
    with pytest.raises(InvalidRequest) as info:
        check_person_params({"id_numbers": [{"type": "us_ssn", "value": "12"}]}, TEST_MODE)
    assert (info.value.code, info.value.param) == ("id_number_invalid", "id_numbers[0][value]")


MAGIC_VALUES = [
    ("identity.individual.id_numbers.0", {"type": "us_ssn", "value": "000000000"}, "identity[individual][id_numbers][0][value]"),
    ("identity.individual.id_numbers.0", {"type": "us_ssn", "value": "000-00-0000"}, "identity[individual][id_numbers][0][value]"),
    ("identity.individual.id_numbers.0", {"type": "ca_sin", "value": "111111111"}, "identity[individual][id_numbers][0][value]"),
    ("identity.business_details.id_numbers.0", {"type": "us_ein", "value": "000000001"}, "identity[business_details][id_numbers][0][value]"),
    ("contact_phone", "0000000000", "contact_phone"),
    ("identity.individual.phone", "0000000000", "identity[individual][phone]"),
    ("configuration.merchant.support.phone", "0000000000", "configuration[merchant][support][phone]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "raw", "param"), MAGIC_VALUES, ids=[f"{p}={r}" for p, r, _ in MAGIC_VALUES]
)
def test_test_mode_accepts_stripes_magic_values(path: str, raw: Any, param: str) -> None:
    params = _nest(path, copy.deepcopy(raw))
    check_account_params(params, TEST_MODE)
    value = _get(params, path)
    assert (value["value"] if isinstance(value, dict) else value).replace("-", "") == (
        raw["value"] if isinstance(raw, dict) else raw
    ).replace("-", "")


@pytest.mark.parametrize(
    ("path", "raw", "param"), MAGIC_VALUES, ids=[f"{p}={r}" for p, r, _ in MAGIC_VALUES]
)
def test_live_mode_refuses_stripes_magic_values(path: str, raw: Any, param: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        check_account_params(_nest(path, copy.deepcopy(raw)), LIVE_MODE)
    assert info.value.param == param
    assert info.value.code in ("id_number_invalid", "phone_invalid")


def test_live_mode_accepts_real_values() -> None:
    params: dict[str, Any] = {
        "contact_phone": "(415) 555-0123",
        "identity": {"individual": {"id_numbers": [{"type": "us_ssn", "value": "536-90-4399"}]}},
    }
    check_account_params(params, LIVE_MODE)
    assert params["contact_phone"] == "+14155550123"
    assert params["identity"]["individual"]["id_numbers"][0]["value"] == "536904399"


def test_a_persons_script_fields_are_checked_where_the_person_api_puts_them() -> None:
    with pytest.raises(InvalidRequest) as info:
        check_person_params({"script_names": {"kana": {"surname": "やまだ"}}}, TEST_MODE)
    assert (info.value.code, info.value.param) == (
        "script_characters_invalid",
        "script_names[kana][surname]",
    )
    assert "katakana" in info.value.message and "hiragana" in info.value.message
    with pytest.raises(InvalidRequest) as info:
        check_person_params({"script_addresses": {"kanji": {"city": "Shibuya"}}}, TEST_MODE)
    assert (info.value.code, info.value.param) == (
        "script_characters_invalid",
        "script_addresses[kanji][city]",
    )
    assert info.value.message.startswith("The city in kanji")
