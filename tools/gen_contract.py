"""Derive Gangway's wire contract from the installed ``stripe`` SDK (a dev tool, run by hand).

Why: the request params and response objects of Stripe's v2 Core API are spelled out, field by
field, in the SDK's TypedDicts and StripeObject classes. Hand-copying them drifts; reading them
with ``typing.get_type_hints`` does not. This tool writes two JSON files that the server loads at
run time (the server never imports ``stripe``):

* ``src/gangway/contract/params.json``: one schema per request-params TypedDict.
* ``src/gangway/contract/shapes.json``: the response shape of each v2 core object.

Usage::

    .venv/bin/python tools/gen_contract.py          # rewrite both files
    .venv/bin/python tools/gen_contract.py --check  # exit 1 if the committed files are stale

``tests/unit/contract/test_contract_in_sync.py`` runs the same builders in memory, so an SDK
bump shows up as a failing test.

Params node kinds (``"type"``): ``object`` (``fields``, ``required``), ``string`` (optional
``enum``; ``open_enum`` when the SDK types it ``Literal[...] | str``), ``integer``, ``boolean``,
``decimal_string``, ``amount`` (``{value: int, currency: str}``), ``array`` (``items``), ``map``
(string keys, ``values`` node), ``any``. ``nullable: true`` marks ``Optional``. Object schemas that
occur more than once are stored once under ``defs`` and referenced as ``{"$ref": name}``.

Shape node kinds (``"kind"``): ``scalar`` (``type``: string/integer/boolean/decimal_string/any),
``object`` (``fields``), ``list`` (``items``), ``map`` (``values``); ``nullable`` as above, and
``const`` on the ``object`` discriminator field.
"""

from __future__ import annotations

import argparse
import decimal
import inspect
import json
import sys
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal, Union, get_args, get_origin, get_type_hints

import typing_extensions

SDK_VERSION = "16.1.0"
ROOT = Path(__file__).resolve().parent.parent
CONTRACT_DIR = ROOT / "src" / "gangway" / "contract"
PARAMS_FILE = CONTRACT_DIR / "params.json"
SHAPES_FILE = CONTRACT_DIR / "shapes.json"

# fmt: off
# From stripe.params.v2.core, stripe.params.v2.core.accounts and stripe.v2.core respectively.
CORE_PARAMS = (
    "AccountCreateParams", "AccountUpdateParams", "AccountRetrieveParams", "AccountListParams",
    "AccountCloseParams", "AccountLinkCreateParams", "AccountTokenCreateParams", "EventListParams",
    "EventRetrieveParams", "EventDestinationCreateParams", "EventDestinationUpdateParams",
    "EventDestinationListParams", "EventDestinationRetrieveParams", "EventDestinationEnableParams",
    "EventDestinationDisableParams", "EventDestinationPingParams", "EventDestinationDeleteParams",
)
ACCOUNTS_PARAMS = (
    "PersonCreateParams", "PersonUpdateParams", "PersonListParams", "PersonTokenCreateParams",
)
SHAPE_MODELS = (
    "Account", "AccountLink", "AccountPerson", "AccountPersonToken", "AccountToken", "Event",
    "EventDestination",
)
# fmt: on
# Typed Event subclasses (chosen by ``type``) whose extra fields (related_object, data) the
# server emits; stored as ``Event:<type>``.
EVENT_TYPE_PREFIXES = ("v2.core.account", "v2.core.event_destination")
EVENT_EXTRAS = ("data", "related_object")

Node = dict[str, Any]
_NONE = type(None)
_OPTIONAL_WRAPPERS = {typing.NotRequired, typing.Required}
_OPTIONAL_WRAPPERS |= {typing_extensions.NotRequired, typing_extensions.Required}
_LITERALS = {Literal, typing_extensions.Literal}


