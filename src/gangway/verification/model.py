"""The two value types of the verification core, the delay constant and the verdict builders.

A ``Check`` names one submission without its value (so it can be stored, listed for a reviewer
and logged); an ``Outcome`` is what a verifier decided about it. Both are frozen so a decision
cannot be edited after the fact; ``Check`` is hashable, so callers can key records by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ASYNC_DELAY_MS",
    "KINDS",
    "Check",
    "Outcome",
    "failed",
    "failed_later",
    "pending_forever",
    "verified_later",
    "verified_now",
]

#: How long an *asynchronous* test-mode verification stays ``pending`` before its final outcome
#: applies. Stripe documents some magic values as "immediate" (DOB 1902-01-01, ID number
#: 222222222) and the rest as arriving later by webhook; 5 s is long enough for an integration
#: (or a browser test) to observe the pending state with an ordinary retrieve right after the
#: update, and short enough that a test waiting for the webhook stays fast. Measure it on the
#: sandbox's clock, so advancing test time decides pending checks at once.
ASYNC_DELAY_MS = 5_000

#: Every ``Check.kind``, with the descriptions it covers (``<base>`` is ``identity.individual.``
#: for the account holder, empty for a Person, ``identity.business_details.`` for the business).
KINDS: Mapping[str, str] = {
    "date_of_birth": "<base>date_of_birth.day, .month, .year",
    "address": "<base>address.<line1|line2|city|state|postal_code|town> as provided",
    "id_number": "<base>id_numbers.<type>, plus <base>id_numbers for full (not *_last_4) numbers",
    "identity_document": "<base>documents.<primary_verification|secondary_verification|passport|visa>",
    "supporting_document": (
        "<base>documents.company_authorization (a Person or the account holder) and"
        " identity.business_details.documents.<name>"
    ),
    "business_tax_id": "identity.business_details.id_numbers.<type>, identity.business_details.id_numbers",
    "business_address": "identity.business_details.address.<sub-field> as provided",
    "business_name": "identity.business_details.registered_name",
    "doing_business_as": "defaults.profile.doing_business_as",
    "product_description": "defaults.profile.product_description",
    "business_url": "defaults.profile.business_url",
    "statement_descriptor": "configuration.merchant.statement_descriptor.descriptor",
    "statement_descriptor_prefix": "configuration.merchant.statement_descriptor.prefix",
    "directors": "identity.attestations.persons_provided.directors",
    "owners": "identity.attestations.persons_provided.owners",
}


@dataclass(frozen=True)
class Check:
    """One verifiable submission: a value (or group of values) the verifier looks at as a unit.

    ``subject`` is the Person's id, or None for the account. ``descriptions`` are the
    ``VerificationKey`` descriptions the verdict applies to (account-level: full v2 paths;
    Person-level: paths within the Person, no role prefix). ``fingerprint`` is a (keyed) SHA-256
    of the canonical value: a different fingerprint means a different submission, whose
    verification starts again. ``label`` is reviewer-facing text that never contains the value.
    """

    subject: str | None
    kind: str
    descriptions: tuple[str, ...]
    fingerprint: str
    label: str


@dataclass(frozen=True)
class Outcome:
    """A verdict. ``pending`` with ``decide_after_ms`` and ``final`` models Stripe's asynchronous
    test-mode verifications: the caller stores ``pending`` now and applies ``final`` once the
    delay has passed. ``pending`` without ``final`` waits for a reviewer (live mode, OFAC alerts,
    paused website reviews). ``errors`` use the SDK's ``Account.Requirements.Entry.Error`` shape.
    """

    status: Literal["pending", "verified", "failed"]
    errors: tuple[Mapping[str, str], ...] = ()
    decide_after_ms: int | None = None
    final: Outcome | None = None


def verified_now() -> Outcome:
    """A success Stripe documents as immediate (the result is in the API response)."""
    return Outcome("verified")


def verified_later() -> Outcome:
    """A success that arrives after ``ASYNC_DELAY_MS``, as Stripe's background checks do."""
    return Outcome("pending", decide_after_ms=ASYNC_DELAY_MS, final=Outcome("verified"))


def failed(code: str, description: str) -> Outcome:
    """A failure with one error, returned at once (see the package docstring for why)."""
    return Outcome("failed", ({"code": code, "description": description},))


def failed_later(code: str, description: str) -> Outcome:
    """A failure after a simulated review (document tokens "simulate the review process")."""
    return Outcome("pending", decide_after_ms=ASYNC_DELAY_MS, final=failed(code, description))


def pending_forever() -> Outcome:
    """Pending until a reviewer decides: nothing automatic will ever resolve it."""
    return Outcome("pending")
