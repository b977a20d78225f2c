"""Collecting requirement entries, directly in the exact v2 wire shape.

Several rules may ask for the same thing (a raised identity document that a schedule also
wants, a field that restricts merchant and recipient capabilities): entries are merged by
``(description, person)``, keeping the strictest deadline per capability. The collector also
remembers which capabilities something past due restricts and which wait on Stripe's review,
which is all ``capabilities.py`` needs.

Almost every entry is added once, so an entry is rendered when it is first added and that wire
dict is the record: the rare second add merges into it (``_merge``). Entries are keyed by a
string that sorts like ``(description, person id or "")`` (``entry_key``), so the final order is
one plain string sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gangway.core.clock import to_rfc3339
from gangway.requirements.deadlines import (
    CURRENTLY_DUE,
    EVENTUALLY_DUE,
    PAST_DUE,
    Deadline,
    stricter,
)
from gangway.requirements.facts import CapabilityKey

__all__ = [
    "STRIPE",
    "USER",
    "EntryCollector",
    "empty_requirements",
    "entry_key",
    "person_key_suffix",
]

USER = "user"
STRIPE = "stripe"

#: Separates description and person id in an entry key. Descriptions are dotted lowercase
#: paths, so a key "d" (the account) sorts before every "d\x00<person>" and after any
#: description that "d" extends, exactly as the tuple ``(description, person or "")`` would.
_SEPARATOR = "\x00"


def person_key_suffix(person_id: str) -> str:
    """What ``entry_key`` appends for one Person; computed once per Person."""
    return _SEPARATOR + person_id


def entry_key(description: str, person_id: str | None) -> str:
    return description if person_id is None else description + _SEPARATOR + person_id


class EntryCollector:
    """Accumulates entries for one list (``requirements`` or ``future_requirements``).

    ``past_due_time_ms`` is set for future requirements: an entry that will be past due at the
    transition can impact the account from the transition on, so that is its time.
    """

    __slots__ = (
        "_alternatives",
        "_entries",
        "_past_due_time_ms",
        "_statuses",
        "_tie",
        "_times",
        "next_change_ms",
        "pending",
        "restricted",
    )

    def __init__(self, past_due_time_ms: int | None = None) -> None:
        self._entries: dict[str, dict[str, Any]] = {}
        #: key -> (description, person id, option descriptions), for entries that have options.
        self._alternatives: dict[str, tuple[str, str | None, tuple[tuple[str, ...], ...]]] = {}
        #: key -> soonest deadline time, for entries that have one.
        #: Soonest deadline per entry and restricted capability (see ``render``).
        self._times: dict[str, dict[CapabilityKey, int]] = {}
        #: Every minimum deadline status added (for the summary); rebuilt by ``discard``.
        self._statuses: set[str] = set()
        #: A Person with an empty id: its keys can tie with the account's (see ``render``).
        self._tie = False
        self._past_due_time_ms = past_due_time_ms
        self.restricted: set[CapabilityKey] = set()
        self.pending: set[CapabilityKey] = set()
        self.next_change_ms: int | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> Iterable[str]:
        return self._entries.keys()

    def discard(self, keys: Iterable[str]) -> None:
        entries = self._entries
        removed = False
        for key in keys:
            if entries.pop(key, None) is not None:
                removed = True
                self._alternatives.pop(key, None)
                self._times.pop(key, None)
        if removed:
            self._statuses = {entry["minimum_deadline"]["status"] for entry in entries.values()}

    def note_change(self, at_ms: int | None) -> None:
        if at_ms is not None and (self.next_change_ms is None or at_ms < self.next_change_ms):
            self.next_change_ms = at_ms

    def add(
        self,
        key: str,
        description: str,
        person_id: str | None,
        awaiting: str,
        deadline: Deadline,
        targets: Sequence[CapabilityKey],
        reason: str,
        errors: Sequence[Mapping[str, str]] = (),
        alternatives: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        """One rule's request for an entry. ``key`` is ``entry_key(description, person_id)``;
        ``targets`` are sorted and distinct. The general form, for the less travelled paths:
        a rule's missing fields go through ``due`` once and ``put`` per field."""
        if awaiting == USER:
            status, minimum, time_ms = self.due(deadline, targets)
        else:
            status = deadline.status
            if status != EVENTUALLY_DUE:
                self.pending.update(targets)
            minimum = status if targets else EVENTUALLY_DUE
            self._statuses.add(minimum)
            time_ms = self._past_due_time_ms if status == PAST_DUE else None
        entry = self.put(
            key, description, person_id, awaiting, status, minimum, time_ms, targets, reason
        )
        if errors:
            _add_errors(entry["errors"], errors)
        if alternatives and key not in self._alternatives:
            self._alternatives[key] = (description, person_id, alternatives)

    def due(
        self, deadline: Deadline, targets: Sequence[CapabilityKey]
    ) -> tuple[str, str, int | None]:
        """The bookkeeping every entry a rule asks of the user under ``deadline`` shares (what
        past due restricts, the summary's statuses), done once per rule rather than once per
        missing field: ``(status, minimum status, time)`` to hand to ``put``."""
        status = deadline.status
        time_ms = deadline.time_ms
        if status == PAST_DUE:
            self.restricted.update(targets)
            if self._past_due_time_ms is not None:
                time_ms = self._past_due_time_ms
        # An entry's minimum deadline is its strictest restriction (eventually_due if none).
        minimum = status if targets else EVENTUALLY_DUE
        self._statuses.add(minimum)
        return status, minimum, time_ms

    def put(
        self,
        key: str,
        description: str,
        person_id: str | None,
        awaiting: str,
        status: str,
        minimum: str,
        time_ms: int | None,
        targets: Sequence[CapabilityKey],
        reason: str,
        alternatives: tuple[tuple[str, ...], ...] = (),
    ) -> dict[str, Any]:
        """The entry ``key`` with one more request folded in (``status``, ``minimum`` and
        ``time_ms`` as ``due`` gave them); returns the wire dict, new or merged into."""
        if time_ms is not None:
            by_target = self._times.setdefault(key, {})
            for target in targets:
                known = by_target.get(target)
                if known is None or time_ms < known:
                    by_target[target] = time_ms
        entry = self._entries.get(key)
        if entry is not None:
            _merge(entry, awaiting, minimum, targets, reason)
            if alternatives and key not in self._alternatives:
                self._alternatives[key] = (description, person_id, alternatives)
            return entry
        if person_id is None:
            reference = None
        else:
            reference = {"inquiry": None, "resource": person_id, "type": "person"}
            if not person_id:
                self._tie = True
        # A loop, not a comprehension: on 3.11 a comprehension's own frame costs more than
        # the one or two items it builds here.
        restricts = []
        for configuration, capability in targets:
            restricts.append(
                {
                    "capability": capability,
                    "configuration": configuration,
                    "deadline": {"status": status},
                }
            )
        entry = self._entries[key] = {
            "awaiting_action_from": awaiting,
            "description": description,
            "errors": [],
            "impact": {"restricts_capabilities": restricts},
            "minimum_deadline": {"status": minimum},
            "reference": reference,
            "requested_reasons": [{"code": reason}],
        }
        if alternatives:
            self._alternatives[key] = (description, person_id, alternatives)
        return entry

    def render(self) -> dict[str, Any]:
        """``{"entries": [...], "alternatives": [...] | None, "summary": {...} | None}``."""
        entries = self._entries
        if not entries:
            return empty_requirements()
        # A Person whose id is "" has keys "d\x00", which must sort level with the account's
        # "d" and keep insertion order, as the tuple (d, "") does; only then is a key needed.
        order = _tie_order if self._tie else None
        alternatives: list[dict[str, Any]] = []
        if self._alternatives:
            for key in sorted(self._alternatives, key=order):
                entry = entries[key]
                if entry["awaiting_action_from"] == USER and not entry["errors"]:
                    alternatives.append(_alternative(*self._alternatives[key]))
        statuses = self._statuses
        strictest = (
            PAST_DUE
            if PAST_DUE in statuses
            else CURRENTLY_DUE
            if CURRENTLY_DUE in statuses
            else EVENTUALLY_DUE
        )
        time = _soonest(entries, self._times, current=self._past_due_time_ms is None)
        return {
            "entries": list(map(entries.__getitem__, sorted(entries, key=order))),
            "alternatives": alternatives or None,
            "summary": {"minimum_deadline": {"status": strictest, "time": time}},
        }


