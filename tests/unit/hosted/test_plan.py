"""From requirement entries to the form's steps: pure, no server."""

from __future__ import annotations

from typing import Any

from gangway.hosted.plan import Due, control_key, due_from_entries, make_plan, statuses_for


def entry(
    description: str,
    status: str = "currently_due",
    person: str | None = None,
    waiting: str = "user",
) -> dict[str, Any]:
    return {
        "description": description,
        "awaiting_action_from": waiting,
        "minimum_deadline": {"status": status},
        "reference": {"type": "person", "resource": person, "inquiry": None} if person else None,
    }


def test_descriptions_collapse_into_controls() -> None:
    assert control_key("date_of_birth.day") == "date_of_birth"
    assert control_key("address.postal_code") == "address"
    assert control_key("id_numbers.us_ssn_last_4") == "id_numbers"
    assert control_key("script_names.kana.surname") == "script_names.kana"
    assert control_key("documents.primary_verification") == "documents.primary_verification"
    assert control_key("relationship.title") == "relationship.title"


def test_the_link_s_fields_choose_the_deadlines_collected() -> None:
    entries = [
        entry("identity.individual.address.city"),
        entry("identity.individual.address.line1", "past_due"),
        entry("identity.individual.id_numbers", "eventually_due"),
        entry("identity.individual.email", waiting="stripe"),  # under review: not the user's
    ]
    now = due_from_entries(entries, statuses_for("currently_due"))
    assert now == [Due("individual", "address", ("address.city", "address.line1"))]
    later = due_from_entries(entries, statuses_for("eventually_due"))
    assert {d.key for d in later} == {"address", "id_numbers"}


def test_person_entries_belong_to_their_person_and_missing_roles_to_the_role() -> None:
    entries = [
        entry("representative.date_of_birth.year", person="person_1"),
        entry("relationship.owner"),
        entry("identity.attestations.persons_provided.owners"),
    ]
    due = due_from_entries(entries, statuses_for("currently_due"))
    assert Due("person_1", "date_of_birth", ("date_of_birth.year",)) in due
    assert Due("role:owner", "relationship", ("relationship.owner",)) in due
    plan = make_plan(
        due,
        document={"identity": {"entity_type": "company"}},
        persons=[{"id": "person_1", "relationship": {"representative": True}}],
        use_case="account_onboarding",
        merchant=False,
    )
    assert plan.steps == ["representative", "people", "review"]
    assert plan.first() == "representative"
    assert plan.next_after("representative") == "people"
    assert plan.next_after("people") == "representative"  # wraps to what is still owed


def test_optional_public_details_are_visited_once_on_the_way_forward() -> None:
    due = [Due("account", "external_account", ("external_account",))]
    fresh = make_plan(due, document={}, persons=[], use_case="account_onboarding", merchant=True)
    assert fresh.steps == ["public", "bank", "review"]
    assert fresh.first() == "public"
    assert fresh.next_after("public") == "bank"
    set_up = {"configuration": {"merchant": {"statement_descriptor": {"descriptor": "SHOP"}}}}
    later = make_plan(
        due, document=set_up, persons=[], use_case="account_onboarding", merchant=True
    )
    assert later.first() == "bank"  # listed, but no longer on the way


def test_a_step_done_and_gone_from_the_plan_leads_on_not_back_to_the_start() -> None:
    """Uploading the last document removes the documents step from the plan; the next step is
    then the review, not the optional public details already passed on the way."""
    document = {"identity": {"business_details": {"registered_name": "Manèges Rapides SAS"}}}
    plan = make_plan(
        [], document=document, persons=[], use_case="account_onboarding", merchant=True
    )
    assert plan.steps == ["business", "public", "review"] and "public" in plan.optional
    assert plan.first() == "public"
    assert plan.next_after("documents") == "review"
    assert plan.next_after("bank") == "review"  # also gone (never in this plan)
    owed = [Due("business", "phone", ("phone",))]
    again = make_plan(
        owed, document=document, persons=[], use_case="account_onboarding", merchant=True
    )
    assert again.next_after("documents") == "business"  # still wraps to what is owed


def test_steps_holding_information_stay_listed_when_done() -> None:
    document = {
        "identity": {"individual": {"given_name": "Jenny"}},
        "external_account": {"last4": "6789"},
    }
    plan = make_plan(
        [], document=document, persons=[], use_case="account_onboarding", merchant=False
    )
    assert plan.steps == ["personal", "bank", "review"]
    assert plan.is_done("personal") and plan.first() == "review"


def test_once_reviewed_fixes_lead_back_to_the_review_not_to_optional_steps() -> None:
    fixed = {"identity": {"individual": {"given_name": "Ana"}}}  # nothing owed any more
    fresh = make_plan([], document=fixed, persons=[], use_case="account_onboarding", merchant=True)
    assert fresh.next_after("personal") == "public"  # offered once on the way forward
    again = make_plan(
        [], document=fixed, persons=[], use_case="account_onboarding", merchant=True, reviewed=True
    )
    assert again.next_after("personal") == "review"
    assert again.position("personal") == (1, len(again.steps))


def test_an_entry_error_travels_with_its_control() -> None:
    failed = {
        **entry("identity.individual.id_numbers"),
        "errors": [{"code": "verification_failed_id_number_match", "description": "x"}],
    }
    (due,) = due_from_entries([failed], statuses_for("currently_due"))
    assert due.errors == ("verification_failed_id_number_match",)