def header() -> dict[str, str]:
    """The banner every generated file starts with, so nobody edits it by hand."""
    return {
        "generated_by": "tools/gen_contract.py",
        "source": f"stripe=={SDK_VERSION}",
        "note": "Generated file; do not edit. Regenerate: .venv/bin/python tools/gen_contract.py",
    }


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _string_node(args: tuple[Any, ...]) -> Node | None:
    """``Literal[...]``, ``str`` and unions of them become one string node (None otherwise)."""
    values: set[str] = set()
    open_enum = False
    for arg in args:
        if arg is str:
            open_enum = True
        elif get_origin(arg) in _LITERALS:
            values.update(get_args(arg))
        else:
            return None
    if not all(isinstance(v, str) for v in values):
        return None
    node: Node = {"type": "string"}
    if values:
        node["enum"] = sorted(values)
        if open_enum:
            node["open_enum"] = True
    return node


# --------------------------------------------------------------------------- request params


class _ParamsBuilder:
    """Turns TypedDict annotations into params nodes (``_name`` is a naming hint for defs)."""

    def __init__(self) -> None:
        from stripe.v2._amount import AmountParam

        self.amount_param = AmountParam

    def typeddict(self, td: type) -> Node:
        hints = get_type_hints(td, include_extras=True)
        required = set(td.__required_keys__)  # type: ignore[attr-defined]
        fields: Node = {}
        for name, hint in hints.items():
            if name.startswith("_"):  # private keys are the generator's own hints
                raise TypeError(f"{td.__name__}.{name}: leading underscore not supported")
            wrapper = get_origin(hint)
            if wrapper in _OPTIONAL_WRAPPERS:
                marked_required = wrapper in (typing.Required, typing_extensions.Required)
                if marked_required != (name in required):
                    raise TypeError(f"{td.__name__}.{name}: __required_keys__ disagrees")
            fields[name] = self.convert(hint, where=f"{td.__name__}.{name}")
        node: Node = {"type": "object", "fields": fields, "_name": td.__name__}
        if required:
            node["required"] = sorted(required)
        return node

    def convert(self, tp: Any, *, where: str) -> Node:
        origin = get_origin(tp)
        if origin in _OPTIONAL_WRAPPERS or origin is typing.Annotated:
            return self.convert(get_args(tp)[0], where=where)
        if tp is self.amount_param:
            return {"type": "amount"}
        if typing_extensions.is_typeddict(tp):
            return self.typeddict(tp)
        if _is_union(tp) or origin in _LITERALS or tp is str:
            return self._union(tp, where=where)
        simple = {bool: "boolean", int: "integer", decimal.Decimal: "decimal_string", Any: "any"}
        if tp in simple:
            return {"type": simple[tp]}
        if origin is list:
            return {"type": "array", "items": self.convert(get_args(tp)[0], where=where)}
        if origin is dict:
            key_tp, value_tp = get_args(tp)
            if key_tp is not str:
                raise TypeError(f"{where}: map keys must be str, got {key_tp!r}")
            return {"type": "map", "values": self.convert(value_tp, where=where)}
        if _is_untyped_stripe_object(origin):
            return {"type": "map", "values": self.convert(get_args(tp)[0], where=where)}
        raise TypeError(f"{where}: unsupported annotation {tp!r}")

    def _union(self, tp: Any, *, where: str) -> Node:
        args = get_args(tp) if _is_union(tp) else (tp,)
        nullable = _NONE in args
        rest = tuple(a for a in args if a is not _NONE)
        node = _string_node(rest)
        if node is None:
            # ``Dict[str, X] | UntypedStripeObject[X]``: the dict spelling is the wire type.
            dicts = [a for a in rest if get_origin(a) is dict]
            others = [a for a in rest if get_origin(a) is not dict]
            if dicts and all(_is_untyped_stripe_object(get_origin(a)) for a in others):
                node = self.convert(dicts[0], where=where)
            elif len(rest) == 1:
                node = self.convert(rest[0], where=where)
            else:
                raise TypeError(f"{where}: unsupported union {tp!r}")
        if nullable:
            node["nullable"] = True
        return node


def _is_untyped_stripe_object(origin: Any) -> bool:
    from stripe._stripe_object import UntypedStripeObject

    return origin is UntypedStripeObject


