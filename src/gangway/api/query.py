"""Query strings of GET and DELETE requests: bracket syntax to nested values, then typed params.

Why: the SDK sends GET/DELETE params form-style, with arrays as indexed brackets
(``include%5B0%5D=identity``) and nested objects as brackets (``created%5Bgte%5D=...``); older
SDKs repeat keys (``include=a&include=b``) and third-party code sends ``include[]=a``
(reference 1.2). Every value arrives as a string, so after parsing, ``gangway.contract.coerce``
types them by the params schema and checks the result as bodies are checked.

Malformed queries (an unparsable key, an index gap, ``k[0]=`` mixed with ``k[]=``, a key given
both as a value and with brackets, a repeated index) raise ``InvalidRequest`` with the Gangway
code ``parameter_invalid_query`` and ``param`` set to the key concerned.
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import parse_qsl

from gangway.core.errors import InvalidRequest, param_path

__all__ = ["MAX_QUERY_FIELDS", "parse_query"]

MAX_QUERY_FIELDS: Final = 1000
_CODE: Final = "parameter_invalid_query"
_KEY_RE: Final = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)\Z")
_SEGMENT_RE: Final = re.compile(r"\[([^\[\]]*)\]")

Parts = tuple[str | int, ...]


class _Branch(dict[str, Any]):
    """A key that was followed by brackets: its children, keyed by segment ("" for ``[]``)."""


class _Repeated(list[str]):
    """A key given more than once without an index: ``k=a&k=b`` or ``k[]=a&k[]=b``."""


def _fail(message: str, parts: Parts) -> InvalidRequest:
    return InvalidRequest(message, code=_CODE, param=param_path(parts) or None)


def _is_index(segment: str) -> bool:
    return segment.isascii() and segment.isdigit()


def _segments(key: str) -> list[str]:
    match = _KEY_RE.match(key)
    if match is None:
        raise _fail(f"Invalid query parameter name: {key!r}", ())
    segments = [match.group(1), *_SEGMENT_RE.findall(match.group(2))]
    if "" in segments[:-1]:
        raise _fail(f"Invalid query parameter name: {key!r} ('[]' may only come last)", ())
    return [str(int(s)) if _is_index(s) else s for s in segments]


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


def _finish(node: Any, parts: Parts) -> Any:
    """Branches become dicts or lists, repeated values lists, checking index consistency."""
    if isinstance(node, _Repeated):
        return list(node)
    if not isinstance(node, _Branch):
        return node
    keys = list(node)
    where = param_path(parts)
    if "" in node:
        if len(keys) > 1:
            raise _fail(f"Invalid {where}: cannot mix {where}[] with other brackets", parts)
        appended = node[""]
        return list(appended) if isinstance(appended, _Repeated) else [appended]
    indices = [k for k in keys if _is_index(k)]
    if indices:
        if len(indices) != len(keys):
            raise _fail(f"Invalid {where}: cannot mix array indices with named keys", parts)
        present = {int(k) for k in indices}
        for expected in range(len(present)):
            if expected not in present:
                raise _fail(
                    f"Invalid {where}: missing index {expected}; array indices must start at 0 "
                    "and have no gaps",
                    parts,
                )
        return [_finish(node[str(i)], (*parts, i)) for i in range(len(present))]
    return {key: _finish(child, (*parts, key)) for key, child in node.items()}


def parse_query(raw_query_string: bytes | str) -> dict[str, Any]:
    """Decode a query string into nested dicts, lists and strings (no typing: see ``coerce``).

    ``k[0]=a&k[1]=b``, ``k[]=a&k[]=b`` and ``k=a&k=b`` all give ``{"k": ["a", "b"]}``;
    ``created[gte]=x`` gives ``{"created": {"gte": "x"}}``; percent-encoded brackets are decoded
    first. A single ``k=a`` stays a string.
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
    result: dict[str, Any] = {k: _finish(v, (k,)) for k, v in root.items()}
    return result
