"""Operator roles: what each may do in the console. Pure, so every page and test asks here.

A viewer reads; a reviewer also decides verifications and uses test-mode controls; an admin
also manages event destinations, keys and operators. Live data is a separate grant
(``operators.live``): a role says what one may do, the grant says in which mode.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["ROLES", "Permission", "Role", "allows", "default_live"]

Role = Literal["viewer", "reviewer", "admin"]
Permission = Literal["read", "review", "manage"]
ROLES: tuple[Role, ...] = ("viewer", "reviewer", "admin")
_LEAST_ROLE: dict[Permission, Role] = {"read": "viewer", "review": "reviewer", "manage": "admin"}


def allows(role: str, permission: Permission) -> bool:
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(_LEAST_ROLE[permission])


def default_live(role: str) -> bool:
    """Admins see live data unless told otherwise; others only when granted."""
    return role == "admin"
