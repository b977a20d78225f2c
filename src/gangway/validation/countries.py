"""Country, currency and locale codes, checked against ISO data rather than hand-kept lists.

The v2 API writes codes in lower case (``"country": "us"``, ``"currency": "usd"``), so these
validators accept any case and return lower case; locales keep their BCP 47 casing (``en-US``).
"""

from __future__ import annotations

import pycountry

from gangway.validation._common import fail, require_text, shown

__all__ = [
    "COUNTRY_CODE_LENGTH",
    "CURRENCY_CODE_LENGTH",
    "LOCALES",
    "country",
    "country_name",
    "currency",
    "locale",
]

COUNTRY_CODE_LENGTH = 2  # ISO 3166-1 alpha-2
CURRENCY_CODE_LENGTH = 3  # ISO 4217 alphabetic

#: The ``defaults.locales`` enum of the 16.1.0 SDK (``AccountCreateParamsDefaults.locales``).
#: A unit test keeps this tuple equal to the SDK's, so an SDK upgrade that adds a tag fails loudly.
LOCALES: tuple[str, ...] = (
    "ar-SA", "bg", "bg-BG", "cs", "cs-CZ", "da", "da-DK", "de", "de-DE", "el", "el-GR", "en",
    "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-NZ", "en-SG", "en-US", "es", "es-419",
    "es-ES", "et", "et-EE", "fi", "fil", "fil-PH", "fi-FI", "fr", "fr-CA", "fr-FR", "he-IL",
    "hr", "hr-HR", "hu", "hu-HU", "id", "id-ID", "it", "it-IT", "ja", "ja-JP", "ko", "ko-KR",
    "lt", "lt-LT", "lv", "lv-LV", "ms", "ms-MY", "mt", "mt-MT", "nb", "nb-NO", "nl", "nl-NL",
    "pl", "pl-PL", "pt", "pt-BR", "pt-PT", "ro", "ro-RO", "ru", "ru-RU", "sk", "sk-SK", "sl",
    "sl-SI", "sv", "sv-SE", "th", "th-TH", "tr", "tr-TR", "vi", "vi-VN", "zh", "zh-Hans",
    "zh-Hant-HK", "zh-Hant-TW", "zh-HK", "zh-TW",
)  # fmt: skip
_LOCALES_BY_FOLDED = {tag.casefold(): tag for tag in LOCALES}


def country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code in any case -> the lower-case code (``"US"`` -> ``"us"``).

    Only assigned codes pass (pycountry's list): user-assigned ranges such as ``ZZ`` and
    withdrawn codes are refused, since no address or identity can live there.
    """
    text = require_text(value, "country_invalid", "A country")
    if len(text) != COUNTRY_CODE_LENGTH or not text.isascii() or not text.isalpha():
        fail(
            "country_invalid",
            f"{shown(text)} is not a country code: use a two-letter ISO 3166-1 code such as 'us'.",
            value=text,
        )
    if pycountry.countries.get(alpha_2=text.upper()) is None:
        fail(
            "country_invalid",
            f"{shown(text)} is not an assigned ISO 3166-1 country code.",
            value=text,
        )
    return text.lower()


def country_name(code: str) -> str:
    """The English short name of a country code, for messages (``"us"`` -> ``"United States"``)."""
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return code.upper()
    return str(getattr(found, "common_name", None) or found.name)


def currency(value: str) -> str:
    """An ISO 4217 alphabetic code in any case -> the lower-case code (``"EUR"`` -> ``"eur"``)."""
    text = require_text(value, "currency_invalid", "A currency")
    if len(text) != CURRENCY_CODE_LENGTH or not text.isascii() or not text.isalpha():
        fail(
            "currency_invalid",
            f"{shown(text)} is not a currency code: use a three-letter ISO 4217 code such as 'usd'.",
            value=text,
        )
    if pycountry.currencies.get(alpha_3=text.upper()) is None:
        fail("currency_invalid", f"{shown(text)} is not an ISO 4217 currency code.", value=text)
    return text.lower()


def locale(value: str) -> str:
    """One of the SDK's ``defaults.locales`` tags, in any case -> its canonical casing."""
    text = require_text(value, "locale_invalid", "A locale")
    canonical = _LOCALES_BY_FOLDED.get(text.casefold())
    if canonical is None:
        fail(
            "locale_invalid",
            f"{shown(text)} is not a supported locale; use a tag such as 'en-US', 'fr-FR' or 'ja'.",
            value=text,
        )
    return canonical
