"""The reference engine's entry collector and capability statuses (see ``requirements_reference``).

Entries are collected as plain records, merged by ``(description, person)``, and rendered in one
go at the end, as the first implementation did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gangway.core.clock import to_rfc3339
from gangway.requirements.deadlines import (
    CURRENTLY_DUE,
    EVENTUALLY_DUE,
    PAST_DUE,
    STATUS_RANK,
    Deadline,
    stricter,
)

__all__ = ["NO_KYC", "STRIPE", "USER", "CapabilityKey", "Collector", "capability_statuses"]

CapabilityKey = tuple[str, str]
EntryKey = tuple[str, str | None]
USER, STRIPE, RESTRICTED, PENDING = "user", "stripe", "restricted", "pending"
NO_KYC: frozenset[CapabilityKey] = frozenset({("customer", "automatic_indirect_tax")})


@dataclass
class _Entry:
    description: str
    person_id: str | None
    awaiting: str
    restricts: dict[CapabilityKey, str]
    reasons: list[str]
    errors: list[dict[str, str]] = field(default_factory=list)
    times: dict[CapabilityKey, int] = field(default_factory=dict)
    alternatives: tuple[tuple[str, ...], ...] = ()


class Collector:
    def __init__(self, past_due_time_ms: int | None = None) -> None:
        self.entries: dict[EntryKey, _Entry] = {}
        self.past_due_time_ms = past_due_time_ms
        self.states: dict[CapabilityKey, str] = {}
        self.next_change_ms: int | None = None

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
        if status == PAST_DUE and self.past_due_time_ms is not None:
            time_ms = self.past_due_time_ms
        entry = self.entries.get((description, person_id))
        if entry is None:
            entry = _Entry(
                description, person_id, awaiting, {}, [reason], alternatives=alternatives
            )
            self.entries[(description, person_id)] = entry
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
        for target in targets:
            if time_ms is not None and (target not in entry.times or time_ms < entry.times[target]):
                entry.times[target] = time_ms
            previous = entry.restricts.get(target)
            entry.restricts[target] = status if previous is None else stricter(previous, status)
            if awaiting == USER and status == PAST_DUE:
                self.states[target] = RESTRICTED
            elif awaiting == STRIPE and status != EVENTUALLY_DUE and target not in self.states:
                self.states[target] = PENDING

    def render(self) -> dict[str, Any]:
        entries: list[dict[str, Any]] = []
        alternatives: list[dict[str, Any]] = []
        strictest: str | None = None
        soonest: int | None = None
        for key in sorted(self.entries, key=lambda k: (k[0], k[1] or "")):
            entry = self.entries[key]
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
            entries.append(
                {
                    "awaiting_action_from": entry.awaiting,
                    "description": entry.description,
                    "errors": [dict(error) for error in entry.errors],
                    "impact": {"restricts_capabilities": restricts},
                    "minimum_deadline": {"status": minimum},
                    "reference": _reference(entry.person_id),
                    "requested_reasons": [{"code": code} for code in entry.reasons],
                }
            )
            if entry.alternatives and entry.awaiting == USER and not entry.errors:
                alternatives.append(_alternative(entry))
            strictest = minimum if strictest is None else stricter(strictest, minimum)
            for target, time_ms in entry.times.items():
                # a capability already past due is impacted now, whatever later deadline another
                # request gave it (future requirements date past-due entries at the transition)
                if self.past_due_time_ms is None and entry.restricts[target] != CURRENTLY_DUE:
                    continue
                if soonest is None or time_ms < soonest:
                    soonest = time_ms
        summary = None
        if strictest is not None:
            time = to_rfc3339(soonest) if soonest is not None else None
            summary = {"minimum_deadline": {"status": strictest, "time": time}}
        return {"entries": entries, "alternatives": alternatives or None, "summary": summary}


def _reference(person_id: str | None) -> dict[str, Any] | None:
    if person_id is None:
        return None
    return {"inquiry": None, "resource": person_id, "type": "person"}


def _alternative(entry: _Entry) -> dict[str, Any]:
    return {
        "original_entries": [
            {"description": entry.description, "reference": _reference(entry.person_id)}
        ],
        "options": [
            {
                "entries": [
                    {
                        "awaiting_action_from": USER,
                        "description": description,
                        "errors": [],
                        "reference": _reference(entry.person_id),
                    }
                    for description in option
                ]
            }
            for option in entry.alternatives
        ],
    }


def capability_statuses(
    applied: Sequence[str],
    requested: Sequence[CapabilityKey],
    states: Mapping[CapabilityKey, str],
    unsupported: Mapping[CapabilityKey, str],
) -> dict[str, dict[str, dict[str, Any]]]:
    result: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in applied}
    for key in requested:
        configuration, capability = key
        status: dict[str, Any]
        if key in NO_KYC:
            status = {"status": "active", "status_details": []}
        elif key in unsupported:
            details = [{"code": unsupported[key], "resolution": "contact_stripe"}]
            status = {"status": "unsupported", "status_details": details}
        elif states.get(key) == RESTRICTED:
            details = [{"code": "requirements_past_due", "resolution": "provide_info"}]
            status = {"status": "restricted", "status_details": details}
        elif states.get(key) == PENDING:
            details = [{"code": "requirements_pending_verification", "resolution": "no_resolution"}]
            status = {"status": "pending", "status_details": details}
        else:
            status = {"status": "active", "status_details": []}
        result.setdefault(configuration, {})[capability] = status
    return result