def _soonest(
    entries: dict[str, dict[str, Any]],
    times: dict[str, dict[CapabilityKey, int]],
    *,
    current: bool,
) -> str | None:
    """The summary's time: the soonest deadline still ahead. For current requirements a
    deadline counts only where its capability is still ``currently_due`` in the merged entry:
    a capability already past due is impacted now, whatever later deadline another request
    gave it. (Future requirements date their past-due entries at the transition instead.)"""
    soonest: int | None = None
    for key, by_target in times.items():
        if current:
            statuses = {
                (r["configuration"], r["capability"]): r["deadline"]["status"]
                for r in entries[key]["impact"]["restricts_capabilities"]
            }
        for target, time_ms in by_target.items():
            if current and statuses.get(target) != CURRENTLY_DUE:
                continue
            if soonest is None or time_ms < soonest:
                soonest = time_ms
    return to_rfc3339(soonest) if soonest is not None else None


def empty_requirements() -> dict[str, Any]:
    return {"entries": [], "alternatives": None, "summary": None}


def _tie_order(key: str) -> str:
    return key[:-1] if key.endswith(_SEPARATOR) else key


def _merge(
    entry: dict[str, Any],
    awaiting: str,
    status: str,
    targets: Sequence[CapabilityKey],
    reason: str,
) -> None:
    """A second request for the same entry: the user's turn wins over Stripe's, reasons
    accumulate without repeats (errors too, added by ``add``), and each capability keeps its
    strictest status. ``status`` applies to every target (with no targets it is
    eventually_due, which changes nothing)."""
    if awaiting == USER:
        entry["awaiting_action_from"] = USER
    reasons: list[dict[str, str]] = entry["requested_reasons"]
    if all(known["code"] != reason for known in reasons):
        reasons.append({"code": reason})
    impact = entry["impact"]
    merged: dict[CapabilityKey, str] = {
        (r["configuration"], r["capability"]): r["deadline"]["status"]
        for r in impact["restricts_capabilities"]
    }
    for target in targets:
        previous = merged.get(target)
        merged[target] = status if previous is None else stricter(previous, status)
    impact["restricts_capabilities"] = [
        {"capability": capability, "configuration": configuration, "deadline": {"status": s}}
        for (configuration, capability), s in sorted(merged.items())
    ]
    minimum = entry["minimum_deadline"]
    minimum["status"] = stricter(minimum["status"], status)


def _add_errors(
    rendered: list[dict[str, str]], errors: Sequence[Mapping[str, str]]
) -> list[dict[str, str]]:
    for error in errors:
        item = {
            "code": str(error.get("code", "")),
            "description": str(error.get("description", "")),
        }
        if item not in rendered:
            rendered.append(item)
    return rendered


def _reference(person_id: str | None) -> dict[str, Any] | None:
    if person_id is None:
        return None
    return {"inquiry": None, "resource": person_id, "type": "person"}


def _alternative(
    description: str, person_id: str | None, options: tuple[tuple[str, ...], ...]
) -> dict[str, Any]:
    """Loops, not nested comprehensions: on 3.11 each comprehension is a frame of its own,
    which cost more than the few items an alternative holds."""
    options_wire: list[dict[str, Any]] = []
    for option in options:
        option_entries: list[dict[str, Any]] = []
        for option_description in option:
            option_entries.append(
                {
                    "awaiting_action_from": USER,
                    "description": option_description,
                    "errors": [],
                    "reference": _reference(person_id),
                }
            )
        options_wire.append({"entries": option_entries})
    return {
        "original_entries": [{"description": description, "reference": _reference(person_id)}],
        "options": options_wire,
    }
