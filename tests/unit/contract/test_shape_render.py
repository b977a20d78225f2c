"""shape.render: full shapes with None for gaps, extras dropped, lists and maps handled."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from gangway.api.shape import render, shape_fields
from gangway.contract import load

ACCOUNT_TOP = (
    "applied_configurations",
    "closed",
    "configuration",
    "contact_email",
    "contact_phone",
    "created",
    "dashboard",
    "defaults",
    "display_name",
    "future_requirements",
    "id",
    "identity",
    "livemode",
    "metadata",
    "object",
    "requirements",
)


def test_missing_fields_become_none_and_unknown_are_dropped() -> None:
    out = render("Account", {"id": "acct_1", "internal_version": 7, "_secret": "x"})
    assert tuple(out) == ACCOUNT_TOP
    assert out["id"] == "acct_1"
    assert out["object"] == "v2.core.account"  # the shape's constant fills a missing object
    assert out["applied_configurations"] == []  # a required list is never null
    assert all(
        out[k] is None for k in ACCOUNT_TOP if k not in ("id", "object", "applied_configurations")
    )


def test_nested_objects_are_rendered_recursively() -> None:
    out = render(
        "Account", {"identity": {"country": "us", "individual": {"given_name": "J", "x": 1}}}
    )
    individual = out["identity"]["individual"]
    assert tuple(individual) == shape_fields("Account", "identity.individual")
    assert individual["given_name"] == "J"
    assert individual["surname"] is None
    assert "x" not in individual
    assert out["identity"]["business_details"] is None
    assert out["identity"]["country"] == "us"


def test_lists_of_objects_are_rendered_element_wise() -> None:
    document = {
        "requirements": {
            "entries": [
                {
                    "description": "identity.individual.email",
                    "awaiting_action_from": "user",
                    "junk": 1,
                },
                {"description": "identity.individual.phone", "errors": [{"code": "x", "extra": 2}]},
                None,
            ]
        }
    }
    entries = render("Account", document)["requirements"]["entries"]
    assert len(entries) == 3
    fields = shape_fields("Account", "requirements.entries")
    assert tuple(entries[0]) == fields
    assert entries[0]["description"] == "identity.individual.email"
    assert entries[0]["errors"] == []  # required lists are empty, not null
    assert entries[0]["requested_reasons"] == []
    assert "junk" not in entries[0]
    assert entries[1]["errors"] == [{"code": "x", "description": None}]
    assert entries[2] is None


def test_maps_and_scalar_lists_are_copied_not_aliased() -> None:
    document = {"metadata": {"a": "b"}, "applied_configurations": ["merchant"]}
    out = render("Account", document)
    assert out["metadata"] == {"a": "b"} and out["metadata"] is not document["metadata"]
    assert out["applied_configurations"] == ["merchant"]
    assert out["applied_configurations"] is not document["applied_configurations"]
    out["metadata"]["c"] = "d"
    assert document["metadata"] == {"a": "b"}


@pytest.mark.parametrize(
    ("stored", "wire"), [(Decimal("25.50"), "25.50"), ("25.5", "25.5"), (25, "25"), (None, None)]
)
def test_decimal_strings_are_strings_on_the_wire(stored: Any, wire: Any) -> None:
    out = render("AccountPerson", {"relationship": {"percent_ownership": stored}})
    assert out["relationship"]["percent_ownership"] == wire


def test_typed_event_adds_related_object_and_data() -> None:
    document = {
        "id": "evt_1",
        "type": "v2.core.account_person.created",
        "related_object": {
            "id": "person_1",
            "type": "v2.core.account_person",
            "url": "/v2/x",
            "z": 1,
        },
        "data": {"account_id": "acct_1", "z": 1},
        "stored_only": True,
    }
    out = render("Event", document)
    assert out["related_object"] == {
        "id": "person_1",
        "type": "v2.core.account_person",
        "url": "/v2/x",
    }
    assert out["data"] == {"account_id": "acct_1"}
    assert out["object"] == "v2.core.event"
    assert out["reason"] is None and out["changes"] is None
    assert "stored_only" not in out


def test_unknown_event_type_uses_the_base_shape() -> None:
    out = render("Event", {"type": "v2.billing.thing", "related_object": {"id": "x"}})
    assert "related_object" not in out
    assert set(out) == set(shape_fields("Event"))


def test_account_link_shape() -> None:
    out = render(
        "AccountLink",
        {"account": "acct_1", "url": "/x", "use_case": {"type": "account_onboarding"}},
    )
    assert out["object"] == "v2.core.account_link"
    assert out["use_case"] == {
        "account_onboarding": None,
        "account_update": None,
        "type": "account_onboarding",
    }
    assert "id" not in out


def test_unexpected_types_pass_through() -> None:
    assert render("Account", {"identity": "oops"})["identity"] == "oops"


def test_shape_fields() -> None:
    assert shape_fields("Account") == ACCOUNT_TOP
    assert "percent_ownership" in shape_fields("Account", "identity.individual.relationship")
    with pytest.raises(KeyError):
        shape_fields("Account", "identity.nope")
    with pytest.raises(KeyError):
        shape_fields("Account", "id")


def test_every_shape_renders_an_empty_document() -> None:
    for name in load.shape_names():
        out = render(name, {})
        assert tuple(out) == shape_fields(name)


def _filled(node: Any) -> Any:
    node = load.resolve(node, shapes=True)
    kind = node["kind"]
    if kind == "scalar":
        return {
            "string": "s",
            "integer": 1,
            "boolean": True,
            "decimal_string": Decimal("1.5"),
            "any": "a",
        }[node["type"]]
    if kind == "object":
        return {key: _filled(child) for key, child in node["fields"].items()}
    if kind == "list":
        return [_filled(node["items"]), _filled(node["items"])]
    return {"k": "v"}


def test_fully_populated_account_round_trips_and_is_fast() -> None:
    """Every field set (lists of two): the render equals the input, decimals as strings."""
    document = _filled(load.shape_node("Account"))
    out = render("Account", document)
    percent = out["identity"]["individual"]["relationship"]["percent_ownership"]
    assert percent == "1.5"
    out["identity"]["individual"]["relationship"]["percent_ownership"] = Decimal("1.5")
    assert out == document
    runs = 100
    start = time.perf_counter()
    for _ in range(runs):
        render("Account", document)
    assert (time.perf_counter() - start) / runs < 5e-3  # measured ~120 µs; a loose guard
