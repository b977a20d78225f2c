"""Japanese names and addresses in kana and in kanji (``script_names``, ``script_addresses``).

Japan's accounts and persons give their names and addresses twice: in kanji, as written on
official documents, and in kana, the reading that banks and the registry use. Each field is
checked as what it is, with the same rules in the API and in the hosted form:

**Kana fields** take full-width katakana, the long-vowel mark ``ー`` and the iteration marks;
addresses add ASCII or full-width digits and the punctuation addresses use (hyphens, ``・``,
``、``, ``.``, ``/``, ``#``, brackets), and a building name in Latin letters is allowed in
``line1``/``line2`` next to katakana (``ABCビル 101``). Stripe asks for katakana: that is what
Japanese banks and registries hold.

* *Half-width katakana* (``ﾔﾏﾀﾞ``) is accepted and stored full-width (``ヤマダ``): it is the
  same text in the older bank-system encoding (Stripe's own API examples use it), and one width
  makes kana compare reliably. The whole value is NFKC-normalised, so full-width digits and
  hyphens become ASCII too.
* *Hiragana* (``やまだ``) is refused, with a message asking for katakana. Converting it silently
  would be easy, but the API would then store something the platform never sent.
* *Kanji* and *romaji* are refused: a reading in kanji is no reading, and romaji belongs in the
  Latin ``given_name``/``surname``/``address``.

**Kanji fields** take Japanese text: kanji (with ``々``, ideographic variation selectors and
compatibility ideographs kept exactly as written, since name variants matter), hiragana and
katakana (``さいたま市``; a foreign resident's name in katakana), digits and the same punctuation.
Registered names and addresses may mix in Latin letters (``株式会社ABC``); personal names may
not. Text with no Japanese character is refused (``Shibuya``), except address lines made of digits
only (``1-1``), which is how block numbers are written. Kanji values are stored as written.

The prefecture (``state``) must name one of the 47 in the address's script (see
``prefectures``); ``postal_code`` is 7 digits (``150-0001``, full width accepted and stored in
ASCII) and must belong to that prefecture; ``country``, when given, must be ``jp``.

Error codes are Stripe's documented v2 codes: ``script_characters_invalid`` for characters that
do not belong in the field (the message says kana or kanji, ``details["script"]`` says which,
and so does the param path, ``…[script_names][kana][surname]``), ``non_jp_kana_kanji_address``
for a script address outside Japan, and the address codes (``address_state_invalid``,
``address_postal_code_invalid``) for the prefecture and postal code. Names are personal data:
messages never repeat them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal, NoReturn

from gangway.core.errors import FieldInvalid
from gangway.validation import addresses, prefectures
from gangway.validation._common import bad_characters, describe_characters, fail
from gangway.validation.countries import country as _country

__all__ = [
    "SCRIPTS",
    "Script",
    "script_address",
    "script_name",
]

Script = Literal["kana", "kanji"]
#: The two scripts of ``script_names`` / ``script_addresses``.
SCRIPTS: tuple[Script, ...] = ("kana", "kanji")

_Kind = Literal["person", "business", "line", "place"]
_CODE = "script_characters_invalid"

# Escaped, since several look like ASCII: U+30FB katakana middle dot, U+30A0 katakana double
# hyphen (foreign names), U+3001 ideographic comma, U+301C wave dash, U+2019 right quote, and the
# hyphens and dashes people type for chome and block numbers (U+2010-2015, U+2212 minus sign).
_DOTS = "\u30fb\u30a0"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_PERSON_PUNCT = frozenset(_DOTS)
_BUSINESS_PUNCT = frozenset(_DOTS + _DASHES + ".,\u3001&'\u2019()/")
_ADDRESS_PUNCT = frozenset("\u30fb" + _DASHES + ".,\u3001'\u2019()/#&~\u301c")
_PUNCT: Mapping[_Kind, frozenset[str]] = {
    "person": _PERSON_PUNCT,
    "business": _BUSINESS_PUNCT,
    "line": _ADDRESS_PUNCT,
    "place": _ADDRESS_PUNCT,
}
_WHAT = {
    "given_name": "given name",
    "surname": "surname",
    "registered_name": "registered name",
    "line1": "address line 1",
    "line2": "address line 2",
    "city": "city",
    "town": "town",
    "state": "prefecture",
}
_ADDRESS_KINDS: Mapping[str, _Kind] = {
    "line1": "line",
    "line2": "line",
    "city": "place",
    "town": "place",
    "state": "place",
}


def script_name(value: object, script: Script, part: str) -> str:
    """A ``given_name``, ``surname`` or ``registered_name`` in kana or kanji -> the value to store.

    Kana comes back NFKC-normalised (full-width katakana, ASCII digits); kanji stripped only.
    """
    kind: _Kind = "business" if part == "registered_name" else "person"
    return _text(value, script, kind, _WHAT.get(part, part.replace("_", " ")))


def script_address(fields: Mapping[str, object], script: Script) -> dict[str, str | None]:
    """Check a kana or kanji address; return it with values normalised.

    Like ``addresses.address`` it checks format only and never requires a field: the
    requirements decide what is due. A failure names the sub-field in ``details["field"]``.
    """
    cleaned: dict[str, str | None] = {}
    for key, raw in fields.items():
        with _at(key):
            if raw is None:
                cleaned[key] = None
            elif key == "country":
                cleaned[key] = _japan(raw)
            elif key == "postal_code":
                cleaned[key] = _postal_text(raw)
            elif key in _ADDRESS_KINDS:
                cleaned[key] = _text(raw, script, _ADDRESS_KINDS[key], _WHAT[key])
            else:  # not a v2 address key: the params schema refuses it before we get here
                cleaned[key] = raw if isinstance(raw, str) else str(raw)
    prefecture = None
    if cleaned.get("state"):
        with _at("state"):
            cleaned["state"], prefecture = prefectures.state(str(cleaned["state"]), script)
    postal_code = cleaned.get("postal_code")
    if postal_code:
        # The plain-address validator holds Japan's postal-code format and each prefecture's
        # prefixes (Google's address data); ask it with the prefecture's kanji key.
        probe = {"postal_code": postal_code, "state": prefecture.kanji if prefecture else None}
        with _at("postal_code"):
            addresses.address(probe, country="jp")
    return cleaned


# -- characters -------------------------------------------------------------------------------


def _text(value: object, script: Script, kind: _Kind, what: str) -> str:
    if not isinstance(value, str):
        _refuse(f"The {what} in {script} must be text, not {type(value).__name__}.", script)
    text = value.strip()
    bad = bad_characters(text)
    if bad:
        _refuse(
            f"The {what} in {script} contains characters that cannot appear in it"
            f" ({describe_characters(bad)}).",
            script,
            "control",
        )
    if not text:
        return text
    if script == "kana":
        return _kana(unicodedata.normalize("NFKC", text), kind, what)
    _kanji(unicodedata.normalize("NFKC", text), kind, what)
    return text


def _kana(text: str, kind: _Kind, what: str) -> str:
    classes = [_class(c) for c in text]
    found = set(classes)
    allowed = {"katakana", "space"}
    if kind != "person":
        allowed.add("digit")
    if kind == "line" and "katakana" in found:
        allowed.add("latin")  # a building name: ABCビル
    punct = _PUNCT[kind]
    others = [c for c, k in zip(text, classes, strict=True) if k not in allowed and c not in punct]
    if others:
        problem = {_class(c) for c in others}
        if "hiragana" in problem:
            reason, hint = "hiragana", ", not hiragana: for example ヤマダ rather than やまだ"
        elif "kanji" in problem:
            reason, hint = "kanji", ", not kanji: give the reading of the kanji"
        elif "latin" in problem:
            reason, hint = "latin", ", not in Latin letters (romaji)"
        else:
            reason, hint = "other", f"; it cannot contain {_describe(others)}"
        _refuse(f"The {what} in kana must be written in katakana{hint}.", "kana", reason)
    needs_katakana = kind != "line"
    if needs_katakana and "katakana" not in found:
        _refuse(f"The {what} in kana must contain katakana.", "kana", "no_katakana")
    if not needs_katakana and not found & {"katakana", "digit"}:
        _refuse(f"The {what} in kana must contain katakana or digits.", "kana", "no_katakana")
    return text


def _kanji(text: str, kind: _Kind, what: str) -> None:
    """Check the NFKC form of a kanji value, so a full-width letter counts as Latin and a
    full-width digit as a digit; the caller stores the value as written."""
    pieces = [(c, _class(c)) for c in text]
    found = {k for _, k in pieces}
    japanese = bool(found & {"kanji", "hiragana", "katakana"})
    allowed = {"kanji", "hiragana", "katakana", "space", "variation"}
    if kind != "person":
        allowed |= {"digit", "latin"}
    punct = _PUNCT[kind]
    others = [c for c, k in pieces if k not in allowed and c not in punct]
    if kind == "person" and "latin" in found:
        reason = "latin" if not japanese else "latin_mixed"
        _refuse(
            f"The {what} in kanji must be written in Japanese (kanji or kana), not in Latin"
            " letters.",
            "kanji",
            reason,
        )
    if not japanese and "latin" in found:
        _refuse(
            f"The {what} in kanji must be written in Japanese (kanji or kana), not only in Latin"
            " letters.",
            "kanji",
            "latin",
        )
    if others:
        _refuse(f"The {what} in kanji cannot contain {_describe(others)}.", "kanji", "other")
    if not japanese and kind != "line":
        _refuse(f"The {what} in kanji must contain kanji or kana.", "kanji", "no_japanese")


def _describe(chars: list[str]) -> str:
    """``'Ω' (U+03A9)``: the characters themselves (printable, checked before) and their codes."""
    unique = list(dict.fromkeys(chars))[:5]
    return ", ".join(f"'{c}' (U+{ord(c):04X})" for c in unique)


def _class(c: str) -> str:
    """The class of one character of NFKC-normalised text."""
    point = ord(c)
    if c == " ":
        return "space"
    if c.isascii():
        if c.isdigit():
            return "digit"
        return "latin" if c.isalpha() else "ascii"
    if 0x30A1 <= point <= 0x30FA or 0x30FC <= point <= 0x30FF or 0x31F0 <= point <= 0x31FF:
        return "katakana"
    if point in (0x3099, 0x309A, 0x309B, 0x309C):  # voiced sound marks, combining or not
        return "katakana"
    if 0x3041 <= point <= 0x3096 or 0x309D <= point <= 0x309F:
        return "hiragana"
    if (
        0x3400 <= point <= 0x4DBF
        or 0x4E00 <= point <= 0x9FFF
        or 0xF900 <= point <= 0xFAFF
        or 0x20000 <= point <= 0x3FFFF
        or point in (0x3005, 0x3006, 0x3007, 0x303B)  # iteration marks, shime, ideographic zero
    ):
        return "kanji"
    if 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF:
        return "variation"
    if unicodedata.name(c, "").startswith("LATIN"):
        return "latin"
    return "other"


# -- address parts ----------------------------------------------------------------------------


def _japan(raw: object) -> str:
    code = _country(raw if isinstance(raw, str) else str(raw))
    if code != "jp":
        fail(
            "non_jp_kana_kanji_address",
            f"Kana and kanji addresses are for addresses in Japan: the country must be JP,"
            f" not {code.upper()}.",
            value=code,
        )
    return code


def _postal_text(raw: object) -> str:
    if not isinstance(raw, str):
        fail("address_postal_code_invalid", "The postal code must be text.")
    return unicodedata.normalize("NFKC", raw).strip()


def _refuse(message: str, script: Script, reason: str = "type") -> NoReturn:
    fail(_CODE, message, script=script, reason=reason)


@contextmanager
def _at(field: str) -> Iterator[None]:
    try:
        yield
    except FieldInvalid as exc:
        exc.details.setdefault("field", field)
        raise
