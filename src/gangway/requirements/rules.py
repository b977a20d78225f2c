"""Loading rule files: parse, validate against the schema, check cross-references, compile.

``load_rules`` runs once at start-up. Any problem in any file raises ``RuleFileError`` naming the
file, a location (``requirements[3].fields[0]``, with its line) and what is wrong, so a bad rule
file stops the boot instead of producing wrong requirements later. What comes out is a
``RuleBook`` of precompiled, immutable ``CountryRules``; the engine never touches YAML or pydantic.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from gangway.requirements.deadlines import Policy
from gangway.requirements.facts import CapabilityKey
from gangway.requirements.fields import CHECK_LIST_ITEM, CHECK_PRESENT, CHECK_TRUE, Field
from gangway.requirements.schema import (
    ENTITY_TYPES,
    ROLE_RELATIONSHIP,
    FieldSpec,
    ImmediatePolicy,
    IsTrueCheck,
    ListItemCheck,
    Requirement,
    RoleRequirement,
    RuleFile,
    SimpleField,
)
from gangway.requirements.yamlsource import YamlDocument, YamlError, parse_yaml

__all__ = [
    "DEFAULT_RULES_DIRECTORY",
    "CompiledRequirement",
    "CompiledRole",
    "CountryRules",
    "Layer",
    "RuleBook",
    "RuleFileError",
    "load_rules",
]

DEFAULT_RULES_DIRECTORY = Path(__file__).with_name("rules")

Location = tuple[str | int, ...]
_CONFIGURATIONS = frozenset({"customer", "merchant", "recipient"})
_TYPE_MISMATCHES = frozenset({"model_type", "string_type", "dict_type", "list_type"})
#: Account-level roots; a person-scoped path starting with one of them is a mistake.
_ACCOUNT_ROOTS = frozenset({"identity", "configuration", "defaults", "external_account"})


class RuleFileError(Exception):
    """A rule file is unusable. ``location`` is a readable path inside the file."""

    def __init__(self, file: str, location: str, message: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {location}: {message}")
        self.file = file
        self.location = location
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class CompiledRequirement:
    id: str
    role: str | None  # None: account scope; otherwise "representative", "owners", ...
    entity_types: frozenset[str] | None
    restricts: tuple[CapabilityKey, ...]
    policy: Policy
    reason: str
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class CompiledRole:
    id: str
    role: str
    relationship: str
    entity_types: frozenset[str] | None
    restricts: tuple[CapabilityKey, ...]
    policy: Policy
    reason: str
    min_count: int
    waived_by: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Layer:
    """One version's requirements, pre-filtered per entity type (``None``: not yet known, so
    only rules that apply to every entity type)."""

    version: str
    transition_ms: int | None
    by_entity: Mapping[str | None, tuple[tuple[CompiledRequirement, ...], tuple[CompiledRole, ...]]]


@dataclass(frozen=True)
class CountryRules:
    country: str
    version: str
    entity_types: frozenset[str]
    capabilities: frozenset[CapabilityKey]
    base: Layer
    futures: tuple[Layer, ...]  # by transition date
    source_file: RuleFile


@dataclass(frozen=True)
class RuleBook:
    """Every country's compiled rules, keyed by lowercase country code."""

    countries: Mapping[str, CountryRules] = field(default_factory=dict)
    fingerprint: str = field(default_factory=lambda: "unhashed-" + uuid.uuid4().hex)
    """What a stored evaluation was computed with (``load_rules``: a hash of the rule files and
    of the engine's own source); a book built by hand gets a unique one, so it matches nothing
    stored by another."""

    def get(self, country: str) -> CountryRules | None:
        return self.countries.get(country.lower())


def load_rules(directory: Path | None = None) -> RuleBook:
    """Load and compile every ``*.yaml`` under ``directory`` (the packaged rules by default)."""
    root = directory if directory is not None else DEFAULT_RULES_DIRECTORY
    countries: dict[str, CountryRules] = {}
    digest = hashlib.sha256()
    for path in sorted(root.glob("*.yaml")):
        compiled = load_rule_file(path)
        countries[compiled.country] = compiled
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for source in sorted(Path(__file__).parent.glob("*.py")):  # the engine reads them too
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return RuleBook(countries, fingerprint=digest.hexdigest())


def load_rule_file(path: Path) -> CountryRules:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(name, "(file)", f"cannot read: {exc}") from exc
    try:
        document = parse_yaml(text)
    except YamlError as exc:
        raise RuleFileError(name, "(yaml)", exc.message, exc.line) from exc
    try:
        parsed = RuleFile.model_validate(document.data)
    except ValidationError as exc:
        raise _schema_error(name, document, exc) from exc
    return _Compiler(name, document, parsed).compile()


