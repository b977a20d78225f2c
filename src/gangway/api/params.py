"""Validate a decoded request body against the SDK-derived params schema, fast.

Why: every create and update must reject what Stripe would reject (an unknown parameter, a missing
required one, a wrong type, a value outside an enum) with Stripe's error envelope, before any
domain code runs. The schemas come from ``contract/params.json`` (generated from stripe 16.1.0 by
``tools/gen_contract.py``); each is compiled once into nested closures, and failures travel up as a
light internal exception that collects the location only when something is wrong, so the success
path allocates almost nothing.

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
``parameter_invalid_string_too_long``  Gangway. Longer than 5000 characters.
``parameter_invalid_array_too_long``   Gangway. More than 100 items (20 for event ``types``).
``metadata_too_many_keys``             Gangway. More than 50 metadata keys.
``metadata_key_too_long``              Gangway. A metadata key over 40 characters.
``metadata_value_too_long``            Gangway. A metadata value over 500 characters.
=====================================  ===========================================================

Stripe's documented list (docs.stripe.com/error-codes, mirrored in stripe-go's generated
``ErrorCode`` constants) has no codes for the Gangway ones; they follow its naming.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Final

from gangway.api.contract import load
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
]

STRING_MAX: Final = 5000
ARRAY_MAX_ITEMS: Final = 100
METADATA_MAX_KEYS: Final = 50
METADATA_KEY_MAX: Final = 40
METADATA_VALUE_MAX: Final = 500
INTEGER_MIN: Final = -(2**63)
INTEGER_MAX: Final = 2**63 - 1
_DECIMAL_MAX_CHARS: Final = 64

# (params name, dotted path) -> limit, where the SDK's docstrings or Stripe's list conventions
# say more than the type does.
_ARRAY_LIMITS: Final[dict[tuple[str, str], int]] = {("EventListParams", "types"): 20}
_INTEGER_RANGES: Final[dict[tuple[str, str], tuple[int, int]]] = {
    (name, "limit"): (1, 100) for name in load.LIST_PARAMS
}

_DECIMAL_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")

Validator = Callable[[Any], Any]


class _Problem(Exception):
    """Internal: a failure travelling up the closures; ``parts`` is the location, innermost first."""

    def __init__(self, code: str, template: str, detail: str = "", *parts: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.template = template
        self.detail = detail
        self.parts: list[str | int] = list(parts)


_NOT_A: Final = {
    "string": ("parameter_invalid_type", "Invalid string: {param} must be a string"),
    "integer": ("parameter_invalid_integer", "Invalid integer: {param} must be an integer"),
    "boolean": ("parameter_invalid_type", "Invalid boolean: {param} must be true or false"),
    "object": ("parameter_invalid_type", "Invalid object: {param} must be an object"),
    "array": ("parameter_invalid_type", "Invalid array: {param} must be an array"),
    "map": ("parameter_invalid_type", "Invalid object: {param} must be an object of strings"),
    "decimal": (
        "parameter_invalid_type",
        'Invalid decimal: {param} must be a decimal string such as "25.5"',
    ),
}


def _wrong(value: object, kind: str) -> _Problem:
    """The error for a value of the wrong JSON type (``null`` gets its own code)."""
    if value is None:
        return _Problem(
            "parameter_invalid_empty",
            "Invalid {param}: null is not allowed here; omit the parameter or supply a value",
        )
    code, template = _NOT_A[kind]
    return _Problem(code, template)


# --------------------------------------------------------------------------- leaf validators


def _string(enum: Sequence[str] | None, nullable: bool) -> Validator:
    allowed = frozenset(enum) if enum else None
    choices = ", ".join(enum) if enum else ""

    def check_string(value: Any) -> Any:
        if not isinstance(value, str):
            if value is None and nullable:
                return None
            raise _wrong(value, "string")
        if not value:
            raise _Problem(
                "parameter_invalid_string_empty",
                "You passed an empty string for {param}; omit it or supply a value",
            )
        if len(value) > STRING_MAX:
            raise _Problem(
                "parameter_invalid_string_too_long",
                "Invalid string: {param} must be at most {detail} characters",
                str(STRING_MAX),
            )
        if allowed is not None:
            if value not in allowed:
                raise _Problem(
                    "parameter_invalid_enum", "Invalid {param}: must be one of {detail}", choices
                )
        elif value.isspace():
            raise _Problem(
                "parameter_invalid_string_blank",
                "Invalid {param}: must contain more than whitespace",
            )
        return value

    return check_string


def _integer(low: int, high: int, nullable: bool) -> Validator:
    bounds = f"{low} and {high}"

    def check_integer(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            if value is None and nullable:
                return None
            raise _wrong(value, "integer")
        if value < low or value > high:
            raise _Problem(
                "parameter_invalid_integer",
                "Invalid integer: {param} must be between {detail}",
                bounds,
            )
        return value

    return check_integer


def _boolean(nullable: bool) -> Validator:
    def check_boolean(value: Any) -> Any:
        if value is True or value is False or (value is None and nullable):
            return value
        raise _wrong(value, "boolean")

    return check_boolean


def _decimal(nullable: bool) -> Validator:
    """The SDK sends ``Decimal`` as a JSON string; a JSON number is accepted too.

    The result is the plain (never exponent) form of the ``Decimal``: ``format(d, "f")``, which is
    ``str(d)`` whenever ``str`` would not switch to scientific notation (``"+.5"`` -> ``"0.5"``).
    """

    def check_decimal(value: Any) -> Any:
        if isinstance(value, str):
            if len(value) > _DECIMAL_MAX_CHARS or not _DECIMAL_RE.match(value):
                raise _wrong(value, "decimal")
            number = Decimal(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise _wrong(value, "decimal")
            number = Decimal(str(value))
        else:
            if value is None and nullable:
                return None
            raise _wrong(value, "decimal")
        text = format(number, "f")
        return value if text == value else text

    return check_decimal


def _any(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------- containers


def _object(fields: dict[str, Validator], required: Sequence[str], nullable: bool) -> Validator:
    known = frozenset(fields)
    required = tuple(sorted(required))

    def check_object(value: Any) -> Any:
        if not isinstance(value, dict):
            if value is None and nullable:
                return None
            raise _wrong(value, "object")
        keys = value.keys()
        if not keys <= known:
            raise _Problem(
                "parameter_unknown", "Received unknown parameter: {param}", "", min(keys - known)
            )
        for key in required:
            if key not in value:
                raise _Problem("parameter_missing", "Missing required param: {param}.", "", key)
        out: dict[str, Any] | None = None
        for key in sorted(keys):
            item = value[key]
            try:
                new = fields[key](item)
            except _Problem as problem:
                problem.parts.append(key)
                raise
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out

    return check_object


def _array(items: Validator, max_items: int, nullable: bool) -> Validator:
    def check_array(value: Any) -> Any:
        if not isinstance(value, list):
            if value is None and nullable:
                return None
            raise _wrong(value, "array")
        if len(value) > max_items:
            raise _Problem(
                "parameter_invalid_array_too_long",
                "Invalid array: {param} must have at most {detail} items",
                str(max_items),
            )
        out: list[Any] | None = None
        for index, item in enumerate(value):
            try:
                new = items(item)
            except _Problem as problem:
                problem.parts.append(index)
                raise
            if new is not item:
                if out is None:
                    out = list(value)
                out[index] = new
        return value if out is None else out

    return check_array


def _metadata(values_nullable: bool, nullable: bool) -> Validator:
    """Stripe's metadata rules: 50 keys, keys up to 40 characters, values up to 500.

    ``""`` is a legal value (user data, not a parameter); ``null`` unsets a key where the SDK types
    the values ``Optional`` (updates).
    """

    def check_metadata(value: Any) -> Any:
        if not isinstance(value, dict):
            if value is None and nullable:
                return None
            raise _wrong(value, "map")
        if len(value) > METADATA_MAX_KEYS:
            raise _Problem(
                "metadata_too_many_keys",
                "Invalid {param}: at most {detail} keys are allowed",
                str(METADATA_MAX_KEYS),
            )
        for key in sorted(value):
            if not key:
                raise _Problem(
                    "parameter_invalid_string_empty", "Invalid {param}: keys must not be empty"
                )
            if len(key) > METADATA_KEY_MAX:
                raise _Problem(
                    "metadata_key_too_long",
                    "Invalid {param}: key '{detail}...' is longer than 40 characters",
                    key[:METADATA_KEY_MAX],
                )
            item = value[key]
            if isinstance(item, str):
                if len(item) > METADATA_VALUE_MAX:
                    raise _Problem(
                        "metadata_value_too_long",
                        "Invalid {param}: must be at most {detail} characters",
                        str(METADATA_VALUE_MAX),
                        key,
                    )
            elif item is not None or not values_nullable:
                problem = _wrong(item, "string")
                problem.parts.append(key)
                raise problem
        return value

    return check_metadata


# --------------------------------------------------------------------------- compilation


_AMOUNT: Final[load.Node] = {
    "type": "object",
    "fields": {"currency": {"type": "string"}, "value": {"type": "integer"}},
    "required": ["currency", "value"],
}


def _compile(name: str, node: load.Node, dotted: str) -> Validator:
    """One schema node to a closure; ``dotted`` locates it for extensions and limit overrides."""
    node = load.resolve(node)
    kind = node["type"]
    nullable = bool(node.get("nullable"))
    if kind == "amount":
        return _compile(name, {**_AMOUNT, "nullable": nullable}, dotted)
    if kind == "object":
        specs = {**node["fields"], **load.extension_at(name, dotted)}
        prefix = f"{dotted}." if dotted else ""
        fields = {key: _compile(name, spec, prefix + key) for key, spec in specs.items()}
        return _object(fields, node.get("required", ()), nullable)
    if kind == "string":
        return _string(node.get("enum"), nullable)
    if kind == "integer":
        low, high = _INTEGER_RANGES.get((name, dotted), (INTEGER_MIN, INTEGER_MAX))
        return _integer(low, high, nullable)
    if kind == "boolean":
        return _boolean(nullable)
    if kind == "decimal_string":
        return _decimal(nullable)
    if kind == "array":
        limit = _ARRAY_LIMITS.get((name, dotted), ARRAY_MAX_ITEMS)
        return _array(_compile(name, node["items"], dotted), limit, nullable)
    if kind == "map":
        values = load.resolve(node["values"])
        if values["type"] != "string":
            raise NotImplementedError(f"{name}.{dotted}: only string maps are supported")
        return _metadata(bool(values.get("nullable")), nullable)
    if kind == "any":
        return _any
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
        param = param_path(path)
        where = param or "request body"
        raise InvalidRequest(
            f"Invalid {where}: expected a JSON object",
            code="parameter_invalid_type",
            param=param or None,
        )
    try:
        result: dict[str, Any] = validate(body)
    except _Problem as problem:
        param = param_path((*path, *reversed(problem.parts)))
        message = problem.template.format(param=param or "request body", detail=problem.detail)
        raise InvalidRequest(message, code=problem.code, param=param or None) from None
    return result
