"""The account as one evaluation reads it, shared by the current and the future pass.

Persons are grouped by role once per evaluation, not once per rule, and each Person gets its
id and its entry-key suffix computed once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from gangway.requirements.entries import person_key_suffix
from gangway.requirements.facts import (
    AccountFacts,
    Verification,
    VerificationKey,
    with_payout_bank,
)
from gangway.requirements.schema import ROLE_RELATIONSHIP

__all__ = ["PersonView", "Scope", "Subject"]


#: What a compiled pass checks a person rule's fields against: ``(the Person's document, its
#: id as entries show it, its entry-key suffix)``, a tuple because the loop unpacks it.
Subject = tuple[Mapping[str, Any], str, str]


class PersonView:
    """One Person: its document, ``str(id)`` as entries show it, and its entry-key suffix."""

    __slots__ = ("document", "id", "key_suffix", "subject")

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.id = str(document.get("id"))
        self.key_suffix = person_key_suffix(self.id)
        self.subject: Subject = (document, self.id, self.key_suffix)


#: Role and the relationship flag that puts a Person in it.
_ROLE_FLAGS = tuple(ROLE_RELATIONSHIP.items())
#: ``Scope.by_role`` of an account without Persons (most individuals): shared, so immutable.
_NOBODY: Mapping[str, Sequence[Subject]] = MappingProxyType(dict.fromkeys(ROLE_RELATIONSHIP, ()))


class Scope:
    """The facts of one evaluation, with what does not depend on the time worked out once:
    the document as the rules read it and the Persons in each role, in the order given."""

    __slots__ = (
        "blocked_ms",
        "by_role",
        "created_ms",
        "document",
        "triggered_ms",
        "verifications",
    )

    def __init__(self, facts: AccountFacts) -> None:
        self.document = with_payout_bank(facts.document)
        self.verifications: Mapping[VerificationKey, Verification] = facts.verifications
        self.created_ms = facts.created_ms
        self.triggered_ms = facts.triggered_ms
        self.blocked_ms = facts.blocked_ms
        persons = facts.persons
        self.by_role = _by_role(persons) if persons else _NOBODY


def _by_role(persons: Sequence[Mapping[str, Any]]) -> Mapping[str, Sequence[Subject]]:
    """Each role's Persons (``relationship.<flag>`` true), one walk over them all."""
    groups: dict[str, list[Subject]] = {role: [] for role in ROLE_RELATIONSHIP}
    for person in persons:
        flags = person.get("relationship")
        if type(flags) is not dict and not isinstance(flags, Mapping):
            continue
        subject: Subject | None = None
        for role, flag in _ROLE_FLAGS:
            if flags.get(flag) is True:
                if subject is None:
                    subject = PersonView(person).subject
                groups[role].append(subject)
    return groups
