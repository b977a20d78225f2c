"""v1 Account Link params onto v2's, and v2 error params named back in v1."""

from __future__ import annotations

import pytest

from gangway.core.errors import InvalidRequest
from gangway.v1.account_links import to_link_params, v1_link_param


def test_v1_params_move_under_the_use_case_of_their_type() -> None:
    assert to_link_params(
        {
            "account": "acct_1",
            "type": "account_update",
            "refresh_url": "https://p.test/r",
            "collection_options": {"future_requirements": "include"},
        }
    ) == {
        "account": "acct_1",
        "use_case": {
            "type": "account_update",
            "account_update": {
                "refresh_url": "https://p.test/r",
                "collection_options": {"future_requirements": "include"},
            },
        },
    }


def test_collect_is_collection_options_fields() -> None:
    params = to_link_params(
        {"account": "a", "type": "account_onboarding", "collect": "eventually_due"}
    )
    branch = params["use_case"]["account_onboarding"]
    assert branch == {"collection_options": {"fields": "eventually_due"}}


@pytest.mark.parametrize(
    ("v2", "v1"),
    [
        ("use_case[account_onboarding][refresh_url]", "refresh_url"),
        ("use_case[account_update][collection_options][fields]", "collection_options[fields]"),
        ("use_case[type]", "type"),
        ("use_case[account_update]", "type"),
        ("account", "account"),
        (None, None),
    ],
)
def test_v2_params_are_named_back(v2: str | None, v1: str | None) -> None:
    assert v1_link_param(v2) == v1


def test_a_hash_where_a_string_goes_names_the_param() -> None:
    with pytest.raises(InvalidRequest) as refused:
        to_link_params({"account": {"id": "x"}, "type": "account_onboarding"})
    assert refused.value.param == "account"
