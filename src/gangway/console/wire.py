"""Reading the account as the API renders it (``api.render.account``): the pieces more than one
console page shows, so each page lists capabilities and matches entries the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["capabilities", "person_of"]


def capabilities(wire: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(configuration, dotted capability, status object)`` for every requested capability,
    in the API's order."""
    out: list[tuple[str, str, dict[str, Any]]] = []

    def walk(name: str, node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if not isinstance(value, Mapping):
                continue
            if "status" in value:
                out.append((name, prefix + key, dict(value)))
            else:
                walk(name, value, prefix + key + ".")

    for name, config in (wire.get("configuration") or {}).items():
        if isinstance(config, Mapping):
            walk(name, config.get("capabilities") or {}, "")
    return out


def person_of(entry: Mapping[str, Any]) -> str | None:
    """The person a requirement entry is about, or None for the account itself."""
    reference = entry.get("reference") or {}
    return reference.get("resource") if reference.get("type") == "person" else None
