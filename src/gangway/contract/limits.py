"""The longest string each param accepts, for renderers (an input's ``maxlength``).

Why: a form should stop a person typing what the server will refuse, and the number it shows must
be the one the server enforces. So the limit is read from the same schema nodes and constants
``params.check`` compiles (``STRING_MAX``, a local schema's ``max_length``, metadata's 500), then
lowered where the field's own validator is tighter (a statement descriptor's 22 characters, a
country code's 2: ``core.field_checks.max_lengths``, the table that picks those validators). An
enum's limit is its longest value.

Paths are dotted, as the schemas are: ``identity.individual.address.line1``. List items are
transparent (``identity.individual.nationalities`` and ``...nationalities.0`` name the same
string), and a metadata key names a metadata value (``metadata.order_id``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from gangway.contract import load
from gangway.contract.rules import METADATA_VALUE_MAX, STRING_MAX
from gangway.core.field_checks import max_lengths

__all__ = ["max_length"]

_PERSON_FAMILY = ("PersonCreateParams", "PersonUpdateParams")
_VALIDATED = frozenset({"AccountCreateParams", "AccountUpdateParams", *_PERSON_FAMILY})


@functools.cache
def max_length(params_name: str, dotted_path: str) -> int | None:
    """The most characters the param at ``dotted_path`` of ``params_name`` accepts, or ``None``
    when it is not a string (an object, integer, boolean, decimal string).

    Raises ``KeyError`` for an unknown schema or a path the schema does not have: a renderer
    asking about a field that is not a param is a bug to see, not a missing ``maxlength``.
    """
    node, where = _walk(params_name, dotted_path)
    if node is None:  # a metadata value
        return METADATA_VALUE_MAX
    if node["type"] != "string":
        return None
    limit: int = node.get("max_length", STRING_MAX)
    enum = node.get("enum")
    if enum:
        limit = min(limit, max(map(len, enum)))
    return min(limit, _tighter(params_name).get(where, limit))


def _walk(name: str, dotted_path: str) -> tuple[load.Node | None, str]:
    """The node at ``dotted_path`` (``None`` for a metadata value) and its path without list
    indices, the form the compiler and the validator tables use."""
    node = _items(load.params_node(name))
    where = ""
    parts = dotted_path.split(".") if dotted_path else []
    for index, part in enumerate(parts):
        if part == "*" or part.isdigit():
            if node.get("_was_array"):
                continue
            raise KeyError(f"{name}: {dotted_path!r} indexes {where or 'the root'}, not a list")
        kind = node["type"]
        if kind == "object":
            fields = {**node["fields"], **load.extension_at(name, where)}
            if part not in fields:
                raise KeyError(f"{name} has no param {'.'.join(parts[: index + 1])!r}")
            node = _items(fields[part])
            where = f"{where}.{part}" if where else part
        elif kind == "map" and where.rpartition(".")[2] == "metadata":
            if index != len(parts) - 1:
                raise KeyError(f"{name}: {dotted_path!r} goes inside a metadata value")
            return None, where
        elif kind == "map":
            node = _items(node["values"])
        else:
            raise KeyError(f"{name}: {dotted_path!r} goes inside a {kind} ({where})")
    return node, where


def _items(node: load.Node) -> load.Node:
    """Resolve a node; a list stands for its items (marked, so an index may follow)."""
    node = load.resolve(node)
    if node["type"] == "amount":
        return load.AMOUNT
    if node["type"] == "array":
        return {**_items(node["items"]), "_was_array": True}
    return node


@functools.cache
def _tighter(name: str) -> Mapping[str, int]:
    if name not in _VALIDATED:
        return {}
    return max_lengths(person=name in _PERSON_FAMILY)
