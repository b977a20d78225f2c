"""What the operator console filters accounts by, derived from an account and its evaluation.

Pure. The document is sealed, so the few facts a list filters on are kept beside it in plain
columns, recomputed with every save from the same evaluation the API renders: a filter can never
disagree with what the account page shows. Searches by email and display name go through a
keyed blind index (HMAC-SHA256 of the normalised value): equal values meet in an index, the
database holds nothing readable.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LISTING_VERSION",
    "Listing",
    "blind_index",
    "identity_facts",
    "listing_of",
    "normalised",
]

LISTING_VERSION = 1
"""Bumped when what the columns mean changes: rows with an older ``listed`` are refilled."""


@dataclass(frozen=True)
class Listing:
    currently_due: bool
    """Something is currently or past due."""
    past_due: bool
    pending_verification: bool
    """Something awaits a verification (``awaiting_action_from: stripe``)."""
    restricted: bool
    """A requested capability is restricted."""
    fully_active: bool
    """Every requested capability is active and nothing is currently due."""


def listing_of(evaluation: Any) -> Listing:
    """``evaluation`` is a ``requirements.Evaluation`` (duck-typed: core imports no engine)."""
    entries = (evaluation.requirements or {}).get("entries") or []
    statuses = {(entry.get("minimum_deadline") or {}).get("status") for entry in entries}
    waiting = {entry.get("awaiting_action_from") for entry in entries}
    capability_statuses = [
        status.get("status")
        for statuses_of in (evaluation.capabilities or {}).values()
        for status in statuses_of.values()
    ]
    currently_due = bool(statuses & {"currently_due", "past_due"})
    return Listing(
        currently_due=currently_due,
        past_due="past_due" in statuses,
        pending_verification="stripe" in waiting,
        restricted="restricted" in capability_statuses,
        fully_active=bool(capability_statuses)
        and all(status == "active" for status in capability_statuses)
        and not currently_due,
    )


def normalised(value: str) -> str:
    """Case, Unicode form and runs of whitespace do not matter to a search."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(secret: bytes, kind: str, value: Any) -> str | None:
    """The keyed digest a search for ``value`` looks up, or None for no value."""
    if not isinstance(value, str) or not value.strip():
        return None
    message = f"{kind}:{normalised(value)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def identity_facts(document: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The country and entity type, when the document has them as plain strings."""
    identity = document.get("identity")
    if not isinstance(identity, Mapping):
        return None, None
    country, entity = identity.get("country"), identity.get("entity_type")
    return (
        country.upper()[:2] if isinstance(country, str) and country else None,
        entity[:20] if isinstance(entity, str) and entity else None,
    )
