"""parse_query (bracket syntax) and coerce (schema typing) for GET and DELETE requests."""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest

from gangway.api.query import MAX_QUERY_DEPTH, parse_query
from gangway.contract.coerce import coerce
from gangway.core.errors import InvalidRequest

PARSED: list[tuple[str, bytes | str, dict[str, Any]]] = [
    ("empty", "", {}),
    ("empty-bytes", b"", {}),
    ("scalar", "limit=2", {"limit": "2"}),
    (
        "indexed",
        "include[0]=identity&include[1]=requirements",
        {"include": ["identity", "requirements"]},
    ),
    (
        "indexed-encoded",
        "include%5B0%5D=identity&include%5B1%5D=requirements",
        {"include": ["identity", "requirements"]},
    ),
    ("indexed-out-of-order", "k[1]=b&k[0]=a", {"k": ["a", "b"]}),
    (
        "appended",
        "include[]=identity&include[]=requirements",
        {"include": ["identity", "requirements"]},
    ),
    ("appended-encoded", "include%5B%5D=identity", {"include": ["identity"]}),
    (
        "repeated",
        "include=identity&include=requirements",
        {"include": ["identity", "requirements"]},
    ),
    (
        "nested",
        "created[gte]=2025-01-01T00%3A00%3A00Z&created[lt]=2026",
        {"created": {"gte": "2025-01-01T00:00:00Z", "lt": "2026"}},
    ),
    ("nested-encoded", "created%5Bgte%5D=a", {"created": {"gte": "a"}}),
    ("array-of-objects", "x[0][y]=1&x[1][y]=2", {"x": [{"y": "1"}, {"y": "2"}]}),
    ("blank-value", "object_id=", {"object_id": ""}),
    ("bytes", b"limit=3&page=p2", {"limit": "3", "page": "p2"}),
    ("plus-is-space", "q=a+b", {"q": "a b"}),
    (
        "sdk-capture",
        "object_id=acct_1&types%5B0%5D=v2.core.account.updated&types%5B1%5D=v2.core.account.created"
        "&created%5Bgte%5D=2025-01-01T00%3A00%3A00Z",
        {
            "object_id": "acct_1",
            "types": ["v2.core.account.updated", "v2.core.account.created"],
            "created": {"gte": "2025-01-01T00:00:00Z"},
        },
    ),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in PARSED], ids=[c[0] for c in PARSED])
def test_parse_query(raw: bytes | str, expected: dict[str, Any]) -> None:
    assert parse_query(raw) == expected


MALFORMED: list[tuple[str, bytes | str, str | None, str]] = [
    (
        "gap",
        "k[1]=a",
        "k",
        "Invalid k: missing index 0; array indices must start at 0 and have no gaps",
    ),
    (
        "gap-middle",
        "k[0]=a&k[2]=b",
        "k",
        "Invalid k: missing index 1; array indices must start at 0 and have no gaps",
    ),
    ("mix-indexed-appended", "k[0]=a&k[]=b", "k", "Invalid k: cannot mix k[] with other brackets"),
    (
        "mix-indexed-named",
        "k[0]=a&k[x]=b",
        "k",
        "Invalid k: cannot mix array indices with named keys",
    ),
    (
        "value-then-brackets",
        "k=a&k[0]=b",
        "k",
        "Invalid k: given both as a value and with [brackets]",
    ),
    (
        "brackets-then-value",
        "k[0]=a&k=b",
        "k",
        "Invalid k: given both as a value and with [brackets]",
    ),
    ("duplicate-index", "k[0]=a&k[0]=b", "k[0]", "Invalid k[0]: the same index is given twice"),
    ("unbalanced", "a[b=1", None, "Invalid query parameter name: 'a[b'"),
    (
        "append-not-last",
        "a[][x]=1",
        None,
        "Invalid query parameter name: 'a[][x]' ('[]' may only come last)",
    ),
    ("empty-name", "=3", None, "Invalid query parameter name: ''"),
    ("bad-utf8-bytes", b"k=\xff", None, "Invalid query string: not valid UTF-8"),
    ("bad-utf8-escape", "k=%ff", None, "Invalid query string: percent-escapes are not valid UTF-8"),
    (
        "too-many-fields",
        "&".join(f"k{i}=1" for i in range(1001)),
        None,
        "Invalid query string: more than 1000 fields",
    ),
]


