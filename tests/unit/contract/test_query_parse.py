"""parse_query (bracket syntax) and coerce (schema typing) for GET and DELETE requests."""

from __future__ import annotations

from typing import Any

import pytest

from gangway.api.query import parse_query
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
