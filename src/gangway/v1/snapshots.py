"""What changed between two renderings of a v1 object: Stripe's ``previous_attributes``. Pure.

Stripe's rule, followed here: the changed top-level keys with their previous values; a nested
hash is reduced recursively to its changed keys, a list (or any other value) is given whole. A key
the object gained is given as null (it had no value before).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["previous_attributes"]


def previous_attributes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """``{}`` when nothing changed. One pass over both trees, comparing only where they differ:
    this runs in every write's transaction."""
    changed: dict[str, Any] = {}
    for key in before.keys() | after.keys():
        old = before.get(key)
        new = after.get(key)
        if old == new:
            continue
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            changed[key] = previous_attributes(old, new)
        else:
            changed[key] = old
    return changed
