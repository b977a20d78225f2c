"""Loading rule files: the shipped rules load, and every kind of bad file stops the boot with a
message that says where the problem is."""

from __future__ import annotations

from pathlib import Path

import pytest
from requirements_builders import CREATED_MS, complete_individual, facts

from gangway.requirements import RuleFileError, evaluate, load_rules

MINIMAL = """\
schema_version: 1
country: zz
version: "1"
sources:
  - id: spec
    description: test source
    as_of: 2026-01-01
entity_types: [individual]
capabilities:
  merchant: [card_payments]
capability_groups:
  all: [merchant.card_payments]
deadline_policies:
  onboarding: {kind: immediate}
  later: {kind: scheduled, currently_due_after_days: 10, grace_days: 5}
requirements:
  - id: name
    source: spec
    restricts: [all]
    deadline: onboarding
    fields: [identity.individual.given_name]
"""


def _write(directory: Path, text: str, name: str = "zz.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rules_load() -> None:
    book = load_rules()

    us = book.get("us")
    assert us is not None
    assert us.entity_types == {"individual", "company", "non_profit"}
    assert us.capabilities == {
        ("merchant", "card_payments"),
        ("merchant", "stripe_balance.payouts"),
        ("recipient", "stripe_balance.stripe_transfers"),
        ("recipient", "stripe_balance.payouts"),
    }
    # Every rule names a declared source (checked at load; asserted here so a schema change that
    # drops the check fails a test).
    source_ids = {s.id for s in us.source_file.sources}
    assert all(rule.source in source_ids for rule in us.source_file.requirements)
    assert all(rule.source in source_ids for rule in us.source_file.roles)
    assert book.get("US") is us
    assert book.get("zz") is None


def test_minimal_file_loads_and_evaluates(tmp_path: Path) -> None:
    _write(tmp_path, MINIMAL)
    book = load_rules(tmp_path)
    document = complete_individual()
    document["identity"]["country"] = "zz"
    del document["identity"]["individual"]["given_name"]

    result = evaluate(facts(document), book, CREATED_MS)

    assert [e["description"] for e in result.requirements["entries"]] == [
        "identity.individual.given_name"
    ]
    # stripe_balance.payouts is not in zz's capabilities.
    assert result.capabilities["merchant"]["stripe_balance.payouts"]["status"] == "unsupported"


def test_empty_directory_gives_an_empty_book(tmp_path: Path) -> None:
    assert dict(load_rules(tmp_path).countries) == {}


@pytest.mark.parametrize(
    ("old", "new", "location", "message", "line"),
    [
        pytest.param(
            "    deadline: onboarding\n    fields",
            "    dedline: onboarding\n    fields",
            "requirements[0].dedline",
            "Extra inputs are not permitted",
            20,
            id="typo in a key",
        ),
        pytest.param(
            "    source: spec\n    restricts",
            "    source: nowhere\n    restricts",
            "requirements[0].source",
            "unknown source 'nowhere'",
            18,
            id="unknown source",
        ),
        pytest.param(
            "deadline: onboarding",
            "deadline: someday",
            "requirements[0].deadline",
            "unknown deadline policy 'someday'",
            20,
            id="unknown policy",
        ),
        pytest.param(
            "restricts: [all]",
            "restricts: [merchant.klarna_payments]",
            "requirements[0].restricts[0]",
            "not in the file's capabilities",
            19,
            id="unknown capability",
        ),
        pytest.param(
            "restricts: [all]",
            "restricts: [everything]",
            "requirements[0].restricts[0]",
            "unknown capability group 'everything'",
            19,
            id="unknown capability group",
        ),
        pytest.param(
            "fields: [identity.individual.given_name]",
            "fields: [Identity.Given-Name]",
            "requirements[0].fields[0]",
            "String should match pattern",
            21,
            id="malformed path",
        ),
        pytest.param(
            "    deadline: onboarding\n",
            "    deadline: onboarding\n    scope: representative\n",
            "requirements[0].fields[0]",
            "account path in a person scope",
            22,
            id="account path in a person scope",
        ),
        pytest.param(
            "grace_days: 5}",
            "grace: 5}",
            "deadline_policies.later.grace",
            "Extra inputs are not permitted",
            15,
            id="bad policy key",
        ),
        pytest.param(
            "currently_due_after_days: 10, grace_days: 5}",
            "currently_due_after_days: 10}",
            "deadline_policies.later.grace_days",
            "Field required",
            15,
            id="missing policy key",
        ),
        pytest.param(
            "schema_version: 1",
            "schema_version: 2",
            "schema_version",
            "Input should be 1",
            1,
            id="unknown schema version",
        ),
        pytest.param(
            "country: zz",
            "country: zy",
            "country",
            "must hold country 'zz'",
            2,
            id="file name and country disagree",
        ),
        pytest.param(
            'version: "1"\n',
            'version: "1"\nversion: "2"\n',
            "(yaml)",
            "duplicate key 'version'",
            4,
            id="duplicate key",
        ),
        pytest.param(
            "fields: [identity.individual.given_name]",
            "fields: [identity.individual.given_name",
            "(yaml)",
            "expected ',' or ']'",
            None,
            id="broken yaml",
        ),
        pytest.param(
            "    restricts: [all]\n",
            "    restricts: [all]\n    entity_types: [company]\n",
            "requirements[0].entity_types",
            "not in the file's entity_types: ['company']",
            20,
            id="entity type the file does not support",
        ),
    ],
)
def test_bad_rule_file_stops_loading(
    tmp_path: Path, old: str, new: str, location: str, message: str, line: int | None
) -> None:
    assert old in MINIMAL
    _write(tmp_path, MINIMAL.replace(old, new, 1))

    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)

    error = caught.value
    assert error.file == "zz.yaml"
    assert error.location == location
    assert message in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"zz.yaml:{line}: {location}: ")


