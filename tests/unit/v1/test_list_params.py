"""v1 ``created`` filters as millisecond bounds."""

from __future__ import annotations

import pytest

from gangway.core.errors import InvalidRequest
from gangway.v1.list_params import created_filter


def test_one_second_is_the_whole_second() -> None:
    assert created_filter("1700000000") == {"gte": 1_700_000_000_000, "lt": 1_700_000_001_000}


def test_bounds_round_to_include_or_exclude_the_whole_second() -> None:
    assert created_filter({"gt": "10", "gte": "11", "lt": "12", "lte": "13"}) == {
        "gt": 10_999,
        "gte": 11_000,
        "lt": 12_000,
        "lte": 13_999,
    }


@pytest.mark.parametrize(
    ("value", "param"),
    [("x", "created"), ({"gte": "1.5"}, "created[gte]"), ({"after": "1"}, "created[after]")],
)
def test_bad_values_name_the_param(value: object, param: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        created_filter(value)
    assert refused.value.param == param
