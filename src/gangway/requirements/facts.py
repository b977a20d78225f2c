"""What the engine is told about an account, and the few ways it reads those facts.

The engine never sees the database: the caller hands it the stored document (v2 wire shape, with
``id_numbers`` values present), the account's Persons, and the verification state per field. The
helpers here are the only code that walks those documents, so "what counts as provided" is
decided in one place (``is_blank``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "NO_KYC_CAPABILITIES",
    "AccountFacts",
    "CapabilityKey",
    "Verification",
    "VerificationKey",
    "applied_configuration_names",
    "is_blank",
    "lookup",
    "persons_with_relationship",
    "requested_capabilities",
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


def lookup(root: Mapping[str, Any] | None, path: tuple[str, ...]) -> Any:
    """The value at ``path`` or None when any step is missing or not an object."""
    value: Any = root
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value


def is_blank(value: Any) -> bool:
    """Not provided: missing, None, a blank string, or a list/object holding nothing provided.

    ``False`` and ``0`` are answers, so they count as provided; checks that need ``true`` say so.
    """
    if value is None:
        return True
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
    configurations = document.get("configuration")
    if not isinstance(configurations, Mapping):
        return []
    found: list[CapabilityKey] = []
    for name in _CONFIGURATIONS:
        config = configurations.get(name)
        if not isinstance(config, Mapping) or config.get("applied") is not True:
            continue
        capabilities = config.get("capabilities")
        if isinstance(capabilities, Mapping):
            found.extend((name, dotted) for dotted in _requested(capabilities, ""))
    return found


def applied_configuration_names(document: Mapping[str, Any]) -> list[str]:
    """Configurations whose ``applied`` is true; unapplied ones produce nothing at all."""
    configurations = document.get("configuration")
    if not isinstance(configurations, Mapping):
        return []
    return [
        name
        for name in _CONFIGURATIONS
        if isinstance(configurations.get(name), Mapping)
        and configurations[name].get("applied") is True
    ]


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


def persons_with_relationship(
    persons: Sequence[Mapping[str, Any]], relationship: str
) -> list[Mapping[str, Any]]:
    """Persons whose ``relationship.<relationship>`` is true, in the order given."""
    return [
        person
        for person in persons
        if isinstance(person.get("relationship"), Mapping)
        and person["relationship"].get(relationship) is True
    ]
