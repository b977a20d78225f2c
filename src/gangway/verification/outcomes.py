"""What a verifier decides about a ``Check``: Stripe's test-mode magic, or a reviewer in live mode.

``test_mode_outcome`` reads the value again from the document (a ``Check`` carries none) and
applies the kind's table from ``magic_people`` / ``magic_business``. ``live_mode_outcome`` never
decides anything: in live mode the operator's reviewers play Stripe's part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gangway.verification import magic_business, magic_people
from gangway.verification.model import Check, Outcome, pending_forever
from gangway.verification.submissions import find

__all__ = ["TEST_MODE_TABLES", "live_mode_outcome", "test_mode_outcome"]

#: ``Check.kind`` -> the function that judges its canonical value in test mode.
TEST_MODE_TABLES: Mapping[str, Callable[[Any], Outcome]] = {
    "date_of_birth": magic_people.date_of_birth,
    "address": magic_people.address,
    "id_number": magic_people.id_number,
    "identity_document": magic_people.document,
    "supporting_document": magic_people.document,
    "business_address": magic_people.business_address,
    "business_tax_id": magic_business.tax_id,
    "business_name": magic_business.business_name,
    "doing_business_as": magic_business.doing_business_as,
    "product_description": magic_business.product_description,
    "business_url": magic_business.business_url,
    "statement_descriptor": magic_business.statement_descriptor,
    "statement_descriptor_prefix": magic_business.statement_descriptor_prefix,
    "directors": magic_business.directors,
    "owners": magic_business.owners,
}


def test_mode_outcome(
    check: Check, document: Mapping[str, Any], persons: Sequence[Mapping[str, Any]]
) -> Outcome:
    """Stripe's documented test-mode behaviour for ``check``'s submission in ``document``.

    Call it with the document the check came from. Raises ``LookupError`` when the document no
    longer holds that submission (the field was removed: there is nothing to verify).
    """
    submission = find(document, persons, (check.subject, check.kind, check.descriptions))
    if submission is None:
        raise LookupError(f"{check.label}: no such submission in the document")
    return TEST_MODE_TABLES[check.kind](submission.value)


def live_mode_outcome(check: Check) -> Outcome:
    """Always pending, awaiting a reviewer: live mode makes no automatic decisions."""
    del check  # every check is treated alike; the argument keeps the two modes interchangeable
    return pending_forever()


# Test modules that import the function by name must not have pytest collect it as a test.
setattr(test_mode_outcome, "__test__", False)  # noqa: B010
