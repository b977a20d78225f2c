"""The account as one evaluation reads it, shared by the current and the future pass.

Persons are grouped by role once per evaluation, not once per rule, and each Person gets its
id, its entry-key suffix and a cache of parent nodes computed once. A parent node is the object
a field's leaf is read from (``address`` for ``address.line1``): plans number the distinct
parent paths of a country, so four address lines cost one walk to ``address`` and four gets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gangway.requirements.entries import person_key_suffix
from gangway.requirements.facts import (
    AccountFacts,
    Verification,
    VerificationKey,
    persons_with_relationship,
)
from gangway.requirements.plans import CountryPlans
from gangway.requirements.schema import ROLE_RELATIONSHIP

__all__ = ["UNSET", "PersonView", "Scope"]


class _Unset:
    """The type of ``UNSET``: a parent node not looked up yet (None: looked up, absent)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class PersonView:
    """One Person: its document, ``str(id)`` as entries show it, and its parent-node cache."""

    __slots__ = ("document", "id", "key_suffix", "nodes")

    def __init__(self, document: Mapping[str, Any], parents: int) -> None:
        self.document = document
        self.id = str(document.get("id"))
        self.key_suffix = person_key_suffix(self.id)
        self.nodes: list[Any] = [UNSET] * parents


class Scope:
    """The facts of one evaluation, with per-account caches that do not depend on the time."""

    __slots__ = (
        "_by_role",
        "_persons",
        "_views",
        "account_nodes",
        "blocked_ms",
        "created_ms",
        "document",
        "parents",
        "person_parents",
        "triggered_ms",
        "verifications",
    )

    def __init__(self, facts: AccountFacts, plans: CountryPlans) -> None:
        self.document = facts.document
        self.verifications: Mapping[VerificationKey, Verification] = facts.verifications
        self.created_ms = facts.created_ms
        self.triggered_ms = facts.triggered_ms
        self.blocked_ms = facts.blocked_ms
        #: Parent paths of account fields and of Person fields, as plans number them.
        self.parents: Sequence[tuple[str, ...]] = plans.account_parents
        self.person_parents: Sequence[tuple[str, ...]] = plans.person_parents
        self.account_nodes: list[Any] = [UNSET] * len(self.parents)
        self._persons: Sequence[Mapping[str, Any]] = facts.persons
        self._views: dict[int, PersonView] = {}
        self._by_role: dict[str, list[PersonView]] = {}

    def persons(self, role: str) -> list[PersonView]:
        """Persons whose ``relationship.<flag>`` is true for ``role``, in the order given."""
        found = self._by_role.get(role)
        if found is None:
            found = self._by_role[role] = [
                self._view(person)
                for person in persons_with_relationship(self._persons, ROLE_RELATIONSHIP[role])
            ]
        return found

    def _view(self, person: Mapping[str, Any]) -> PersonView:
        """One view per Person, whatever its roles (``facts.persons`` keeps it alive, so its
        ``id()`` names it for the whole evaluation)."""
        view = self._views.get(id(person))
        if view is None:
            view = self._views[id(person)] = PersonView(person, len(self.person_parents))
        return view
