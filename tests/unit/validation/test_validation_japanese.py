"""Kana and kanji names and addresses: each script checked as what it is."""

# Full-width digits, letters and hyphens in the data are the point: what Japanese keyboards type.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.japanese import Script, script_address, script_name

# (script, part, sent, stored)
NAMES_ACCEPTED = [
    ("kana", "surname", "ヤマダ", "ヤマダ"),
    ("kana", "given_name", " ハナコ ", "ハナコ"),
    ("kana", "given_name", "ｼﾞｪﾆｰ", "ジェニー"),  # half-width: stored full-width
    ("kana", "surname", "ﾛｰｾﾞﾝ", "ローゼン"),
    ("kana", "given_name", "ジョン・スミス", "ジョン・スミス"),  # a foreign name with its dot
    ("kana", "surname", "ササキ　タロウ", "ササキ タロウ"),  # ideographic space -> space
    ("kana", "surname", "ヱヴァ", "ヱヴァ"),
    ("kana", "registered_name", "カブシキガイシャ ロケットライズ", "カブシキガイシャ ロケットライズ"),
    ("kana", "registered_name", "ｶ)ﾛｹｯﾄﾗｲｽﾞ", "カ)ロケットライズ"),  # bank-style abbreviation
    ("kana", "registered_name", "セブン-イレブン・ジャパン", "セブン-イレブン・ジャパン"),
    ("kanji", "surname", "山田", "山田"),
    ("kanji", "given_name", "花子", "花子"),
    ("kanji", "surname", "佐々木", "佐々木"),
    ("kanji", "surname", "髙橋", "髙橋"),  # a variant kanji, kept as written
    ("kanji", "surname", "\ufa11", "\ufa11"),  # a compatibility ideograph is not normalised
    ("kanji", "given_name", "ジェニー", "ジェニー"),  # no kanji for a foreign name: kana
    ("kanji", "given_name", "さくら", "さくら"),
    ("kanji", "given_name", "ｼﾞｪﾆｰ", "ｼﾞｪﾆｰ"),  # kanji fields store what was sent
    ("kanji", "surname", "山田 太郎", "山田 太郎"),
    ("kanji", "registered_name", "株式会社ロケットライズ", "株式会社ロケットライズ"),
    ("kanji", "registered_name", "株式会社ABC", "株式会社ABC"),  # Latin mixed in: fine
    ("kanji", "registered_name", "ＮＴＴ株式会社", "ＮＴＴ株式会社"),
    ("kanji", "registered_name", "３Ｍジャパン株式会社", "３Ｍジャパン株式会社"),
    ("kanji", "registered_name", "㈱ロケット", "㈱ロケット"),
]  # fmt: skip


@pytest.mark.parametrize(("script", "part", "sent", "stored"), NAMES_ACCEPTED)
def test_names_accepted(script: Script, part: str, sent: str, stored: str) -> None:
    assert script_name(sent, script, part) == stored


# (script, part, sent, reason)
NAMES_REFUSED = [
    ("kana", "surname", "Yamada", "latin"),  # romaji
    ("kana", "surname", "Jenny", "latin"),
    ("kana", "surname", "ＹＡＭＡＤＡ", "latin"),  # full-width romaji
    ("kana", "surname", "さとう", "hiragana"),
    ("kana", "surname", "ヤマだ", "hiragana"),
    ("kana", "surname", "山田", "kanji"),
    ("kana", "surname", "ヤマダ1", "other"),  # no digits in a person's name
    ("kana", "surname", "ヤマダ!", "other"),
    ("kana", "surname", "・", "no_katakana"),
    ("kana", "registered_name", "Rocket Rides", "latin"),
    ("kana", "registered_name", "ロケット株式会社", "kanji"),
    ("kana", "registered_name", "123", "no_katakana"),
    ("kanji", "surname", "Yamada", "latin"),
    ("kanji", "surname", "ＹＡＭＡＤＡ", "latin"),
    ("kanji", "surname", "Jenny ローゼン", "latin_mixed"),  # a person's name is not mixed
    ("kanji", "surname", "山田2", "other"),
    ("kanji", "surname", "김", "other"),  # Hangul is not Japanese
    ("kanji", "surname", "・", "no_japanese"),
    ("kanji", "registered_name", "Rocket Rides", "latin"),
    ("kanji", "registered_name", "Rocket Rides K.K.", "latin"),
    ("kanji", "registered_name", "12345", "no_japanese"),
    ("kanji", "registered_name", "株式会社★", "other"),
    ("kana", "surname", "ヤマ\tダ", "control"),
    ("kanji", "surname", "山\u202e田", "control"),
]  # fmt: skip


