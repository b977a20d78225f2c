"""v1 list filters every v1 list shares: ``created`` as one second or a range of seconds.

Why milliseconds out: the repositories keep ``created_ms``; a v1 ``created=1700000000`` is that
whole second, ``[gte, lt)`` in milliseconds, so a row created at ...000.999 is in it.
"""

from __future__ import annotations

from typing import Any, Final

from gangway.core.errors import InvalidRequest

__all__ = ["created_filter"]

_OPS: Final = ("gt", "gte", "lt", "lte")


def _seconds(value: Any, param: str) -> int:
    text = value if isinstance(value, str) else None
    digits = text[1:] if text and text.startswith("-") else text
    if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        raise InvalidRequest(
            f"Invalid integer: {str(value)[:100]!r} ({param} is a Unix timestamp in seconds).",
            code="parameter_invalid_integer",
            param=param,
        )
    return int(text)  # type: ignore[arg-type]


def created_filter(value: Any, param: str = "created") -> dict[str, int]:
    """``created=<s>`` or ``created[gt|gte|lt|lte]=<s>`` as millisecond bounds."""
    if not isinstance(value, dict):
        second = _seconds(value, param)
        return {"gte": second * 1000, "lt": (second + 1) * 1000}
    bounds: dict[str, int] = {}
    for op, bound in value.items():
        if op not in _OPS:
            raise InvalidRequest(
                f"Received unknown parameter: {param}[{str(op)[:50]}] ({param} takes "
                f"{', '.join(_OPS)}).",
                code="parameter_unknown",
                param=f"{param}[{op}]",
            )
        seconds = _seconds(bound, f"{param}[{op}]")
        bounds[op] = seconds * 1000 + (999 if op in ("gt", "lte") else 0)
    return bounds
