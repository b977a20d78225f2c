"""What needs verifying, and what Stripe's documented test-mode magic values make of it.

Pure: no I/O, no database, no HTTP, no clock. The caller (the store and the review API) turns
a ``Check`` plus an ``Outcome`` into stored verification records and feeds them to the
requirements engine as ``AccountFacts.verifications`` under each of the check's
``(check.subject, description)`` keys.

* ``checks(document, persons, secret=...)`` lists every provided, verifiable submission, with a
  keyed SHA-256 fingerprint of its value; a new fingerprint means "verify again".
* ``test_mode_outcome(check, document, persons)`` applies the magic values documented at
  https://docs.stripe.com/connect/testing (v1 names mapped to v2 paths).
* ``live_mode_outcome(check)`` is always ``pending``: in live mode only reviewers decide.

Decisions where the docs are silent (each also in README.md, with the full table):

* Timing. Successes Stripe calls "immediate" (DOB 1902-01-01, ID number and tax ID 222222222)
  are ``verified`` at once; every other success is ``pending`` and becomes ``verified`` after
  ``ASYNC_DELAY_MS``. Failures are returned at once, except document tokens, which the docs say
  "simulate the review process" and so fail after the delay too.
* Values not on any list: a date of birth fails (``verification_failed_keyed_identity``), as
  documented ("any other DOB results in a no-match"); everything else verifies after the delay,
  so a realistic test journey (real-looking address, SSN, website, uploaded file) completes.
* DOB 1900-01-01 (OFAC alert), tax ID 222221005 (registry pending) and the
  ``inactivity.stripe.com`` website stay ``pending`` with no final outcome: they wait for a
  reviewer, as a compliance hold does, instead of asking the user to change something.
* Business-registry tax IDs 222221001-222221004 verify the tax ID and fail the ``owners`` /
  ``directors`` check instead (see ``magic_business``).
* Text magic values are compared case-insensitively; websites by host name.

Kinds and the descriptions they cover are listed in ``KINDS``.
"""

from gangway.verification.collect import checks
from gangway.verification.model import ASYNC_DELAY_MS, KINDS, Check, Outcome
from gangway.verification.outcomes import live_mode_outcome, test_mode_outcome

__all__ = [
    "ASYNC_DELAY_MS",
    "KINDS",
    "Check",
    "Outcome",
    "checks",
    "live_mode_outcome",
    "test_mode_outcome",
]
