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
    with_payout_bank,
)
from gangway.requirements.plans import CountryPlans
from gangway.requirements.schema import ROLE_RELATIONSHIP

__all__ = ["UNSET", "Links", "PersonView", "Scope", "Subject", "new_nodes", "node"]


class _Unset:
    """The type of ``UNSET``: a parent node not looked up yet (None: looked up, absent)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


#: What a pass checks a rule's fields against: ``(root document, person id or None,
#: entry-key suffix, parent-node cache, parent paths the cache indexes)``. A tuple, unpacked
#: in the pass's loop, because that is cheaper there than reading five attributes.
Subject = tuple[Mapping[str, Any], str | None, str, list[Any], "Links"]

#: ``CountryPlans.account_links`` or ``person_links``: how each parent node hangs off another.
Links = tuple[tuple[int, str], ...]


class PersonView:
    """One Person: its document, ``str(id)`` as entries show it, and its parent-node cache."""

    __slots__ = ("document", "id", "key_suffix", "nodes", "subject")

    def __init__(self, document: Mapping[str, Any], links: Links) -> None:
        self.document = document
        self.id = str(document.get("id"))
        self.key_suffix = person_key_suffix(self.id)
        self.nodes = new_nodes(document, links)
        self.subject: Subject = (document, self.id, self.key_suffix, self.nodes, links)


def new_nodes(root: Mapping[str, Any], links: Links) -> list[Any]:
    """A parent-node cache for ``root``: the root itself (index 0) known, the rest ``UNSET``."""
    nodes: list[Any] = [UNSET] * len(links)
    if nodes:
        nodes[0] = root if type(root) is dict or isinstance(root, Mapping) else None
    return nodes


def node(nodes: list[Any], links: Links, index: int) -> Mapping[str, Any] | None:
    """The parent node at ``index``, looked up and cached (the caller has seen ``UNSET``).

    One ``get`` on the node one key up, itself cached (or looked up the same way): the same
    answer as ``mapping_at`` on the whole path, without walking the shared prefix again.
    """
    up, key = links[index]
    parent = nodes[up]
    if parent is UNSET:
        parent = node(nodes, links, up)
    found = None if parent is None else parent.get(key)
    if type(found) is not dict and (found is None or not isinstance(found, Mapping)):
        found = None
    nodes[index] = found
    return found


class Scope:
    """The facts of one evaluation, with per-account caches that do not depend on the time."""

    __slots__ = (
        "_by_role",
        "_persons",
        "_subjects",
        "_views",
        "account",
        "account_nodes",
        "blocked_ms",
        "created_ms",
        "document",
        "person_links",
        "triggered_ms",
        "verifications",
    )

    def __init__(self, facts: AccountFacts, plans: CountryPlans) -> None:
        self.document = with_payout_bank(facts.document)
        self.verifications: Mapping[VerificationKey, Verification] = facts.verifications
        self.created_ms = facts.created_ms
        self.triggered_ms = facts.triggered_ms
        self.blocked_ms = facts.blocked_ms
        #: Parent paths of account fields and of Person fields, as plans number them.
        self.person_links = plans.person_links
        self.account_nodes = new_nodes(self.document, plans.account_links)
        self.account: Subject = (self.document, None, "", self.account_nodes, plans.account_links)
        self._persons: Sequence[Mapping[str, Any]] = facts.persons
        self._views: dict[int, PersonView] = {}
        self._by_role: dict[str, list[PersonView]] = {}
        self._subjects: dict[str, list[Subject]] = {}

    def persons(self, role: str) -> list[PersonView]:
        """Persons whose ``relationship.<flag>`` is true for ``role``, in the order given."""
        found = self._by_role.get(role)
        if found is None:
            found = self._by_role[role] = [
                self._view(person)
                for person in persons_with_relationship(self._persons, ROLE_RELATIONSHIP[role])
            ]
        return found

    def subjects(self, role: str) -> list[Subject]:
        """``persons(role)`` as the pass's loop reads them; empty at once for an account
        without Persons (most individuals), which is most of the calls."""
        if not self._persons:
            return []
        found = self._subjects.get(role)
        if found is None:
            found = self._subjects[role] = [person.subject for person in self.persons(role)]
        return found

    def _view(self, person: Mapping[str, Any]) -> PersonView:
        """One view per Person, whatever its roles (``facts.persons`` keeps it alive, so its
        ``id()`` names it for the whole evaluation)."""
        view = self._views.get(id(person))
        if view is None:
            view = self._views[id(person)] = PersonView(person, self.person_links)
        return view
