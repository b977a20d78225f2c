"""What the engine is told about an account, and the few ways it reads those facts.

The engine never sees the database: the caller hands it the stored document (v2 wire shape, with
``id_numbers`` values present), the account's Persons, and the verification state per field. The
helpers here are the only code that walks those documents, so "what counts as provided" is
decided in one place (``is_blank``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard

__all__ = [
    "NO_KYC_CAPABILITIES",
    "AccountFacts",
    "CapabilityKey",
    "Verification",
    "VerificationKey",
    "applied_and_requested",
    "applied_configuration_names",
    "has_list_item",
    "is_blank",
    "is_mapping",
    "lookup",
    "mapping_at",
    "persons_with_relationship",
    "requested_capabilities",
    "with_payout_bank",
]

#: ``(configuration, dotted capability)``, e.g. ``("recipient", "stripe_balance.payouts")``.
CapabilityKey = tuple[str, str]

#: ``(person id or None for the account, description)``. For account-level fields the
#: description is the full one (``identity.individual.id_numbers.us_ssn_last_4``); for a
#: Person it is the path within the Person (``id_numbers.us_ssn_last_4``), without the role
#: prefix, because a Person who is both representative and owner is verified once.
VerificationKey = tuple[str | None, str]

#: Capabilities that need no KYC and so are active whatever the country or requirements say.
NO_KYC_CAPABILITIES: frozenset[CapabilityKey] = frozenset({("customer", "automatic_indirect_tax")})

_CONFIGURATIONS = ("customer", "merchant", "recipient")


@dataclass(frozen=True)
class Verification:
    """The verifier's (or reviewer's) verdict on one provided field."""

    status: Literal["pending", "verified", "failed"]
    errors: Sequence[Mapping[str, str]] = ()


@dataclass(frozen=True)
class AccountFacts:
    """Everything ``evaluate`` may depend on besides the rules and the time."""

    id: str
    livemode: bool
    created_ms: int
    document: Mapping[str, Any]
    persons: Sequence[Mapping[str, Any]]
    verifications: Mapping[VerificationKey, Verification] = field(default_factory=dict)
    triggered_ms: int | None = None
    blocked_ms: int | None = None
    """Test mode's charge or payout block: from this instant, whatever is currently due for the
    user is past due (Stripe's trigger cards "move any currently due requirements to overdue")."""


def is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(value, Mapping)``. Documents are plain dicts almost always, and answering
    for them first skips the ABC machinery, which is slow, slowest for a miss. The hot helpers
    below spell the same test out inline, saving the call."""
    return type(value) is dict or isinstance(value, Mapping)


def lookup(root: Mapping[str, Any] | None, path: tuple[str, ...]) -> Any:
    """The value at ``path`` or None when any step is missing or not an object."""
    value: Any = root
    for key in path:
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value


def mapping_at(root: Mapping[str, Any] | None, path: tuple[str, ...]) -> Mapping[str, Any] | None:
    """The object at ``path``, or None when there is none (missing, or not an object).

    ``lookup`` spelled out rather than called: the engine walks to every parent node of an
    account through here, and the extra frame was a measurable share of an evaluation."""
    value: Any = root
    for key in path:
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(key)
        if value is None:
            return None
    if type(value) is dict or isinstance(value, Mapping):
        return value
    return None


def has_list_item(value: Any, key: str, wanted: frozenset[str]) -> bool:
    """A list holding an object whose ``key`` is one of ``wanted`` (typed ``id_numbers``)."""
    if not isinstance(value, list):
        return False
    for item in value:  # a loop: any() over a generator costs more than the check
        if (type(item) is dict or isinstance(item, Mapping)) and item.get(key) in wanted:
            return True
    return False


def is_blank(value: Any) -> bool:
    """Not provided: missing, None, a blank string, or a list/object holding nothing provided.

    ``False`` and ``0`` are answers, so they count as provided; checks that need ``true`` say so.
    """
    if value is None:
        return True
    # Exact built-in types first: the ``Mapping`` check below is an ABC check, slow for a miss.
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is dict:
        # Loops, not ``all()`` over a generator: a date of birth or an address is a dict, and
        # the generator's setup cost more than the two or three values it checks.
        for item in value.values():  # noqa: SIM110 (the loop is the point)
            if not is_blank(item):
                return False
        return True
    if kind is int or kind is bool or kind is float:
        return False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(is_blank(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(is_blank(v) for v in value)
    return False


def requested_capabilities(document: Mapping[str, Any]) -> list[CapabilityKey]:
    """Capabilities that count: requested, on a configuration that is applied.

    Capabilities are nested on the wire (``stripe_balance.payouts``); a leaf is an object with a
    ``requested`` key. The order follows the configurations, then the document.
    """
    return applied_and_requested(document)[1]


def applied_configuration_names(document: Mapping[str, Any]) -> list[str]:
    """Configurations whose ``applied`` is true; unapplied ones produce nothing at all."""
    return applied_and_requested(document)[0]


def applied_and_requested(document: Mapping[str, Any]) -> tuple[list[str], list[CapabilityKey]]:
    """``applied_configuration_names`` and ``requested_capabilities`` in one walk."""
    configurations = document.get("configuration")
    if not is_mapping(configurations):
        return [], []
    applied: list[str] = []
    found: list[CapabilityKey] = []
    for name in _CONFIGURATIONS:
        config = configurations.get(name)
        if not is_mapping(config) or config.get("applied") is not True:
            continue
        applied.append(name)
        capabilities = config.get("capabilities")
        if is_mapping(capabilities):
            _requested(capabilities, name, "", found)
    return applied, found


def _requested(
    capabilities: Mapping[str, Any], configuration: str, prefix: str, found: list[CapabilityKey]
) -> None:
    for key, value in capabilities.items():
        if type(value) is not dict and not isinstance(value, Mapping):
            continue
        if "requested" in value:
            if value.get("requested") is True:
                found.append((configuration, prefix + key))
        else:
            _requested(value, configuration, prefix + key + ".", found)


def persons_with_relationship(
    persons: Sequence[Mapping[str, Any]], relationship: str
) -> list[Mapping[str, Any]]:
    """Persons whose ``relationship.<relationship>`` is true, in the order given."""
    found: list[Mapping[str, Any]] = []
    for person in persons:
        flags = person.get("relationship")
        if (type(flags) is dict or isinstance(flags, Mapping)) and flags.get(relationship) is True:
            found.append(person)
    return found


def with_payout_bank(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """``document`` as the rules read it: ``external_account`` is the payout bank account, the
    usable (not ``errored``) entry of ``external_accounts`` in the account's default currency
    (any currency while none is set). A document from before the list keeps its single
    ``external_account`` as it is."""
    banks = document.get("external_accounts")
    if not isinstance(banks, list):
        return document
    currency = (document.get("defaults") or {}).get("currency")
    payout = next(
        (
            bank
            for bank in banks
            if is_mapping(bank)
            and bank.get("status") != "errored"
            and (not currency or bank.get("currency") == currency)
        ),
        None,
    )
    view = {k: v for k, v in document.items() if k != "external_account"}
    if payout is not None:
        view["external_account"] = payout
    return view
