"""The package's two outside contracts: the SDK's error codes and the US rule file's descriptions.

* Every error code any table can emit is a literal of stripe-python's
  ``Account.Requirements.Entry.Error.code`` (introspected from the installed SDK; the package
  itself does not import stripe).
* Every check whose descriptions the US rules use is seen by the requirements engine: a failed
  verdict under the check's keys turns into a user entry carrying the errors. This is what
  proves the keys (subject, description) line up.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import yaml
from verification_builders import (
    CREATED_MS,
    US_RULES_PATH,
    company_account,
    drop_path,
    facts,
    individual_account,
    person,
    set_path,
    us_rules,
)

import gangway.verification as verification
from gangway.requirements import Verification, evaluate
from gangway.verification import Check, Outcome, magic_business, magic_people

NOW = CREATED_MS + 60_000
ERROR = {"code": "verification_failed_other", "description": "Failed for the test."}


# ---- SDK error codes --------------------------------------------------------------------------


def sdk_error_codes() -> frozenset[str]:
    from stripe.v2.core._account import Account

    annotation = Account.Requirements.Entry.Error.__annotations__["code"]
    literals = [a for a in typing.get_args(annotation) if typing.get_origin(a) is typing.Literal]
    assert len(literals) == 1
    return frozenset(typing.get_args(literals[0]))


def every_table_outcome() -> Iterator[Outcome]:
    """Each magic function applied to each key of its table, plus a value off every table."""
    for dob in [*magic_people.DATES_OF_BIRTH, (15, 6, 1985)]:
        yield magic_people.date_of_birth(dict(zip(("day", "month", "year"), dob, strict=True)))
    for line1 in [*magic_people.ADDRESS_LINE1, "1 Main St"]:
        yield magic_people.address({"line1": line1})
        yield magic_people.business_address({"line1": line1})
    for number in [*magic_people.ID_NUMBERS, "123456789"]:
        yield magic_people.id_number({"type": "us_ssn", "value": number})
    for file_id in [*magic_people.DOCUMENT_FILES, "file_real"]:
        yield magic_people.document([file_id])
    for tax_id in [*magic_business.TAX_IDS, *magic_business.REGISTRY_PEOPLE, "123456789"]:
        yield magic_business.tax_id({"type": "us_ein", "value": tax_id})
        for people in (magic_business.directors, magic_business.owners):
            yield people({"persons": [], "tax_ids": [tax_id]})
    for name in [*magic_business.ROLE_GIVEN_NAMES, "Jenny"]:
        for people in (magic_business.directors, magic_business.owners):
            yield people({"persons": [{"given_name": name}], "tax_ids": []})
    for host in [*magic_business.URL_HOSTS, "example.com"]:
        yield magic_business.business_url(f"https://{host}")
    text_tables = [
        (magic_business.BUSINESS_NAMES, magic_business.business_name),
        (magic_business.DOING_BUSINESS_AS, magic_business.doing_business_as),
        (magic_business.PRODUCT_DESCRIPTIONS, magic_business.product_description),
        (magic_business.STATEMENT_DESCRIPTORS, magic_business.statement_descriptor),
        (magic_business.STATEMENT_DESCRIPTOR_PREFIXES, magic_business.statement_descriptor_prefix),
    ]
    for table, judge in text_tables:
        for value in [*table, "ordinary"]:
            yield judge(value)


def flatten(outcome: Outcome) -> Iterator[Outcome]:
    yield outcome
    if outcome.final is not None:
        yield from flatten(outcome.final)


def test_every_emitted_error_code_is_an_sdk_literal() -> None:
    sdk = sdk_error_codes()
    emitted = {
        error["code"]
        for outcome in every_table_outcome()
        for step in flatten(outcome)
        for error in step.errors
    }
    assert len(emitted) >= 30
    assert sorted(emitted - sdk) == []


def test_every_outcome_is_well_formed() -> None:
    for outcome in every_table_outcome():
        for step in flatten(outcome):
            assert bool(step.errors) == (step.status == "failed"), step
            assert all(set(e) == {"code", "description"} and e["description"] for e in step.errors)
            if step.final is not None:
                assert step.status == "pending"
                assert step.decide_after_ms == verification.ASYNC_DELAY_MS
                assert step.final.status != "pending"
            else:
                assert step.decide_after_ms is None


def test_the_package_does_not_import_stripe() -> None:
    from pathlib import Path

    source = Path(verification.__file__).parent
    for module in source.glob("*.py"):
        assert "import stripe" not in module.read_text(encoding="utf-8"), module.name


# ---- the US rule file -------------------------------------------------------------------------


@cache
def us_descriptions() -> tuple[frozenset[str], frozenset[str], frozenset[tuple[bool, str, str]]]:
    """(account-level descriptions, person-level descriptions, (is person, raiser, raised)).

    Read from the YAML itself (not the compiled rules) so the test states what the file says.
    Alternatives are left out: they stand in for a missing field, tested separately below.
    """
    data = yaml.safe_load(US_RULES_PATH.read_text(encoding="utf-8"))
    account: set[str] = set()
    persons: set[str] = set()
    raises: set[tuple[bool, str, str]] = set()
    requirements = list(data["requirements"])
    for version in data.get("future_versions") or []:
        requirements.extend(version.get("requirements") or [])
    for rule in requirements:
        is_person = rule.get("scope", "account") != "account"
        target = persons if is_person else account
        for field in rule["fields"]:
            description = field if isinstance(field, str) else field["description"]
            target.add(description)
            on_failure = {} if isinstance(field, str) else field.get("on_failure") or {}
            for raised in on_failure.get("raise") or []:
                target.add(raised["description"])
                raises.add((is_person, description, raised["description"]))
    return frozenset(account), frozenset(persons), frozenset(raises)


def entries_for(result: Any, subject: str | None, description: str) -> list[dict[str, Any]]:
    """The entries for ``description`` of ``subject`` (any role prefix for a Person)."""
    found = []
    for entry in result.requirements["entries"]:
        reference = entry["reference"]
        if subject is None:
            matches = reference is None and entry["description"] == description
        else:
            matches = (
                reference is not None
                and reference["resource"] == subject
                and entry["description"].split(".", 1)[1] == description
            )
        if matches:
            found.append(entry)
    return found


def accounts() -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    persons = [person("person_rep", representative=True), person("person_owner", owner=True)]
    return [("individual", individual_account(), []), ("company", company_account(), persons)]


def in_us_rules(check: Check) -> list[str]:
    """The check's descriptions that us.yaml asks for (at the check's level)."""
    account, person_level, _ = us_descriptions()
    known = person_level if check.subject is not None else account
    return [d for d in check.descriptions if d in known]


CASES = [
    pytest.param(document, persons, check, id=f"{name}:{check.kind}:{check.descriptions[0]}")
    for name, document, persons in accounts()
    for check in verification.checks(document, persons)
    if in_us_rules(check)
]


@pytest.mark.parametrize(("document", "persons", "check"), CASES)
def test_a_failed_check_shows_in_the_us_requirements(
    document: dict[str, Any], persons: list[dict[str, Any]], check: Check
) -> None:
    raises = us_descriptions()[2]
    in_rules = in_us_rules(check)
    failed = Verification("failed", [ERROR])
    verdicts = {(check.subject, d): failed for d in check.descriptions}
    is_person = check.subject is not None
    for description in in_rules:
        # A raised field is only looked at once its raiser failed; a failed raiser whose raised
        # document is provided and not failed is resolved. Fail the partner too in both cases.
        for person_side, raiser, raised in raises:
            if person_side == is_person and description in (raised, raiser):
                verdicts.setdefault((check.subject, raiser), failed)
                verdicts.setdefault((check.subject, raised), failed)

    result = evaluate(facts(document, persons, verdicts), us_rules(), NOW)

    for description in in_rules:
        entries = entries_for(result, check.subject, description)
        assert entries, (description, result.requirements["entries"])
        for entry in entries:
            assert entry["awaiting_action_from"] == "user"
            assert entry["errors"] == [ERROR]


def test_the_rule_file_alignment_covers_the_expected_kinds() -> None:
    covered = {
        check.kind
        for _, document, persons in accounts()
        for check in verification.checks(document, persons)
        if in_us_rules(check)
    }
    assert covered == {
        "date_of_birth",
        "address",
        "id_number",
        "identity_document",
        "business_tax_id",
        "business_address",
        "business_name",
        "business_url",
        "supporting_document",
        "owners",
    }


def test_a_failed_product_description_shows_when_it_stands_in_for_the_website() -> None:
    document = drop_path(individual_account(), "defaults.profile.business_url")
    document = set_path(document, "defaults.profile.product_description", "require_url")
    check = next(c for c in verification.checks(document, []) if c.kind == "product_description")
    outcome = verification.test_mode_outcome(check, document, [])
    verdicts: dict[tuple[str | None, str], Verification] = {
        (None, d): Verification(outcome.status, outcome.errors) for d in check.descriptions
    }

    result = evaluate(facts(document, [], verdicts), us_rules(), NOW)

    (entry,) = entries_for(result, None, "defaults.profile.product_description")
    assert [e["code"] for e in entry["errors"]] == ["invalid_url_web_presence_detected"]


def test_end_to_end_a_mismatched_ssn_asks_for_a_document() -> None:
    """checks -> test_mode_outcome -> engine, as the server will wire it."""
    document = set_path(
        individual_account(),
        "identity.individual.id_numbers",
        [{"type": "us_ssn_last_4", "value": "0000"}, {"type": "us_ssn", "value": "111111111"}],
    )
    document = drop_path(document, "identity.individual.documents")
    verdicts: dict[tuple[str | None, str], Verification] = {}
    for check in verification.checks(document, []):
        outcome = verification.test_mode_outcome(check, document, [])
        settled = outcome.final or outcome  # as if the async delay had passed
        for description in check.descriptions:
            verdicts[(check.subject, description)] = Verification(settled.status, settled.errors)

    result = evaluate(facts(document, [], verdicts), us_rules(), NOW)

    by_description = {e["description"]: e for e in result.requirements["entries"]}
    assert set(by_description) == {
        "identity.individual.id_numbers",
        "identity.individual.documents.primary_verification",
    }
    assert [e["code"] for e in by_description["identity.individual.id_numbers"]["errors"]] == [
        "verification_failed_id_number_match"
    ]


def test_the_readme_table_names_every_magic_value() -> None:
    from pathlib import Path

    readme = (Path(verification.__file__).parent / "README.md").read_text(encoding="utf-8")
    values = [f"{y}-{m:02d}-{d:02d}" for d, m, y in magic_people.DATES_OF_BIRTH]
    for table in (
        magic_people.ADDRESS_LINE1,
        magic_people.ID_NUMBERS,
        magic_people.DOCUMENT_FILES,
        magic_business.TAX_IDS,
        magic_business.REGISTRY_PEOPLE,
        magic_business.ROLE_GIVEN_NAMES,
        magic_business.URL_HOSTS,
        magic_business.BUSINESS_NAMES,
        magic_business.DOING_BUSINESS_AS,
        magic_business.PRODUCT_DESCRIPTIONS,
        magic_business.STATEMENT_DESCRIPTORS,
        magic_business.STATEMENT_DESCRIPTOR_PREFIXES,
    ):
        values.extend(table)
    assert [v for v in values if v not in readme] == []
    assert [k for k in verification.KINDS if f"`{k}`" not in readme] == []
