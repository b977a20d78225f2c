"""Test-mode magic values for the business: tax IDs, website, names, descriptors, people lists;
and the live-mode rule.

One table per kind; each case swaps one value into a complete stored account (see
``verification_expect``).
"""

from __future__ import annotations

import pytest
from verification_builders import company_account, individual_account, person, set_path
from verification_expect import HOLD, LATER_OK, NOW_OK, Summary, fails, outcome_of

import gangway.verification as verification
from gangway.verification import ASYNC_DELAY_MS, Outcome

# ---- the business -----------------------------------------------------------------------------

TAX_ID_CASES = [
    ("000000000", LATER_OK),
    ("00-0000000", LATER_OK),
    ("000000001", LATER_OK),
    ("111111111", fails("verification_failed_tax_id_match")),
    ("111111112", fails("verification_failed_tax_id_not_issued")),
    ("222222222", NOW_OK),
    ("222221000", fails("verification_failed_keyed_match")),
    ("222221001", LATER_OK),
    ("222221002", LATER_OK),
    ("222221003", LATER_OK),
    ("222221004", LATER_OK),
    ("222221005", HOLD),
    ("123456789", LATER_OK),
]


@pytest.mark.parametrize(("value", "expected"), TAX_ID_CASES)
def test_business_tax_id(value: str, expected: Summary) -> None:
    document = set_path(
        company_account(),
        "identity.business_details.id_numbers",
        [{"type": "us_ein", "value": value}],
    )
    assert outcome_of("business_tax_id", document) == expected


URL_CASES = [
    ("https://accessible.stripe.com", LATER_OK),
    ("http://accessible.stripe.com", LATER_OK),
    ("accessible.stripe.com/shop", LATER_OK),
    ("https://ACCESSIBLE.stripe.com/", LATER_OK),
    ("https://disallowed.stripe.com", fails("invalid_url_denylisted")),
    ("https://geoblocked.stripe.com", fails("invalid_url_website_inaccessible_geoblocked")),
    ("https://problem.stripe.com", fails("invalid_url_website_other")),
    ("https://missing.stripe.com", fails("invalid_url_website_incomplete")),
    ("https://mismatch.stripe.com", fails("invalid_url_website_business_information_mismatch")),
    (
        "https://passwordprotected.stripe.com",
        fails("invalid_url_website_inaccessible_password_protected"),
    ),
    (
        "https://underconstruction.stripe.com",
        fails("invalid_url_website_incomplete_under_construction"),
    ),
    ("https://inaccessible.stripe.com", fails("invalid_url_website_inaccessible")),
    ("https://inactivity.stripe.com", HOLD),
    ("https://rocketrides.example", LATER_OK),
    ("https://disallowed.stripe.com.example.org", LATER_OK),
]


@pytest.mark.parametrize(("url", "expected"), URL_CASES)
def test_business_url(url: str, expected: Summary) -> None:
    document = set_path(company_account(), "defaults.profile.business_url", url)
    assert outcome_of("business_url", document) == expected


TEXT_CASES = [
    ("business_name", "identity.business_details.registered_name", "Rocket Rides", LATER_OK),
    (
        "business_name",
        "identity.business_details.registered_name",
        "mismatch_business_name",
        fails("verification_failed_name_match"),
    ),
    (
        "business_name",
        "identity.business_details.registered_name",
        "disallowed_name",
        fails("invalid_company_name_denylisted"),
    ),
    (
        "business_name",
        "identity.business_details.registered_name",
        "match_name_relationships",
        LATER_OK,
    ),
    ("business_name", "identity.business_details.registered_name", "match_name_only", LATER_OK),
    ("doing_business_as", "defaults.profile.doing_business_as", "Rocket", LATER_OK),
    (
        "doing_business_as",
        "defaults.profile.doing_business_as",
        "disallowed_dba",
        fails("invalid_business_profile_name_denylisted"),
    ),
    (
        "doing_business_as",
        "defaults.profile.doing_business_as",
        "invalid_dba",
        fails("invalid_business_profile_name"),
    ),
    ("product_description", "defaults.profile.product_description", "Rides", LATER_OK),
    (
        "product_description",
        "defaults.profile.product_description",
        "require_url",
        fails("invalid_url_web_presence_detected"),
    ),
    (
        "statement_descriptor",
        "configuration.merchant.statement_descriptor.descriptor",
        "ROCKET RIDES",
        LATER_OK,
    ),
    (
        "statement_descriptor",
        "configuration.merchant.statement_descriptor.descriptor",
        "MISMATCH",
        fails("invalid_statement_descriptor_business_mismatch"),
    ),
    (
        "statement_descriptor",
        "configuration.merchant.statement_descriptor.descriptor",
        "disallowed",
        fails("invalid_statement_descriptor_denylisted"),
    ),
    (
        "statement_descriptor_prefix",
        "configuration.merchant.statement_descriptor.prefix",
        "mismatch",
        fails("invalid_statement_descriptor_prefix_mismatch"),
    ),
    (
        "statement_descriptor_prefix",
        "configuration.merchant.statement_descriptor.prefix",
        "DISALLOWED",
        fails("invalid_statement_descriptor_prefix_denylisted"),
    ),
    (
        "statement_descriptor_prefix",
        "configuration.merchant.statement_descriptor.prefix",
        "ROCKET",
        LATER_OK,
    ),
]


