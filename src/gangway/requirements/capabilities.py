"""Capability statuses, derived from the entries that restrict each requested capability.

The order of precedence is Stripe's: a capability the country or entity type cannot have is
``unsupported``; one restricted by anything past due is ``restricted`` (the user must provide
information); one whose blocking requirements wait on Stripe's review is ``pending``; anything
else is ``active``. ``status_details`` is ``[]`` exactly when the status is ``active``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from gangway.requirements.facts import NO_KYC_CAPABILITIES, CapabilityKey

__all__ = ["capability_statuses"]


def capability_statuses(
    applied: Iterable[str],
    requested: Iterable[CapabilityKey],
    restricted: Collection[CapabilityKey],
    pending: Collection[CapabilityKey],
    unsupported: Mapping[CapabilityKey, str],
) -> dict[str, dict[str, dict[str, Any]]]:
    """``{configuration: {dotted capability: {"status", "status_details"}}}`` for every requested
    capability of every applied configuration (applied configurations with none give ``{}``).

    ``unsupported`` maps a capability to its code (``unsupported_country``,
    ``unsupported_entity_type``); ``restricted`` and ``pending`` come from the
    ``EntryCollector`` of current requirements.
    """
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for name in applied:  # a loop, not a comprehension: cheaper on 3.11 for two or three
        result[name] = {}
    for key in requested:
        configuration, capability = key
        # The common answers inline, the rest in ``_status``: this runs for every capability
        # of every evaluation.
        if key in restricted and key not in NO_KYC_CAPABILITIES and key not in unsupported:
            status: dict[str, Any] = {
                "status": "restricted",
                "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
            }
        else:
            status = _status(key, restricted, pending, unsupported)
        result.setdefault(configuration, {})[capability] = status
    return result


def _status(
    key: CapabilityKey,
    restricted: Collection[CapabilityKey],
    pending: Collection[CapabilityKey],
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
    if key in restricted:
        return {
            "status": "restricted",
            "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
        }
    if key in pending:
        return {
            "status": "pending",
            "status_details": [
                {"code": "requirements_pending_verification", "resolution": "no_resolution"}
            ],
        }
    return {"status": "active", "status_details": []}
