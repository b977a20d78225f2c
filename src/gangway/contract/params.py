"""Validate a params dict against the SDK-derived params schema, fast.

Why: every create and update must reject what Stripe would reject (an unknown parameter, a missing
required one, a wrong type, a value outside an enum, a string over 5000 characters) with Stripe's
error envelope, before any domain code runs, whoever the writer is: the services call ``check``
before their first repository access, so the API, the hosted form and the CLI meet the same
rules (the API edge only checks the bodies of the routes whose service does not take params).
The schemas come from ``params.json`` (generated from stripe 16.1.0 by ``tools/gen_contract.py``)
and ``load.LOCAL_PARAMS``; each is compiled once into nested closures, and failures travel up as
a light internal exception that collects the location only when something is wrong, so the
success path allocates almost nothing.

Errors are ``InvalidRequest`` with ``param`` the bracketed path
(``identity[individual][given_name]``). The first error wins, in a deterministic order: at each
object, unknown keys (smallest first), then missing required keys (sorted), then the present keys'
values in sorted key order, depth first. Codes:

=====================================  ===========================================================
``parameter_unknown``                  Stripe-documented. A key the schema does not have.
``parameter_missing``                  Stripe-documented. A required key is absent.
``parameter_invalid_string_empty``     Stripe-documented. ``""`` (or an empty metadata key).
``parameter_invalid_string_blank``     Stripe-documented. A string of only whitespace.
``parameter_invalid_integer``          Stripe-documented. Not an integer, or out of range.
``parameter_invalid_empty``            Stripe-documented ("required values were not provided"):
                                       ``null`` where the SDK's type is not ``Optional``.
``parameter_invalid_type``             Gangway. Any other wrong JSON type (string, boolean,
                                       object, array, decimal string), or a body that is not an
                                       object.
``parameter_invalid_enum``             Gangway. A string outside the SDK's ``Literal`` values
                                       (open enums, ``Literal[...] | str``, are enforced too:
                                       the server implements exactly this SDK's vocabulary).
``parameter_invalid_string_too_long``  Gangway. Longer than 5000 characters (less for a few
                                       fields of Gangway's own schemas, ``load.LOCAL_PARAMS``).
``parameter_invalid_array_too_long``   Gangway. More than 100 items (20 for event ``types``).
``parameter_invalid_map_too_large``    Gangway. A non-metadata map with more than 100 keys.
``metadata_too_many_keys``             Gangway. More than 50 metadata keys.
``metadata_key_too_long``              Gangway. A metadata key over 40 characters.
``metadata_value_too_long``            Gangway. A metadata value over 500 characters.
=====================================  ===========================================================

Stripe's documented list (docs.stripe.com/error-codes, mirrored in stripe-go's generated
``ErrorCode`` constants) has no codes for the Gangway ones; they follow its naming.
"""

from __future__ import annotations

from typing import Any, Final

from gangway.contract import load
from gangway.contract.rules import (
    ARRAY_MAX_ITEMS,
    INTEGER_MAX,
    INTEGER_MIN,
    METADATA_KEY_MAX,
    METADATA_MAX_KEYS,
    METADATA_VALUE_MAX,
    STRING_MAX,
    Problem,
    Validator,
    any_rule,
    array_rule,
    boolean_rule,
    decimal_rule,
    integer_rule,
    map_rule,
    metadata_rule,
    object_rule,
    string_rule,
)
from gangway.core.errors import InvalidRequest, param_path

__all__ = [
    "ARRAY_MAX_ITEMS",
    "INTEGER_MAX",
    "INTEGER_MIN",
    "METADATA_KEY_MAX",
    "METADATA_MAX_KEYS",
    "METADATA_VALUE_MAX",
    "STRING_MAX",
    "check",
    "expect_object",
]

# (params name, dotted path) -> limit, where the SDK's docstrings or Stripe's list conventions
# say more than the type does.
_ARRAY_LIMITS: Final[dict[tuple[str, str], int]] = {("EventListParams", "types"): 20}
_INTEGER_RANGES: Final[dict[tuple[str, str], tuple[int, int]]] = {
    (name, "limit"): (1, 100) for name in load.LIST_PARAMS
}

# --------------------------------------------------------------------------- compilation


def _compile(name: str, node: load.Node, dotted: str) -> Validator:
    """One schema node to a closure; ``dotted`` locates it for extensions and limit overrides."""
    node = load.resolve(node)
    kind = node["type"]
    nullable = bool(node.get("nullable"))
    if kind == "amount":
        return _compile(name, {**load.AMOUNT, "nullable": nullable}, dotted)
    if kind == "object":
        specs = {**node["fields"], **load.extension_at(name, dotted)}
        prefix = f"{dotted}." if dotted else ""
        fields = {key: _compile(name, spec, prefix + key) for key, spec in specs.items()}
        return object_rule(fields, node.get("required", ()), nullable)
    if kind == "string":
        return string_rule(node.get("enum"), nullable, node.get("max_length", STRING_MAX))
    if kind == "integer":
        low, high = _INTEGER_RANGES.get((name, dotted), (INTEGER_MIN, INTEGER_MAX))
        return integer_rule(low, high, nullable)
    if kind == "boolean":
        return boolean_rule(nullable)
    if kind == "decimal_string":
        return decimal_rule(nullable)
    if kind == "array":
        limit = _ARRAY_LIMITS.get((name, dotted), ARRAY_MAX_ITEMS)
        return array_rule(_compile(name, node["items"], dotted), limit, nullable)
    if kind == "map":
        values = load.resolve(node["values"])
        if values["type"] != "string":
            raise NotImplementedError(f"{name}.{dotted}: only string maps are supported")
        if dotted.rpartition(".")[2] == "metadata":
            return metadata_rule(bool(values.get("nullable")), nullable)
        return map_rule(_compile(name, values, dotted), nullable)
    if kind == "any":
        return any_rule
    raise ValueError(f"{name}.{dotted}: unknown schema node type {kind!r}")


_VALIDATORS: dict[str, Validator] = {}


def _validator(name: str) -> Validator:
    validator = _VALIDATORS.get(name)
    if validator is None:
        validator = _VALIDATORS[name] = _compile(name, load.params_node(name), "")
    return validator


def check(name: str, body: object, *, path: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """Validate ``body`` against the params schema ``name`` and return it.

    The result is ``body`` itself unless a decimal string needed normalising, in which case the
    changed containers are copies; nothing else is altered. ``path`` prefixes every error's
    ``param`` when ``body`` sits inside a larger request. Raises ``InvalidRequest``; an unknown
    ``name`` is a programming error and raises ``KeyError``.
    """
    validate = _validator(name)
    if not isinstance(body, dict):
        raise _not_an_object(path)
    try:
        result: dict[str, Any] = validate(body)
    except Problem as problem:
        param = param_path((*path, *reversed(problem.parts)))
        message = problem.template.format(param=param or "request body", detail=problem.detail)
        raise InvalidRequest(message, code=problem.code, param=param or None) from None
    return result


def expect_object(body: object) -> dict[str, Any]:
    """``body`` if it is a JSON object, else the error ``check`` gives for it: for an edge that
    leaves the rest of the check to the service it calls."""
    if not isinstance(body, dict):
        raise _not_an_object(())
    return body


def _not_an_object(path: tuple[str | int, ...]) -> InvalidRequest:
    param = param_path(path)
    where = param or "request body"
    return InvalidRequest(
        f"Invalid {where}: expected a JSON object",
        code="parameter_invalid_type",
        param=param or None,
    )
