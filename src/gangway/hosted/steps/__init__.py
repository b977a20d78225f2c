"""The form's steps, one module each: what a step shows and what submitting it changes.

``REGISTRY`` maps a step's name (its URL, ``/onboarding/step/<name>``) to its step; ``person``
is the page of one person, reached from the representative and people steps.
"""

from __future__ import annotations

from collections.abc import Mapping

from gangway.hosted.steps.account_fields import BUSINESS_TYPE, PROFILE, PUBLIC
from gangway.hosted.steps.bank import BANK
from gangway.hosted.steps.common import Context, Outcome, Step, Submission, Upload
from gangway.hosted.steps.details import BUSINESS, PERSONAL
from gangway.hosted.steps.documents import DOCUMENTS
from gangway.hosted.steps.people import PEOPLE
from gangway.hosted.steps.person import PERSON, REPRESENTATIVE
from gangway.hosted.steps.review import REVIEW

__all__ = ["REGISTRY", "Context", "Outcome", "Step", "Submission", "Upload"]

REGISTRY: Mapping[str, Step] = {
    step.name: step
    for step in (
        BUSINESS_TYPE,
        PERSONAL,
        BUSINESS,
        REPRESENTATIVE,
        PEOPLE,
        PROFILE,
        PUBLIC,
        BANK,
        DOCUMENTS,
        REVIEW,
        PERSON,
    )
}
