"""Query strings of GET and DELETE requests: bracket syntax to nested values, then typed params.

Why: the SDK sends GET/DELETE params form-style, with arrays as indexed brackets
(``include%5B0%5D=identity``) and nested objects as brackets (``created%5Bgte%5D=...``); older
SDKs repeat keys (``include=a&include=b``) and third-party code sends ``include[]=a``
(reference 1.2). Every value arrives as a string, so after parsing, ``gangway.contract.coerce``
types them by the params schema and checks the result as bodies are checked.

Malformed queries (an unparsable key, a key of more than ``MAX_QUERY_DEPTH`` parts, an index
gap, ``k[0]=`` mixed with ``k[]=``, a key given both as a value and with brackets, a repeated
index) raise ``InvalidRequest`` with the Gangway code ``parameter_invalid_query`` and ``param``
set to the key concerned. Nothing in parsing recurses; ``coerce`` recurses only along the params
schema (at most 8 levels), never along the input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, cast
from urllib.parse import parse_qsl

import orjson

from gangway.core.errors import InvalidRequest, param_path

__all__ = ["MAX_QUERY_DEPTH", "MAX_QUERY_FIELDS", "QueryMemo", "parse_query"]

MAX_QUERY_FIELDS: Final = 1000
MAX_QUERY_DEPTH: Final = 32
"""The most parts one key may have: its name and up to 31 ``[segments]``.

