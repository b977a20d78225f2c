"""v1 Person params and v1 person events: the pure parts."""

from __future__ import annotations

from gangway.v1.person_events import changed_attributes
from gangway.v1.persons_params import to_person_params, v1_person_param


def test_person_params_share_the_individual_mapping() -> None:
    v2, expand = to_person_params(
        {
            "first_name": "Pat",
            "id_number": "000000000",
            "relationship": {"representative": "true", "percent_ownership": "25"},
            "expand": ["x"],
        },
        country="us",
        creating=True,
    )
    assert v2 == {
        "given_name": "Pat",
        "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
        "relationship": {"representative": True, "percent_ownership": "25"},
    }
    assert expand == ["x"]


def test_v2_person_params_are_named_back_in_v1() -> None:
    assert v1_person_param("date_of_birth[year]") == "dob[year]"
    assert v1_person_param("given_name") == "first_name"
    assert v1_person_param("script_names[kana][surname]") == "last_name_kana"
    assert v1_person_param("relationship[title]") == "relationship[title]"
    assert v1_person_param(None) is None


def test_previous_attributes_keep_only_changed_keys() -> None:
    before = {"first_name": "A", "last_name": None, "address": {"city": "X", "line1": "1"}}
    after = {"first_name": "A", "last_name": "B", "address": {"city": "Y", "line1": "1"}}
    assert changed_attributes(before, after) == {"last_name": None, "address": {"city": "X"}}
