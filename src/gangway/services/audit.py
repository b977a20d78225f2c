"""Who did what, when and from where: every state-changing operator action is appended here,
in the same transaction as the change itself, so a change without its entry cannot commit."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from gangway.core.ids import new_id
from gangway.store.repos.audit import AuditEntry
from gangway.store.uow import UnitOfWork

__all__ = ["Actor", "cli_actor", "record"]


@dataclass(frozen=True)
class Actor:
    name: str
    """The operator's email, or ``cli:<user>`` for a command run on the server."""
    operator_id: str | None
    ip: str
    user_agent: str


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(name=f"cli:{user}", operator_id=None, ip="local", user_agent="gangway cli")


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    now_ms: int,
    platform_id: str | None = None,
    livemode: bool | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        id=new_id("audit"),
        at_ms=now_ms,
        actor=actor.name[:320],
        operator_id=actor.operator_id,
        action=action,
        platform_id=platform_id,
        livemode=livemode,
        target=target[:120] if target else None,
        ip=actor.ip[:64],
        user_agent=actor.user_agent[:400],
        detail=detail or {},
    )
    uow.audit.append(entry)
    return entry
