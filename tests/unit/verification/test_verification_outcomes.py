"""Test-mode magic values for people and documents: DOB, addresses, ID numbers, documents.

One table per kind; each case swaps one value into a complete stored account (see
``verification_expect``).
"""

from __future__ import annotations

from typing import Any

import pytest
from verification_builders import company_account, individual_account, person, set_path
from verification_expect import HOLD, LATER_OK, NOW_OK, Summary, fails, fails_later, outcome_of

# ---- people -----------------------------------------------------------------------------------

DOB_CASES = [
    pytest.param((1, 1, 1901), LATER_OK, id="1901-01-01 async success"),
    pytest.param((1, 1, 1902), NOW_OK, id="1902-01-01 immediate success"),
    pytest.param((1, 1, 1900), HOLD, id="1900-01-01 OFAC alert: held for review"),
    pytest.param((15, 6, 1985), fails("verification_failed_keyed_identity"), id="other: no match"),
    pytest.param((2, 1, 1901), fails("verification_failed_keyed_identity"), id="near miss"),
    pytest.param(("01", "1", "1901"), LATER_OK, id="digit strings"),
]


@pytest.mark.parametrize(("dob", "expected"), DOB_CASES)
def test_date_of_birth_of_the_account_holder(dob: tuple[Any, ...], expected: Summary) -> None:
    value = dict(zip(("day", "month", "year"), dob, strict=True))
    document = set_path(individual_account(), "identity.individual.date_of_birth", value)
    assert outcome_of("date_of_birth", document) == expected


@pytest.mark.parametrize(("dob", "expected"), DOB_CASES)
def test_date_of_birth_of_a_person(dob: tuple[Any, ...], expected: Summary) -> None:
    rep = person("person_rep", representative=True)
    rep["date_of_birth"] = dict(zip(("day", "month", "year"), dob, strict=True))
    summary_ = outcome_of("date_of_birth", company_account(), [rep], subject="person_rep")
    assert summary_ == expected


def test_partial_date_of_birth_is_a_no_match() -> None:
    document = set_path(individual_account(), "identity.individual.date_of_birth", {"year": 1901})
    assert outcome_of("date_of_birth", document) == fails("verification_failed_keyed_identity")


ADDRESS_CASES = [
    pytest.param("address_full_match", LATER_OK, id="full match"),
    pytest.param("  ADDRESS_FULL_MATCH ", LATER_OK, id="full match, any case"),
    pytest.param("address_no_match", fails("verification_failed_address_match"), id="no match"),
    pytest.param(
        "address_line1_no_match", fails("verification_failed_address_match"), id="line1 no match"
    ),
    pytest.param("510 Townsend St", LATER_OK, id="ordinary address"),
]


@pytest.mark.parametrize(("line1", "expected"), ADDRESS_CASES)
def test_address_of_the_account_holder(line1: str, expected: Summary) -> None:
    document = set_path(individual_account(), "identity.individual.address.line1", line1)
    assert outcome_of("address", document) == expected


@pytest.mark.parametrize(("line1", "expected"), ADDRESS_CASES)
def test_address_of_a_person(line1: str, expected: Summary) -> None:
    owner = person("person_owner", owner=True)
    owner["address"]["line1"] = line1
    assert outcome_of("address", company_account(), [owner], subject="person_owner") == expected


@pytest.mark.parametrize(("line1", "expected"), ADDRESS_CASES)
def test_business_address(line1: str, expected: Summary) -> None:
    document = set_path(company_account(), "identity.business_details.address.line1", line1)
    assert outcome_of("business_address", document) == expected


ID_NUMBER_CASES = [
    pytest.param("us_ssn", "000000000", LATER_OK, id="000000000 async success"),
    pytest.param("us_ssn", "000-00-0000", LATER_OK, id="with separators"),
    pytest.param("us_ssn_last_4", "0000", LATER_OK, id="last 4 0000 success"),
    pytest.param(
        "us_ssn", "111111111", fails("verification_failed_id_number_match"), id="mismatch"
    ),
    pytest.param(
        "us_itin", "111-11-1111", fails("verification_failed_id_number_match"), id="itin mismatch"
    ),
    pytest.param("us_ssn", "222222222", NOW_OK, id="222222222 immediate"),
    pytest.param("us_ssn", "123456789", LATER_OK, id="ordinary SSN"),
    pytest.param("us_ssn_last_4", "1234", LATER_OK, id="ordinary last 4"),
]


@pytest.mark.parametrize(("type_", "value", "expected"), ID_NUMBER_CASES)
def test_personal_id_number_of_the_account_holder(
    type_: str, value: str, expected: Summary
) -> None:
    document = set_path(
        individual_account(), "identity.individual.id_numbers", [{"type": type_, "value": value}]
    )
    assert outcome_of("id_number", document) == expected


@pytest.mark.parametrize(("type_", "value", "expected"), ID_NUMBER_CASES)
def test_personal_id_number_of_a_person(type_: str, value: str, expected: Summary) -> None:
    rep = person("person_rep", representative=True)
    rep["id_numbers"] = [{"type": type_, "value": value}]
    assert outcome_of("id_number", company_account(), [rep], subject="person_rep") == expected


# ---- documents --------------------------------------------------------------------------------

DOCUMENT_CASES = [
    pytest.param(["file_identity_document_success"], LATER_OK, id="identity success"),
    pytest.param(
        ["file_identity_document_failure"],
        fails_later("verification_document_failed_test_mode"),
        id="identity failure",
    ),
    pytest.param(["file_relationship_document_success"], LATER_OK, id="relationship success"),
    pytest.param(
        ["file_relationship_document_invalid"],
        fails_later("verification_document_invalid"),
        id="relationship invalid",
    ),
    pytest.param(
        ["file_relationship_document_mismatch"],
        fails_later("verification_failed_document_match"),
        id="relationship mismatch",
    ),
    pytest.param(
        ["file_relationship_document_invalid_signer"],
        fails_later("verification_failed_representative_authority"),
        id="relationship invalid signer",
    ),
    pytest.param(["file_1PqUploadedByTheForm"], LATER_OK, id="real upload"),
    pytest.param(
        ["file_identity_document_success", "file_identity_document_failure"],
        fails_later("verification_document_failed_test_mode"),
        id="one failing side fails the document",
    ),
]


@pytest.mark.parametrize(("files", "expected"), DOCUMENT_CASES)
def test_identity_document(files: list[str], expected: Summary) -> None:
    front_back = dict(zip(("front", "back"), files, strict=False))
    document = set_path(
        individual_account(),
        "identity.individual.documents.primary_verification",
        {"type": "front_back", "front_back": front_back},
    )
    assert outcome_of("identity_document", document) == expected


@pytest.mark.parametrize(("files", "expected"), DOCUMENT_CASES)
def test_relationship_document_of_a_person(files: list[str], expected: Summary) -> None:
    rep = person("person_rep", representative=True)
    rep["documents"] = {"company_authorization": {"type": "files", "files": files}}
    summary_ = outcome_of("supporting_document", company_account(), [rep], subject="person_rep")
    assert summary_ == expected


@pytest.mark.parametrize(("files", "expected"), DOCUMENT_CASES)
def test_business_document(files: list[str], expected: Summary) -> None:
    document = set_path(
        company_account(),
        "identity.business_details.documents",
        {"proof_of_registration": {"type": "files", "files": files}},
    )
    assert outcome_of("supporting_document", document) == expected
