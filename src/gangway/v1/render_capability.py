"""The v1 Capability objects of an account, from the same evaluation as its v1 Account. Pure.

A capability's ``requirements`` are the account's entries that restrict it (the engine's
``impact.restricts_capabilities``), each at the deadline it has for that capability, sorted into
v1's lists by ``render.requirements``, so the capability and the account never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gangway.requirements import Evaluation
from gangway.store.repos.accounts import AccountRecord
from gangway.v1 import render
from gangway.v1.capability_names import V1_CAPABILITIES

__all__ = ["capabilities", "capability", "listed"]


def _section(section: Mapping[str, Any], configuration: str, dotted: str) -> dict[str, Any]:
    """The entries restricting this capability, each at that restriction's deadline."""
    entries = []
    for entry in section.get("entries") or []:
        for restriction in (entry.get("impact") or {}).get("restricts_capabilities") or []:
            if (restriction.get("configuration"), restriction.get("capability")) == (
                configuration,
                dotted,
            ):
                status = (restriction.get("deadline") or {}).get("status")
                entries.append({**entry, "minimum_deadline": {"status": status}})
                break
    return {
        "entries": entries,
        "alternatives": (section.get("alternatives") or []) if entries else [],
        "summary": section.get("summary") if entries else None,
    }


def _stamp(record: AccountRecord, configuration: str, dotted: str) -> int | None:
    stamps = (record.document.get("_gangway") or {}).get("requested_ms") or {}
    at = stamps.get(f"{configuration}:{dotted}")
    return at // 1000 if isinstance(at, int) else None


def capability(record: AccountRecord, evaluation: Evaluation, name: str) -> dict[str, Any]:
    """One v1 Capability; ``unrequested`` (with empty requirements) unless it is requested."""
    configuration, dotted = V1_CAPABILITIES[name]
    requested = render.is_requested(record.document, configuration, dotted)
    current = _section(evaluation.requirements, configuration, dotted) if requested else {}
    future = _section(evaluation.future_requirements, configuration, dotted) if requested else {}
    requirements = render.requirements(current)
    rejection = (record.document.get("_gangway") or {}).get("rejected")
    if requested and rejection:
        requirements["disabled_reason"] = f"rejected.{rejection['reason']}"
    return {
        "id": name,
        "object": "capability",
        "account": record.id,
        "future_requirements": render.requirements(future, future=True),
        "requested": requested,
        "requested_at": _stamp(record, configuration, dotted) if requested else None,
        "requirements": requirements,
        "status": (
            render.capability_status(evaluation, configuration, dotted)
            if requested
            else "unrequested"
        ),
    }


def listed(record: AccountRecord) -> list[str]:
    """The capabilities ``GET /v1/accounts/{id}/capabilities`` lists: those ever requested
    (a capability requested and then unrequested stays, ``unrequested``)."""
    stamps = (record.document.get("_gangway") or {}).get("requested_ms") or {}
    return [
        name
        for name, (configuration, dotted) in V1_CAPABILITIES.items()
        if f"{configuration}:{dotted}" in stamps
        or render.is_requested(record.document, configuration, dotted)
    ]


def capabilities(record: AccountRecord, evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    """The requested v1 capabilities by name (what ``capability.updated`` events compare)."""
    return {
        name: capability(record, evaluation, name)
        for name, (configuration, dotted) in V1_CAPABILITIES.items()
        if render.is_requested(record.document, configuration, dotted)
    }
