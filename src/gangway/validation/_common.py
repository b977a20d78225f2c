"""Small helpers the validators share: type guards, safe echoing of input, character checks.

Private to the package; callers use the public validators only.
"""

from __future__ import annotations

import unicodedata
from typing import NoReturn

from gangway.core.errors import FieldInvalid

__all__ = ["bad_characters", "describe_characters", "fail", "require_text", "shown"]

# Categories that never belong in a postal address, a name or an identifier: control characters,
# surrogates, private-use and unassigned code points, and line/paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
# Format characters (Cf) are forbidden too, except the two joiners that Persian, Indic and emoji
# text legitimately needs. Bidirectional overrides (U+202E...) are exactly what we want to stop.
_ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})
_SHOWN_MAX = 40


def fail(code: str, message: str, **details: object) -> NoReturn:
    """Raise `FieldInvalid`; a function so that call sites read as one statement."""
    raise FieldInvalid(code, message, **details)


def shown(value: str) -> str:
    """Quote a (non-sensitive) value for a message, cut short so a huge input cannot bloat logs."""
    if len(value) > _SHOWN_MAX:
        value = value[: _SHOWN_MAX - 1] + "…"
    return "'" + value.replace("'", "\\'") + "'"


def require_text(value: object, code: str, what: str) -> str:
    """Return ``value`` stripped, or fail with ``code`` when it is not a string."""
    if not isinstance(value, str):
        fail(code, f"{what} must be a string, not {type(value).__name__}.")
    return value.strip()


def bad_characters(value: str) -> list[str]:
    """The characters of ``value`` that are control, format, unassigned or otherwise unprintable."""
    bad = []
    for char in value:
        category = unicodedata.category(char)
        if category in _FORBIDDEN_CATEGORIES or (category == "Cf" and char not in _ALLOWED_FORMAT):
            bad.append(char)
    return bad


def describe_characters(chars: list[str]) -> str:
    """Name offending characters as ``U+0009`` so the message itself stays printable."""
    unique = list(dict.fromkeys(chars))
    return ", ".join(f"U+{ord(c):04X}" for c in unique[:5])
