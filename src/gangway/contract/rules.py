"""The closures ``params.check`` is compiled from: one factory per schema node kind.

Why a module of its own: ``params`` decides *what* to check (schema, extensions, per-field limits)
and how a failure becomes Stripe's error envelope; this module holds *how* each JSON kind is
checked, fast. A failure raises ``Problem``, a light exception whose ``parts`` collects the
location innermost-first as it travels up, so the success path never builds a path. Each
validator returns the value, or a copy when something inside was normalised (decimal strings).
The codes are documented in ``gangway.contract.params``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Final

__all__ = [
    "ARRAY_MAX_ITEMS",
    "INTEGER_MAX",
    "INTEGER_MIN",
    "METADATA_KEY_MAX",
    "METADATA_MAX_KEYS",
    "METADATA_VALUE_MAX",
    "STRING_MAX",
    "Problem",
    "Validator",
    "any_rule",
    "array_rule",
    "boolean_rule",
    "decimal_rule",
    "integer_rule",
    "map_rule",
    "metadata_rule",
    "object_rule",
    "string_rule",
]

STRING_MAX: Final = 5000
ARRAY_MAX_ITEMS: Final = 100
METADATA_MAX_KEYS: Final = 50
METADATA_KEY_MAX: Final = 40
METADATA_VALUE_MAX: Final = 500
INTEGER_MIN: Final = -(2**63)
INTEGER_MAX: Final = 2**63 - 1
_DECIMAL_MAX_CHARS: Final = 64

_DECIMAL_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
Validator = Callable[[Any], Any]


class Problem(Exception):
    """A failure travelling up the closures; ``parts`` is its location, innermost first."""

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


def _wrong(value: object, kind: str) -> Problem:
    """The error for a value of the wrong JSON type (``null`` gets its own code)."""
    if value is None:
        return Problem(
            "parameter_invalid_empty",
            "Invalid {param}: null is not allowed here; omit the parameter or supply a value",
        )
    code, template = _NOT_A[kind]
    return Problem(code, template)


# --------------------------------------------------------------------------- leaf validators


def string_rule(
    enum: Sequence[str] | None, nullable: bool, max_length: int = STRING_MAX
) -> Validator:
    """``max_length`` is ``STRING_MAX`` for every SDK param; Gangway's own schemas may set less."""
    allowed = frozenset(enum) if enum else None
    choices = ", ".join(enum) if enum else ""
    limit = str(max_length)

    def check_string(value: Any) -> Any:
        if not isinstance(value, str):
            if value is None and nullable:
                return None
            raise _wrong(value, "string")
        if not value:
            raise Problem(
                "parameter_invalid_string_empty",
                "You passed an empty string for {param}; omit it or supply a value",
            )
        if len(value) > max_length:
            raise Problem(
                "parameter_invalid_string_too_long",
                "Invalid string: {param} must be at most {detail} characters",
                limit,
            )
        if allowed is not None:
            if value not in allowed:
                raise Problem(
                    "parameter_invalid_enum", "Invalid {param}: must be one of {detail}", choices
                )
        elif value.isspace():
            raise Problem(
                "parameter_invalid_string_blank",
                "Invalid {param}: must contain more than whitespace",
            )
        return value

    return check_string


def integer_rule(low: int, high: int, nullable: bool) -> Validator:
    bounds = f"{low} and {high}"

    def check_integer(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            if value is None and nullable:
                return None
            raise _wrong(value, "integer")
        if value < low or value > high:
            raise Problem(
                "parameter_invalid_integer",
                "Invalid integer: {param} must be between {detail}",
                bounds,
            )
        return value

    return check_integer


def boolean_rule(nullable: bool) -> Validator:
    def check_boolean(value: Any) -> Any:
        if value is True or value is False or (value is None and nullable):
            return value
        raise _wrong(value, "boolean")

    return check_boolean


def decimal_rule(nullable: bool) -> Validator:
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


def any_rule(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------- containers


def object_rule(fields: dict[str, Validator], required: Sequence[str], nullable: bool) -> Validator:
    known = frozenset(fields)
    required = tuple(sorted(required))

    def check_object(value: Any) -> Any:
        if not isinstance(value, dict):
            if value is None and nullable:
                return None
            raise _wrong(value, "object")
        keys = value.keys()
        if not keys <= known:
            raise Problem(
                "parameter_unknown", "Received unknown parameter: {param}", "", min(keys - known)
            )
        for key in required:
            if key not in value:
                raise Problem("parameter_missing", "Missing required param: {param}.", "", key)
        out: dict[str, Any] | None = None
        for key in sorted(keys):
            item = value[key]
            try:
                new = fields[key](item)
            except Problem as problem:
                problem.parts.append(key)
                raise
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out

    return check_object


def array_rule(items: Validator, max_items: int, nullable: bool) -> Validator:
    def check_array(value: Any) -> Any:
        if not isinstance(value, list):
            if value is None and nullable:
                return None
            raise _wrong(value, "array")
        if len(value) > max_items:
            raise Problem(
                "parameter_invalid_array_too_long",
                "Invalid array: {param} must have at most {detail} items",
                str(max_items),
            )
        out: list[Any] | None = None
        for index, item in enumerate(value):
            try:
                new = items(item)
            except Problem as problem:
                problem.parts.append(index)
                raise
            if new is not item:
                if out is None:
                    out = list(value)
                out[index] = new
        return value if out is None else out

    return check_array


def metadata_rule(values_nullable: bool, nullable: bool) -> Validator:
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
            raise Problem(
                "metadata_too_many_keys",
                "Invalid {param}: at most {detail} keys are allowed",
                str(METADATA_MAX_KEYS),
            )
        for key in sorted(value):
            if not key:
                raise Problem(
                    "parameter_invalid_string_empty", "Invalid {param}: keys must not be empty"
                )
            if len(key) > METADATA_KEY_MAX:
                raise Problem(
                    "metadata_key_too_long",
                    "Invalid {param}: key '{detail}...' is longer than 40 characters",
                    key[:METADATA_KEY_MAX],
                )
            item = value[key]
            if isinstance(item, str):
                if len(item) > METADATA_VALUE_MAX:
                    raise Problem(
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


def map_rule(values: Validator, nullable: bool) -> Validator:
    """Maps that are not metadata (``defaults.payout_methods``: currency -> payout method ID).

    Keys must be non-empty; values follow their own schema node (a string: non-empty, at most
    5000 characters); at most ``ARRAY_MAX_ITEMS`` entries.
    """

    def check_map(value: Any) -> Any:
        if not isinstance(value, dict):
            if value is None and nullable:
                return None
            raise _wrong(value, "map")
        if len(value) > ARRAY_MAX_ITEMS:
            raise Problem(
                "parameter_invalid_map_too_large",
                "Invalid {param}: at most {detail} keys are allowed",
                str(ARRAY_MAX_ITEMS),
            )
        for key in sorted(value):
            if not key:
                raise Problem(
                    "parameter_invalid_string_empty", "Invalid {param}: keys must not be empty"
                )
            try:
                values(value[key])
            except Problem as problem:
                problem.parts.append(key)
                raise
        return value

    return check_map
