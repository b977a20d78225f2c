"""Collecting requirement entries and rendering them in the exact v2 wire shape.

Several rules may ask for the same thing (a raised identity document that a schedule also
wants, a field that restricts merchant and recipient capabilities): entries are merged by
``(description, person)``, keeping the strictest deadline per capability. The collector also
remembers, per capability, whether something past due restricts it or Stripe is still verifying,
which is all ``capabilities.py`` needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gangway.core.clock import to_rfc3339
from gangway.requirements.deadlines import (
    EVENTUALLY_DUE,
    PAST_DUE,
    STATUS_RANK,
    Deadline,
    stricter,
)
from gangway.requirements.facts import CapabilityKey

__all__ = ["PENDING", "RESTRICTED", "STRIPE", "USER", "EntryCollector", "empty_requirements"]

USER = "user"
STRIPE = "stripe"
RESTRICTED = "restricted"
PENDING = "pending"

EntryKey = tuple[str, str | None]


@dataclass(slots=True)
class _Entry:
    description: str
    person_id: str | None
    awaiting: str
    restricts: dict[CapabilityKey, str]
    reasons: list[str]
    errors: list[dict[str, str]] = field(default_factory=list)
    time_ms: int | None = None
    alternatives: tuple[tuple[str, ...], ...] = ()


class EntryCollector:
    """Accumulates entries for one list (``requirements`` or ``future_requirements``).

    ``past_due_time_ms`` is set for future requirements: an entry that will be past due at the
    transition can impact the account from the transition on, so that is its time.
    """

    def __init__(self, past_due_time_ms: int | None = None) -> None:
        self._entries: dict[EntryKey, _Entry] = {}
        self._past_due_time_ms = past_due_time_ms
        self.capability_states: dict[CapabilityKey, str] = {}
        self.next_change_ms: int | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> Iterable[EntryKey]:
        return self._entries.keys()

    def discard(self, keys: Iterable[EntryKey]) -> None:
        for key in keys:
            self._entries.pop(key, None)

    def note_change(self, at_ms: int | None) -> None:
        if at_ms is not None and (self.next_change_ms is None or at_ms < self.next_change_ms):
            self.next_change_ms = at_ms

    def add(
        self,
        description: str,
        person_id: str | None,
        awaiting: str,
        deadline: Deadline,
        targets: Sequence[CapabilityKey],
        reason: str,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        alternatives: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        status = deadline.status
        time_ms = deadline.time_ms if awaiting == USER else None
        if status == PAST_DUE and self._past_due_time_ms is not None:
            time_ms = self._past_due_time_ms
        key = (description, person_id)
        entry = self._entries.get(key)
        if entry is None:
            entry = _Entry(
                description, person_id, awaiting, {}, [reason], alternatives=alternatives
            )
            self._entries[key] = entry
        else:
            if awaiting == USER:
                entry.awaiting = USER
            if reason not in entry.reasons:
                entry.reasons.append(reason)
            entry.alternatives = entry.alternatives or alternatives
        for error in errors:
            rendered = {
                "code": str(error.get("code", "")),
                "description": str(error.get("description", "")),
            }
            if rendered not in entry.errors:
                entry.errors.append(rendered)
        if time_ms is not None and (entry.time_ms is None or time_ms < entry.time_ms):
            entry.time_ms = time_ms
        restricts = entry.restricts
        states = self.capability_states
        for target in targets:
            previous = restricts.get(target)
            restricts[target] = status if previous is None else stricter(previous, status)
            if awaiting == USER and status == PAST_DUE:
                states[target] = RESTRICTED
            elif awaiting == STRIPE and status != EVENTUALLY_DUE and target not in states:
                states[target] = PENDING

    def render(self) -> dict[str, Any]:
        """``{"entries": [...], "alternatives": [...] | None, "summary": {...} | None}``."""
        entries: list[dict[str, Any]] = []
        alternatives: list[dict[str, Any]] = []
        strictest: str | None = None
        soonest: int | None = None
        for key in sorted(self._entries, key=_sort_key):
            entry = self._entries[key]
            minimum = EVENTUALLY_DUE
            restricts: list[dict[str, Any]] = []
            for (configuration, capability), status in sorted(entry.restricts.items()):
                if STATUS_RANK[status] > STATUS_RANK[minimum]:
                    minimum = status
                restricts.append(
                    {
                        "capability": capability,
                        "configuration": configuration,
                        "deadline": {"status": status},
                    }
                )
            reference = _reference(entry.person_id)
            entries.append(
                {
                    "awaiting_action_from": entry.awaiting,
                    "description": entry.description,
                    "errors": [dict(error) for error in entry.errors],
                    "impact": {"restricts_capabilities": restricts},
                    "minimum_deadline": {"status": minimum},
                    "reference": reference,
                    "requested_reasons": [{"code": code} for code in entry.reasons],
                }
            )
            if entry.alternatives and entry.awaiting == USER and not entry.errors:
                alternatives.append(
                    _alternative(entry.description, entry.alternatives, entry.person_id)
                )
            strictest = minimum if strictest is None else stricter(strictest, minimum)
            if entry.time_ms is not None and (soonest is None or entry.time_ms < soonest):
                soonest = entry.time_ms
        summary = None
        if strictest is not None:
            time = to_rfc3339(soonest) if soonest is not None else None
            summary = {"minimum_deadline": {"status": strictest, "time": time}}
        return {"entries": entries, "alternatives": alternatives or None, "summary": summary}


def empty_requirements() -> dict[str, Any]:
    return {"entries": [], "alternatives": None, "summary": None}


def _sort_key(key: EntryKey) -> tuple[str, str]:
    return key[0], key[1] or ""


def _reference(person_id: str | None) -> dict[str, Any] | None:
    if person_id is None:
        return None
    return {"inquiry": None, "resource": person_id, "type": "person"}


def _alternative(
    description: str, options: tuple[tuple[str, ...], ...], person_id: str | None
) -> dict[str, Any]:
    return {
        "original_entries": [{"description": description, "reference": _reference(person_id)}],
        "options": [
            {
                "entries": [
                    {
                        "awaiting_action_from": USER,
                        "description": option_description,
                        "errors": [],
                        "reference": _reference(person_id),
                    }
                    for option_description in option
                ]
            }
            for option in options
        ],
    }
