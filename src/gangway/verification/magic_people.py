"""Stripe's test-mode magic values for people and documents, as outcome functions.

Source: https://docs.stripe.com/connect/testing (mirrored in shared/docs/stripe-v2-reference.md
section 6). The tables are data so the README's table and the tests can be checked against
them; every function takes a canonical value from ``submissions`` and returns an ``Outcome``.

Timing rule (applies to every table in this package): a success Stripe calls "immediate" is
``verified`` at once; every other success arrives after ``ASYNC_DELAY_MS``, because Stripe's
verifications otherwise finish in the background and report by webhook. Failures are returned
at once: the docs give them no timing, and an integration test sees the failure in the response
to the update that caused it. Document tokens are the exception the docs spell out: they
"simulate the review process", so both their successes and their failures come after the delay.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gangway.verification.model import (
    Outcome,
    failed,
    failed_later,
    pending_forever,
    verified_later,
    verified_now,
)

__all__ = [
    "ADDRESS_LINE1",
    "DATES_OF_BIRTH",
    "DOCUMENT_FILES",
    "ID_NUMBERS",
    "address",
    "business_address",
    "date_of_birth",
    "document",
    "id_number",
]

_NO_MATCH = (
    "The date of birth could not be verified. In test mode only 1901-01-01 (and 1902-01-01,"
    " immediately) match."
)

#: (day, month, year) -> outcome. Any other date is Stripe's documented no-match.
#: 1900-01-01 "triggers an OFAC alert": a sanctions-list hit is a compliance review that the
#: user cannot fix by editing a field, so it stays pending (awaiting Stripe, i.e. the operator's
#: reviewer) rather than failing with a code that would ask the user for something.
DATES_OF_BIRTH: Mapping[tuple[int, int, int], Callable[[], Outcome]] = {
    (1, 1, 1901): verified_later,
    (1, 1, 1902): verified_now,
    (1, 1, 1900): pending_forever,
}

#: Address ``line1`` (compared case-insensitively) -> (error code, text); full match succeeds.
ADDRESS_LINE1: Mapping[str, tuple[str, str] | None] = {
    "address_full_match": None,
    "address_no_match": ("verification_failed_address_match", "The address could not be verified."),
    "address_line1_no_match": (
        "verification_failed_address_match",
        "The street address (line 1) does not match the postal code and city.",
    ),
}

#: Compact ID numbers -> outcome; anything else verifies after the delay.
ID_NUMBERS: Mapping[str, Callable[[], Outcome]] = {
    "000000000": verified_later,
    "0000": verified_later,
    "111111111": lambda: failed(
        "verification_failed_id_number_match", "The ID number does not match the person's name."
    ),
    "222222222": verified_now,
}

#: File tokens -> (error code, text) for failures, None for success; other files succeed.
DOCUMENT_FILES: Mapping[str, tuple[str, str] | None] = {
    "file_identity_document_success": None,
    "file_identity_document_failure": (
        "verification_document_failed_test_mode",
        "The identity document was rejected (test-mode failure token).",
    ),
    "file_relationship_document_success": None,
    "file_relationship_document_invalid": (
        "verification_document_invalid",
        "The document does not prove the stated relationship.",
    ),
    "file_relationship_document_mismatch": (
        "verification_failed_document_match",
        "The document does not match the information on the account.",
    ),
    "file_relationship_document_invalid_signer": (
        "verification_failed_representative_authority",
        "The document was not signed by someone with authority to represent the business.",
    ),
}


def date_of_birth(value: Mapping[str, Any]) -> Outcome:
    """The documented three dates, else a keyed-identity no-match.

    ``verification_failed_keyed_identity`` is the SDK's code for "the identity details typed in
    could not be matched", which is what Stripe's "no-match" is; the DOB-specific codes
    (``invalid_dob_age_*``) are about age limits, not a record mismatch.
    """
    key: tuple[Any, Any, Any] = (value["day"], value["month"], value["year"])
    outcome = DATES_OF_BIRTH.get(key)
    if outcome is not None:
        return outcome()
    return failed("verification_failed_keyed_identity", _NO_MATCH)


def address(value: Mapping[str, str]) -> Outcome:
    """A personal address: ``line1`` magic, any other address verifies after the delay."""
    return _address(value, "")


def business_address(value: Mapping[str, str]) -> Outcome:
    """The business address, by the same ``line1`` table.

    Stripe describes the business-address tokens by their effect: ``address_no_match`` leaves
    charges but not payouts, ``address_line1_no_match`` neither. Here both are a failed
    verification of the business address fields (``verification_failed_address_match``); what a
    failed field restricts is the country rule file's business, not the verifier's (the US rules
    make the business address restrict everything), so the charges-only nuance is not modelled.
    """
    return _address(value, "Business address: ")


def id_number(value: Mapping[str, str]) -> Outcome:
    """Personal ID numbers (full or last 4): the documented values; others verify later."""
    outcome = ID_NUMBERS.get(value.get("value", ""))
    return outcome() if outcome is not None else verified_later()


def document(files: Sequence[str]) -> Outcome:
    """A document field's files: the first failure token (in file order) fails it after the
    simulated review; otherwise it is verified after the review. Files that are not tokens
    (real uploads) verify too, so a test journey that uploads any file can complete; Stripe's
    verified/unverified test *images* are not recognised (Gangway does not read file contents).
    """
    for file_id in files:
        failure = DOCUMENT_FILES.get(file_id)
        if failure is not None:
            return failed_later(*failure)
    return verified_later()


def _address(value: Mapping[str, str], prefix: str) -> Outcome:
    line1 = value.get("line1", "").casefold()
    if line1 in ADDRESS_LINE1:
        failure = ADDRESS_LINE1[line1]
        if failure is not None:
            return failed(failure[0], prefix + failure[1])
    return verified_later()
