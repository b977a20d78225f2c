"""Business profile fields: merchant category code, statement descriptors, ownership, description.

The statement-descriptor rules are Stripe's published ones (Latin script, 5-22 characters or 2-10
for a prefix, at least one letter, none of ``< > \\ ' " *``), because card networks print these
strings on cardholders' statements and reject anything else.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from gangway.validation._common import (
    bad_characters,
    describe_characters,
    fail,
    require_text,
    shown,
)
from gangway.validation._mcc_codes import MCC_CATEGORIES, MCC_CODES

__all__ = [
    "MCC_CATEGORIES",
    "MCC_LENGTH",
    "PRODUCT_DESCRIPTION_MAX_LENGTH",
    "STATEMENT_DESCRIPTOR_MAX_LENGTH",
    "STATEMENT_DESCRIPTOR_PREFIX_MAX_LENGTH",
    "mcc",
    "percent_ownership",
    "product_description",
    "statement_descriptor",
]

MCC_LENGTH = 4
PRODUCT_DESCRIPTION_MAX_LENGTH = 5000
STATEMENT_DESCRIPTOR_MAX_LENGTH = 22
STATEMENT_DESCRIPTOR_PREFIX_MAX_LENGTH = 10
_FORBIDDEN_DESCRIPTOR_CHARACTERS = frozenset("<>\\'\"*")
_DESCRIPTOR_LENGTHS = {
    False: (5, STATEMENT_DESCRIPTOR_MAX_LENGTH),
    True: (2, STATEMENT_DESCRIPTOR_PREFIX_MAX_LENGTH),
}
_PERCENT = re.compile(r"\d{1,3}(?:\.\d{1,4})?")
_MULTILINE_WHITESPACE = frozenset("\n\r\t")


def mcc(value: str) -> str:
    """A four-digit merchant category code that is a real category (see ``_mcc_codes``)."""
    text = require_text(value, "mcc_invalid", "An MCC")
    if len(text) != MCC_LENGTH or not text.isascii() or not text.isdigit():
        fail(
            "mcc_invalid",
            f"{shown(text)} is not an MCC: use four digits such as '5734'.",
            value=text,
        )
    if text not in MCC_CODES:
        fail(
            "mcc_invalid",
            f"{shown(text)} is not a supported merchant category code; for software, for"
            " example, use '5734'.",
            value=text,
        )
    return text


def statement_descriptor(value: str, *, prefix: bool = False) -> str:
    """A statement descriptor (or, with ``prefix=True``, its prefix) -> the value, stripped."""
    what = "statement descriptor prefix" if prefix else "statement descriptor"
    text = require_text(value, "statement_descriptor_invalid", f"A {what}")
    low, high = _DESCRIPTOR_LENGTHS[prefix]
    if not low <= len(text) <= high:
        fail(
            "statement_descriptor_invalid",
            f"The {what} {shown(text)} is {len(text)} characters long; it must be {low} to"
            f" {high} characters.",
            min_length=low,
            max_length=high,
        )
    forbidden = sorted({c for c in text if c in _FORBIDDEN_DESCRIPTOR_CHARACTERS})
    if forbidden:
        fail(
            "statement_descriptor_invalid",
            f"The {what} {shown(text)} contains {' '.join(forbidden)}; the characters"
            " < > \\ ' \" * are not allowed.",
        )
    foreign = [c for c in text if not _is_descriptor_character(c)]
    if foreign:
        fail(
            "statement_descriptor_invalid",
            f"The {what} {shown(text)} contains characters outside the Latin script"
            f" ({describe_characters(foreign)}).",
        )
    if not any(c.isalpha() for c in text):
        fail(
            "statement_descriptor_invalid",
            f"The {what} {shown(text)} must contain at least one letter.",
        )
    return text


def percent_ownership(value: str) -> Decimal:
    """A decimal string from 0 to 100 with at most four decimals (``"25.5"``) -> a Decimal."""
    text = require_text(value, "person_percent_ownership_invalid", "The percent ownership")
    if not _PERCENT.fullmatch(text):
        fail(
            "person_percent_ownership_invalid",
            f"The percent ownership {shown(text)} is not a number from 0 to 100 with at most"
            " four decimal places, such as '25' or '33.3333'.",
        )
    amount = Decimal(text)
    if amount > 100:
        fail(
            "person_percent_ownership_invalid",
            f"The percent ownership {shown(text)} is more than 100.",
        )
    return amount


def product_description(value: str) -> str:
    """A free-text description of what the business sells: 1 to 5000 characters, stripped."""
    text = require_text(value, "invalid_product_description_length", "The product description")
    if not 1 <= len(text) <= PRODUCT_DESCRIPTION_MAX_LENGTH:
        fail(
            "invalid_product_description_length",
            f"The product description is {len(text)} characters long; it must be 1 to"
            f" {PRODUCT_DESCRIPTION_MAX_LENGTH} characters.",
            max_length=PRODUCT_DESCRIPTION_MAX_LENGTH,
        )
    bad = [c for c in bad_characters(text) if c not in _MULTILINE_WHITESPACE]
    if bad:
        fail(
            "invalid_value_other",
            f"The product description contains control characters ({describe_characters(bad)}).",
        )
    return text


def _is_descriptor_character(char: str) -> bool:
    if char.isascii():
        return char.isprintable()
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")
