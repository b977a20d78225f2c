"""Stored documents to wire objects, with v2's include semantics.

Without ``include``, ``configuration``, ``defaults``, ``identity``, ``requirements`` and
``future_requirements`` are ``null``; each configuration is included on its own. The final
projection onto the SDK's shape (``api.shape``) fills every absent field with ``null`` and drops
what the shape does not have, so ID number values and Gangway-internal keys never leave.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from gangway.api import shape
from gangway.core.accounts import CONFIGURATIONS, requirements_collector
from gangway.core.clock import to_rfc3339
from gangway.requirements import Evaluation
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.repos.links import LinkRecord
from gangway.store.repos.tokens import TokenRecord

__all__ = ["NEEDS_EVALUATION", "account", "account_link", "person", "token"]

INCLUDABLE = (
    "configuration.customer",
    "configuration.merchant",
    "configuration.recipient",
    "defaults",
    "future_requirements",
    "identity",
    "requirements",
)
NEEDS_EVALUATION = frozenset(INCLUDABLE) - {"defaults", "identity"}


def account(
    record: AccountRecord, include: Collection[str], evaluation: Evaluation | None
) -> dict[str, Any]:
    document = record.document
    wire: dict[str, Any] = {
        "id": record.id,
        "object": "v2.core.account",
        "applied_configurations": record.applied(),
        "closed": record.closed,
        "contact_email": document.get("contact_email"),
        "contact_phone": document.get("contact_phone"),
        "created": to_rfc3339(record.created_ms),
        "dashboard": document.get("dashboard"),
        "display_name": document.get("display_name"),
        "livemode": record.livemode,
        "metadata": document.get("metadata") or {},
    }
    included = [name for name in CONFIGURATIONS if f"configuration.{name}" in include]
    if included:
        configs = document.get("configuration") or {}
        wire["configuration"] = {
            name: _configuration(name, configs[name], evaluation)
            if name in included and configs.get(name)
            else None
            for name in CONFIGURATIONS
        }
    if "defaults" in include:
        defaults = dict(document.get("defaults") or {})
        responsibilities = defaults.get("responsibilities") or {}
        defaults["responsibilities"] = {
            "fees_collector": responsibilities.get("fees_collector"),
            "losses_collector": responsibilities.get("losses_collector"),
            "requirements_collector": requirements_collector(document),
        }
        defaults.setdefault("locales", [])
        wire["defaults"] = defaults
    if "identity" in include:
        wire["identity"] = _identity(record)
    if evaluation is not None:
        if "requirements" in include:
            wire["requirements"] = evaluation.requirements
        if "future_requirements" in include:
            wire["future_requirements"] = evaluation.future_requirements
    return shape.render("Account", wire)


def person(record: PersonRecord, *, livemode: bool) -> dict[str, Any]:
    wire = dict(record.document)
    wire.update(
        id=record.id,
        object="v2.core.account_person",
        account=record.account_id,
        created=to_rfc3339(record.created_ms),
        updated=to_rfc3339(record.updated_ms),
        livemode=livemode,
        metadata=record.document.get("metadata") or {},
    )
    return shape.render("AccountPerson", wire)


def _configuration(
    name: str, config: Mapping[str, Any], evaluation: Evaluation | None
) -> dict[str, Any]:
    rendered = dict(config)
    statuses = (evaluation.capabilities.get(name) if evaluation else None) or {}
    rendered["capabilities"] = _capabilities(config.get("capabilities") or {}, statuses, "")
    return rendered


def _capabilities(
    requested: Mapping[str, Any], statuses: Mapping[str, Any], prefix: str
) -> dict[str, Any]:
    """Requested leaves become their status objects; unrequested ones are left out."""
    out: dict[str, Any] = {}
    for key, value in requested.items():
        if not isinstance(value, Mapping):
            continue
        dotted = prefix + key
        if "requested" in value:
            if value.get("requested"):
                out[key] = statuses.get(dotted) or {
                    "status": "pending",
                    "status_details": [
                        {"code": "determining_status", "resolution": "no_resolution"}
                    ],
                }
        else:
            nested = _capabilities(value, statuses, dotted + ".")
            if nested:
                out[key] = nested
    return out


def _identity(record: AccountRecord) -> dict[str, Any]:
    identity = dict(record.document.get("identity") or {})
    individual = identity.get("individual")
    if individual:
        individual = dict(individual)
        individual.update(
            object="v2.core.account_person",
            account=record.id,
            created=to_rfc3339(individual.pop("created_ms", record.created_ms)),
            updated=to_rfc3339(individual.pop("updated_ms", record.updated_ms)),
            metadata=individual.get("metadata") or {},
        )
        identity["individual"] = individual
    return identity


def account_link(link: LinkRecord, url: str) -> dict[str, Any]:
    """The Account Link as created; there is no ``id`` (links cannot be retrieved)."""
    return shape.render(
        "AccountLink",
        {
            "object": "v2.core.account_link",
            "account": link.account_id,
            "created": to_rfc3339(link.created_ms),
            "expires_at": to_rfc3339(link.expires_ms),
            "livemode": link.livemode,
            "url": url,
            "use_case": link.use_case,
        },
    )


def token(record: TokenRecord) -> dict[str, Any]:
    """An account or person token: what it is, never what it holds."""
    name = "AccountToken" if record.kind == "account" else "AccountPersonToken"
    return shape.render(
        name,
        {
            "id": record.id,
            "object": "v2.core.account_token"
            if record.kind == "account"
            else "v2.core.account_person_token",
            "created": to_rfc3339(record.created_ms),
            "expires_at": to_rfc3339(record.expires_ms),
            "livemode": record.livemode,
            "used": record.used_ms is not None,
        },
    )
