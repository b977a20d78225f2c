"""``QueryMemo``: a GET query is parsed and typed once, and no request shares another's params."""

from __future__ import annotations

from typing import Any

import pytest

from gangway.api.query import QueryMemo, parse_query
from gangway.contract.coerce import coerce
from gangway.core.errors import InvalidRequest

SCHEMA = "AccountRetrieveParams"
QUERY = b"include%5B0%5D=requirements&include%5B1%5D=identity"


def typed_counting(calls: list[bytes], query: bytes) -> Any:
    def typed() -> dict[str, Any]:
        calls.append(query)
        return coerce(SCHEMA, parse_query(query))

    return typed


def test_a_repeated_query_is_typed_once_and_answers_the_same() -> None:
    memo, calls = QueryMemo(), []
    first = memo.params(SCHEMA, QUERY, typed_counting(calls, QUERY))
    second = memo.params(SCHEMA, QUERY, typed_counting(calls, QUERY))
    assert first == second == {"include": ["requirements", "identity"]}
    assert calls == [QUERY]


def test_each_request_gets_containers_of_its_own() -> None:
    memo = QueryMemo()
    first = memo.params(SCHEMA, QUERY, typed_counting([], QUERY))
    first["include"].append("defaults")
    first["extra"] = True
    second = memo.params(SCHEMA, QUERY, typed_counting([], QUERY))
    assert second == {"include": ["requirements", "identity"]}
    second["include"].clear()
    assert memo.params(SCHEMA, QUERY, typed_counting([], QUERY))["include"] == [
        "requirements",
        "identity",
    ]


def test_a_refused_query_is_refused_every_time() -> None:
    memo, calls = QueryMemo(), []
    bad = b"include%5B0%5D=nonsense"
    for _ in range(2):
        with pytest.raises(InvalidRequest):
            memo.params(SCHEMA, bad, typed_counting(calls, bad))
    assert calls == [bad, bad]


def test_the_schema_is_part_of_the_key() -> None:
    memo = QueryMemo()
    memo.params(SCHEMA, QUERY, lambda: {"include": ["requirements", "identity"]})
    calls: list[bytes] = []
    memo.params("OtherParams", QUERY, lambda: calls.append(QUERY) or {})
    assert calls == [QUERY]


def test_long_queries_and_a_full_memo_are_computed_each_time() -> None:
    memo, calls = QueryMemo(size=1, longest=8), []
    long_query = b"x" * 9
    for _ in range(2):
        memo.params(SCHEMA, long_query, lambda: calls.append(long_query) or {})
    memo.params(SCHEMA, b"a=1", lambda: {})  # fills the one slot
    for _ in range(2):
        memo.params(SCHEMA, b"b=2", lambda: calls.append(b"b=2") or {})
    assert calls == [long_query, long_query, b"b=2", b"b=2"]


def test_answers_json_cannot_round_trip_are_not_kept() -> None:
    memo, calls = QueryMemo(), []
    for _ in range(2):
        answer = memo.params(SCHEMA, b"t=1", lambda: calls.append(b"t") or {"t": ("a",)})
        assert answer == {"t": ("a",)}
    assert calls == [b"t", b"t"]
