"""``evaluate``: a pure function of (account facts, rules, now) to requirements and capabilities.

It runs on every account create and update and on every retrieve that includes requirements,
so everything that depends only on the rules is worked out once per country, entity type and
capability set (``plans.py``) and the per-call work is walking the account. The steps:

1. Which capabilities count (requested, on an applied configuration); no-KYC ones are active.
2. No country yet: one ``identity.country`` entry, past due, restricting everything.
   A country without rules or an unsupported entity type: ``unsupported``, no entries.
3. Apply the current rule layers (the base version plus every future version whose transition
   date has passed) for the account's entity type, to the account and to each Person by role.
4. Apply the next future version's additions at its transition date into
   ``future_requirements`` (requested reason ``future_requirements``).
5. Derive capability statuses and the next instant the answer changes by time alone.

How one pass walks the account is in ``passes.py``; ``scope.py`` holds what both passes share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gangway.core.clock import to_rfc3339
from gangway.requirements.capabilities import capability_statuses
from gangway.requirements.deadlines import Policy, deadline_at
from gangway.requirements.entries import USER, EntryCollector, empty_requirements, entry_key
from gangway.requirements.facts import (
    NO_KYC_CAPABILITIES,
    AccountFacts,
    CapabilityKey,
    applied_and_requested,
    is_blank,
)
from gangway.requirements.passes import Pass
from gangway.requirements.plans import FUTURE_REQUIREMENTS, plans_for
from gangway.requirements.rules import RuleBook
from gangway.requirements.scope import Scope

__all__ = ["Evaluation", "evaluate"]

ROUTINE_ONBOARDING = "routine_onboarding"

_COUNTRY_POLICY = Policy("identity_country", immediate=True)


@dataclass(frozen=True)
class Evaluation:
    """The engine's answer, ready to place on the account.

    ``next_change_ms`` is the soonest instant after ``now_ms`` at which ``evaluate`` would answer
    differently with the same facts (a deadline passing, a future version taking effect), or
    None: a scheduler re-evaluates then and emits ``v2.core.account[requirements].updated``.
    """

    requirements: dict[str, Any]
    future_requirements: dict[str, Any]
    capabilities: dict[str, dict[str, dict[str, Any]]]
    next_change_ms: int | None


def evaluate(facts: AccountFacts, rules: RuleBook, now_ms: int) -> Evaluation:
    """What ``facts`` still owes under ``rules`` at ``now_ms``; the same inputs always give the
    same answer, so callers may cache it until ``next_change_ms`` or until the facts change."""
    document = facts.document
    applied, requested = applied_and_requested(document)
    kyc = [key for key in requested if key not in NO_KYC_CAPABILITIES]
    identity = document.get("identity")
    if type(identity) is not dict and not isinstance(identity, Mapping):
        identity = {}
    country = identity.get("country")

    current = EntryCollector()
    if is_blank(country) or not isinstance(country, str):
        if kyc:
            deadline = deadline_at(_COUNTRY_POLICY, created_ms=0, triggered_ms=None, now_ms=now_ms)
            current.add(
                entry_key("identity.country", None),
                "identity.country",
                None,
                USER,
                deadline,
                sorted(set(kyc)),
                ROUTINE_ONBOARDING,
            )
        return _evaluation(current, None, None, applied, requested, {})

    country_rules = rules.get(country)
    if country_rules is None:
        return _evaluation(
            current, None, None, applied, requested, dict.fromkeys(kyc, "unsupported_country")
        )
    entity = identity.get("entity_type")
    entity = None if is_blank(entity) else str(entity)
    if entity is not None and entity not in country_rules.entity_types:
        return _evaluation(
            current, None, None, applied, requested, dict.fromkeys(kyc, "unsupported_entity_type")
        )

    plans = plans_for(country_rules)
    supported, unsupported = plans.split(tuple(kyc))
    in_force: list[int] = []  # indexes of the future versions whose date has passed
    upcoming: int | None = None  # index of the next one
    upcoming_ms = 0
    for index, layer in enumerate(country_rules.futures):
        if layer.transition_ms is None or layer.transition_ms <= now_ms:
            in_force.append(index)
        elif upcoming is None:
            upcoming, upcoming_ms = index, layer.transition_ms

    scope = Scope(facts)
    plan = plans.current(tuple(in_force), entity, supported)
    Pass(scope, now_ms, current, None, track_changes=True).run(plan)

    future: EntryCollector | None = None
    if upcoming is not None:
        future = EntryCollector(past_due_time_ms=upcoming_ms)
        # Evaluated as of the transition; only the transition itself is a time-driven change.
        at = max(now_ms, upcoming_ms)
        future_pass = Pass(scope, at, future, FUTURE_REQUIREMENTS, track_changes=False)
        future_pass.run(plans.upcoming(upcoming, entity, supported))
        future.discard(list(current.keys()))
        if future:
            current.note_change(upcoming_ms)
    transition = upcoming_ms if future else None
    return _evaluation(current, future, transition, applied, requested, unsupported)


def _evaluation(
    current: EntryCollector,
    future: EntryCollector | None,
    transition_ms: int | None,
    applied: Sequence[str],
    requested: Sequence[CapabilityKey],
    unsupported: Mapping[CapabilityKey, str],
) -> Evaluation:
    if future is not None and len(future):
        future_wire = future.render()
        future_wire["minimum_transition_date"] = (
            to_rfc3339(transition_ms) if transition_ms is not None else None
        )
    else:
        future_wire = empty_requirements()
        future_wire["minimum_transition_date"] = None
    return Evaluation(
        requirements=current.render(),
        future_requirements=future_wire,
        capabilities=capability_statuses(
            applied, requested, current.restricted, current.pending, unsupported
        ),
        next_change_ms=current.next_change_ms,
    )
