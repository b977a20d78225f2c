"""``evaluate``: a pure function of (account facts, rules, now) to requirements and capabilities.

It runs on every account retrieve that includes requirements, so it does only dictionary walks
over rules compiled at load time. The steps:

1. Which capabilities count (requested, on an applied configuration); no-KYC ones are active.
2. No country yet: one ``identity.country`` entry, past due, restricting everything.
   A country without rules or an unsupported entity type: ``unsupported``, no entries.
3. Apply the current rule layers (the base version plus every future version whose transition
   date has passed) for the account's entity type, to the account and to each Person by role.
4. Apply the next future version's additions at its transition date into
   ``future_requirements`` (requested reason ``future_requirements``).
5. Derive capability statuses and the next instant the answer changes by time alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gangway.core.clock import to_rfc3339
from gangway.requirements.capabilities import capability_statuses
from gangway.requirements.deadlines import Deadline, Policy, deadline_at
from gangway.requirements.entries import STRIPE, USER, EntryCollector, empty_requirements
from gangway.requirements.facts import (
    NO_KYC_CAPABILITIES,
    AccountFacts,
    CapabilityKey,
    applied_configuration_names,
    is_blank,
    lookup,
    persons_with_relationship,
    requested_capabilities,
)
from gangway.requirements.fields import Field
from gangway.requirements.rules import CompiledRequirement, CompiledRole, Layer, RuleBook
from gangway.requirements.schema import ROLE_RELATIONSHIP

__all__ = ["Evaluation", "evaluate"]

ROUTINE_ONBOARDING = "routine_onboarding"
ROUTINE_VERIFICATION = "routine_verification"
FUTURE_REQUIREMENTS = "future_requirements"

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
    applied = applied_configuration_names(document)
    requested = requested_capabilities(document)
    kyc = [key for key in requested if key not in NO_KYC_CAPABILITIES]
    identity = document.get("identity")
    identity = identity if isinstance(identity, Mapping) else {}
    country = identity.get("country")

    current = EntryCollector()
    if is_blank(country) or not isinstance(country, str):
        if kyc:
            deadline = deadline_at(_COUNTRY_POLICY, created_ms=0, triggered_ms=None, now_ms=now_ms)
            current.add("identity.country", None, USER, deadline, kyc, ROUTINE_ONBOARDING)
        return _evaluation(current, None, None, applied, requested, {})

    country_rules = rules.get(country)
    if country_rules is None:
        unsupported = dict.fromkeys(kyc, "unsupported_country")
        return _evaluation(current, None, None, applied, requested, unsupported)
    entity = identity.get("entity_type")
    entity = None if is_blank(entity) else str(entity)
    if entity is not None and entity not in country_rules.entity_types:
        unsupported = dict.fromkeys(kyc, "unsupported_entity_type")
        return _evaluation(current, None, None, applied, requested, unsupported)

    supported = frozenset(key for key in kyc if key in country_rules.capabilities)
    unsupported = {key: "unsupported_country" for key in kyc if key not in supported}
    upcoming: Layer | None = None
    layers = [country_rules.base]
    for layer in country_rules.futures:
        if layer.transition_ms is None or layer.transition_ms <= now_ms:
            layers.append(layer)
        elif upcoming is None:
            upcoming = layer

    pass_now = _Pass(facts, supported, now_ms, current, reason_override=None, track_changes=True)
    for layer in layers:
        pass_now.apply(layer, entity)

    future: EntryCollector | None = None
    if upcoming is not None and upcoming.transition_ms is not None:
        future = EntryCollector(past_due_time_ms=upcoming.transition_ms)
        at = max(now_ms, upcoming.transition_ms)
        # Evaluated as of the transition; only the transition itself is a time-driven change.
        future_pass = _Pass(
            facts, supported, at, future, reason_override=FUTURE_REQUIREMENTS, track_changes=False
        )
        future_pass.apply(upcoming, entity)
        future.discard(list(current.keys()))
        if future:
            current.note_change(upcoming.transition_ms)
    transition = upcoming.transition_ms if upcoming is not None and future else None
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
            applied, requested, current.capability_states, unsupported
        ),
        next_change_ms=current.next_change_ms,
    )


class _Pass:
    """One application of rule layers at one instant into one collector."""

    __slots__ = (
        "_by_role",
        "created_ms",
        "document",
        "now_ms",
        "out",
        "persons",
        "reason_override",
        "supported",
        "track_changes",
        "triggered_ms",
        "verifications",
    )

    def __init__(
        self,
        facts: AccountFacts,
        supported: frozenset[CapabilityKey],
        now_ms: int,
        out: EntryCollector,
        *,
        reason_override: str | None,
        track_changes: bool,
    ) -> None:
        self.document = facts.document
        self.persons = facts.persons
        self.verifications = facts.verifications
        self.created_ms = facts.created_ms
        self.triggered_ms = facts.triggered_ms
        self.supported = supported
        self.now_ms = now_ms
        self.out = out
        self.reason_override = reason_override
        self.track_changes = track_changes
        self._by_role: dict[str, list[Mapping[str, Any]]] = {}

    def apply(self, layer: Layer, entity: str | None) -> None:
        requirements, roles = layer.by_entity[entity]
        for rule in requirements:
            self._requirement(rule)
        for role in roles:
            self._role(role)

    def _persons(self, role: str) -> list[Mapping[str, Any]]:
        found = self._by_role.get(role)
        if found is None:
            found = persons_with_relationship(self.persons, ROLE_RELATIONSHIP[role])
            self._by_role[role] = found
        return found

    def _deadline(self, policy: Policy, awaiting_stripe: bool = False) -> Deadline:
        deadline = deadline_at(
            policy,
            created_ms=self.created_ms,
            triggered_ms=self.triggered_ms,
            now_ms=self.now_ms,
            awaiting_stripe=awaiting_stripe,
        )
        if self.track_changes:
            self.out.note_change(deadline.next_change_ms)
        return deadline

    def _reason(self, reason: str) -> str:
        return self.reason_override or reason

    def _requirement(self, rule: CompiledRequirement) -> None:
        targets = [key for key in rule.restricts if key in self.supported]
        if not targets:
            return
        if rule.role is None:
            for field in rule.fields:
                self._field(field, self.document, None, "", rule.policy, rule.reason, targets)
            return
        prefix = rule.role + "."
        for person in self._persons(rule.role):
            person_id = str(person.get("id"))
            for field in rule.fields:
                self._field(field, person, person_id, prefix, rule.policy, rule.reason, targets)

    def _role(self, rule: CompiledRole) -> None:
        targets = [key for key in rule.restricts if key in self.supported]
        if not targets or len(self._persons(rule.role)) >= rule.min_count:
            return
        for path in rule.waived_by:
            answer = lookup(self.document, path)
            if answer is not False and not is_blank(answer):
                return
        self.out.add(
            "relationship." + rule.relationship,
            None,
            USER,
            self._deadline(rule.policy),
            targets,
            self._reason(rule.reason),
        )

    def _field(
        self,
        field: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        policy: Policy,
        reason: str,
        targets: list[CapabilityKey],
    ) -> None:
        if field.provided(root):
            self._verify(field, root, person_id, prefix, policy, reason, targets)
            return
        if field.alternatives:
            option = field.satisfying_option(root)
            if option is not None:
                for chosen in option:
                    self._verify(chosen, root, person_id, prefix, policy, reason, targets)
                return
        alternatives = tuple(
            tuple(prefix + o.description for o in option) for option in field.alternatives
        )
        self.out.add(
            prefix + field.description,
            person_id,
            USER,
            self._deadline(policy),
            targets,
            self._reason(reason),
            alternatives=alternatives,
        )

    def _verify(
        self,
        field: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        policy: Policy,
        reason: str,
        targets: list[CapabilityKey],
    ) -> None:
        """A provided field: nothing if verified (or never checked), a Stripe entry while
        pending, and on failure a user entry with the errors plus whatever the rule raises."""
        verification = self.verifications.get((person_id, field.description))
        if verification is None or verification.status == "verified":
            return
        description = prefix + field.description
        if verification.status == "pending":
            deadline = self._deadline(policy, awaiting_stripe=True)
            self.out.add(description, person_id, STRIPE, deadline, targets, self._reason(reason))
            return
        resolved = bool(field.raises) and all(
            raised.provided(root) and not self._failed(person_id, raised) for raised in field.raises
        )
        if not resolved:
            self.out.add(
                description,
                person_id,
                USER,
                self._deadline(policy),
                targets,
                self._reason(ROUTINE_VERIFICATION),
                errors=verification.errors,
            )
        raise_policy = field.raise_policy or policy
        for raised in field.raises:
            if raised.provided(root):
                self._verify(
                    raised, root, person_id, prefix, raise_policy, ROUTINE_VERIFICATION, targets
                )
            else:
                self.out.add(
                    prefix + raised.description,
                    person_id,
                    USER,
                    self._deadline(raise_policy),
                    targets,
                    self._reason(ROUTINE_VERIFICATION),
                )

    def _failed(self, person_id: str | None, field: Field) -> bool:
        verification = self.verifications.get((person_id, field.description))
        return verification is not None and verification.status == "failed"
