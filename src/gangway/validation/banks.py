"""Bank identifiers: IBANs and BICs (schwifty), US routing numbers (python-stdnum), Japanese bank
and branch codes, account numbers.

Every failure uses ``bank_account_invalid``. Account numbers are personal data, so messages do not
repeat them; routing numbers, bank and branch codes and BICs identify banks, not people, and are
quoted. A failure in one part of a compound value names it in ``details["field"]``
(``bank_code``, ``branch_code``), as address validators do.

Japan: a Zengin bank code (金融機関コード) is 4 digits and a branch code (支店コード) 3; Stripe's
``routing_number`` for JP is the two run together, 7 digits, written ``xxxx-xxx`` or ``xxxxxxx``
(Stripe's own error for a bad one: "The number must contain both the bank code and the branch
code, and should be in the format xxxx-xxx or xxxxxxx"). Account numbers are 7 digits, or 8 (Stripe
refuses others with "must be 7-8 digits"); Stripe's support pages tell people to pad a shorter one
with leading zeros, so the message says so rather than padding silently. Full-width digits, which
Japanese keyboards type, are accepted and stored in ASCII. Stripe's test account is routing
``1100000`` (bank ``1100``, branch ``000``) and account ``0001234``. Codes are checked for shape
only: the list of banks and branches changes with every merger, and refusing a real branch is
worse than letting a typo reach the bank.
"""

from __future__ import annotations

import re
import unicodedata

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec
from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from gangway.core.errors import FieldInvalid
from gangway.validation._common import fail, require_text, shown
from gangway.validation.countries import country as _country

__all__ = [
    "IBAN_TEST_VALUES",
    "JP_ACCOUNT_TEST_VALUES",
    "JP_ROUTING_TEST_VALUES",
    "ROUTING_TEST_VALUES",
    "TEST_PAYOUT_FAILURES",
    "account_number",
    "bank_details",
    "bic",
    "gb_sort_code",
    "iban",
    "jp_bank_and_branch",
    "jp_routing_number",
    "jp_split_routing_number",
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
#: Stripe's Japanese test routing number (bank code 1100, branch code 000) and account number.
#: They are well formed, so they pass in live mode too; the sets document them in one place.
JP_ROUTING_TEST_VALUES = frozenset({"1100000"})
JP_ACCOUNT_TEST_VALUES = frozenset({"0001234"})
#: Stripe's test account numbers whose payouts fail, by the failure code Stripe documents
#: (docs.stripe.com/connect/testing, "Bank account numbers"): in test mode such an account is
#: stored ``errored``, as Stripe marks an external account whose payout failed.
TEST_PAYOUT_FAILURES = {
    "000111111116": "no_account",
    "000111111113": "account_closed",
    "000222222227": "insufficient_funds",
    "000333333335": "debit_not_authorized",
    "000444444440": "invalid_currency",
    "62370400440532013001": "no_account",
    "89370400440532013002": "account_closed",
    "89370400440532013003": "insufficient_funds",
    "89370400440532013004": "debit_not_authorized",
    "89370400440532013005": "invalid_currency",
}
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
_JP_ACCOUNT = re.compile(r"[0-9]{7,8}")
_JP_ROUTING = re.compile(r"([0-9]{4})[\s\-]?([0-9]{3})")
_JP_PARTS = {"bank_code": (4, "bank code", "0001"), "branch_code": (3, "branch code", "001")}


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


def gb_sort_code(value: str) -> str:
    """A British sort code, ``10-88-00``, ``10 88 00`` or ``108800`` -> its 6 digits (Stripe's
    test sort code ``108800`` is an ordinary one to a format check)."""
    text = require_text(value, "bank_account_invalid", "A sort code")
    digits = _SEPARATORS.sub("", text)
    if not (digits.isascii() and digits.isdigit() and len(digits) == 6):
        fail(
            "bank_account_invalid", f"The sort code {shown(text)} must be 6 digits, like 10-88-00."
        )
    return digits


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


def jp_bank_and_branch(bank_code: str, branch_code: str) -> str:
    """A Japanese bank code (4 digits) and branch code (3 digits) -> the 7-digit routing number.

    For a form that asks for the two separately, as Japanese forms do: ``("1100", "000")`` ->
    ``"1100000"``. A failure names the part at fault in ``details["field"]``.
    """
    bank = _jp_part(bank_code, "bank_code")
    branch = _jp_part(branch_code, "branch_code")
    return bank + branch


def jp_routing_number(value: str) -> str:
    """A Japanese routing number, ``xxxx-xxx`` or ``xxxxxxx`` -> its 7 digits."""
    text = require_text(value, "bank_account_invalid", "A routing number")
    match = _JP_ROUTING.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if not match:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
        hint = "; this looks like a bank code alone" if len(digits) == 4 else ""
        fail(
            "bank_account_invalid",
            f"The routing number {shown(text)} is not a valid Japanese routing number: it must"
            f" be the 4-digit bank code and the 3-digit branch code, written xxxx-xxx or"
            f" xxxxxxx{hint}.",
            field="routing_number",
        )
    return match.group(1) + match.group(2)


def jp_split_routing_number(value: str) -> tuple[str, str]:
    """A Japanese routing number -> ``(bank_code, branch_code)``, to fill two inputs."""
    digits = jp_routing_number(value)
    return digits[:4], digits[4:]


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
    if code == "jp":
        digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
        if not _JP_ACCOUNT.fullmatch(digits):
            shorter = digits.isascii() and digits.isdigit() and len(digits) < 7
            fail(
                "bank_account_invalid",
                "A Japanese bank account number must be 7 or 8 digits"
                + ("; add leading zeros to a shorter one (123456 is 0123456)." if shorter else "."),
            )
        return digits
    if not _ACCOUNT.fullmatch(compact):
        fail(
            "bank_account_invalid",
            "The account number must be 1 to 34 letters and digits.",
        )
    return compact


def _jp_part(value: str, field: str) -> str:
    length, name, example = _JP_PARTS[field]
    text = require_text(value, "bank_account_invalid", f"A {name}")
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if len(digits) != length or not digits.isascii() or not digits.isdigit():
        fail(
            "bank_account_invalid",
            f"The {name} {shown(text)} is not valid: a Japanese {name} is {length} digits,"
            f" like {example}.",
            field=field,
        )
    return digits


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def bank_details(
    country: str, number: str, routing: str | None, *, livemode: bool
) -> tuple[str, str | None]:
    """A bank account's ``(account_number, routing_number)``, normalised for ``country``: the one
    check of v1 external accounts and bank account tokens (the hosted form checks each input with
    the same validators). An IBAN needs no routing number; a US or Japanese account needs one.
    A failure names the part at fault in ``details["field"]``."""
    test_values = not livemode
    try:
        compact = account_number(number, country, test_values=test_values)
    except FieldInvalid as exc:
        exc.details.setdefault("field", "account_number")
        raise
    code = _country(country)
    if _IBAN_SHAPE.fullmatch(compact) and compact[:2].lower() == code:
        return compact, None
    text = (routing or "").strip()
    if not text:
        if code in ("us", "jp", "gb"):
            fail(
                "bank_account_invalid",
                "A routing number is required for this country's bank accounts.",
                field="routing_number",
            )
        return compact, None
    try:
        if code == "us":
            return compact, us_routing_number(text, test_values=test_values)
        if code == "jp":
            return compact, jp_routing_number(text)
        if code == "gb":
            return compact, gb_sort_code(text)
    except FieldInvalid as exc:
        exc.details["field"] = "routing_number"
        raise
    return compact, text