def _schema_error(name: str, document: YamlDocument, exc: ValidationError) -> RuleFileError:
    errors = exc.errors(include_url=False)
    best = max(errors, key=_specificity)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    loc = tuple(best["loc"])
    location = document.readable(loc, missing_key=best["type"] == "missing")
    return RuleFileError(name, location, best["msg"] + more, document.line_of(loc))


def _specificity(error: ErrorDetails) -> tuple[int, bool]:
    """Unions report one error per branch ("not a string", "not a FieldSpec"); the deepest
    error that is not a plain type mismatch is the branch the author meant, and an unknown key
    (a typo) is the most useful thing to point at."""
    depth = len(error["loc"]) - (1 if error["type"] in _TYPE_MISMATCHES else 0)
    return depth, error["type"] == "extra_forbidden"


class _Compiler:
    """Cross-reference checks and compilation of one validated file."""

    def __init__(self, name: str, document: YamlDocument, parsed: RuleFile) -> None:
        self.name = name
        self.document = document
        self.file = parsed
        self.sources = {source.id for source in parsed.sources}
        self.policies: dict[str, Policy] = {}
        self.capabilities: set[CapabilityKey] = set()
        self.groups: dict[str, tuple[CapabilityKey, ...]] = {}
        self.rule_ids: set[str] = set()

    def fail(self, location: Location, message: str) -> RuleFileError:
        return RuleFileError(
            self.name,
            self.document.readable(location),
            message,
            self.document.line_of(location),
        )

    def compile(self) -> CountryRules:
        f = self.file
        if Path(self.name).stem != f.country:
            raise self.fail(
                ("country",), f"file {self.name} must hold country {Path(self.name).stem!r}"
            )
        if len(self.sources) != len(f.sources):
            raise self.fail(("sources",), "source ids must be unique")
        for policy_name, spec in f.deadline_policies.items():
            if isinstance(spec, ImmediatePolicy):
                self.policies[policy_name] = Policy(policy_name, immediate=True)
            else:
                self.policies[policy_name] = Policy.scheduled(
                    policy_name, spec.currently_due_after_days, spec.grace_days
                )
        for configuration, names in f.capabilities.items():
            for index, capability in enumerate(names):
                key = (configuration, capability)
                if key in self.capabilities:
                    raise self.fail(("capabilities", configuration, index), "listed twice")
                self.capabilities.add(key)
        for group, members in f.capability_groups.items():
            self.groups[group] = self._capabilities(members, ("capability_groups", group))
        base = self._layer(f.version, None, f.requirements, f.roles, ())
        futures: list[Layer] = []
        previous_ms: int | None = None
        for index, future in enumerate(f.future_versions):
            at = ("future_versions", index)
            transition_ms = int(future.minimum_transition_date.timestamp() * 1000)
            if previous_ms is not None and transition_ms <= previous_ms:
                raise self.fail(
                    (*at, "minimum_transition_date"),
                    "must be later than the previous future version",
                )
            if future.version in {f.version, *(layer.version for layer in futures)}:
                raise self.fail((*at, "version"), f"version {future.version!r} is used twice")
            futures.append(
                self._layer(future.version, transition_ms, future.requirements, future.roles, at)
            )
            previous_ms = transition_ms
        return CountryRules(
            country=f.country,
            version=f.version,
            entity_types=frozenset(f.entity_types),
            capabilities=frozenset(self.capabilities),
            base=base,
            futures=tuple(futures),
            source_file=f,
        )

    def _layer(
        self,
        version: str,
        transition_ms: int | None,
        requirements: Iterable[Requirement],
        roles: Iterable[RoleRequirement],
        at: Location,
    ) -> Layer:
        compiled = tuple(
            self._requirement(r, (*at, "requirements", i)) for i, r in enumerate(requirements)
        )
        compiled_roles = tuple(self._role(r, (*at, "roles", i)) for i, r in enumerate(roles))
        by_entity: dict[
            str | None, tuple[tuple[CompiledRequirement, ...], tuple[CompiledRole, ...]]
        ] = {}
        for entity in (None, *ENTITY_TYPES):
            by_entity[entity] = (
                tuple(r for r in compiled if _applies(r.entity_types, entity)),
                tuple(r for r in compiled_roles if _applies(r.entity_types, entity)),
            )
        return Layer(version, transition_ms, by_entity)

    def _common(
        self, rule: Requirement | RoleRequirement, at: Location
    ) -> tuple[frozenset[str] | None, tuple[CapabilityKey, ...], Policy]:
        if rule.id in self.rule_ids:
            raise self.fail((*at, "id"), f"rule id {rule.id!r} is used twice")
        self.rule_ids.add(rule.id)
        if rule.source not in self.sources:
            raise self.fail((*at, "source"), f"unknown source {rule.source!r}")
        entity_types = None
        if rule.entity_types is not None:
            unsupported = set(rule.entity_types) - set(self.file.entity_types)
            if unsupported:
                raise self.fail(
                    (*at, "entity_types"), f"not in the file's entity_types: {sorted(unsupported)}"
                )
            entity_types = frozenset(rule.entity_types)
        return (
            entity_types,
            self._capabilities(rule.restricts, (*at, "restricts")),
            self._policy(rule.deadline, (*at, "deadline")),
        )

    def _requirement(self, rule: Requirement, at: Location) -> CompiledRequirement:
        entity_types, restricts, policy = self._common(rule, at)
        person = rule.scope != "account"
        fields = tuple(
            self._field(spec, (*at, "fields", i), person, policy)
            for i, spec in enumerate(rule.fields)
        )
        seen: set[str] = set()
        for index, compiled in enumerate(fields):
            if compiled.description in seen:
                raise self.fail((*at, "fields", index), f"{compiled.description!r} listed twice")
            seen.add(compiled.description)
        role = None if rule.scope == "account" else rule.scope
        return CompiledRequirement(
            rule.id, role, entity_types, restricts, policy, rule.reason, fields
        )

    def _role(self, rule: RoleRequirement, at: Location) -> CompiledRole:
        entity_types, restricts, policy = self._common(rule, at)
        waived = tuple(tuple(path.split(".")) for path in rule.waived_by)
        return CompiledRole(
            rule.id,
            rule.role,
            ROLE_RELATIONSHIP[rule.role],
            entity_types,
            restricts,
            policy,
            rule.reason,
            rule.min_count,
            waived,
        )

    def _policy(self, name: str, at: Location) -> Policy:
        if name not in self.policies:
            raise self.fail(at, f"unknown deadline policy {name!r}")
        return self.policies[name]

    def _capabilities(self, refs: Iterable[str], at: Location) -> tuple[CapabilityKey, ...]:
        found: list[CapabilityKey] = []
        for index, ref in enumerate(refs):
            if "." not in ref:
                if ref not in self.groups:
                    raise self.fail((*at, index), f"unknown capability group {ref!r}")
                keys: Iterable[CapabilityKey] = self.groups[ref]
            else:
                configuration, capability = ref.split(".", 1)
                if configuration not in _CONFIGURATIONS:
                    raise self.fail(
                        (*at, index), f"{ref!r} must start with customer., merchant. or recipient."
                    )
                if (configuration, capability) not in self.capabilities:
                    raise self.fail((*at, index), f"{ref!r} is not in the file's capabilities")
                keys = ((configuration, capability),)
            found.extend(key for key in keys if key not in found)
        return tuple(found)

    def _field(self, spec: str | SimpleField, at: Location, person: bool, policy: Policy) -> Field:
        if isinstance(spec, str):
            spec = SimpleField(description=spec)
        path = spec.path or spec.description
        if person and path.split(".", 1)[0] in _ACCOUNT_ROOTS:
            raise self.fail(
                at, f"{path!r} is an account path in a person scope; use a path within the Person"
            )
        check, list_key, list_values = CHECK_PRESENT, "type", frozenset[str]()
        if isinstance(spec.check, IsTrueCheck):
            check = CHECK_TRUE
        elif isinstance(spec.check, ListItemCheck):
            check, list_key, list_values = (
                CHECK_LIST_ITEM,
                spec.check.key,
                frozenset(spec.check.any_of),
            )
        alternatives: tuple[tuple[Field, ...], ...] = ()
        raises: tuple[Field, ...] = ()
        raise_policy: Policy | None = None
        if isinstance(spec, FieldSpec):
            alternatives = tuple(
                tuple(
                    self._field(o, (*at, "alternatives", i, j), person, policy)
                    for j, o in enumerate(option)
                )
                for i, option in enumerate(spec.alternatives)
            )
            if spec.on_failure is not None:
                raises = tuple(
                    self._field(r, (*at, "on_failure", "raise", i), person, policy)
                    for i, r in enumerate(spec.on_failure.raise_)
                )
                raise_policy = (
                    self._policy(spec.on_failure.deadline, (*at, "on_failure", "deadline"))
                    if spec.on_failure.deadline
                    else policy
                )
        return Field(
            description=spec.description,
            path=tuple(path.split(".")),
            check=check,
            list_key=list_key,
            list_values=list_values,
            alternatives=alternatives,
            raises=raises,
            raise_policy=raise_policy,
        )


def _applies(entity_types: frozenset[str] | None, entity: str | None) -> bool:
    if entity_types is None:
        return True
    return entity is not None and entity in entity_types
