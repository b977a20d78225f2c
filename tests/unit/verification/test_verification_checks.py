"""``checks``: what is verifiable, under which keys, and fingerprints that hide the value."""

from __future__ import annotations

import re
from typing import Any

import pytest
from verification_builders import (
    SSN,
    company_account,
    drop_path,
    individual_account,
    person,
    set_path,
)

from gangway.verification import KINDS, Check, checks
from gangway.verification.outcomes import TEST_MODE_TABLES

IND = "identity.individual."
BIZ = "identity.business_details."


def keys(found: list[Check]) -> list[tuple[str | None, str, tuple[str, ...]]]:
    return [(c.subject, c.kind, c.descriptions) for c in found]


def test_individual_account() -> None:
    assert keys(checks(individual_account(), [])) == [
        (None, "date_of_birth", (f"{IND}date_of_birth.day", f"{IND}date_of_birth.month", f"{IND}date_of_birth.year")),
        (None, "address", tuple(f"{IND}address.{p}" for p in ("line1", "city", "state", "postal_code"))),
        (None, "id_number", (f"{IND}id_numbers.us_ssn_last_4",)),
        (None, "id_number", (f"{IND}id_numbers.us_ssn", f"{IND}id_numbers")),
        (None, "identity_document", (f"{IND}documents.primary_verification",)),
        (None, "business_url", ("defaults.profile.business_url",)),
        (None, "statement_descriptor", ("configuration.merchant.statement_descriptor.descriptor",)),
        (None, "statement_descriptor_prefix", ("configuration.merchant.statement_descriptor.prefix",)),
    ]  # fmt: skip


def test_company_with_persons_uses_person_ids_and_paths_within_the_person() -> None:
    persons = [
        person("person_rep", representative=True),
        person("person_owner", owner=True, director=True),
    ]
    found = keys(checks(company_account(), persons))

    account = [k for k in found if k[0] is None]
    assert account == [
        (None, "business_name", (f"{BIZ}registered_name",)),
        (None, "business_address", tuple(f"{BIZ}address.{p}" for p in ("line1", "city", "state", "postal_code"))),
        (None, "business_tax_id", (f"{BIZ}id_numbers.us_ein", f"{BIZ}id_numbers")),
        (None, "supporting_document", (f"{BIZ}documents.company_tax_id_verification",)),
        (None, "business_url", ("defaults.profile.business_url",)),
        (None, "doing_business_as", ("defaults.profile.doing_business_as",)),
        (None, "statement_descriptor", ("configuration.merchant.statement_descriptor.descriptor",)),
        (None, "statement_descriptor_prefix", ("configuration.merchant.statement_descriptor.prefix",)),
        (None, "directors", ("identity.attestations.persons_provided.directors",)),
        (None, "owners", ("identity.attestations.persons_provided.owners",)),
    ]  # fmt: skip
    for person_id in ("person_rep", "person_owner"):
        assert [k[1:] for k in found if k[0] == person_id] == [
            ("date_of_birth", ("date_of_birth.day", "date_of_birth.month", "date_of_birth.year")),
            ("address", ("address.line1", "address.city", "address.state", "address.postal_code")),
            ("id_number", ("id_numbers.us_ssn_last_4",)),
            ("id_number", ("id_numbers.us_ssn", "id_numbers")),
            ("identity_document", ("documents.primary_verification",)),
        ]
    roles = ("representative.", "owners.", "directors.", "executives.")
    assert not any(d.startswith(roles) for k in found for d in k[2])


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({}, id="empty"),
        pytest.param({"identity": {"country": "us", "entity_type": "individual"}}, id="no data"),
        pytest.param(
            {
                "identity": {
                    "individual": {
                        "given_name": "Jenny",
                        "date_of_birth": {"day": None, "month": " ", "year": None},
                        "address": {"line1": "", "country": "us"},
                        "id_numbers": [{"type": "us_ssn_last_4"}, {"type": "us_ssn", "value": ""}],
                        "documents": {"primary_verification": {"front_back": {"front": ""}}},
                    },
                    "business_details": {
                        "registered_name": "  ",
                        "id_numbers": [],
                        "documents": {},
                    },
                    "attestations": {"persons_provided": {"owners": False, "directors": None}},
                },
                "defaults": {"profile": {"business_url": None, "doing_business_as": ""}},
                "configuration": {"merchant": {"statement_descriptor": {"descriptor": None}}},
            },
            id="blank values",
        ),
        pytest.param(
            {"identity": {"individual": {"id_numbers": [{"type": "us_ssn"}]}}},
            id="id number without its value (response shape)",
        ),
    ],
)
def test_nothing_for_absent_fields(document: dict[str, Any]) -> None:
    assert checks(document, []) == []


def test_persons_without_data_or_id_give_nothing() -> None:
    persons = [{"id": "person_bare", "relationship": {"representative": True}}, person("")]
    assert checks({}, persons) == []


def test_directors_and_owners_lists_need_a_holder_or_an_attestation() -> None:
    document = drop_path(company_account(), "identity.attestations.persons_provided")
    assert [c.kind for c in checks(document, []) if c.kind in ("directors", "owners")] == []

    attested = set_path(document, "identity.attestations.persons_provided.directors", True)
    assert [c.kind for c in checks(attested, []) if c.kind in ("directors", "owners")] == [
        "directors"
    ]
    owner = person("person_owner", owner=True)
    assert [c.kind for c in checks(document, [owner]) if c.kind in ("directors", "owners")] == [
        "owners"
    ]


