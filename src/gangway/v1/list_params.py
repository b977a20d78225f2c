"""v1 list filters every v1 list shares: ``created`` as one second or a range of seconds.

Why milliseconds out: the repositories keep ``created_ms``; a v1 ``created=1700000000`` is that
whole second, ``[gte, lt)`` in milliseconds, so a row created at ...000.999 is in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from gangway.core.errors import GangwayError, InvalidRequest, NotFound
from gangway.core.pagination import DEFAULT_LIMIT, Cursor
from gangway.store.repos.paging import Page

__all__ = ["created_filter", "keyset_cursor", "list_body", "page_of"]

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


def keyset_cursor(
    params: Mapping[str, Any], anchor: Callable[[str], tuple[int, str]]
) -> Cursor | None:
    """The repository cursor of ``starting_after`` / ``ending_before``: ``anchor`` finds the
    named object's ``(created_ms, id)`` or raises ``NotFound``, renamed to the param."""
    for name, direction in (("starting_after", "next"), ("ending_before", "prev")):
        if params.get(name):
            try:
                created_ms, found = anchor(params[name])
            except NotFound as exc:
                exc.param = name
                raise
            return Cursor(created_ms, found, direction)  # type: ignore[arg-type]
    return None


def list_body(
    data: list[dict[str, Any]], page: Page, cursor: Cursor | None, url: str
) -> dict[str, Any]:
    """The v1 list: ``has_more`` in the direction the caller pages."""
    backwards = cursor is not None and cursor.direction == "prev"
    more = (page.prev_cursor if backwards else page.next_cursor) is not None
    return {"object": "list", "data": data, "has_more": more, "url": url}


T = TypeVar("T")


def page_of(
    newest_first: Sequence[T],
    ids: Sequence[str],
    params: Mapping[str, Any],
    missing: Callable[[str, str], GangwayError],
) -> tuple[list[T], bool]:
    """One v1 page of a list held in memory (an account's persons or bank accounts), and
    whether there is more in the direction paged. ``missing(anchor, param)`` is the error for a
    ``starting_after`` / ``ending_before`` that names nothing in the list."""
    limit = params.get("limit") or DEFAULT_LIMIT
    for name in ("starting_after", "ending_before"):
        anchor = params.get(name)
        if anchor and anchor not in ids:
            raise missing(anchor, name)
    if params.get("ending_before"):
        head = list(newest_first[: ids.index(params["ending_before"])])
        return head[-limit:], len(head) > limit
    start = ids.index(params["starting_after"]) + 1 if params.get("starting_after") else 0
    rest = list(newest_first[start:])
    return rest[:limit], len(rest) > limit
