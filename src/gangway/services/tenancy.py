"""The operator's side: platforms, their secret keys and the admin tokens that manage them.

Shared by ``gangway platforms | keys | admin-tokens``, the admin API and the operator console, so
all refuse the same things with the same codes, and each change is audited (``actor``) in the
transaction that makes it. A secret is returned once, on creation, and never stored: a list
shows a key's id, platform, mode, ``sk_test_…abcd`` hint and times.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from gangway.core.clock import to_rfc3339
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.ids import new_id
from gangway.core.keys import new_admin_token, new_secret_key, shown_hint
from gangway.services import audit
from gangway.services.audit import Actor
from gangway.store.repos.admin_tokens import AdminTokenRecord
from gangway.store.repos.keys import KeyRecord, PlatformRecord
from gangway.store.uow import UnitOfWork

__all__ = [
    "Created",
    "create_admin_token",
    "create_key",
    "create_platform",
    "key_view",
    "list_admin_tokens",
    "list_keys",
    "list_platforms",
    "platform_view",
    "revoke_admin_token",
    "revoke_key",
    "token_view",
]

_MAX_NAME = 200


@dataclass(frozen=True)
class Created:
    """A new object and the secret that comes with it, shown this once."""

    view: dict[str, Any]
    secret: str


def create_platform(
    uow: UnitOfWork, *, name: str, now_ms: int, actor: Actor | None = None
) -> Created:
    """A platform and its first test key: a tenant can call the API at once."""
    name = name.strip()
    if not name:
        raise InvalidRequest("A platform needs a name.", code="parameter_missing", param="name")
    if len(name) > _MAX_NAME:
        raise InvalidRequest(
            f"A platform's name may have at most {_MAX_NAME} characters.",
            code="parameter_invalid_string_too_long",
            param="name",
        )
    platform_id = new_id("plat")
    uow.keys.add_platform(platform_id, name, now_ms)
    key = _add_key(uow, platform_id, livemode=False, now_ms=now_ms, actor=actor)
    if actor is not None:
        audit.record(
            uow,
            actor,
            "platform.created",
            now_ms=now_ms,
            platform_id=platform_id,
            target=platform_id,
            detail={"name": name},
        )
    platform = PlatformRecord(id=platform_id, name=name, created_ms=now_ms)
    return Created(view={**platform_view(platform), "secret_key": key.view}, secret=key.secret)


def list_platforms(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [platform_view(p) for p in uow.keys.platforms()]


def create_key(
    uow: UnitOfWork,
    *,
    platform_id: str | None,
    livemode: bool,
    now_ms: int,
    actor: Actor | None = None,
) -> Created:
    """A new key for ``platform_id``, or for the first platform when none is named."""
    if platform_id is None:
        platform_id = uow.keys.default_platform()
        if platform_id is None:
            raise NotFound("There is no platform yet.", code="resource_missing")
    elif uow.keys.platform(platform_id) is None:
        raise NotFound(
            f"No such platform: '{platform_id}'", code="resource_missing", param="platform"
        )
    return _add_key(uow, platform_id, livemode=livemode, now_ms=now_ms, actor=actor)


def list_keys(uow: UnitOfWork, *, platform_id: str | None = None) -> list[dict[str, Any]]:
    return [key_view(k) for k in uow.keys.keys(platform_id)]


def revoke_key(
    uow: UnitOfWork, key_id: str, *, now_ms: int, actor: Actor | None = None
) -> dict[str, Any]:
    """Revoked for good, from this transaction's commit on, in every process (each request
    checks its key in its own transaction). Revoking a revoked key changes nothing."""
    record = uow.keys.key(key_id)
    if record is None:
        raise NotFound(f"No such key: '{key_id}'", code="resource_missing", param="key")
    if record.revoked_ms is None:
        uow.keys.revoke(key_id, now_ms)
        record = replace(record, revoked_ms=now_ms)
        if actor is not None:
            audit.record(
                uow,
                actor,
                "key.revoked",
                now_ms=now_ms,
                platform_id=record.platform_id,
                livemode=record.livemode,
                target=key_id,
            )
    return key_view(record)


def create_admin_token(uow: UnitOfWork, *, now_ms: int, actor: Actor | None = None) -> Created:
    token = new_admin_token()
    token_id = new_id("admtok")
    uow.admin_tokens.add(token_id, token, now_ms)
    if actor is not None:
        audit.record(uow, actor, "admin_token.created", now_ms=now_ms, target=token_id)
    record = AdminTokenRecord(id=token_id, hint=token.hint, created_ms=now_ms, revoked_ms=None)
    return Created(view=token_view(record), secret=token.secret)


def list_admin_tokens(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [token_view(t) for t in uow.admin_tokens.all()]


def revoke_admin_token(
    uow: UnitOfWork, token_id: str, *, now_ms: int, actor: Actor | None = None
) -> dict[str, Any]:
    record = uow.admin_tokens.get(token_id)
    if record is None:
        raise NotFound(f"No such admin token: '{token_id}'", code="resource_missing")
    if record.revoked_ms is None:
        uow.admin_tokens.revoke(token_id, now_ms)
        record = replace(record, revoked_ms=now_ms)
        if actor is not None:
            audit.record(uow, actor, "admin_token.revoked", now_ms=now_ms, target=token_id)
    return token_view(record)


def _add_key(
    uow: UnitOfWork, platform_id: str, *, livemode: bool, now_ms: int, actor: Actor | None
) -> Created:
    key = new_secret_key(livemode=livemode)
    key_id = new_id("key")
    uow.keys.add_key(key_id, platform_id, key, now_ms)
    if actor is not None:
        audit.record(
            uow,
            actor,
            "key.created",
            now_ms=now_ms,
            platform_id=platform_id,
            livemode=livemode,
            target=key_id,
        )
    record = KeyRecord(
        id=key_id,
        platform_id=platform_id,
        livemode=livemode,
        hint=key.hint,
        created_ms=now_ms,
        revoked_ms=None,
    )
    return Created(view={**key_view(record), "secret": key.secret}, secret=key.secret)


def platform_view(platform: PlatformRecord) -> dict[str, Any]:
    return {"id": platform.id, "name": platform.name, "created": _iso(platform.created_ms)}


def key_view(key: KeyRecord) -> dict[str, Any]:
    return {
        "id": key.id,
        "platform": key.platform_id,
        "livemode": key.livemode,
        "hint": shown_hint(livemode=key.livemode, hint=key.hint),
        "created": _iso(key.created_ms),
        "revoked": _iso(key.revoked_ms) if key.revoked_ms is not None else None,
    }


def token_view(token: AdminTokenRecord) -> dict[str, Any]:
    return {
        "id": token.id,
        "hint": f"gwadmin_…{token.hint}",
        "created": _iso(token.created_ms),
        "revoked": _iso(token.revoked_ms) if token.revoked_ms is not None else None,
    }


def _iso(ms: int) -> str:
    return to_rfc3339(ms)