@pytest.mark.parametrize(
    ("raw", "param", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_parse_query_rejects(raw: bytes | str, param: str | None, message: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        parse_query(raw)
    assert (raised.value.code, raised.value.param, raised.value.message) == (
        "parameter_invalid_query",
        param,
        message,
    )


COERCED: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "list-typed",
        "AccountListParams",
        "limit=2&applied_configurations%5B0%5D=merchant&applied_configurations%5B1%5D=recipient&closed=true",
        {"limit": 2, "applied_configurations": ["merchant", "recipient"], "closed": True},
    ),
    ("false", "AccountListParams", "closed=false", {"closed": False}),
    ("single-becomes-list", "AccountRetrieveParams", "include=identity", {"include": ["identity"]}),
    (
        "repeated-include",
        "AccountRetrieveParams",
        "include=identity&include=defaults",
        {"include": ["identity", "defaults"]},
    ),
    ("page-on-list", "PersonListParams", "limit=10&page=p2", {"limit": 10, "page": "p2"}),
    ("page-on-events", "EventListParams", "page=p2", {"page": "p2"}),
    (
        "events",
        "EventListParams",
        "object_id=acct_1&types[]=a&created[gte]=2025&limit=20",
        {"object_id": "acct_1", "types": ["a"], "created": {"gte": "2025"}, "limit": 20},
    ),
    (
        "destination-include",
        "EventDestinationRetrieveParams",
        "include[0]=webhook_endpoint.url",
        {"include": ["webhook_endpoint.url"]},
    ),
    (
        "destination-list",
        "EventDestinationListParams",
        "include=webhook_endpoint.url&limit=1&page=x",
        {"include": ["webhook_endpoint.url"], "limit": 1, "page": "x"},
    ),
    ("empty", "EventRetrieveParams", "", {}),
]


@pytest.mark.parametrize(
    ("name", "raw", "expected"), [c[1:] for c in COERCED], ids=[c[0] for c in COERCED]
)
def test_coerce(name: str, raw: str, expected: dict[str, Any]) -> None:
    assert coerce(name, parse_query(raw)) == expected


COERCE_ERRORS: list[tuple[str, str, str, str, str, str]] = [
    (
        "limit-not-int",
        "AccountListParams",
        "limit=ten",
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be an integer",
    ),
    (
        "limit-float",
        "AccountListParams",
        "limit=2.5",
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be an integer",
    ),
    (
        "limit-empty",
        "AccountListParams",
        "limit=",
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be an integer",
    ),
    (
        "limit-range",
        "AccountListParams",
        "limit=1000",
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be between 1 and 100",
    ),
    (
        "limit-repeated",
        "AccountListParams",
        "limit=1&limit=2",
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be an integer",
    ),
    (
        "bool",
        "AccountListParams",
        "closed=yes",
        "parameter_invalid_type",
        "closed",
        "Invalid boolean: closed must be true or false",
    ),
    (
        "unknown",
        "AccountRetrieveParams",
        "include=identity&foo=1",
        "parameter_unknown",
        "foo",
        "Received unknown parameter: foo",
    ),
    (
        "page-not-on-retrieve",
        "AccountRetrieveParams",
        "page=1",
        "parameter_unknown",
        "page",
        "Received unknown parameter: page",
    ),
    (
        "enum",
        "AccountListParams",
        "applied_configurations[0]=bogus",
        "parameter_invalid_enum",
        "applied_configurations[0]",
        "Invalid applied_configurations[0]: must be one of customer, merchant, recipient",
    ),
    (
        "nested-unknown",
        "EventListParams",
        "created[after]=x",
        "parameter_unknown",
        "created[after]",
        "Received unknown parameter: created[after]",
    ),
    (
        "object-as-value",
        "EventListParams",
        "created=2025",
        "parameter_invalid_type",
        "created",
        "Invalid object: created must be an object",
    ),
    (
        "empty-string",
        "EventListParams",
        "object_id=",
        "parameter_invalid_string_empty",
        "object_id",
        "You passed an empty string for object_id; omit it or supply a value",
    ),
    (
        "delete-has-no-params",
        "EventDestinationDeleteParams",
        "x=1",
        "parameter_unknown",
        "x",
        "Received unknown parameter: x",
    ),
]


@pytest.mark.parametrize(
    ("name", "raw", "code", "param", "message"),
    [c[1:] for c in COERCE_ERRORS],
    ids=[c[0] for c in COERCE_ERRORS],
)
def test_coerce_rejects(name: str, raw: str, code: str, param: str, message: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        coerce(name, parse_query(raw))
    assert (raised.value.code, raised.value.param, raised.value.message) == (code, param, message)


# --------------------------------------------------------------------------- depth


def nested(segments: list[str], value: Any) -> Any:
    """What ``name[s1][s2]...=value`` parses to, built without recursion."""
    for segment in reversed(segments):
        value = [value] if segment == "0" else {segment: value}
    return value


def test_depth_at_the_limit_is_accepted() -> None:
    brackets = MAX_QUERY_DEPTH - 1
    assert MAX_QUERY_DEPTH == 32  # Rack's param_depth_limit; docs/decisions.md says why
    assert parse_query("a" + "[b]" * brackets + "=1") == {"a": nested(["b"] * brackets, "1")}
    mixed = ["0", "b"] * (brackets // 2) + ["0"]
    key = "a" + "".join(f"[{s}]" for s in mixed)
    assert parse_query(f"{key}=1&{key.replace('[b]', '[c]', 1)}=2")["a"][0] == {
        "b": nested(mixed[2:], "1"),
        "c": nested(mixed[2:], "2"),
    }
    assert parse_query(
        "a" + "[b]" * (brackets - 1) + "[]=1&a" + "[b]" * (brackets - 1) + "[]=2"
    ) == {"a": nested(["b"] * (brackets - 1), ["1", "2"])}


@pytest.mark.parametrize(
    "key",
    [
        "a" + "[b]" * MAX_QUERY_DEPTH,
        "a" + "[b]" * (MAX_QUERY_DEPTH - 1) + "[]",
        "a" + "[0]" * MAX_QUERY_DEPTH,
        "a" + "%5Bb%5D" * MAX_QUERY_DEPTH,
    ],
    ids=["named", "appended", "indexed", "percent-encoded"],
)
def test_one_over_the_limit_is_refused(key: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        parse_query(f"{key}=1")
    segment = "b" if "b" in key else "0"
    last = "" if key.endswith("[]") else segment
    assert raised.value.code == "parameter_invalid_query"
    assert raised.value.param == "a" + f"[{segment}]" * (MAX_QUERY_DEPTH - 1) + f"[{last}]"
    assert raised.value.message.endswith(
        "is nested too deeply (at most 31 [brackets] may follow the name)"
    )


@pytest.mark.parametrize("depth", [900, 100_000, 1_000_000])
def test_very_deep_keys_are_refused_fast(depth: int) -> None:
    """The reported attack: 900 brackets deep was a RecursionError (a 500 with a 188 KB
    traceback). Now refused after reading 32 parts, with a short message, in a query string or
    a form body alike."""
    raw = "a" + "[b]" * depth + "=1"
    started = time.perf_counter()
    with pytest.raises(InvalidRequest) as raised:
        parse_query(raw.encode())
    assert time.perf_counter() - started < 2.0  # ~15 ms for a million on a loaded machine
    assert raised.value.param == "a" + "[b]" * MAX_QUERY_DEPTH
    assert len(raised.value.message) < 400


def test_parsing_never_recurses_with_the_input() -> None:
    """With barely any stack to spare, a key at the depth limit still parses: nothing on the
    path recurses once per bracket (a recursive walk would need 31 frames more)."""
    key = "a" + "[0][b]" * 15 + "[c]"
    frames = 0
    frame = sys._getframe()
    while frame is not None:
        frames += 1
        frame = frame.f_back  # type: ignore[assignment]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(frames + 20)
    try:
        parsed = parse_query(f"{key}=1&{key[:-3]}[d]=2")
    finally:
        sys.setrecursionlimit(limit)
    node = parsed["a"]
    for _ in range(15):
        node = node[0]["b"]
    assert node == {"c": "1", "d": "2"}


HUGE_NUMBERS: list[tuple[str, str, str, str | None, str]] = [
    # int() refuses more than 4,300 digits (ValueError, a 500) so none may reach it.
    (
        "index-of-5000-zeros",
        "k[" + "0" * 5000 + "]=a&k[1]=b",
        "parameter_unknown",
        "k",
        "Received unknown parameter: k",
    ),
    (
        "index-of-5000-digits",
        "k[" + "9" * 5000 + "]=a",
        "parameter_invalid_query",
        "k",
        "Invalid k: missing index 0; array indices must start at 0 and have no gaps",
    ),
    (
        "limit-of-5000-digits",
        "limit=" + "1" * 5000,
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be between 1 and 100",
    ),
    (
        "negative-limit-of-5000-digits",
        "limit=-" + "1" * 5000,
        "parameter_invalid_integer",
        "limit",
        "Invalid integer: limit must be between 1 and 100",
    ),
]


@pytest.mark.parametrize(
    ("raw", "code", "param", "message"),
    [c[1:] for c in HUGE_NUMBERS],
    ids=[c[0] for c in HUGE_NUMBERS],
)
def test_huge_numbers_are_refused_not_crashed(
    raw: str, code: str, param: str | None, message: str
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        coerce("AccountListParams", parse_query(raw))
    assert (raised.value.code, raised.value.param, raised.value.message) == (code, param, message)


def test_leading_zeros_name_the_same_index() -> None:
    assert parse_query("k[00]=a&k[001]=b") == {"k": ["a", "b"]}
    assert coerce("AccountListParams", parse_query("limit=" + "0" * 5000 + "7")) == {"limit": 7}
    with pytest.raises(InvalidRequest) as raised:
        parse_query("k[0]=a&k[000]=b")
    assert raised.value.param == "k[0]"


def test_long_keys_make_short_messages() -> None:
    with pytest.raises(InvalidRequest) as raised:
        parse_query("a" * 100_000 + "[b=1")
    assert raised.value.message == f"Invalid query parameter name: {'a' * 200!r}..."
