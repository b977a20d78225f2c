"""Email addresses and phone numbers (web addresses: ``gangway.validation.urls``).

Emails go through ``email_validator`` (syntax only: no DNS, so validation stays pure and fast),
after a fast path for plain ASCII addresses that gives its verdicts without its per-character
Unicode and IDNA walk (a fifth of a create's CPU before); phones through ``phonenumbers``
(Google's libphonenumber metadata). Both are personal data, so messages describe the problem
without repeating them.
"""

from __future__ import annotations

import re

import email_validator
import phonenumbers
from email_validator import rfc_constants

from gangway.validation._common import fail, require_text

__all__ = [
    "EMAIL_MAX_LENGTH",
    "PHONE_TEST_VALUES",
    "email",
    "phone",
]

#: Stripe documents ``0000000000`` as a phone number that "passes validation" in test mode (and
#: its onboarding fills in ``000 000 0000``); any formatting of it counts, with or without the
#: ``+1`` country code: ``000-000-0000``, ``(000) 000-0000``, ``+1 000 000 0000``. It is
#: returned in this form.
PHONE_TEST_VALUES = frozenset({"0000000000"})
_PHONE_TEST_RE = re.compile(r"(?:\+?1)?(0{10})")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
#: RFC 5321's limit on an address, which ``email_validator.validate_email`` enforces.
EMAIL_MAX_LENGTH: int = rfc_constants.EMAIL_MAX_LENGTH
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    rf"@({_LABEL}(?:\.{_LABEL})+)",
    re.ASCII,
)
"""A dot-atom local part at a dotted hostname, all ASCII: RFC 5322's atext, and RFC 952 labels
of at most 63 characters that neither start nor end with a hyphen."""
_CASE_INSENSITIVE_MAILBOXES = frozenset(rfc_constants.CASE_INSENSITIVE_MAILBOX_NAMES)


def email(value: str) -> str:
    """A syntactically valid address -> its normalised form (domain lower-cased, IDNA-checked).

    Special-use domains (``.test``, ``.invalid``, ``localhost``...) are refused, as they are by
    Stripe: mail to them can never be delivered.
    """
    text = require_text(value, "email_invalid", "An email address")
    plain = _plain_email(text)
    return plain if plain is not None else _validated_email(text)


def _validated_email(text: str) -> str:
    """``email_validator``'s verdict: every address the fast path leaves, and every refusal."""
    try:
        result = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        fail("email_invalid", f"The email address is not valid: {exc}", reason=str(exc))
    return str(result.normalized)


def _plain_email(text: str) -> str | None:
    """The normalised form of an address ``email_validator`` surely accepts, or ``None`` to ask
    it. For ASCII, its IDNA mapping only lower-cases the domain; what remains of its checks is
    the lengths, a top-level domain ending in a letter, no ``ab--`` labels (Punycode or RFC
    5890's reserved ones) and no special-use domain, and the RFC 2142 mailbox names it
    lower-cases. ``tests/unit/validation/test_validation_email_fast_path.py`` compares both on
    a corpus."""
    match = _PLAIN_EMAIL.fullmatch(text)
    if match is None or len(text) > EMAIL_MAX_LENGTH:
        return None
    local, domain = match.group(1), match.group(2).lower()
    if len(domain) > rfc_constants.DOMAIN_MAX_LENGTH or not domain[-1].isalpha():
        return None
    if any(label[2:4] == "--" for label in domain.split(".")):
        return None
    for special in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        if domain == special or domain.endswith("." + special):
            return None
    if local.lower() in _CASE_INSENSITIVE_MAILBOXES:
        local = local.lower()
    return local + "@" + domain


def phone(value: str, country: str | None = None, *, test_values: bool = True) -> str:
    """A phone number -> E.164 (``"(415) 555-0123"`` with ``"us"`` -> ``"+14155550123"``).

    International numbers (``+44...``) are accepted whatever ``country`` says; national numbers
    need ``country`` to be read. With ``test_values`` (test mode), Stripe's magic ``0000000000``
    in any formatting (``000-000-0000``, ``+1 (000) 000-0000``...) passes, whatever the country,
    and is returned as ``0000000000``; pass ``test_values=False`` in live mode, which refuses it.
    """
    text = require_text(value, "phone_invalid", "A phone number")
    magic = _phone_test_value(text)
    if magic is not None:
        if test_values:
            return magic
        fail(
            "phone_invalid",
            "000-000-0000 is Stripe's test-mode phone number; live mode needs a real number.",
        )
    region = country.upper() if country else None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            hint = (
                "write it in international format, starting with + and the country calling code"
                if region is None
                else "the country calling code is not recognised"
            )
            fail("phone_invalid", f"The phone number could not be read: {hint}.")
        fail("phone_invalid", "The phone number could not be read as a phone number.")
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_number(parsed)
        place = f" in {where}" if where and where != "ZZ" else ""
        fail(
            "phone_invalid",
            f"The phone number is not a valid number{place}: check the digits and the country code.",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _phone_test_value(text: str) -> str | None:
    match = _PHONE_TEST_RE.fullmatch(_PHONE_SEPARATORS.sub("", text))
    return match.group(1) if match else None
