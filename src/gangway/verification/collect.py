"""``checks``: the verifiable submissions of an account, each named, labelled and fingerprinted.

The fingerprint is how the caller knows a submission changed (and its verification must start
again) without keeping the value: it is an HMAC-SHA-256 over the canonical value, domain-separated
by kind, subject and descriptions so the same number on two Persons gives unrelated fingerprints.

Why keyed: many verified values have little entropy (a date of birth is one of ~40,000, an SSN's
last 4 one of 10,000, a full SSN one of 10^9), so a plain hash could be reversed by trying every
value. Pass a deployment secret as ``secret`` (and keep it out of the database) to make the
fingerprint useless without it. Changing the secret changes every fingerprint, which re-verifies
everything once; the default empty secret is only for tests and tools.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

from gangway.verification.model import Check
from gangway.verification.submissions import Submission, submissions

__all__ = ["checks", "fingerprint"]


def checks(
    document: Mapping[str, Any],
    persons: Sequence[Mapping[str, Any]],
    *,
    secret: bytes = b"",
) -> list[Check]:
    """Every provided, verifiable submission in the stored account ``document`` (v2 wire shape,
    ``id_numbers`` with values) and its ``persons`` (each with ``id``); nothing for absent
    fields. The order is stable: account holder, business, profile and merchant settings, each
    Person in the given order, then the directors and owners lists."""
    return [
        Check(s.subject, s.kind, s.descriptions, fingerprint(s, secret), s.label)
        for s in submissions(document, persons)
    ]


def fingerprint(submission: Submission, secret: bytes = b"") -> str:
    """HMAC-SHA-256 (hex) of the submission's canonical JSON under ``secret``."""
    canonical = json.dumps(
        [submission.kind, submission.subject, list(submission.descriptions), submission.value],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.new(secret, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