@pytest.mark.parametrize(("kind", "path", "value", "expected"), TEXT_CASES)
def test_business_text_values(kind: str, path: str, value: str, expected: Summary) -> None:
    document = set_path(company_account(), path, value)
    assert outcome_of(kind, document) == expected


# ---- directors and owners ---------------------------------------------------------------------

ROLE_NAME_CASES = [
    ("director", "directors", "mismatch_director", fails("verification_directors_mismatch")),
    ("director", "directors", "missing_director", fails("verification_missing_directors")),
    ("director", "directors", "extraneous_director", fails("verification_extraneous_directors")),
    ("director", "directors", "Jenny", LATER_OK),
    ("owner", "owners", "mismatch_owner", fails("verification_missing_owners")),
    ("owner", "owners", "extraneous_owner", fails("verification_missing_owners")),
    ("owner", "owners", "Jenny", LATER_OK),
    ("owner", "directors", "mismatch_owner", None),  # an owner's magic does not touch directors
]


@pytest.mark.parametrize(("flag", "kind", "given_name", "expected"), ROLE_NAME_CASES)
def test_directors_and_owners_by_given_name(
    flag: str, kind: str, given_name: str, expected: Summary | None
) -> None:
    someone = person("person_1", **{flag: True})
    someone["given_name"] = given_name
    director = person("person_2", director=True)
    persons = [someone, director]
    if expected is None:
        assert outcome_of(kind, company_account(), persons) == LATER_OK
    else:
        assert outcome_of(kind, company_account(), persons) == expected


REGISTRY_CASES = [
    ("222221001", "owners", fails("verification_missing_owners")),
    ("222221001", "directors", LATER_OK),
    ("222221002", "directors", fails("verification_directors_mismatch")),
    ("222221003", "owners", fails("verification_missing_owners")),
    ("222221004", "directors", fails("verification_missing_directors")),
    ("222221004", "owners", LATER_OK),
    ("222221005", "owners", LATER_OK),
    ("000000000", "directors", LATER_OK),
]


@pytest.mark.parametrize(("tax_id", "kind", "expected"), REGISTRY_CASES)
def test_registry_tax_ids_fail_the_people_lists(tax_id: str, kind: str, expected: Summary) -> None:
    document = set_path(
        company_account(),
        "identity.business_details.id_numbers",
        [{"type": "us_ein", "value": tax_id}],
    )
    persons = [person("person_1", owner=True), person("person_2", director=True)]
    assert outcome_of(kind, document, persons) == expected


def test_several_people_errors_are_reported_once_each() -> None:
    document = set_path(
        company_account(),
        "identity.business_details.id_numbers",
        [{"type": "us_ein", "value": "222221004"}],
    )
    persons = [person(f"person_{i}", director=True) for i in range(3)]
    persons[0]["given_name"] = "missing_director"
    persons[1]["given_name"] = "extraneous_director"
    assert outcome_of("directors", document, persons) == fails(
        "verification_missing_directors", "verification_extraneous_directors"
    )


# ---- live mode and the shape of every outcome -------------------------------------------------


def test_live_mode_never_decides() -> None:
    persons = [person("person_rep", representative=True, owner=True, director=True)]
    found = verification.checks(company_account(), persons)
    assert found
    for check in found:
        assert verification.live_mode_outcome(check) == Outcome("pending")


def test_async_delay_is_a_few_seconds() -> None:
    assert 1_000 <= ASYNC_DELAY_MS <= 30_000


def test_a_check_removed_from_the_document_has_no_test_mode_outcome() -> None:
    check = next(
        c for c in verification.checks(individual_account(), []) if c.kind == "business_url"
    )
    document = individual_account()
    del document["defaults"]["profile"]["business_url"]
    with pytest.raises(LookupError):
        verification.test_mode_outcome(check, document, [])
