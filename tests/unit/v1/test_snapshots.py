"""``previous_attributes``: changed keys only, nested hashes reduced, lists whole."""

from gangway.v1.snapshots import previous_attributes


def test_nothing_changed_is_empty() -> None:
    assert previous_attributes({"a": 1, "b": {"c": [1]}}, {"a": 1, "b": {"c": [1]}}) == {}


def test_changed_top_level_keys_keep_their_previous_value() -> None:
    assert previous_attributes({"email": "a@x", "id": "acct"}, {"email": "b@x", "id": "acct"}) == {
        "email": "a@x"
    }


def test_nested_hashes_are_reduced_to_changed_keys_and_lists_given_whole() -> None:
    before = {"requirements": {"past_due": [], "currently_due": ["a", "b"], "deadline": 5}}
    after = {"requirements": {"past_due": ["a"], "currently_due": ["a", "b"], "deadline": 5}}
    assert previous_attributes(before, after) == {"requirements": {"past_due": []}}


def test_a_gained_key_was_null() -> None:
    assert previous_attributes({}, {"metadata": {"k": "v"}}) == {"metadata": None}
