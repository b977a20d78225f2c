"""A straightforward reference engine: the first, unoptimised ``evaluate``, kept as a test oracle.

``gangway.requirements.evaluate`` precompiles plans, caches parent nodes and renders entries as
it collects them; this module does none of that. It walks the compiled rules directly, one
field at a time, and renders at the end, with its own copies of the fact helpers, so the
differential test (``test_requirements_equivalence.py``) compares two independent
implementations. Only the rule compiler (``rules.py``), ``deadline_at`` and ``to_rfc3339``,
which have tests of their own, are shared. Change this file only when the intended output
changes, never to make the optimised engine pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from requirements_reference_entries import (
    NO_KYC,
    STRIPE,
    USER,
    CapabilityKey,
    Collector,
    capability_statuses,
)

from gangway.core.clock import to_rfc3339
from gangway.requirements import AccountFacts, Evaluation, RuleBook
from gangway.requirements.deadlines import Deadline, Policy, deadline_at
from gangway.requirements.fields import CHECK_PRESENT, CHECK_TRUE, Field
from gangway.requirements.rules import CompiledRequirement, CompiledRole, Layer
from gangway.requirements.schema import ROLE_RELATIONSHIP

__all__ = ["reference_evaluate"]

ROUTINE_ONBOARDING = "routine_onboarding"
ROUTINE_VERIFICATION = "routine_verification"
FUTURE_REQUIREMENTS = "future_requirements"
CONFIGURATIONS = ("customer", "merchant", "recipient")
COUNTRY_POLICY = Policy("identity_country", immediate=True)


# ---- facts ------------------------------------------------------------------------------------


def lookup(root: Any, path: tuple[str, ...]) -> Any:
    value: Any = root
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(is_blank(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(is_blank(v) for v in value)
    return False


def provided(f: Field, root: Any) -> bool:
    value = lookup(root, f.path)
    if f.check == CHECK_PRESENT:
        return not is_blank(value)
    if f.check == CHECK_TRUE:
        return value is True
    if not isinstance(value, list):
        return False
    return any(
        isinstance(item, Mapping) and item.get(f.list_key) in f.list_values for item in value
    )


def satisfying_option(f: Field, root: Any) -> tuple[Field, ...] | None:
    for option in f.alternatives:
        if all(provided(o, root) for o in option):
            return option
    return None


def requested_capabilities(document: Mapping[str, Any]) -> list[CapabilityKey]:
    configurations = document.get("configuration")
    if not isinstance(configurations, Mapping):
        return []
    found: list[CapabilityKey] = []
    for name in CONFIGURATIONS:
        config = configurations.get(name)
        if not isinstance(config, Mapping) or config.get("applied") is not True:
            continue
        capabilities = config.get("capabilities")
        if isinstance(capabilities, Mapping):
            found.extend((name, dotted) for dotted in _requested(capabilities, ""))
    return found


def _requested(capabilities: Mapping[str, Any], prefix: str) -> list[str]:
    found: list[str] = []
    for key, value in capabilities.items():
        if not isinstance(value, Mapping):
            continue
        if "requested" in value:
            if value.get("requested") is True:
                found.append(prefix + key)
        else:
            found.extend(_requested(value, f"{prefix}{key}."))
    return found


def applied_names(document: Mapping[str, Any]) -> list[str]:
    configurations = document.get("configuration")
    if not isinstance(configurations, Mapping):
        return []
    return [
        name
        for name in CONFIGURATIONS
        if isinstance(configurations.get(name), Mapping)
        and configurations[name].get("applied") is True
    ]


# ---- evaluation -------------------------------------------------------------------------------


def reference_evaluate(facts: AccountFacts, rules: RuleBook, now_ms: int) -> Evaluation:
    document = facts.document
    applied = applied_names(document)
    requested = requested_capabilities(document)
    kyc = [key for key in requested if key not in NO_KYC]
    identity = document.get("identity")
    identity = identity if isinstance(identity, Mapping) else {}
    country = identity.get("country")

    current = Collector()
    if is_blank(country) or not isinstance(country, str):
        if kyc:
            deadline = deadline_at(COUNTRY_POLICY, created_ms=0, triggered_ms=None, now_ms=now_ms)
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
    now_pass = _Pass(facts, supported, now_ms, current, None, track_changes=True)
    for layer in layers:
        now_pass.apply(layer, entity)

    future: Collector | None = None
    if upcoming is not None and upcoming.transition_ms is not None:
        future = Collector(past_due_time_ms=upcoming.transition_ms)
        at = max(now_ms, upcoming.transition_ms)
        _Pass(facts, supported, at, future, FUTURE_REQUIREMENTS, track_changes=False).apply(
            upcoming, entity
        )
        for key in list(current.entries):
            future.entries.pop(key, None)
        if future.entries:
            current.note_change(upcoming.transition_ms)
    transition = upcoming.transition_ms if upcoming is not None and future else None
    return _evaluation(current, future, transition, applied, requested, unsupported)


def _evaluation(
    current: Collector,
    future: Collector | None,
    transition_ms: int | None,
    applied: Sequence[str],
    requested: Sequence[CapabilityKey],
    unsupported: Mapping[CapabilityKey, str],
) -> Evaluation:
    if future is not None and future.entries:
        future_wire = future.render()
        future_wire["minimum_transition_date"] = (
            to_rfc3339(transition_ms) if transition_ms is not None else None
        )
    else:
        future_wire = {"entries": [], "alternatives": None, "summary": None}
        future_wire["minimum_transition_date"] = None
    return Evaluation(
        requirements=current.render(),
        future_requirements=future_wire,
        capabilities=capability_statuses(applied, requested, current.states, unsupported),
        next_change_ms=current.next_change_ms,
    )


class _Pass:
    def __init__(
        self,
        facts: AccountFacts,
        supported: frozenset[CapabilityKey],
        now_ms: int,
        out: Collector,
        reason_override: str | None,
        *,
        track_changes: bool,
    ) -> None:
        self.facts = facts
        self.supported = supported
        self.now_ms = now_ms
        self.out = out
        self.reason_override = reason_override
        self.track_changes = track_changes

    def apply(self, layer: Layer, entity: str | None) -> None:
        requirements, roles = layer.by_entity[entity]
        for rule in requirements:
            self._requirement(rule)
        for role in roles:
            self._role(role)

    def _persons(self, role: str) -> list[Mapping[str, Any]]:
        relationship = ROLE_RELATIONSHIP[role]
        return [
            person
            for person in self.facts.persons
            if isinstance(person.get("relationship"), Mapping)
            and person["relationship"].get(relationship) is True
        ]

    def _deadline(self, policy: Policy, awaiting_stripe: bool = False) -> Deadline:
        deadline = deadline_at(
            policy,
            created_ms=self.facts.created_ms,
            triggered_ms=self.facts.triggered_ms,
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
            for f in rule.fields:
                self._field(f, self.facts.document, None, "", rule.policy, rule.reason, targets)
            return
        for person in self._persons(rule.role):
            person_id = str(person.get("id"))
            for f in rule.fields:
                self._field(
                    f, person, person_id, rule.role + ".", rule.policy, rule.reason, targets
                )

    def _role(self, rule: CompiledRole) -> None:
        targets = [key for key in rule.restricts if key in self.supported]
        if not targets or len(self._persons(rule.role)) >= rule.min_count:
            return
        for path in rule.waived_by:
            answer = lookup(self.facts.document, path)
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
        f: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        policy: Policy,
        reason: str,
        targets: list[CapabilityKey],
    ) -> None:
        if provided(f, root):
            self._verify(f, root, person_id, prefix, policy, reason, targets)
            return
        if f.alternatives:
            option = satisfying_option(f, root)
            if option is not None:
                for chosen in option:
                    self._verify(chosen, root, person_id, prefix, policy, reason, targets)
                return
        self.out.add(
            prefix + f.description,
            person_id,
            USER,
            self._deadline(policy),
            targets,
            self._reason(reason),
            alternatives=tuple(
                tuple(prefix + o.description for o in option) for option in f.alternatives
            ),
        )

    def _verify(
        self,
        f: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        policy: Policy,
        reason: str,
        targets: list[CapabilityKey],
    ) -> None:
        verification = self.facts.verifications.get((person_id, f.description))
        if verification is None or verification.status == "verified":
            return
        description = prefix + f.description
        if verification.status == "pending":
            deadline = self._deadline(policy, awaiting_stripe=True)
            self.out.add(description, person_id, STRIPE, deadline, targets, self._reason(reason))
            return
        resolved = bool(f.raises) and all(
            provided(raised, root) and not self._failed(person_id, raised) for raised in f.raises
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
        raise_policy = f.raise_policy or policy
        for raised in f.raises:
            if provided(raised, root):
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

    def _failed(self, person_id: str | None, f: Field) -> bool:
        verification = self.facts.verifications.get((person_id, f.description))
        return verification is not None and verification.status == "failed"
