"""Stored documents to wire objects, with v2's include semantics.

Without ``include``, ``configuration``, ``defaults``, ``identity``, ``requirements`` and
``future_requirements`` are ``null``; each configuration is included on its own. The final
projection onto the SDK's shape (``api.shape``) fills every absent field with ``null`` and drops
what the shape does not have, so ID number values and Gangway-internal keys never leave.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Mapping
from importlib import resources
from typing import Any

import orjson

from gangway.api import shape
from gangway.core.accounts import CONFIGURATIONS, requirements_collector
from gangway.core.clock import to_rfc3339
from gangway.core.stored_requirements import StoredRequirements
from gangway.requirements import Evaluation
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.repos.links import LinkRecord
from gangway.store.repos.tokens import TokenRecord

__all__ = [
    "NEEDS_EVALUATION",
    "account",
    "account_link",
    "person",
    "token",
    "wire_form",
    "wire_json",
    "wire_requirements",
]

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


_WIRE_FORM = 1
"""Bump when ``wire_requirements`` renders differently from the same shapes (stored ones then
count as stale and are rendered again at start-up)."""


@functools.cache
def wire_form() -> str:
    """What the stored wire requirements depend on besides the rules: the SDK's shapes file
    (regenerated with each SDK) and this module's form."""
    shapes = resources.files("gangway.contract").joinpath("shapes.json").read_bytes()
    return f"{_WIRE_FORM}:{hashlib.sha256(shapes).hexdigest()}"


def wire_requirements(evaluation: Evaluation) -> dict[str, Any]:
    """``requirements`` and ``future_requirements`` shaped for the wire, as ``account`` shows
    them (what an account stores, encoded: ``wire_json``)."""
    shaped = shape.render(
        "Account",
        {
            "requirements": evaluation.requirements,
            "future_requirements": evaluation.future_requirements,
        },
    )
    return {
        "requirements": shaped["requirements"],
        "future_requirements": shaped["future_requirements"],
    }


@functools.lru_cache(maxsize=256)
def wire_json(requirements: bytes, future_requirements: bytes) -> tuple[bytes, bytes, bool]:
    """The engine's encoded ``requirements`` and ``future_requirements``, shaped for the wire
    and encoded: what an account stores with its evaluation, so a read does no shaping; and
    whether they equal the engine's own answer but for key order (they nearly always do: the
    account then keeps one copy, ``StoredRequirements.of``).

    Shaping is a pure function of what the engine said, and many accounts owe the same (a
    platform's new accounts all start alike), so the last few hundred answers are remembered
    by their bytes: a write that stores a common answer does no shaping either."""
    engine = orjson.loads(requirements), orjson.loads(future_requirements)
    wire = wire_requirements(Evaluation(*engine, {}, None))  # shaping builds new containers
    same = wire["requirements"] == engine[0] and wire["future_requirements"] == engine[1]
    return orjson.dumps(wire["requirements"]), orjson.dumps(wire["future_requirements"]), same


def account(
    record: AccountRecord,
    include: Collection[str],
    evaluation: Evaluation | StoredRequirements | None,
    *,
    encoded: bool = False,
) -> dict[str, Any]:
    """The v2 Account. A stored evaluation's requirements are placed already shaped, after the
    projection: shaping them was the larger part of a retrieve with requirements. ``encoded``:
    placed as the stored JSON itself (``orjson.Fragment``), for a body that only goes to
    ``orjson.dumps`` (the API's responses), saving their decoding and encoding."""
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
    if isinstance(evaluation, Evaluation):
        if "requirements" in include:
            wire["requirements"] = evaluation.requirements
        if "future_requirements" in include:
            wire["future_requirements"] = evaluation.future_requirements
    rendered = shape.render("Account", wire)
    if isinstance(evaluation, StoredRequirements):
        for name in ("requirements", "future_requirements"):
            if name in include:
                rendered[name] = (
                    orjson.Fragment(evaluation.wire_json(name))
                    if encoded
                    else evaluation.wire[name]
                )
    return rendered


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
    name: str, config: Mapping[str, Any], evaluation: Evaluation | StoredRequirements | None
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
