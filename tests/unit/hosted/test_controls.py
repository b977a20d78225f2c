"""Controls, pure: building inputs from declarations, reading a submission back, the bank
account, the ID-number types offered and the document shapes."""

from __future__ import annotations

import pytest

from gangway.hosted.controls.bank import bank_group, read_bank
from gangway.hosted.controls.build import build_group
from gangway.hosted.controls.id_types import offered
from gangway.hosted.controls.model import Owner
from gangway.hosted.controls.read import IncompleteDate, read_value
from gangway.services.onboarding import document_value, keep_other_id_numbers

INDIVIDUAL = Owner(("identity", "individual"), {}, "us", False)
PERSON = Owner((), {}, "fr", True)


def test_inputs_are_named_by_param_paths_and_limited_in_length() -> None:
    group = build_group("address", INDIVIDUAL, "en-US")
    names = [i.name for i in group.inputs]
    assert "identity[individual][address][line1]" in names
    assert all(i.maxlength for i in group.inputs if i.kind == "text")
    assert group.fieldset


def test_a_date_is_read_whole_or_reported_at_the_part_to_fix() -> None:
    group = build_group("date_of_birth", PERSON, "fr-FR")
    assert [i.name for i in group.inputs] == [
        "date_of_birth[day]",
        "date_of_birth[month]",
        "date_of_birth[year]",
    ]
    given = read_value(group, {"date_of_birth": {"day": "1", "month": "2", "year": "1990"}}, PERSON)
    assert given == (True, {"day": 1, "month": 2, "year": 1990})
    assert read_value(group, {"date_of_birth": {"day": "", "month": "", "year": ""}}, PERSON) == (
        False,
        None,
    )
    with pytest.raises(IncompleteDate) as missing:
        read_value(group, {"date_of_birth": {"day": "1", "month": "", "year": "1990"}}, PERSON)
    assert missing.value.part == "month"


def test_checkboxes_read_as_booleans_and_blank_text_as_not_given() -> None:
    owner_box = build_group("relationship.owner", PERSON, "en-US")
    assert read_value(owner_box, {"relationship": {"owner": "on"}}, PERSON) == (True, True)
    assert read_value(owner_box, {}, PERSON) == (True, False)
    name = build_group("given_name", PERSON, "en-US")
    assert read_value(name, {"given_name": "   "}, PERSON) == (False, None)
    assert read_value(name, {"given_name": " Ana "}, PERSON) == (True, "Ana")


def test_a_full_number_is_offered_first_when_its_last_4_are_on_file() -> None:
    on_file = Owner(
        ("identity", "individual"),
        {"id_numbers": [{"type": "us_ssn_last_4", "value": "0000"}]},
        "us",
        False,
    )
    types = offered(on_file, (), ["us_ssn_last_4"])
    assert types[0] == "us_ssn"
    group = build_group("id_numbers", on_file, "en-US", ())
    value = group.inputs[-1]
    assert value.required  # the last 4 on file do not satisfy a full number
    assert offered(INDIVIDUAL, ("id_numbers.us_ssn_last_4",), []) == ["us_ssn_last_4", "us_ssn"]


def test_each_bank_error_lands_on_its_input() -> None:
    _, errors = read_bank(
        "us",
        {
            "external_account": {
                "account_holder_name": "Jenny",
                "routing_number": "123",
                "account_number": "12",
            }
        },
        livemode=False,
    )
    assert set(errors) == {
        "external_account[routing_number]",
        "external_account[account_number]",
    }
    good, none = read_bank(
        "de",
        {"external_account": {"account_holder_name": "Jo", "iban": "DE89 3704 0044 0532 0130 00"}},
        livemode=False,
    )
    assert none == {} and good["iban"] == "DE89370400440532013000" and good["last4"] == "3000"


def test_japanese_bank_and_branch_codes_make_the_routing_number() -> None:
    names = [i.name for i in bank_group("jp", {}).inputs]
    assert names == [
        "external_account[account_holder_name]",
        "external_account[bank_code]",
        "external_account[branch_code]",
        "external_account[account_number]",
    ]
    form = {
        "external_account": {
            "account_holder_name": "ヤマダ タロウ",
            "bank_code": "1100",
            "branch_code": "000",
            "account_number": "0001234",
        }
    }
    bank, errors = read_bank("jp", form, livemode=False)
    assert errors == {} and bank["routing_number"] == "1100000"
    form["external_account"]["bank_code"] = "11000"
    _, errors = read_bank("jp", form, livemode=False)
    assert set(errors) == {"external_account[bank_code]"}


def test_documents_take_the_shape_the_sdk_declares_for_them() -> None:
    for subject in ("individual", "person"):
        for name in ("primary_verification", "secondary_verification"):
            assert document_value(subject, name, ["file_a"]) == {
                "type": "front_back",
                "front_back": {"front": "file_a"},
            }
    assert document_value("business", "proof_of_registration", ["file_b"]) == {
        "type": "files",
        "files": ["file_b"],
    }
    with pytest.raises(KeyError):
        document_value("person", "no_such_document", ["file_c"])


def test_id_numbers_on_file_of_other_types_are_kept() -> None:
    sent = [{"type": "us_ssn", "value": "000000000"}]
    keep_other_id_numbers(
        sent, [{"type": "us_ssn", "value": "1"}, {"type": "us_itin", "value": "2"}]
    )
    assert sent == [{"type": "us_itin", "value": "2"}, {"type": "us_ssn", "value": "000000000"}]


def test_a_british_sort_code_is_named_and_checked_as_one() -> None:
    routing = next(i for i in bank_group("gb", {}).inputs if i.name.endswith("[routing_number]"))
    assert routing.label == "Sort code" and routing.maxlength == 8
    form = {
        "external_account": {
            "account_holder_name": "Jo Bloggs",
            "routing_number": "10-88-00",
            "account_number": "00012345",
        }
    }
    bank, errors = read_bank("gb", form, livemode=False)
    assert errors == {} and bank["routing_number"] == "108800"
    form["external_account"]["routing_number"] = "10880"
    _, errors = read_bank("gb", form, livemode=False)
    assert set(errors) == {"external_account[routing_number]"}


def test_a_missing_id_number_is_marked_on_the_number_not_its_preselected_type() -> None:
    group = build_group(
        "id_numbers", Owner(("identity", "business_details"), {}, "fr", False, True), "fr-FR"
    )
    kinds = [i.kind for i in group.visible]
    assert kinds == ["select", "text"] and all(i.required for i in group.visible)


def test_fields_shown_only_to_confirm_what_is_on_file_are_not_marked_optional() -> None:
    from gangway.hosted.plan import Due
    from gangway.hosted.steps.common import Context, owner_groups

    class _View:
        country = "us"

    owner = Owner(("identity", "individual"), {"given_name": "Ana", "surname": "Li"}, "us", False)
    ctx = Context(None, None, None, _View(), "en-US")  # type: ignore[arg-type]
    due = [Due("individual", "id_numbers", ("id_numbers",))]
    groups = {
        g.key: g for g in owner_groups(ctx, owner, "individual", due, ("given_name", "id_numbers"))
    }
    assert groups["given_name"].inputs[0].on_file and not groups["given_name"].inputs[0].required
    assert not any(i.on_file for i in groups["id_numbers"].inputs)
