"""Bank identifiers: IBANs and BICs (schwifty), US routing numbers (python-stdnum), account numbers.

Every failure uses ``bank_account_invalid``. Account numbers are personal data, so messages do not
repeat them; routing numbers and BICs identify banks, not people, and are quoted.
"""

from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec
from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from gangway.validation._common import fail, require_text, shown
from gangway.validation.countries import country as _country

__all__ = [
    "IBAN_TEST_VALUES",
    "ROUTING_TEST_VALUES",
    "account_number",
    "bic",
    "iban",
    "us_routing_number",
]

#: Stripe's US test routing number (with the test accounts ``000123456789``, ``000999999991``...,
#: which are ordinary account numbers to a format check). It happens to carry a valid ABA check
#: digit, but no bank has it: live mode refuses it. Stripe: "These values can only be used ... in
#: test mode".
ROUTING_TEST_VALUES = frozenset({"110000000"})
#: Stripe's test IBANs, after the country code: DE89370400440532013000 (payout succeeds),
#: DE62370400440532013001 (no_account), DE89370400440532013002 to ...005 (account_closed,
#: insufficient_funds, debit_not_authorized, invalid_currency). Stripe: "By specifying the
#: appropriate country code (e.g., DE, IT, FR, etc.), you can use these test IBANs for any EU
#: country", so any SEPA country code goes, and neither the check digits (wrong in the last four)
#: nor the country's IBAN length are checked for them. Source: stripe.com/docs/connect/testing,
#: "Bank numbers" (2019-2021 versions; our reference, section 6, lists only the US numbers).
IBAN_TEST_VALUES = frozenset(
    {"89370400440532013000", "62370400440532013001"}
    | {f"8937040044053201300{i}" for i in range(2, 6)}
)
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


def iban(value: str, *, test_values: bool | None = None) -> str:
    """An IBAN with any spacing, dashes or case -> its compact upper-case form (``DE8937...``).

    ``test_values=True`` (test mode) accepts Stripe's test IBANs (``IBAN_TEST_VALUES``) with any
    SEPA country code; ``False`` (live mode) refuses them. ``None``, for a caller that does not
    say which mode it is in, checks the IBAN as an IBAN and nothing more.
    """
    text = require_text(value, "bank_account_invalid", "An IBAN")
    compact = _SEPARATORS.sub("", text).upper()
    if test_values is not None and _is_test_iban(compact):
        if test_values:
            return compact
        fail(
            "bank_account_invalid",
            "The IBAN is one of Stripe's test IBANs, which work in test mode only; live mode"
            " needs a real account.",
            reason="TestValue",
        )
    try:
        return str(IBAN(compact).compact)
    except SchwiftyException as exc:
        # schwifty's messages can quote the IBAN itself, which is personal data: use our own words.
        reason = _IBAN_PROBLEMS.get(type(exc).__name__, "it is not a well-formed IBAN")
        fail("bank_account_invalid", f"The IBAN is not valid: {reason}.", reason=type(exc).__name__)


def _is_test_iban(compact: str) -> bool:
    if compact[2:] not in IBAN_TEST_VALUES:
        return False
    try:
        return bool(get_iban_spec(compact[:2]).in_sepa_zone)
    except SchwiftyException:
        return False


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
    """A nine-digit ABA routing number with a correct check digit -> its digits.

    Spaces and dashes are ignored (``110-000-000``). Stripe's test routing number passes in test
    mode and is refused with ``test_values=False`` (live mode).
    """
    text = require_text(value, "bank_account_invalid", "A routing number")
    digits = _SEPARATORS.sub("", text)
    if digits in ROUTING_TEST_VALUES:
        if test_values:
            return digits
        fail(
            "bank_account_invalid",
            f"The routing number {shown(text)} is Stripe's test routing number, which works in"
            " test mode only; live mode needs a real bank's routing number.",
            reason="TestValue",
        )
    try:
        return str(rtn.validate(digits))
    except ValidationError as exc:
        fail(
            "bank_account_invalid",
            f"The routing number {shown(text)} is not a valid US routing number:"
            f" {_sentence(str(exc))}.",
            reason=type(exc).__name__,
        )


def account_number(value: str, country: str, *, test_values: bool | None = None) -> str:
    """A bank account number for ``country`` -> its compact form.

    An IBAN-shaped value is checked as an IBAN (most of Europe sends the IBAN as the account
    number), ``test_values`` as for ``iban``. US numbers are 4 to 17 digits; elsewhere 1 to 34
    letters and digits, the IBAN limit, after spaces and dashes are removed.
    """
    text = require_text(value, "bank_account_invalid", "An account number")
    code = _country(country)
    compact = _SEPARATORS.sub("", text)
    if _IBAN_SHAPE.fullmatch(compact) and compact[:2].lower() == code:
        return iban(compact, test_values=test_values)
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
