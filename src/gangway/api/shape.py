"""Project stored documents onto the SDK's response shapes.

Why: the SDK types every documented field of a v2 object, and integrations read them as
attributes, so a response must carry every field, ``null`` when unknown, and nothing internal.
Stored documents are sparse (only what was set) and may carry bookkeeping keys; ``render`` fills
the gaps with ``None`` and drops the extras, recursively, following ``gangway/contract/shapes.json``
(generated from stripe 16.1.0's classes by ``tools/gen_contract.py``).

Rules: every field of the shape is present; a list or map the SDK types as non-``Optional`` is
``[]`` or ``{}`` when nothing is stored (clients iterate it without a check); a nested object is rendered recursively when present
(``None`` stays ``None``); a list of objects is rendered element-wise; lists of scalars and maps
(``metadata``) are shallow-copied so the response never aliases the stored document;
``decimal_string`` fields (``percent_ownership``) are emitted as strings even when stored as
``Decimal``; the ``object`` field falls back to the shape's constant (``"v2.core.account"``).
A value of an unexpected type is passed through unchanged, so a storage bug shows up in tests
rather than being silently nulled.

Each shape is compiled once, at first use, into closures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from gangway.contract import load

__all__ = ["render", "shape_fields"]

Renderer = Callable[[Any], Any]


def _decimal_string(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(Decimal(str(value)), "f")
    return value


def _copy_list(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def _copy_map(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def _list_of(items: Renderer) -> Renderer:
    def render_list(value: Any) -> Any:
        if type(value) is not list and not isinstance(value, list | tuple):
            return value
        return list(map(items, value))  # items() passes None through

    return render_list


def _never_null(renderer: Renderer | None, empty: Callable[[], Any]) -> Renderer:
    """A required list or map: ``None`` (nothing stored) becomes an empty one."""

    def render_required(value: Any) -> Any:
        if value is None:
            return empty()
        return value if renderer is None else renderer(value)

    return render_required


def _object(fields: Mapping[str, Any]) -> Renderer:
    """One object's renderer, generated as a single dict display (like ``dataclasses`` does).

    A dict display with constant keys is markedly faster than a loop or comprehension over the
    field names, and this runs for every object of every response. Keys enter the source only
    through ``repr`` of strings, and the helpers through the namespace, so nothing is injectable.
    """
    namespace: dict[str, Any] = {"Mapping": Mapping}
    entries: list[str] = []
    for index, key in enumerate(sorted(fields)):
        node = load.resolve(fields[key], shapes=True)
        renderer = _compile(node)
        value = f"get({key!r})"
        if "const" in node:
            namespace[f"c{index}"] = node["const"]
            value = f"(c{index} if (v{index} := {value}) is None else v{index})"
        if renderer is not None:
            namespace[f"r{index}"] = renderer
            value = f"r{index}({value})"
        entries.append(f"{key!r}: {value}")
    source = (
        "def render_object(document):\n"
        "    if type(document) is not dict and not isinstance(document, Mapping):\n"
        "        return document\n"
        "    get = document.get\n"
        f"    return {{{', '.join(entries)}}}\n"
    )
    exec(source, namespace)
    compiled: Renderer = namespace["render_object"]
    return compiled


def _compile(node: load.Node) -> Renderer | None:
    """A renderer for ``node``, or ``None`` where the stored value is returned as is."""
    node = load.resolve(node, shapes=True)
    kind = node["kind"]
    if kind == "scalar":
        return _decimal_string if node["type"] == "decimal_string" else None
    if kind == "object":
        return _object(node["fields"])
    if kind == "list":
        items = _compile(node["items"])
        listed = _copy_list if items is None else _list_of(items)
        return listed if node.get("nullable") else _never_null(listed, list)
    if kind == "map":
        return _copy_map if node.get("nullable") else _never_null(_copy_map, dict)
    raise ValueError(f"unknown shape node kind {kind!r}")


@functools.cache
def _renderer(name: str) -> Renderer:
    renderer = _compile(load.shape_node(name))
    if renderer is None:
        raise ValueError(f"shape {name!r} is not an object")
    return renderer


@functools.cache
def _known_shapes() -> frozenset[str]:
    return frozenset(load.shape_names())


def render(name: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The full response body for ``document`` as the shape ``name`` (``"Account"``...).

    ``render("Event", doc)`` uses the typed shape ``Event:<doc["type"]>`` when the SDK has one
    (adding ``related_object`` and ``data``), and the base ``Event`` shape otherwise.
    """
    if name == "Event":
        event_type = document.get("type")
        if isinstance(event_type, str) and f"Event:{event_type}" in _known_shapes():
            name = f"Event:{event_type}"
    rendered: dict[str, Any] = _renderer(name)(document)
    return rendered


def shape_fields(name: str, dotted_path: str = "") -> tuple[str, ...]:
    """The sorted field names of the object at ``dotted_path`` in shape ``name``.

    ``shape_fields("Account", "identity.individual")``; lists are looked through, so
    ``"requirements.entries"`` names the fields of one entry. ``KeyError`` if the path does not
    lead to an object.
    """
    node = load.resolve(load.shape_node(name), shapes=True)
    for part in dotted_path.split(".") if dotted_path else ():
        while node["kind"] == "list":
            node = load.resolve(node["items"], shapes=True)
        if node["kind"] != "object" or part not in node["fields"]:
            raise KeyError(f"{name} has no object field at {dotted_path!r}")
        node = load.resolve(node["fields"][part], shapes=True)
    while node["kind"] == "list":
        node = load.resolve(node["items"], shapes=True)
    if node["kind"] != "object":
        raise KeyError(f"{name}.{dotted_path} is not an object")
    return tuple(sorted(node["fields"]))