def test_a_repeated_id_number_type_gives_one_check() -> None:
    document = set_path(
        individual_account(),
        f"{IND}id_numbers",
        [{"type": "us_ssn", "value": "000000000"}, {"type": "us_ssn", "value": "111111111"}],
    )
    assert [c.kind for c in checks(document, [])].count("id_number") == 1


def test_every_kind_is_documented_and_judged() -> None:
    persons = [person("p1", representative=True, owner=True, director=True)]
    persons[0]["documents"]["company_authorization"] = {"files": ["file_x"]}
    document = set_path(company_account(), "defaults.profile.product_description", "Rides")
    produced = {c.kind for c in checks(document, persons)}
    produced |= {c.kind for c in checks(individual_account(), [])}
    assert produced == set(KINDS) == set(TEST_MODE_TABLES)


# ---- fingerprints -----------------------------------------------------------------------------


def _fingerprints(document: dict[str, Any], secret: bytes = b"") -> dict[Any, str]:
    return {(c.subject, c.kind, c.descriptions): c.fingerprint for c in checks(document, [], secret=secret)}  # fmt: skip


def test_fingerprint_is_stable_for_the_same_value() -> None:
    first = _fingerprints(individual_account())
    assert first == _fingerprints(individual_account())
    assert all(re.fullmatch("[0-9a-f]{64}", f) for f in first.values())
    assert len(set(first.values())) == len(first)


def test_fingerprint_ignores_formatting_that_does_not_change_the_value() -> None:
    document = individual_account()
    document["identity"]["individual"]["id_numbers"][1]["value"] = "123-45-6789"
    document["defaults"]["profile"]["business_url"] = "  https://accessible.stripe.com "
    assert _fingerprints(document) == _fingerprints(individual_account())


@pytest.mark.parametrize(
    ("path", "value", "kind"),
    [
        (f"{IND}date_of_birth.year", 1902, "date_of_birth"),
        (f"{IND}address.city", "Oakland", "address"),
        (f"{IND}documents.primary_verification.front_back.back", "file_b", "identity_document"),
        ("defaults.profile.business_url", "https://example.com", "business_url"),
    ],
)
def test_fingerprint_changes_with_the_value(path: str, value: Any, kind: str) -> None:
    before = _fingerprints(individual_account())
    after = _fingerprints(set_path(individual_account(), path, value))
    changed = {key[1] for key in before if before[key] != after.get(key)}
    assert changed == {kind}


def test_fingerprint_changes_with_the_ssn() -> None:
    document = individual_account()
    document["identity"]["individual"]["id_numbers"][1]["value"] = "987654321"
    before, after = _fingerprints(individual_account()), _fingerprints(document)
    assert {k[2] for k in before if before[k] != after[k]} == {
        (f"{IND}id_numbers.us_ssn", f"{IND}id_numbers")
    }


def test_fingerprint_depends_on_the_secret_and_the_subject() -> None:
    assert _fingerprints(individual_account(), b"a") != _fingerprints(individual_account(), b"b")
    same_values = [person("person_a", owner=True), person("person_b", owner=True)]
    found = [c for c in checks({}, same_values) if c.kind == "id_number"]
    assert len({c.fingerprint for c in found}) == len(found) == 4


def test_owners_fingerprint_follows_the_tax_id_it_is_checked_against() -> None:
    owner = [person("person_owner", owner=True)]
    document = company_account()
    changed = set_path(document, f"{BIZ}id_numbers", [{"type": "us_ein", "value": "222221003"}])
    before = {c.kind: c.fingerprint for c in checks(document, owner)}
    after = {c.kind: c.fingerprint for c in checks(changed, owner)}
    assert before["owners"] != after["owners"]


# ---- no personal data outside the fingerprint -------------------------------------------------


def test_no_raw_value_in_any_check() -> None:
    persons = [person("person_rep", representative=True, owner=True)]
    found = checks(individual_account(), []) + checks(company_account(), persons)
    long_values = [SSN, "Jenny", "Rosen", "San Francisco", "94110", "Rocket Rides", "address_full_match"]  # fmt: skip
    short_values = ["6789", "1901"]  # could occur inside a hex digest by chance
    for check in found:
        text = repr(check)
        assert not [v for v in long_values if v in text], check
        visible = repr((check.subject, check.kind, check.descriptions, check.label))
        assert not [v for v in short_values if v in visible], check


def test_labels_name_the_subject_not_the_value() -> None:
    persons = [person("person_rep", representative=True)]
    labels = {c.label for c in checks(individual_account(), []) + checks(company_account(), persons)}  # fmt: skip
    assert "Date of birth of the account holder" in labels
    assert "ID number (us_ssn) of person person_rep" in labels
    assert "Tax ID (us_ein)" in labels
    assert "Business document (company_tax_id_verification)" in labels


def test_checks_are_hashable_records() -> None:
    found = checks(individual_account(), [])
    assert len(set(found)) == len(found)