def test_duplicate_rule_ids_and_fields(tmp_path: Path) -> None:
    doubled = MINIMAL + MINIMAL[MINIMAL.index("  - id: name") :]
    _write(tmp_path, doubled)
    with pytest.raises(RuleFileError, match=r"requirements\[1\]\.id: rule id 'name' is used twice"):
        load_rules(tmp_path)

    _write(tmp_path, MINIMAL.replace("given_name]", "given_name, identity.individual.given_name]"))
    with pytest.raises(RuleFileError, match="listed twice"):
        load_rules(tmp_path)


def test_future_versions_must_move_forward(tmp_path: Path) -> None:
    future = """\
future_versions:
  - version: "2"
    minimum_transition_date: "2027-01-01T00:00:00Z"
    requirements:
      - {id: a, source: spec, restricts: [all], deadline: onboarding, fields: [x.a]}
  - version: "3"
    minimum_transition_date: "2026-06-01T00:00:00Z"
    requirements:
      - {id: b, source: spec, restricts: [all], deadline: onboarding, fields: [x.b]}
"""
    _write(tmp_path, MINIMAL + future)
    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)
    assert caught.value.location == "future_versions[1].minimum_transition_date"
    assert caught.value.line == 28


def test_future_dates_need_a_timezone(tmp_path: Path) -> None:
    future = """\
future_versions:
  - version: "2"
    minimum_transition_date: "2027-01-01T00:00:00"
    requirements:
      - {id: a, source: spec, restricts: [all], deadline: onboarding, fields: [x.a]}
"""
    _write(tmp_path, MINIMAL + future)
    with pytest.raises(RuleFileError, match="timezone"):
        load_rules(tmp_path)


def test_one_bad_file_among_good_ones_stops_the_boot(tmp_path: Path) -> None:
    _write(tmp_path, MINIMAL)
    _write(tmp_path, "", name="zy.yaml")

    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)

    assert caught.value.file == "zy.yaml"
    assert caught.value.message == "the file is empty"


JAPAN_LIKE = """\
schema_version: 1
country: jp
version: "test"
sources:
  - {id: spec, url: "https://example.test/jp", as_of: 2022-03-17}
entity_types: [individual, company]
capabilities:
  merchant: [card_payments]
deadline_policies:
  onboarding: {kind: immediate}
requirements:
  - id: names
    source: spec
    entity_types: [individual]
    restricts: [merchant.card_payments]
    deadline: onboarding
    fields:
      - identity.individual.script_names.kana.given_name
      - identity.individual.script_names.kanji.given_name
      - identity.individual.script_addresses.kana.town
      - defaults.profile.business_url
      - defaults.profile.product_description
  - id: directors_attested
    source: spec
    entity_types: [company]
    restricts: [merchant.card_payments]
    deadline: onboarding
    fields:
      - {description: identity.attestations.persons_provided.directors, check: {kind: "true"}}
  - id: director_names
    source: spec
    scope: directors
    entity_types: [company]
    restricts: [merchant.card_payments]
    deadline: onboarding
    fields: [script_names.kana.surname, script_names.kanji.surname]
roles:
  - id: directors
    source: spec
    role: directors
    entity_types: [company]
    restricts: [merchant.card_payments]
    deadline: onboarding
    waived_by: [identity.attestations.persons_provided.directors]
"""


def test_schema_carries_script_names_directors_and_both_profile_fields(tmp_path: Path) -> None:
    _write(tmp_path, JAPAN_LIKE, name="jp.yaml")
    book = load_rules(tmp_path)
    document = {
        "identity": {"country": "jp", "entity_type": "company"},
        "configuration": {
            "merchant": {"applied": True, "capabilities": {"card_payments": {"requested": True}}}
        },
    }

    no_directors = evaluate(facts(document), book, CREATED_MS)
    one_director = evaluate(
        facts(document, [{"id": "person_d", "relationship": {"director": True}}]), book, CREATED_MS
    )

    assert [e["description"] for e in no_directors.requirements["entries"]] == [
        "identity.attestations.persons_provided.directors",
        "relationship.director",
    ]
    assert [
        (e["description"], (e["reference"] or {}).get("resource"))
        for e in one_director.requirements["entries"]
    ] == [
        ("directors.script_names.kana.surname", "person_d"),
        ("directors.script_names.kanji.surname", "person_d"),
        ("identity.attestations.persons_provided.directors", None),
    ]
