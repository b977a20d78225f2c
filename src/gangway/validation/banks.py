"""Bank identifiers: IBANs and BICs (schwifty), US routing numbers (python-stdnum), account numbers.

Every failure uses ``bank_account_invalid``. Account numbers are personal data, so messages do not
repeat them; routing numbers and BICs identify banks, not people, and are quoted.
"""

from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from gangway.validation._common import fail, require_text, shown
from gangway.validation.countries import country as _country

__all__ = ["ROUTING_TEST_VALUES", "account_number", "bic", "iban", "us_routing_number"]

#: Stripe's US test routing number. It also happens to carry a valid ABA check digit; the set is
#: explicit so the documentation of test values lives in one place.
ROUTING_TEST_VALUES = frozenset({"110000000"})
_IBAN_PROBLEMS = {
    "InvalidLength": "it has the wrong length for its country",
    "InvalidStructure": "its characters do not follow the country's IBAN format",
    "InvalidChecksumDigits": "its check digits are wrong; look for a mistyped character",
    "InvalidCountryCode": "it does not start with a known country code",
    "InvalidBankCode": "the bank code in it is not known",
    "InvalidBranchCode": "the branch code in it is not known",
    "InvalidAccountCode": "the account number in it is not valid",
    "InvalidBBANChecksum": "the national check digits in it are wrong",
}
_SEPARATORS = re.compile(r"[\s\-]")
_IBAN_SHAPE = re.compile(r"[A-Za-z]{2}\d{2}[A-Za-z0-9]+")
_US_ACCOUNT = re.compile(r"\d{4,17}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,34}")


def iban(value: str) -> str:
    """An IBAN with any spacing or case -> its compact upper-case form (``DE8937...``)."""
    text = require_text(value, "bank_account_invalid", "An IBAN")
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as exc:
        # schwifty's messages can quote the IBAN itself, which is personal data: use our own words.
        reason = _IBAN_PROBLEMS.get(type(exc).__name__, "it is not a well-formed IBAN")
        fail("bank_account_invalid", f"The IBAN is not valid: {reason}.", reason=type(exc).__name__)


def bic(value: str) -> str:
    """A BIC (SWIFT code) of 8 or 11 characters -> its compact upper-case form."""
    text = require_text(value, "bank_account_invalid", "A BIC")
    try:
        return str(BIC(text).compact)
    except SchwiftyException as exc:
        fail(
            "bank_account_invalid",
            f"The BIC {shown(text)} is not valid: {_sentence(str(exc))}.",
            reason=type(exc).__name__,
        )


def us_routing_number(value: str, *, test_values: bool = True) -> str:
    """A nine-digit ABA routing number with a correct check digit -> its digits."""
    text = require_text(value, "bank_account_invalid", "A routing number")
    digits = _SEPARATORS.sub("", text)
    if test_values and digits in ROUTING_TEST_VALUES:
        return digits
    try:
        return str(rtn.validate(digits))
    except ValidationError as exc:
        fail(
            "bank_account_invalid",
            f"The routing number {shown(text)} is not a valid US routing number:"
            f" {_sentence(str(exc))}.",
            reason=type(exc).__name__,
        )


def account_number(value: str, country: str) -> str:
    """A bank account number for ``country`` -> its compact form.

    An IBAN-shaped value is checked as an IBAN (most of Europe sends the IBAN as the account
    number). US numbers are 4 to 17 digits; elsewhere 1 to 34 letters and digits, the IBAN limit,
    after spaces and dashes are removed.
    """
    text = require_text(value, "bank_account_invalid", "An account number")
    code = _country(country)
    compact = _SEPARATORS.sub("", text)
    if _IBAN_SHAPE.fullmatch(compact) and compact[:2].lower() == code:
        return iban(compact)
    if code == "us":
        if not _US_ACCOUNT.fullmatch(compact):
            fail("bank_account_invalid", "A US bank account number must be 4 to 17 digits.")
        return compact
    if not _ACCOUNT.fullmatch(compact):
        fail(
            "bank_account_invalid",
            "The account number must be 1 to 34 letters and digits.",
        )
    return compact


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]
