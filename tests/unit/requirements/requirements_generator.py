"""Random accounts for the differential test, shaped by a rule book.

Every path the book's rules read is filled or not, with plausible or odd values (blank strings,
``False``, ``0``, empty and oddly typed containers); Persons hold random roles, some with an
empty id; verdicts land on random fields (more often on fields that raise on failure); the
instant falls on or next to every deadline and transition the test rule books have.
"""

from __future__ import annotations

import random
from typing import Any

from requirements_builders import CREATED_MS, DAY_MS
from test_requirements_future import JULY_MS, OCTOBER_MS

from gangway.requirements import AccountFacts, RuleBook, Verification
from gangway.requirements.fields import CHECK_LIST_ITEM, CHECK_TRUE, Field

__all__ = ["AccountGenerator"]

RELATIONSHIPS = ("representative", "owner", "director", "executive")
ODD_VALUES: tuple[Any, ...] = ("", "  ", None, False, True, 0, [], {}, [""], {"a": None}, "x")


class AccountGenerator:
    """Random accounts shaped by a rule book: every path its rules read, filled or not."""

    def __init__(self, book: RuleBook, seed: int) -> None:
        self.random = random.Random(seed)
        #: A stream of its own for ``_break_objects``, so the accounts drawn from ``random``
        #: stay the ones earlier versions of this test generated.
        self.breaks = random.Random(seed + 1)
        self.entity_types = {
            country: sorted(rules.entity_types) for country, rules in book.countries.items()
        }
        self.account_fields: list[Field] = []
        self.person_fields: list[Field] = []
        self.waivers: list[tuple[str, ...]] = []
        self.verification_keys: list[tuple[bool, str]] = []
        #: Keys of fields with ``on_failure``, picked more often: failures there raise more.
        self.raising_keys: list[tuple[bool, str]] = []
        self.odd = 0.15
        for rules in book.countries.values():
            for layer in (rules.base, *rules.futures):
                for requirements, roles in layer.by_entity.values():
                    for rule in requirements:
                        for field in rule.fields:
                            self._collect(field, person=rule.role is not None)
                    for role in roles:
                        self.waivers.extend(role.waived_by)

    def _collect(self, field: Field, *, person: bool) -> None:
        (self.person_fields if person else self.account_fields).append(field)
        self.verification_keys.append((person, field.description))
        if field.raises:
            self.raising_keys.append((person, field.description))
        for option in field.alternatives:
            for other in option:
                self._collect(other, person=person)
        for raised in field.raises:
            self._collect(raised, person=person)

    def facts(self) -> tuple[AccountFacts, int]:
        r = self.random
        document: dict[str, Any] = {}
        fill = r.choice((0.1, 0.5, 0.8, 0.95, 1.0))
        self.odd = r.choice((0.0, 0.0, 0.15))
        for field in self.account_fields:
            if r.random() < fill:
                _put(document, field.path, self._value(field))
        for path in self.waivers:
            if r.random() < 0.3:
                _put(document, path, r.choice((True, False, "", "reason", None)))
        identity = document.setdefault("identity", {})
        if isinstance(identity, dict):
            country = r.choice(sorted(self.entity_types))
            entity_types = self.entity_types[country]
            odd_country = r.choice(("zz", "", None, country.upper()))
            identity["country"] = odd_country if r.random() < 0.1 else country
            identity["entity_type"] = (
                r.choice(entity_types)
                if r.random() < 0.85
                else r.choice(("government_entity", None, "", "individual"))
            )
            if r.random() < 0.03:
                document["identity"] = r.choice(ODD_VALUES)
        document["configuration"] = self._configuration()
        persons = [self._person(index) for index in range(r.choice((0, 0, 1, 2, 3, 4)))]
        person_ids = [str(p.get("id")) for p in persons]
        verifications: dict[tuple[str | None, str], Verification] = {}
        for _ in range(r.choice((0, 0, 1, 2, 4, 8, 16))):
            keys = self.raising_keys if r.random() < 0.3 else self.verification_keys
            person, description = r.choice(keys)
            owner = r.choice(person_ids) if person and person_ids else None
            verifications[(owner, description)] = self._verdict()
        created = CREATED_MS + r.choice((0, 0, DAY_MS // 3))
        triggered = r.choice((None, None, None, created + DAY_MS, created + 20 * DAY_MS))
        now = r.choice(
            (
                created,
                created + 60_000,
                created + 3 * DAY_MS - 1,
                created + 3 * DAY_MS,
                created + 7 * DAY_MS,
                created + 16 * DAY_MS,
                created + 30 * DAY_MS - 1,
                created + 30 * DAY_MS,
                created + 400 * DAY_MS,
                JULY_MS - 1,
                JULY_MS,
                OCTOBER_MS + DAY_MS,
                CREATED_MS + 4 * DAY_MS,
                CREATED_MS + 19 * DAY_MS,
            )
        )
        for root in (document, *persons):
            _break_objects(root, self.breaks)
        facts = AccountFacts(
            id="acct_gen",
            livemode=False,
            created_ms=created,
            document=document,
            persons=persons,
            verifications=verifications,
            triggered_ms=triggered,
        )
        return facts, now

    def _value(self, field: Field) -> Any:
        r = self.random
        if r.random() < self.odd:
            return r.choice(ODD_VALUES)
        if field.check == CHECK_TRUE:
            return r.choice((True, True, False, "true"))
        if field.check == CHECK_LIST_ITEM:
            wanted = sorted(field.list_values)
            items: list[Any] = []
            for _ in range(r.choice((0, 1, 1, 2))):
                kind = r.choice([*wanted, "other"])
                items.append(r.choice(({field.list_key: kind, "value": "1"}, {"x": kind}, kind)))
            return items if r.random() < 0.9 else tuple(items)
        return r.choice(("value", "value", 7, {"nested": "value"}, ["value"]))

    def _configuration(self) -> Any:
        r = self.random
        if r.random() < 0.03:
            return r.choice(ODD_VALUES)
        configuration: dict[str, Any] = {}
        shapes: dict[str, dict[str, Any]] = {
            "merchant": {
                "card_payments": None,
                "stripe_balance": {"payouts": None},
                "klarna_payments": None,
            },
            "recipient": {"stripe_balance": {"stripe_transfers": None, "payouts": None}},
            "customer": {"automatic_indirect_tax": None},
        }
        for name, shape in shapes.items():
            if r.random() < 0.4:
                continue
            configuration[name] = {
                "applied": r.choice((True, True, True, False, None)),
                "capabilities": self._requests(shape),
            }
        return configuration

    def _requests(self, shape: dict[str, Any]) -> dict[str, Any]:
        r = self.random
        out: dict[str, Any] = {}
        for key, value in shape.items():
            if r.random() < 0.2:
                continue
            if value is None:
                out[key] = {"requested": r.choice((True, True, True, False, "yes"))}
            else:
                out[key] = self._requests(value)
        return out

    def _person(self, index: int) -> dict[str, Any]:
        r = self.random
        person: dict[str, Any] = {}
        identity = r.random()
        if identity < 0.7:
            person["id"] = f"person_{index}_{r.randint(0, 9)}"
        elif identity < 0.9:
            person["id"] = ""
        fill = r.choice((0.0, 0.5, 0.9, 1.0))
        for field in self.person_fields:
            if r.random() < fill:
                _put(person, field.path, self._value(field))
        relationship = {
            name: r.choice((True, True, False, None, "true"))
            for name in RELATIONSHIPS
            if r.random() < 0.5
        }
        person["relationship"] = relationship if r.random() < 0.95 else "owner"
        return person

    def _verdict(self) -> Verification:
        r = self.random
        status = r.choice(("pending", "verified", "failed", "failed"))
        if status != "failed":
            return Verification(status)  # type: ignore[arg-type]
        errors = [
            {"code": r.choice(("a", "b")), "description": r.choice(("one", "two"))}
            for _ in range(r.choice((0, 1, 2, 3)))
        ]
        return Verification("failed", errors)


def _break_objects(root: dict[str, Any], r: random.Random) -> None:
    """Now and then an object on the way to fields (``identity.individual``, a Person's
    ``address``) is something else: every field below it is missing, however the engine walks
    to (and caches) the parent nodes it reads fields from."""
    if r.random() >= 0.1:
        return
    objects: list[tuple[dict[str, Any], str]] = []
    pending = [root]
    while pending:
        node = pending.pop()
        for key, value in node.items():
            if isinstance(value, dict) and key != "configuration":
                objects.append((node, key))
                pending.append(value)
    if objects:
        node, key = r.choice(objects)
        node[key] = r.choice(("text", "", ["x"], 3, None, False))


def _put(root: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = root
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value
