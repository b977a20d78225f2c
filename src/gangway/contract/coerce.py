"""Type string values by a params schema, then check them: for query strings and other text.

Why here and not in the API: a GET query string (``limit=10&include[0]=identity``) gives every
value as a string; so would a form-encoded v1 body or a CLI flag. Turning ``"10"`` into ``10`` and
``"true"`` into ``True``, and a lone value into a one-item list where the schema wants an array,
is a question of the schema, not of HTTP. The bracket syntax itself is decoded at the edge
(``gangway.api.query.parse_query``).
"""

from __future__ import annotations

import re
from typing import Any, Final

from gangway.contract import load, params
from gangway.contract.rules import INTEGER_MAX
from gangway.core.errors import InvalidRequest, param_path

__all__ = ["coerce"]

_INTEGER_RE: Final = re.compile(r"-?[0-9]+\Z")
_INTEGER_DIGITS_MAX: Final = len(str(INTEGER_MAX))
_BOOLEANS: Final = {"true": True, "false": False}

Parts = tuple[str | int, ...]


def _convert(name: str, node: load.Node, value: Any, dotted: str, parts: Parts) -> Any:
    """Apply the schema's scalar types to string values; anything else is left for ``check``."""
    node = load.resolve(node)
    kind = node["type"]
    if kind == "integer" and isinstance(value, str):
        if not _INTEGER_RE.match(value):
            raise InvalidRequest(
                f"Invalid integer: {param_path(parts)} must be an integer",
                code="parameter_invalid_integer",
                param=param_path(parts),
            )
        # ``int`` raises ValueError past 4,300 digits, leading zeros included: give it the
        # significant digits only, and past int64 a value ``check`` then refuses with the
        # field's own bounds.
        sign = -1 if value.startswith("-") else 1
        digits = value.lstrip("-").lstrip("0") or "0"
        if len(digits) > _INTEGER_DIGITS_MAX:
            return sign * (INTEGER_MAX + 2)
        return sign * int(digits)
    if kind == "boolean" and isinstance(value, str):
        if value not in _BOOLEANS:
            raise InvalidRequest(
                f"Invalid boolean: {param_path(parts)} must be true or false",
                code="parameter_invalid_type",
                param=param_path(parts),
            )
        return _BOOLEANS[value]
    if kind == "array":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list):
            return [
                _convert(name, node["items"], item, dotted, (*parts, index))
                for index, item in enumerate(items)
            ]
        return value
    if kind == "object" and isinstance(value, dict):
        fields = {**node["fields"], **load.extension_at(name, dotted)}
        prefix = f"{dotted}." if dotted else ""
        return {
            key: (
                _convert(name, fields[key], item, prefix + key, (*parts, key))
                if key in fields
                else item
            )
            for key, item in value.items()
        }
    return value


def coerce(name: str, parsed: dict[str, Any]) -> dict[str, Any]:
    """Type the output of ``parse_query`` with the params schema ``name`` and validate it.

    Integers and booleans are converted from their string forms, a single value becomes a
    one-item list where the schema wants an array, and the result goes through
    ``params.check`` (so an unknown key is ``parameter_unknown``). List endpoints also accept
    the ``page`` token of ``next_page_url``. Raises ``InvalidRequest`` with ``param`` set.
    """
    converted = _convert(name, load.params_node(name), parsed, "", ())
    return params.check(name, converted)
