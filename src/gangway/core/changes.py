"""Which v2 account events a change causes: a pure diff of two views of one account.

A view holds exactly what a platform can observe per event type: the identity and defaults
sections, each configuration's settings, requirements, future requirements, and every requested
capability's status. Comparing the view before and after a change (a request, a deadline, a
verification decision) gives the events, in the order Stripe's docs list them: the section
events, capability status changes, then ``v2.core.account.updated`` if anything changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gangway.core.accounts import CONFIGURATIONS

__all__ = ["AccountView", "EventSpec", "account_events"]

_TOP_LEVEL = ("contact_email", "contact_phone", "dashboard", "display_name", "metadata")


@dataclass(frozen=True)
class EventSpec:
    type: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class AccountView:
    identity: Any = None
    defaults: Any = None
    configurations: Mapping[str, Any] = field(default_factory=dict)
    """Each configuration's settings, without its capabilities."""
    requirements: Any = None
    future_requirements: Any = None
    capabilities: Mapping[tuple[str, str], Any] = field(default_factory=dict)
    """``(configuration, dotted capability)`` -> ``{"status", "status_details"}``."""
    closed: bool = False
    top: Mapping[str, Any] = field(default_factory=dict)
    """Top-level fields that have no section event of their own (display name, metadata...)."""

    @classmethod
    def of(cls, document: Mapping[str, Any], evaluation: Any, *, closed: bool) -> AccountView:
        """The view of a stored document and its evaluation (``gangway.requirements.Evaluation``)."""
        configs = document.get("configuration") or {}
        statuses = {
            (name, capability): status
            for name, by_capability in (evaluation.capabilities or {}).items()
            for capability, status in by_capability.items()
        }
        return cls(
            identity=document.get("identity"),
            defaults=document.get("defaults"),
            configurations={
                name: {k: v for k, v in configs[name].items() if k != "capabilities"}
                for name in CONFIGURATIONS
                if configs.get(name)
            },
            requirements=evaluation.requirements,
            future_requirements=evaluation.future_requirements,
            capabilities=statuses,
            closed=closed,
            top={key: document.get(key) for key in _TOP_LEVEL},
        )


def account_events(before: AccountView | None, after: AccountView) -> list[EventSpec]:
    """The events that turning ``before`` into ``after`` emits; ``before`` None is a creation."""
    if before is None:
        return [EventSpec("v2.core.account.created")]
    events: list[EventSpec] = []
    for section in ("identity", "defaults"):
        if getattr(before, section) != getattr(after, section):
            events.append(EventSpec(f"v2.core.account[{section}].updated"))
    for name in CONFIGURATIONS:
        if before.configurations.get(name) != after.configurations.get(name):
            events.append(EventSpec(f"v2.core.account[configuration.{name}].updated"))
    if before.requirements != after.requirements:
        events.append(EventSpec("v2.core.account[requirements].updated"))
    if before.future_requirements != after.future_requirements:
        events.append(EventSpec("v2.core.account[future_requirements].updated"))
    for key in sorted(set(before.capabilities) | set(after.capabilities)):
        if before.capabilities.get(key) != after.capabilities.get(key):
            name, capability = key
            events.append(
                EventSpec(
                    f"v2.core.account[configuration.{name}].capability_status_updated",
                    {"updated_capability": capability},
                )
            )
    if after.closed and not before.closed:
        events.append(EventSpec("v2.core.account.closed"))
    if events or before.top != after.top:
        events.append(EventSpec("v2.core.account.updated"))
    return events
