"""Expected-outcome shorthand for the test-mode tables: status now, errors, delay, final.

``outcome_of`` finds the one check of a kind with ``checks`` and asks ``test_mode_outcome``: the
same path the server takes.
"""

from __future__ import annotations

from typing import Any

import gangway.verification as verification
from gangway.verification import ASYNC_DELAY_MS, Outcome

Summary = tuple[str, tuple[str, ...], int | None, str | None, tuple[str, ...]]

NOW_OK: Summary = ("verified", (), None, None, ())
LATER_OK: Summary = ("pending", (), ASYNC_DELAY_MS, "verified", ())
HOLD: Summary = ("pending", (), None, None, ())


def fails(*codes: str) -> Summary:
    return ("failed", codes, None, None, ())


def fails_later(*codes: str) -> Summary:
    return ("pending", (), ASYNC_DELAY_MS, "failed", codes)


def summary(outcome: Outcome) -> Summary:
    final = outcome.final
    return (
        outcome.status,
        tuple(e["code"] for e in outcome.errors),
        outcome.decide_after_ms,
        final.status if final else None,
        tuple(e["code"] for e in final.errors) if final else (),
    )


def outcome_of(
    kind: str, document: dict[str, Any], persons: list[dict[str, Any]] | None = None, **match: Any
) -> Summary:
    """The test-mode outcome of the only check of ``kind`` (and ``match``ing fields)."""
    persons = persons or []
    found = [
        c
        for c in verification.checks(document, persons)
        if c.kind == kind and all(getattr(c, k) == v for k, v in match.items())
    ]
    assert len(found) == 1, found
    return summary(verification.test_mode_outcome(found[0], document, persons))