Rack's default ``param_depth_limit`` (32, counted the same way: ``foo`` plus 31 brackets passes,
32 brackets raise ``ParamsTooDeepError``). The deepest parameter of any SDK params schema is 8
levels, so nothing legitimate comes near it; docs/decisions.md has the reasoning."""
_CODE: Final = "parameter_invalid_query"
_SHOWN_KEY_MAX: Final = 200

Parts = tuple[str | int, ...]


class _Branch(dict[str, Any]):
    """A key that was followed by brackets: its children, keyed by segment ("" for ``[]``)."""


class _Repeated(list[str]):
    """A key given more than once without an index: ``k=a&k=b`` or ``k[]=a&k[]=b``."""


def _fail(message: str, parts: Parts) -> InvalidRequest:
    return InvalidRequest(message, code=_CODE, param=param_path(parts) or None)


def _shown(key: str) -> str:
    """A key for an error message: a megabyte-long name must not make a megabyte-long error."""
    if len(key) <= _SHOWN_KEY_MAX:
        return repr(key)
    return repr(key[:_SHOWN_KEY_MAX]) + "..."


def _is_index(segment: str) -> bool:
    return segment.isascii() and segment.isdigit()


def _canonical(segment: str) -> str:
    """An index without its leading zeros, as a string: never through ``int``, which refuses
    more than 4,300 digits. ``k[007]`` and ``k[7]`` are the same index."""
    return (segment.lstrip("0") or "0") if _is_index(segment) else segment


def _segments(key: str) -> list[str]:
    """Split ``a[b][0]`` into ``["a", "b", "0"]``, scanning no further than ``MAX_QUERY_DEPTH``
    segments, so a key a million brackets deep costs no more than one 32 deep."""
    opening = key.find("[")
    name = key if opening < 0 else key[:opening]
    if not name or "]" in name:
        raise _fail(f"Invalid query parameter name: {_shown(key)}", ())
    segments = [name]
    at = len(key) if opening < 0 else opening
    while at < len(key):
        closing = key.find("]", at + 1)
        segment = key[at + 1 : closing]
        if key[at] != "[" or closing < 0 or "[" in segment:
            raise _fail(f"Invalid query parameter name: {_shown(key)}", ())
        if len(segments) == MAX_QUERY_DEPTH:
            raise _fail(
                f"Invalid query parameter name: {_shown(key)} is nested too deeply (at most "
                f"{MAX_QUERY_DEPTH - 1} [brackets] may follow the name)",
                (*segments, _canonical(segment)),
            )
        segments.append(_canonical(segment))
        at = closing + 1
    if "" in segments[1:-1]:
        raise _fail(f"Invalid query parameter name: {_shown(key)} ('[]' may only come last)", ())
    return segments


def _insert(root: _Branch, segments: list[str], value: str) -> None:
    node = root
    for depth, segment in enumerate(segments[:-1]):
        child = node.get(segment)
        if child is None:
            child = node[segment] = _Branch()
        elif not isinstance(child, _Branch):
            raise _fail(
                f"Invalid {param_path(segments[: depth + 1])}: given both as a value and with "
                "[brackets]",
                tuple(segments[: depth + 1]),
            )
        node = child
    leaf = segments[-1]
    existing = node.get(leaf)
    if existing is None:
        node[leaf] = value
    elif isinstance(existing, _Branch):
        raise _fail(
            f"Invalid {param_path(segments)}: given both as a value and with [brackets]",
            tuple(segments),
        )
    elif _is_index(leaf) and len(segments) > 1:
        raise _fail(
            f"Invalid {param_path(segments)}: the same index is given twice", tuple(segments)
        )
    elif isinstance(existing, _Repeated):
        existing.append(value)
    else:
        node[leaf] = _Repeated([existing, value])


def _put(into: dict[str, Any] | list[Any], slot: str | int, value: Any) -> None:
    if isinstance(into, list):
        into[int(slot)] = value
    else:
        into[str(slot)] = value


def _finish(root: _Branch) -> dict[str, Any]:
    """Branches become dicts or lists, repeated values lists, checking index consistency.

    Iterative, with its own stack: depth is bounded by ``MAX_QUERY_DEPTH`` already, but the
    parser's cost should never depend on Python's recursion limit. Nodes are visited in the
    order a recursive walk would visit them (parent before children, children in the order
    given), so the first error reported is the same.
    """
    result: dict[str, Any] = {}
    # (parsed node, where it sits, the finished container it goes into, its slot there)
    pending: list[tuple[Any, Parts, dict[str, Any] | list[Any], str | int]] = [
        (child, (key,), result, key) for key, child in reversed(root.items())
    ]
    while pending:
        node, parts, into, slot = pending.pop()
        if isinstance(node, _Repeated):
            _put(into, slot, list(node))
            continue
        if not isinstance(node, _Branch):
            _put(into, slot, node)
            continue
        keys = list(node)
        where = param_path(parts)
        if "" in node:
            if len(keys) > 1:
                raise _fail(f"Invalid {where}: cannot mix {where}[] with other brackets", parts)
            appended = node[""]
            _put(into, slot, list(appended) if isinstance(appended, _Repeated) else [appended])
            continue
        indices = [k for k in keys if _is_index(k)]
        if indices:
            if len(indices) != len(keys):
                raise _fail(f"Invalid {where}: cannot mix array indices with named keys", parts)
            # Indices have no leading zeros (``_segments``), so they compare as strings.
            for expected in range(len(indices)):
                if str(expected) not in node:
                    raise _fail(
                        f"Invalid {where}: missing index {expected}; array indices must start "
                        "at 0 and have no gaps",
                        parts,
                    )
            items: list[Any] = [None] * len(indices)
            _put(into, slot, items)
            pending.extend(
                (node[str(i)], (*parts, i), items, i) for i in reversed(range(len(indices)))
            )
            continue
        fields: dict[str, Any] = {}
        _put(into, slot, fields)
        pending.extend((child, (*parts, key), fields, key) for key, child in reversed(node.items()))
    return result


def parse_query(raw_query_string: bytes | str) -> dict[str, Any]:
    """Decode a query string into nested dicts, lists and strings (no typing: see ``coerce``).

    ``k[0]=a&k[1]=b``, ``k[]=a&k[]=b`` and ``k=a&k=b`` all give ``{"k": ["a", "b"]}``;
    ``created[gte]=x`` gives ``{"created": {"gte": "x"}}``; percent-encoded brackets are decoded
    first. A single ``k=a`` stays a string. A key of more than ``MAX_QUERY_DEPTH`` parts is
    refused. Nothing here recurses, so no input reaches Python's recursion limit.
    """
    if isinstance(raw_query_string, bytes):
        try:
            raw_query_string = raw_query_string.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("Invalid query string: not valid UTF-8", ()) from None
    try:
        pairs = parse_qsl(
            raw_query_string,
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_QUERY_FIELDS,
        )
    except UnicodeDecodeError:
        raise _fail("Invalid query string: percent-escapes are not valid UTF-8", ()) from None
    except ValueError:
        raise _fail(f"Invalid query string: more than {MAX_QUERY_FIELDS} fields", ()) from None
    root = _Branch()
    for key, value in pairs:
        _insert(root, _segments(key), value)
    return _finish(root)


class QueryMemo:
    """Typed GET params by (params schema, raw query string).

    Platforms send the same few queries on every read (``include[0]=requirements`` after each
    webhook), and parsing and typing one cost more than the rest of the request's edge. A typed
    result depends on nothing else, so it is kept as JSON bytes and decoded per request: every
    request gets containers of its own. Refusals are not kept (they raise each time), nor long
    queries (list filters with cursors vary per page), nor more than ``size`` distinct queries.
    """

    __slots__ = ("_kept", "_longest", "_size")

    def __init__(self, *, size: int = 512, longest: int = 256) -> None:
        self._kept: dict[tuple[str, bytes], bytes] = {}
        self._size = size
        self._longest = longest

    def params(
        self, schema: str, query: bytes, typed: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """``typed()``'s answer for this query, computed once."""
        found = self._kept.get((schema, query))
        if found is not None:
            return cast(dict[str, Any], orjson.loads(found))
        params = typed()
        if len(query) <= self._longest and len(self._kept) < self._size:
            encoded = orjson.dumps(params)
            if orjson.loads(encoded) == params:  # JSON's types only (no tuples, no objects)
                self._kept[(schema, query)] = encoded
        return params
