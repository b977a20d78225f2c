"""Capability statuses, derived from the entries that restrict each requested capability.

The order of precedence is Stripe's: a capability the country or entity type cannot have is
``unsupported``; one restricted by anything past due is ``restricted`` (the user must provide
information); one whose blocking requirements wait on Stripe's review is ``pending``; anything
else is ``active``. ``status_details`` is ``[]`` exactly when the status is ``active``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gangway.requirements.entries import PENDING, RESTRICTED
from gangway.requirements.facts import NO_KYC_CAPABILITIES, CapabilityKey

__all__ = ["capability_statuses"]

_RESTRICTED = {
    "status": "restricted",
    "details": ({"code": "requirements_past_due", "resolution": "provide_info"},),
}
_PENDING = {
    "status": "pending",
    "details": ({"code": "requirements_pending_verification", "resolution": "no_resolution"},),
}


def capability_statuses(
    applied: Iterable[str],
    requested: Iterable[CapabilityKey],
    states: Mapping[CapabilityKey, str],
    unsupported: Mapping[CapabilityKey, str],
) -> dict[str, dict[str, dict[str, Any]]]:
    """``{configuration: {dotted capability: {"status", "status_details"}}}`` for every requested
    capability of every applied configuration (applied configurations with none give ``{}``).

    ``unsupported`` maps a capability to its code (``unsupported_country``,
    ``unsupported_entity_type``); ``states`` comes from ``EntryCollector.capability_states``.
    """
    result: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in applied}
    for key in requested:
        configuration, capability = key
        result.setdefault(configuration, {})[capability] = _status(key, states, unsupported)
    return result


def _status(
    key: CapabilityKey,
    states: Mapping[CapabilityKey, str],
    unsupported: Mapping[CapabilityKey, str],
) -> dict[str, Any]:
    if key in NO_KYC_CAPABILITIES:
        return {"status": "active", "status_details": []}
    code = unsupported.get(key)
    if code is not None:
        return {
            "status": "unsupported",
            "status_details": [{"code": code, "resolution": "contact_stripe"}],
        }
    state = states.get(key)
    if state == RESTRICTED:
        return _render(_RESTRICTED)
    if state == PENDING:
        return _render(_PENDING)
    return {"status": "active", "status_details": []}


def _render(template: Mapping[str, Any]) -> dict[str, Any]:
    return {"status": template["status"], "status_details": [dict(d) for d in template["details"]]}
