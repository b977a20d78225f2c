"""The shape of a rule file, as pydantic models that refuse anything they do not know.

A rule file is reviewed data (one per country, ``rules/us.yaml``); this schema is the contract a
reviewer and the loader share. Every model forbids unknown keys, so a typo such as ``dedline:``
stops the boot instead of silently dropping a rule. Cross-references (source ids, policy names,
capability groups) are checked after parsing, in ``rules.py``, where the whole file is in view.
``rules/README.md`` explains the same shape in prose for reviewers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ENTITY_TYPES",
    "ROLE_RELATIONSHIP",
    "Check",
    "DeadlinePolicy",
    "FieldSpec",
    "FutureVersion",
    "ImmediatePolicy",
    "IsTrueCheck",
    "ListItemCheck",
    "OnFailure",
    "PresentCheck",
    "Requirement",
    "RoleRequirement",
    "RuleFile",
    "ScheduledPolicy",
    "SimpleField",
    "Source",
]

EntityType = Literal["individual", "company", "non_profit", "government_entity"]
ENTITY_TYPES: tuple[str, ...] = ("individual", "company", "non_profit", "government_entity")
Configuration = Literal["customer", "merchant", "recipient"]
Scope = Literal["account", "representative", "owners", "directors", "executives"]
Role = Literal["representative", "owners", "directors", "executives"]
Reason = Literal["routine_onboarding", "routine_verification"]

#: Which ``relationship`` flag on a Person puts it in a role, and so names the entry
#: (``relationship.owner``) raised when a required role has nobody in it.
ROLE_RELATIONSHIP: dict[str, str] = {
    "representative": "representative",
    "owners": "owner",
    "directors": "director",
    "executives": "executive",
}

DottedPath = Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$", max_length=200)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=80)]
CapabilityRef = Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$", max_length=120)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """Where a rule comes from; every rule names one by ``id``."""

    id: Slug
    url: str | None = None
    description: str | None = None
    as_of: dt.date
    note: str | None = None

    @model_validator(mode="after")
    def _url_or_description(self) -> Source:
        if not self.url and not self.description:
            raise ValueError("a source needs a url or a description")
        return self


class ImmediatePolicy(_Model):
    """Onboarding minimum: unsatisfied means ``past_due`` at once, with no deadline time."""

    kind: Literal["immediate"]
    note: str | None = None


class ScheduledPolicy(_Model):
    """Time-based: ``eventually_due`` until ``currently_due_after_days`` after account creation
    (or until a test-mode trigger), then ``currently_due`` for ``grace_days``, then ``past_due``.
    ``currently_due_after_days: null`` means only a trigger starts the clock."""

    kind: Literal["scheduled"]
    currently_due_after_days: Annotated[int, Field(ge=0, le=3650)] | None
    grace_days: Annotated[int, Field(ge=1, le=3650)]
    note: str | None = None


DeadlinePolicy = Annotated[ImmediatePolicy | ScheduledPolicy, Field(discriminator="kind")]


class PresentCheck(_Model):
    """Satisfied by any value that is not missing, null, or empty (string, list, object)."""

    kind: Literal["present"]


class IsTrueCheck(_Model):
    """Satisfied only by the boolean ``true`` (attestations, ``relationship.executive``)."""

    kind: Literal["true"]


class ListItemCheck(_Model):
    """Satisfied by a list holding an object whose ``key`` is one of ``any_of``
    (``id_numbers`` with ``type`` ``us_ssn_last_4`` or ``us_ssn``)."""

    kind: Literal["list_item"]
    key: Slug = "type"
    any_of: Annotated[list[Slug], Field(min_length=1)]


Check = Annotated[PresentCheck | IsTrueCheck | ListItemCheck, Field(discriminator="kind")]


class SimpleField(_Model):
    """One requirement entry: ``description`` is what the API shows, ``path`` where the value is
    read (defaults to the description). Paths are relative to the Person for person scopes."""

    description: DottedPath
    path: DottedPath | None = None
    check: Check | None = None


class OnFailure(_Model):
    """What a failed verification of the field asks for next (the seed's "typo" example: a
    failed ID number asks for an identity document). Providing every raised field resolves the
    failure; ``deadline`` defaults to the rule's own policy."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    raise_: Annotated[list[DottedPath | SimpleField], Field(alias="raise", min_length=1)]
    deadline: Slug | None = None
    note: str | None = None


class FieldSpec(SimpleField):
    """A field with optional either/or options (``alternatives``: each option is a list of fields
    that together satisfy it) and an optional ``on_failure``."""

    alternatives: list[Annotated[list[DottedPath | SimpleField], Field(min_length=1)]] = []
    on_failure: OnFailure | None = None


class Requirement(_Model):
    """A group of fields sharing scope, entity types, restricted capabilities and deadline."""

    id: Slug
    source: Slug
    scope: Scope = "account"
    entity_types: Annotated[list[EntityType], Field(min_length=1)] | None = None
    restricts: Annotated[list[CapabilityRef], Field(min_length=1)]
    deadline: Slug
    reason: Reason = "routine_onboarding"
    inferred: bool = False
    note: str | None = None
    fields: Annotated[list[DottedPath | FieldSpec], Field(min_length=1)]


class RoleRequirement(_Model):
    """At least ``min_count`` Persons must hold ``role``, unless any account path in ``waived_by``
    holds a true or non-empty answer (``persons_provided.owners: true`` says every owner has been
    added, so none may be an answer; ``ownership_exemption_reason`` says none are needed)."""

    id: Slug
    source: Slug
    role: Role
    entity_types: Annotated[list[EntityType], Field(min_length=1)] | None = None
    restricts: Annotated[list[CapabilityRef], Field(min_length=1)]
    deadline: Slug
    reason: Reason = "routine_onboarding"
    min_count: Annotated[int, Field(ge=1, le=50)] = 1
    waived_by: list[DottedPath] = []
    inferred: bool = False
    note: str | None = None


class FutureVersion(_Model):
    """Requirements announced ahead of time; they become current at ``minimum_transition_date``
    and until then appear under ``future_requirements``."""

    version: Annotated[str, Field(min_length=1, max_length=60)]
    minimum_transition_date: AwareDatetime
    note: str | None = None
    requirements: list[Requirement] = []
    roles: list[RoleRequirement] = []

    @model_validator(mode="after")
    def _adds_something(self) -> FutureVersion:
        if not self.requirements and not self.roles:
            raise ValueError("a future version must add at least one requirement or role")
        return self


class RuleFile(_Model):
    """One country's rules."""

    schema_version: Literal[1]
    country: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    version: Annotated[str, Field(min_length=1, max_length=60)]
    notes: list[str] = []
    sources: Annotated[list[Source], Field(min_length=1)]
    entity_types: Annotated[list[EntityType], Field(min_length=1)]
    capabilities: dict[Configuration, Annotated[list[DottedPath], Field(min_length=1)]]
    capability_groups: dict[Slug, Annotated[list[CapabilityRef], Field(min_length=1)]] = {}
    deadline_policies: dict[Slug, DeadlinePolicy]
    requirements: Annotated[list[Requirement], Field(min_length=1)]
    roles: list[RoleRequirement] = []
    future_versions: list[FutureVersion] = []
