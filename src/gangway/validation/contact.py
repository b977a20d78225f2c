"""Email addresses, phone numbers and web addresses.

Emails go through ``email_validator`` (syntax only: no DNS, so validation stays pure and fast),
phones through ``phonenumbers`` (Google's libphonenumber metadata), and URLs through the standard
library's parser plus the few rules Stripe states for ``business_url``. Email and phone values are
personal data, so messages describe the problem without repeating them.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import email_validator
import phonenumbers
from email_validator import rfc_constants

from gangway.validation._common import bad_characters, fail, require_text, shown

__all__ = [
    "EMAIL_MAX_LENGTH",
    "PHONE_TEST_VALUES",
    "URL_MAX_LENGTH",
    "email",
    "endpoint_url",
    "phone",
    "url",
]

#: Stripe documents ``0000000000`` as a phone number that "passes validation" in test mode (and
#: its onboarding fills in ``000 000 0000``); any formatting of it counts, with or without the
#: ``+1`` country code: ``000-000-0000``, ``(000) 000-0000``, ``+1 000 000 0000``. It is
#: returned in this form.
PHONE_TEST_VALUES = frozenset({"0000000000"})
_PHONE_TEST_RE = re.compile(r"(?:\+?1)?(0{10})")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
#: Stripe's limit for ``business_url``.
URL_MAX_LENGTH = 5000
#: RFC 5321's limit on an address, which ``email_validator.validate_email`` enforces.
EMAIL_MAX_LENGTH: int = rfc_constants.EMAIL_MAX_LENGTH


def email(value: str) -> str:
    """A syntactically valid address -> its normalised form (domain lower-cased, IDNA-checked).

    Special-use domains (``.test``, ``.invalid``, ``localhost``...) are refused, as they are by
    Stripe: mail to them can never be delivered.
    """
    text = require_text(value, "email_invalid", "An email address")
    try:
        result = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        fail("email_invalid", f"The email address is not valid: {exc}", reason=str(exc))
    return str(result.normalized)


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


def url(value: str) -> str:
    """An absolute ``http``/``https`` URL with a real host -> the URL, stripped.

    The host must contain a dot (a public name or an IP address) or be ``localhost``; Stripe
    refuses bare intranet names, and so do we. Nothing is fetched.
    """
    text = require_text(value, "url_invalid", "A URL")
    if not text:
        fail("url_invalid", "The URL is empty.")
    if len(text) > URL_MAX_LENGTH:
        fail(
            "url_invalid",
            f"The URL is {len(text)} characters long; the limit is {URL_MAX_LENGTH}.",
            max_length=URL_MAX_LENGTH,
        )
    if bad_characters(text) or any(c.isspace() for c in text):
        fail("url_invalid", f"The URL {shown(text)} contains spaces or control characters.")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 -- reading it validates the port number
    except ValueError:
        fail("url_invalid", f"The URL {shown(text)} could not be parsed.")
    if parts.scheme.lower() not in ("http", "https"):
        fail(
            "url_invalid",
            f"The URL {shown(text)} must start with http:// or https://.",
        )
    if not host or not _is_public_style_host(host):
        fail(
            "url_invalid",
            f"The URL {shown(text)} does not name a valid host such as 'example.com'.",
        )
    return text


def _is_public_style_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host.rstrip(".").split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if not label or len(label) > 63 or label.startswith("-") or label.endswith("-"):
            return False
        if not all(c.isalnum() or c == "-" for c in label):
            return False
    return not labels[-1].isdigit()


def endpoint_url(value: str, *, https_only: bool) -> str:
    """Where Gangway sends a browser (an Account Link's return and refresh URLs) or a webhook:
    an absolute ``http``/``https`` URL with a host, any host (a platform's test receiver may be
    an intranet name); ``https_only`` in live mode, which never redirects or delivers in clear."""
    text = require_text(value, "url_invalid", "A URL")
    try:
        parts = urlsplit(text)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:
        scheme, host = "", None
    allowed = ("https",) if https_only else ("https", "http")
    if scheme not in allowed or not host:
        wanted = (
            "an https URL (live mode allows only HTTPS)"
            if https_only
            else "an absolute http or https URL"
        )
        fail("url_invalid", f"The URL {shown(text)} must be {wanted}.")
    return text
