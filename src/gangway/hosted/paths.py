"""Param paths: the one way the form names, finds and places a value.

An input is named by the API's bracketed param path (``identity[individual][address][city]``),
so a validation error's ``param`` points straight at the input to mark. These helpers turn such
names into parts and walk or build nested params with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gangway.core.errors import param_path

__all__ = ["dotted", "lookup", "name", "place", "split"]

Part = str | int


def name(*parts: Part) -> str:
    """``name("identity", "individual", "id_numbers", 0)`` -> ``identity[individual][id_numbers][0]``."""
    return param_path(parts)


def split(bracketed: str) -> list[str]:
    """``a[b][0]`` -> ``["a", "b", "0"]``."""
    return bracketed.replace("]", "").split("[")


def dotted(key: str) -> list[str]:
    """``address.city`` -> ``["address", "city"]``."""
    return key.split(".")


def lookup(tree: Any, path: Sequence[Part]) -> Any:
    """The value at ``path`` in nested mappings and lists, or ``None``."""
    node = tree
    for part in path:
        if isinstance(node, Mapping):
            node = node.get(part if isinstance(part, str) else str(part))
        elif isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def place(tree: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """Set ``value`` at ``path``, creating the mappings on the way."""
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
