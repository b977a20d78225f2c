"""Read the generated contract files once, and hold the few hand-written additions to them.

Why a separate module: ``params``, ``query`` and ``shape`` all need the same data, and it must be
read from package data (``importlib.resources``) on first use rather than at import time, so that
importing the API layer stays free of I/O. The JSON files are produced by ``tools/gen_contract.py``
from the stripe SDK; the server itself never imports ``stripe``.

``EXTENSIONS`` lists the parameters Gangway accepts beyond what stripe 16.1.0's TypedDicts declare,
each for a documented reason. Keeping them here, by dotted path, means the generated files stay
a pure function of the SDK.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import orjson

__all__ = [
    "EXTENSIONS",
    "LIST_PARAMS",
    "Node",
    "extension_at",
    "params_names",
    "params_node",
    "resolve",
    "shape_names",
    "shape_node",
]

Node = Mapping[str, Any]

# Endpoints that paginate; each accepts the ``page`` token from ``next_page_url`` (reference 1.6:
# "page (string) The page token to navigate to next or previous batch"), which the SDK's params
# omit because the SDK never sets it itself.
LIST_PARAMS = (
    "AccountListParams",
    "EventDestinationListParams",
    "EventListParams",
    "PersonListParams",
)

_CONFIGURATIONS: Node = {
    "type": "array",
    "items": {"type": "string", "enum": ["customer", "merchant", "recipient"]},
}

# params name -> dotted path of the new field -> node.
EXTENSIONS: Mapping[str, Mapping[str, Node]] = {
    **{name: {"page": {"type": "string"}} for name in LIST_PARAMS},
    # Older SDKs and API versions send (and require) the configurations an account link onboards;
    # 16.1.0 dropped the field. Reference section 4 / fact 8: accept both.
    "AccountLinkCreateParams": {
        "use_case.account_onboarding.configurations": _CONFIGURATIONS,
        "use_case.account_update.configurations": _CONFIGURATIONS,
    },
}


@functools.cache
def _document(filename: str) -> Mapping[str, Any]:
    data = resources.files("gangway.api.contract").joinpath(filename).read_bytes()
    document: Mapping[str, Any] = orjson.loads(data)
    return document


def _params_doc() -> Mapping[str, Any]:
    return _document("params.json")


def _shapes_doc() -> Mapping[str, Any]:
    return _document("shapes.json")


def params_names() -> tuple[str, ...]:
    """Every params schema name, sorted."""
    return tuple(sorted(_params_doc()["params"]))


def shape_names() -> tuple[str, ...]:
    """Every response shape name, sorted (typed events appear as ``Event:<type>``)."""
    return tuple(sorted(_shapes_doc()["shapes"]))


def params_node(name: str) -> Node:
    """The root node of one params schema; ``KeyError`` names the schemas that do exist."""
    try:
        node: Node = _params_doc()["params"][name]
    except KeyError:
        raise KeyError(
            f"unknown params schema {name!r}; known: {', '.join(params_names())}"
        ) from None
    return node


def shape_node(name: str) -> Node:
    """The root node of one response shape; ``KeyError`` names the shapes that do exist."""
    try:
        node: Node = _shapes_doc()["shapes"][name]
    except KeyError:
        raise KeyError(f"unknown shape {name!r}; known: {', '.join(shape_names())}") from None
    return node


def resolve(node: Node, *, shapes: bool = False) -> Node:
    """Follow a ``{"$ref": name}`` into the defs, keeping the referring node's ``nullable``."""
    ref = node.get("$ref")
    if ref is None:
        return node
    defs = (_shapes_doc() if shapes else _params_doc())["defs"]
    target: Node = defs[ref]
    if node.get("nullable"):
        return {**target, "nullable": True}
    return target


def extension_at(name: str, dotted: str) -> dict[str, Node]:
    """Extra fields Gangway accepts on the object at ``dotted`` ("" for the root) of ``name``."""
    extras: dict[str, Node] = {}
    prefix = f"{dotted}." if dotted else ""
    for path, node in EXTENSIONS.get(name, {}).items():
        if path.startswith(prefix) and "." not in path[len(prefix) :]:
            extras[path[len(prefix) :]] = node
    return extras