def build_params() -> dict[str, Any]:
    """The params document: header, shared ``defs`` and one schema per params name."""
    import stripe.params.v2.core as core
    import stripe.params.v2.core.accounts as accounts

    builder = _ParamsBuilder()
    roots: dict[str, Node] = {}
    for name in CORE_PARAMS:
        roots[name] = builder.typeddict(getattr(core, name))
    for name in ACCOUNTS_PARAMS:
        roots[name] = builder.typeddict(getattr(accounts, name))
    defs, roots = _deduplicate(roots, kind_key="type")
    return {"_generated": header(), "defs": defs, "params": roots}


# --------------------------------------------------------------------------- response shapes


class _ShapeBuilder:
    """Turns StripeObject class annotations into shape nodes, noting SDK oddities on the way."""

    def __init__(self) -> None:
        from stripe._stripe_object import StripeObject

        self.base = StripeObject
        self.notes: list[str] = []

    def model(self, cls: type, *, label: str) -> Node:
        hints = get_type_hints(cls, include_extras=True)
        own: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            if isinstance(klass, type) and issubclass(klass, self.base) and klass is not self.base:
                for name in inspect.get_annotations(klass):
                    if not name.startswith("_"):
                        own[name] = hints[name]
        encodings: dict[str, str] = getattr(cls, "_field_encodings", {})
        inner: dict[str, type] = getattr(cls, "_inner_class_types", {})
        fields: Node = {}
        for name in sorted(own):
            hint = own[name]
            if get_origin(hint) is ClassVar:
                continue
            node = self.convert(hint, where=f"{label}.{name}")
            if name in encodings:
                node = self._encode(node, encodings[name], where=f"{label}.{name}")
            literal = node.pop("_literal", None)
            if name == "object" and literal is not None:
                node["const"] = literal
            # Typed events convert ``data`` in _construct_from and leave related_object generic.
            if self._names_object(hint) and name not in inner and name not in EVENT_EXTRAS:
                self.notes.append(f"{label}.{name}: object type but not in _inner_class_types")
            fields[name] = node
        return {"kind": "object", "fields": fields, "_name": label}

    def _encode(self, node: Node, encoding: str, *, where: str) -> Node:
        if node.get("kind") != "scalar":
            raise TypeError(f"{where}: field encoding {encoding} on a non-scalar")
        if node["type"] != encoding:
            self.notes.append(f"{where}: annotated {node['type']}, encoded as {encoding}")
        node["type"] = encoding
        return node

    def _names_object(self, hint: Any) -> bool:
        stack = [hint]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, self.base) and get_origin(tp) is None:
                return not _is_untyped_stripe_object(tp)
            stack.extend(get_args(tp))
        return False

    def convert(self, tp: Any, *, where: str) -> Node:
        origin = get_origin(tp)
        if _is_union(tp) or origin in _LITERALS or tp is str:
            args = get_args(tp) if _is_union(tp) else (tp,)
            rest = tuple(a for a in args if a is not _NONE)
            node = _string_node(rest)
            if node is None:
                if len(rest) != 1:
                    raise TypeError(f"{where}: unsupported union {tp!r}")
                node = self.convert(rest[0], where=where)
            else:
                # Enums are the server's business, not the renderer's: keep only a lone literal
                # (``object: Literal["v2.core.account"]``) so model() can turn it into ``const``.
                enum = node.pop("enum", [])
                if len(enum) == 1 and not node.pop("open_enum", False):
                    node["_literal"] = enum[0]
                node.pop("open_enum", None)
                node = {"kind": "scalar", **node}
            if _NONE in args:
                node["nullable"] = True
            return node
        simple = {bool: "boolean", int: "integer", decimal.Decimal: "decimal_string", Any: "any"}
        if tp in simple:
            return {"kind": "scalar", "type": simple[tp]}
        if origin is list:
            return {"kind": "list", "items": self.convert(get_args(tp)[0], where=where)}
        if _is_untyped_stripe_object(origin):
            return {"kind": "map", "values": self.convert(get_args(tp)[0], where=where)}
        if isinstance(tp, type) and issubclass(tp, self.base):
            return self.model(tp, label=tp.__qualname__)
        raise TypeError(f"{where}: unsupported annotation {tp!r}")


