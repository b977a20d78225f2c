"""Read the generated contract files once, and hold the few hand-written additions to them.

Why a separate module: ``params``, ``coerce``, ``limits`` and the API's ``shape`` all need the
same data, and it must be read from package data (``importlib.resources``) on first use rather
than at import time, so that importing the services or the API layer stays free of I/O. The JSON
files are produced by ``tools/gen_contract.py`` from the stripe SDK; the server itself never
imports ``stripe``.

``EXTENSIONS`` lists the parameters Gangway accepts beyond what stripe 16.1.0's TypedDicts declare,
each for a documented reason. Keeping them here, by dotted path, means the generated files stay
a pure function of the SDK.

``LOCAL_PARAMS`` holds Gangway's own schemas, for writes the SDK has no params for, in the same
node language plus one key the generated files never use: ``max_length`` on a string node, for a
field tighter than the 5000 characters every SDK string gets.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import orjson

__all__ = [
    "AMOUNT",
    "EXTENSIONS",
    "EXTERNAL_ACCOUNT",
    "LIST_PARAMS",
    "LOCAL_PARAMS",
    "Node",
    "extension_at",
    "params_names",
    "params_node",
    "resolve",
    "shape_names",
    "shape_node",
]

Node = Mapping[str, Any]

# What an ``{"type": "amount"}`` node (the SDK's ``AmountParam``) stands for.
AMOUNT: Node = {
    "type": "object",
    "fields": {"currency": {"type": "string"}, "value": {"type": "integer"}},
    "required": ["currency", "value"],
}

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


# The payout bank account (``accounts.set_external_account``), which only the hosted form collects:
# v2 Accounts has no field for it. The form's bank validators normalise the identifiers first, so
# the tighter limits are those of the normalised forms: an IBAN is at most 34 characters
# (ISO 13616), as is an account number (``validation.banks``). Stripe documents no limit for the
# holder's name or a non-US routing number, so they get the 5000 of every other string.
EXTERNAL_ACCOUNT = "ExternalAccountParams"
_BANK_ACCOUNT: Node = {
    "type": "object",
    "fields": {
        "object": {"type": "string", "enum": ["bank_account"]},
        "country": {"type": "string", "max_length": 2},
        "account_holder_name": {"type": "string"},
        "iban": {"type": "string", "max_length": 34},
        "routing_number": {"type": "string"},
        "account_number": {"type": "string", "max_length": 34},
        "last4": {"type": "string", "max_length": 4},
    },
    "required": ["account_holder_name", "country", "object"],
}
LOCAL_PARAMS: Mapping[str, Node] = {EXTERNAL_ACCOUNT: _BANK_ACCOUNT}


@functools.cache
def _document(filename: str) -> Mapping[str, Any]:
    data = resources.files("gangway.contract").joinpath(filename).read_bytes()
    document: Mapping[str, Any] = orjson.loads(data)
    return document


def _params_doc() -> Mapping[str, Any]:
    return _document("params.json")


def _shapes_doc() -> Mapping[str, Any]:
    return _document("shapes.json")


def params_names() -> tuple[str, ...]:
    """Every params schema derived from the SDK, sorted (``LOCAL_PARAMS`` are not among them)."""
    return tuple(sorted(_params_doc()["params"]))


def shape_names() -> tuple[str, ...]:
    """Every response shape name, sorted (typed events appear as ``Event:<type>``)."""
    return tuple(sorted(_shapes_doc()["shapes"]))


def params_node(name: str) -> Node:
    """The root node of one params schema (SDK-derived or local); ``KeyError`` names the schemas
    that do exist."""
    local = LOCAL_PARAMS.get(name)
    if local is not None:
        return local
    try:
        node: Node = _params_doc()["params"][name]
    except KeyError:
        raise KeyError(
            f"unknown params schema {name!r}; known: {', '.join((*params_names(), *LOCAL_PARAMS))}"
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