@pytest.mark.parametrize(("script", "part", "sent", "reason"), NAMES_REFUSED)
def test_names_refused(script: Script, part: str, sent: str, reason: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        script_name(sent, script, part)
    error = info.value
    assert error.code == "script_characters_invalid"
    assert (error.details["script"], error.details["reason"]) == (script, reason)
    assert f" in {script} " in error.message  # "The surname in kana must ..."
    assert sent.strip() not in error.message or len(sent.strip()) == 1  # names are not echoed


@pytest.mark.parametrize(
    ("sent", "hint"),
    [
        ("やまだ", "not hiragana"),
        ("山田", "not kanji"),
        ("Yamada", "not in Latin letters (romaji)"),
    ],
)
def test_kana_messages_say_what_to_write_instead(sent: str, hint: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        script_name(sent, "kana", "surname")
    assert info.value.message.startswith("The surname in kana must be written in katakana")
    assert hint in info.value.message


def test_kanji_message_says_japanese_not_latin() -> None:
    with pytest.raises(FieldInvalid) as info:
        script_name("Rocket Rides", "kanji", "registered_name")
    assert info.value.message == (
        "The registered name in kanji must be written in Japanese (kanji or kana), not only in"
        " Latin letters."
    )


def test_an_odd_character_is_named_by_its_code_point() -> None:
    with pytest.raises(FieldInvalid) as info:
        script_name("株式会社★", "kanji", "registered_name")
    assert "'★' (U+2605)" in info.value.message


def test_a_name_must_be_text() -> None:
    with pytest.raises(FieldInvalid) as info:
        script_name(5, "kana", "surname")
    assert info.value.code == "script_characters_invalid"


KANA_ADDRESS = {
    "postal_code": "150-0001",
    "state": "トウキョウト",
    "city": "シブヤク",
    "town": "ジングウマエ 1-チョウメ",
    "line1": "1-1",
    "country": "jp",
}
KANJI_ADDRESS = {
    "postal_code": "150-0001",
    "state": "東京都",
    "city": "渋谷区",
    "town": "神宮前 1丁目",
    "line1": "1-1",
    "country": "jp",
}

# (script, sent, stored)
ADDRESSES_ACCEPTED: list[tuple[Script, dict[str, Any], dict[str, Any]]] = [
    ("kana", KANA_ADDRESS, KANA_ADDRESS),
    ("kanji", KANJI_ADDRESS, KANJI_ADDRESS),
    # Stripe's own API example, half-width with large kana for small ones.
    (
        "kana",
        {"city": "ｼﾌﾞﾔ", "country": "JP", "line1": "27-15", "postal_code": "1500001",
         "state": "ﾄｳｷﾖｳﾄ", "town": "ｼﾞﾝｸﾞｳﾏｴ 3-"},
        {"city": "シブヤ", "country": "jp", "line1": "27-15", "postal_code": "1500001",
         "state": "トウキヨウト", "town": "ジングウマエ 3-"},
    ),
    # ...and its kanji twin, full-width digits: kept, but the postal code is stored in ASCII.
    (
        "kanji",
        {"city": "渋谷区", "line1": "２７－１５", "postal_code": "１５０－０００１",
         "state": "東京都", "town": "神宮前　３丁目"},
        {"city": "渋谷区", "line1": "２７－１５", "postal_code": "150-0001",
         "state": "東京都", "town": "神宮前　３丁目"},
    ),
    ("kanji", {"state": "東京", "line2": "ロケットビル 12階"}, {"state": "東京", "line2": "ロケットビル 12階"}),
    ("kanji", {"line2": "ABCビル 101号室"}, {"line2": "ABCビル 101号室"}),
    ("kanji", {"city": "さいたま市", "state": "埼玉県", "postal_code": "330-0063"},
     {"city": "さいたま市", "state": "埼玉県", "postal_code": "330-0063"}),
    ("kanji", {"town": "霞ヶ関", "line1": "1-2-3"}, {"town": "霞ヶ関", "line1": "1-2-3"}),
    ("kana", {"state": "トウキョウ", "line2": "ABCビル 101"}, {"state": "トウキョウ", "line2": "ABCビル 101"}),
    ("kana", {"line1": "１－２－３"}, {"line1": "1-2-3"}),
    ("kana", {"line1": "101"}, {"line1": "101"}),
    ("kana", {"state": "ホッカイドウ", "postal_code": "060-0001"},
     {"state": "ホッカイドウ", "postal_code": "060-0001"}),
    ("kana", {"line2": None}, {"line2": None}),
    ("kanji", {}, {}),
]  # fmt: skip


@pytest.mark.parametrize(("script", "sent", "stored"), ADDRESSES_ACCEPTED)
def test_addresses_accepted(script: Script, sent: dict[str, Any], stored: dict[str, Any]) -> None:
    assert script_address(sent, script) == stored


# (script, sent, code, field)
ADDRESSES_REFUSED: list[tuple[Script, dict[str, Any], str, str]] = [
    ("kana", {"city": "Shibuya-ku"}, "script_characters_invalid", "city"),
    ("kana", {"city": "渋谷区"}, "script_characters_invalid", "city"),
    ("kana", {"city": "しぶやく"}, "script_characters_invalid", "city"),
    ("kana", {"town": "Jingumae 1-chome"}, "script_characters_invalid", "town"),
    ("kana", {"line1": "address_full_match"}, "script_characters_invalid", "line1"),
    ("kana", {"line1": "1 Main Street"}, "script_characters_invalid", "line1"),  # romaji only
    ("kana", {"line1": "--"}, "script_characters_invalid", "line1"),
    ("kana", {"state": "Tokyo"}, "script_characters_invalid", "state"),
    ("kana", {"state": "トウキョウフ"}, "address_state_invalid", "state"),
    ("kana", {"state": "ナルニア"}, "address_state_invalid", "state"),
    ("kanji", {"city": "Shibuya"}, "script_characters_invalid", "city"),
    ("kanji", {"line1": "address_full_match"}, "script_characters_invalid", "line1"),
    ("kanji", {"line2": "Room 101"}, "script_characters_invalid", "line2"),
    ("kanji", {"town": "123"}, "script_characters_invalid", "town"),
    ("kanji", {"state": "トウキョウト"}, "address_state_invalid", "state"),  # kana in kanji
    ("kanji", {"state": "JP-13"}, "script_characters_invalid", "state"),
    ("kanji", {"state": "13"}, "script_characters_invalid", "state"),
    ("kanji", {"state": "東京府"}, "address_state_invalid", "state"),
    ("kanji", {"postal_code": "150-00011"}, "address_postal_code_invalid", "postal_code"),
    ("kanji", {"postal_code": "ABC-DEFG"}, "address_postal_code_invalid", "postal_code"),
    # A real postal code, but Tokyo's, not Osaka's.
    ("kanji", {"state": "大阪府", "postal_code": "150-0001"}, "address_postal_code_invalid", "postal_code"),
    ("kana", {"state": "オオサカフ", "postal_code": "150-0001"}, "address_postal_code_invalid", "postal_code"),
    ("kanji", {"country": "us"}, "non_jp_kana_kanji_address", "country"),
    ("kana", {"country": "zz"}, "country_invalid", "country"),
    ("kanji", {"line1": "1-1\x00"}, "script_characters_invalid", "line1"),
    ("kanji", {"postal_code": 1500001}, "address_postal_code_invalid", "postal_code"),
]  # fmt: skip


@pytest.mark.parametrize(("script", "sent", "code", "field"), ADDRESSES_REFUSED)
def test_addresses_refused(script: Script, sent: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        script_address(sent, script)
    assert (info.value.code, info.value.details["field"]) == (code, field)


def test_address_messages_name_the_part_and_the_script() -> None:
    with pytest.raises(FieldInvalid) as info:
        script_address({"town": "Jingumae"}, "kana")
    assert info.value.message.startswith("The town in kana must be written in katakana")
    with pytest.raises(FieldInvalid) as info:
        script_address({"line2": "Room 101"}, "kanji")
    assert info.value.message.startswith("The address line 2 in kanji must be written in Japanese")


def test_a_prefecture_in_the_wrong_script_says_which_script() -> None:
    with pytest.raises(FieldInvalid) as info:
        script_address({"state": "トウキョウト"}, "kanji")
    assert info.value.message == (
        "'トウキョウト' is not a prefecture of Japan written in kanji; use a name such as '東京都'."
    )


def test_a_postal_code_of_another_prefecture_names_it() -> None:
    with pytest.raises(FieldInvalid) as info:
        script_address({"state": "大阪府", "postal_code": "150-0001"}, "kanji")
    assert "大阪府 (Osaka)" in info.value.message