def _event_classes() -> Iterator[tuple[str, type]]:
    from stripe.events._event_classes import _V2_EVENT_CLASS_LOOKUP, get_v2_event_class

    for event_type in sorted(_V2_EVENT_CLASS_LOOKUP):
        if event_type.startswith(EVENT_TYPE_PREFIXES):
            yield event_type, get_v2_event_class(event_type)


def build_shapes(notes: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The shapes document: header, shared ``defs`` and one shape per response model.

    ``notes`` receives remarks about the SDK's types that are legal but worth a human look
    (an object-typed field the SDK would not convert, an encoding that overrides the annotation).
    """
    import stripe.v2.core as models

    builder = _ShapeBuilder()
    roots: dict[str, Node] = {}
    for name in SHAPE_MODELS:
        roots[name] = builder.model(getattr(models, name), label=name)
    for event_type, cls in _event_classes():
        roots[f"Event:{event_type}"] = builder.model(cls, label=cls.__qualname__)
    defs, roots = _deduplicate(roots, kind_key="kind")
    if notes is not None:
        for note in sorted(set(builder.notes)):
            notes(note)
    return {"_generated": header(), "defs": defs, "shapes": roots}


# --------------------------------------------------------------------------- shared plumbing


def _strip(node: Any, *, top: bool = True) -> Any:
    """The node without private hints, nor its own nullability: the key equal sub-schemas share.

    Nullability belongs to the field that holds the object, so it stays on the ``$ref``; the
    nullability of the object's own fields is part of its structure and is kept.
    """
    if isinstance(node, dict):
        return {
            k: _strip(v, top=False)
            for k, v in node.items()
            if not k.startswith("_") and not (top and k == "nullable")
        }
    if isinstance(node, list):
        return [_strip(v, top=False) for v in node]
    return node


def _deduplicate(
    roots: dict[str, Node], *, kind_key: str
) -> tuple[dict[str, Node], dict[str, Node]]:
    """Store every object sub-schema that occurs twice or more once, in ``defs``.

    Occurrences are counted structurally; a def is named after its first occurrence in a
    deterministic walk (roots in declaration order, fields sorted), with a numeric suffix on the
    rare clash. Top-level schemas stay inline so a reader finds each one under its own name.
    """
    counts: dict[str, int] = {}
    first_name: dict[str, str] = {}

    def visit(node: Any, top: bool) -> None:
        if not isinstance(node, dict):
            return
        if node.get(kind_key) == "object" and not top:
            key = json.dumps(_strip(node), sort_keys=True)
            counts[key] = counts.get(key, 0) + 1
            first_name.setdefault(key, node["_name"])
        for name in sorted(node):
            if not name.startswith("_"):
                visit(node[name], False)

    for root in roots.values():
        visit(root, True)

    names: dict[str, str] = {}
    for key, count in counts.items():
        if count > 1:
            base = first_name[key]
            name, n = base, 1
            while name in names.values():
                n += 1
                name = f"{base}_{n}"
            names[key] = name

    defs: dict[str, Node] = {}

    def rewrite(node: Any, top: bool) -> Any:
        if isinstance(node, list):
            return [rewrite(v, False) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: rewrite(v, False) for k, v in node.items() if not k.startswith("_")}
        if node.get(kind_key) == "object" and not top:
            key = json.dumps(_strip(node), sort_keys=True)
            if key in names:
                name = names[key]
                body = {k: v for k, v in out.items() if k != "nullable"}
                defs.setdefault(name, body)
                ref: Node = {"$ref": name}
                if node.get("nullable"):
                    ref["nullable"] = True
                return ref
        return out

    new_roots = {name: rewrite(root, True) for name, root in roots.items()}
    return defs, new_roots


def dumps(document: dict[str, Any]) -> str:
    """Deterministic JSON text: sorted keys, one space indent, trailing newline."""
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _check_sdk_version() -> None:
    import stripe

    if stripe.VERSION != SDK_VERSION:
        raise SystemExit(f"stripe=={stripe.VERSION} installed; this tool targets {SDK_VERSION}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    args = parser.parse_args(argv)
    _check_sdk_version()
    outputs = {
        PARAMS_FILE: dumps(build_params()),
        SHAPES_FILE: dumps(build_shapes(notes=lambda n: print(f"note: {n}", file=sys.stderr))),
    }
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
