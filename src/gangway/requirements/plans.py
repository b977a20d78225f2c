"""Evaluation plans: the rule-dependent half of ``evaluate``, worked out once and memoised.

For one country, what the engine does with an account depends on the rules only through three
things: which rule layers are in force (the base version plus any future versions whose date
has passed), the entity type, and which requested capabilities the country supports. A
``Plan`` is that work done ahead of time: the rules that can restrict one of those capabilities,
in the order the engine applies them (the order matters when two rules raise the same entry:
reasons keep their first-seen order), with

* their targets filtered to the supported capabilities and sorted, as entries render them;
* each field's description and option descriptions with the role prefix already applied;
* all of it compiled into one Python function (``compiler.py``), which is what an evaluation
  runs: the rules become constants in its code and only the account's values are read.

Plans are memoised per ``CountryRules`` object. The number of keys is small and bounded by the
rules (layer prefixes x entity types x capability subsets), so the cache needs no eviction; it is
dropped with the ``CountryRules`` it belongs to.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from gangway.requirements.compiler import CompiledPass, compile_steps
from gangway.requirements.deadlines import Policy
from gangway.requirements.facts import CapabilityKey
from gangway.requirements.fields import Field
from gangway.requirements.rules import CountryRules, Layer
from gangway.requirements.schema import ROLE_RELATIONSHIP

__all__ = ["CountryPlans", "FieldRule", "FieldStep", "Plan", "RoleRule", "plans_for"]

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldStep:
    """One field of one rule, ready to check against an account or a Person.

    ``description`` is what an entry shows (role prefix included); ``field`` keeps the compiled
    field for the rarer paths (verification verdicts, satisfied alternatives); ``verify_key`` is
    its ``field.description``, the verification key within the scope.
    """

    field: Field
    description: str
    verify_key: str
    path: Path
    check: str
    list_key: str
    list_values: frozenset[str]
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """A requirement rule: its fields apply to the account (``role`` None) or to each Person
    holding ``role``."""

    role: str | None
    prefix: str
    fields: tuple[FieldStep, ...]
    targets: tuple[CapabilityKey, ...]
    policy: Policy
    reason: str
    #: Rules of one plan with the same policy and targets share a slot: what their missing
    #: fields owe (``EntryCollector.due``) is the same, so a pass works it out once per slot.
    slot: int = 0


@dataclass(frozen=True, slots=True)
class RoleRule:
    """At least ``min_count`` Persons in ``role``, unless an answer at a ``waived_by`` path."""

    role: str
    description: str
    min_count: int
    waived_by: tuple[Path, ...]
    targets: tuple[CapabilityKey, ...]
    policy: Policy
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    """``steps`` compiled: ``run(pass, scope, collector)`` applies them (``source`` is its code,
    for reading); ``slots`` is how many distinct ``FieldRule.slot`` values the steps use."""

    steps: tuple[FieldRule | RoleRule, ...]
    slots: int
    run: CompiledPass
    source: str


PlanKey = tuple[object, ...]

#: The requested reason of every entry of ``future_requirements``.
FUTURE_REQUIREMENTS = "future_requirements"

#: How many requested-capability combinations ``CountryPlans.split`` remembers per country.
_SPLITS_KEPT = 256


class CountryPlans:
    """The plans of one country."""

    __slots__ = ("_base", "_capabilities", "_country", "_futures", "_plans", "_splits")

    def __init__(self, rules: CountryRules) -> None:
        # The layers, not ``rules``: the cache entry must not keep ``rules`` alive.
        self._country = rules.country
        self._base = rules.base
        self._futures = rules.futures
        self._plans: dict[PlanKey, Plan] = {}
        self._capabilities = rules.capabilities
        self._splits: dict[
            tuple[CapabilityKey, ...],
            tuple[frozenset[CapabilityKey], Mapping[CapabilityKey, str]],
        ] = {}

    def split(
        self, kyc: tuple[CapabilityKey, ...]
    ) -> tuple[frozenset[CapabilityKey], Mapping[CapabilityKey, str]]:
        """The requested KYC capabilities the country supports, and the rest mapped to
        ``unsupported_country``. Memoised: accounts ask for a handful of combinations, and a
        cached ``frozenset`` also keeps its hash for the plan lookup that follows. The mapping
        is shared between calls, so it is read-only. Capability names come from the caller's
        document, so the memo stops growing at ``_SPLITS_KEPT`` combinations."""
        found = self._splits.get(kyc)
        if found is None:
            capabilities = self._capabilities
            supported = frozenset(key for key in kyc if key in capabilities)
            unsupported = {key: "unsupported_country" for key in kyc if key not in supported}
            found = (supported, MappingProxyType(unsupported))
            if len(self._splits) < _SPLITS_KEPT:
                self._splits[kyc] = found
        return found

    def current(
        self, applied: tuple[int, ...], entity: str | None, supported: frozenset[CapabilityKey]
    ) -> Plan:
        """The plan for the base layer plus the future layers at indexes ``applied``."""
        key: PlanKey = (applied, entity, supported)
        plan = self._plans.get(key)
        if plan is None:
            layers = [self._base, *(self._futures[i] for i in applied)]
            plan = self._plans[key] = self._compile(layers, entity, supported, None)
        return plan

    def upcoming(self, index: int, entity: str | None, supported: frozenset[CapabilityKey]) -> Plan:
        """The plan for the future layer at ``index`` on its own (``future_requirements``)."""
        key: PlanKey = ("upcoming", index, entity, supported)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(
                [self._futures[index]], entity, supported, FUTURE_REQUIREMENTS
            )
        return plan

    def _compile(
        self,
        layers: Sequence[Layer],
        entity: str | None,
        supported: frozenset[CapabilityKey],
        reason_override: str | None,
    ) -> Plan:
        steps: list[FieldRule | RoleRule] = []
        slots: dict[tuple[Policy, tuple[CapabilityKey, ...]], int] = {}
        for layer in layers:
            requirements, roles = layer.by_entity[entity]
            for rule in requirements:
                targets = _targets(rule.restricts, supported)
                if not targets:
                    continue
                prefix = "" if rule.role is None else rule.role + "."
                fields = tuple(_step(field, prefix) for field in rule.fields)
                slot = slots.setdefault((rule.policy, targets), len(slots))
                steps.append(
                    FieldRule(rule.role, prefix, fields, targets, rule.policy, rule.reason, slot)
                )
            for role in roles:
                targets = _targets(role.restricts, supported)
                if targets:
                    steps.append(
                        RoleRule(
                            role.role,
                            "relationship." + ROLE_RELATIONSHIP[role.role],
                            role.min_count,
                            role.waived_by,
                            targets,
                            role.policy,
                            role.reason,
                        )
                    )
        label = f"{self._country} {entity} {'+'.join(sorted(map('.'.join, supported)))}"
        run, source = compile_steps(steps, reason_override, f"{label} #{len(self._plans)}")
        return Plan(tuple(steps), len(slots), run, source)


def _targets(
    restricts: Iterable[CapabilityKey], supported: frozenset[CapabilityKey]
) -> tuple[CapabilityKey, ...]:
    """The restricted capabilities the account asked for, sorted as entries list them."""
    return tuple(sorted(key for key in restricts if key in supported))


def _step(field: Field, prefix: str) -> FieldStep:
    return FieldStep(
        field=field,
        description=prefix + field.description,
        verify_key=field.description,
        path=field.path,
        check=field.check,
        list_key=field.list_key,
        list_values=field.list_values,
        alternatives=tuple(
            tuple(prefix + option_field.description for option_field in option)
            for option in field.alternatives
        ),
    )


_CACHE: dict[int, tuple[weakref.ref[CountryRules], CountryPlans]] = {}


def plans_for(rules: CountryRules) -> CountryPlans:
    """The memoised plans of ``rules``, kept for as long as ``rules`` itself lives.

    Keyed by identity through a weak reference: ``CountryRules`` is immutable but not hashable
    (it holds mappings), and a cache must not keep a replaced rule book alive.
    """
    key = id(rules)
    slot = _CACHE.get(key)
    if slot is not None and slot[0]() is rules:
        return slot[1]
    plans = CountryPlans(rules)

    def forget(_: object, key: int = key) -> None:
        _CACHE.pop(key, None)

    _CACHE[key] = (weakref.ref(rules, forget), plans)
    return plans
