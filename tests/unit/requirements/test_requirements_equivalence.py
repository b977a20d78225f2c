"""The optimised engine answers exactly as the straightforward reference on generated accounts.

``evaluate`` precompiles plans and renders entries as it goes; ``requirements_reference`` is the
first, plain implementation. Both run on thousands of generated accounts (missing, blank and
oddly typed values, Persons in several roles, verdicts, triggers, instants around every deadline
and transition) under the shipped US rules, the US rules with future versions, and a stress file
whose rules overlap on purpose. "Exactly" includes key order: the results are compared by
``repr``, which shows dict order, and orjson writes dicts in that order.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pytest
from requirements_builders import CREATED_MS, DAY_MS
from requirements_generator import AccountGenerator
from requirements_reference import reference_evaluate
from test_requirements_future import FUTURE
from test_requirements_rules import JAPAN_LIKE

from gangway.requirements import AccountFacts, RuleBook, evaluate, load_rules
from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY

#: Rules that overlap on purpose: one field under two rules (different deadlines, reasons and
#: restrictions, the later sorting first), an account field named like a role entry, account
#: descriptions that collide with a Person's (before and after the person rule), alternatives
#: and raises in a person scope, a trigger-only schedule, a later request with a later deadline,
#: a role needing two Persons, and a future version repeating current fields (one with other
#: alternatives).
STRESS = """\
schema_version: 1
country: xx
version: "1"
sources:
  - {id: spec, description: stress rules for the equivalence test, as_of: 2026-01-01}
entity_types: [individual, company]
capabilities:
  merchant: [card_payments, stripe_balance.payouts]
  recipient: [stripe_balance.stripe_transfers]
capability_groups:
  all: [merchant.card_payments, merchant.stripe_balance.payouts, recipient.stripe_balance.stripe_transfers]
deadline_policies:
  now: {kind: immediate}
  soon: {kind: scheduled, currently_due_after_days: 3, grace_days: 4}
  on_trigger: {kind: scheduled, currently_due_after_days: null, grace_days: 2}
  slow: {kind: scheduled, currently_due_after_days: 3, grace_days: 10}
requirements:
  - id: email_for_transfers
    source: spec
    restricts: [recipient.stripe_balance.stripe_transfers, merchant.stripe_balance.payouts]
    deadline: soon
    reason: routine_verification
    fields:
      - identity.individual.email
      - description: identity.individual.tax_id
        path: identity.individual.id_numbers
        check: {kind: list_item, key: kind, any_of: [tin, ssn]}
        on_failure:
          raise: [identity.individual.documents.tax, identity.individual.email]
          deadline: on_trigger
  - id: email_for_payments
    source: spec
    restricts: [merchant.card_payments]
    deadline: now
    fields:
      - identity.individual.email
      - description: relationship.owner
        check: {kind: "true"}
      - representative.given_name
  - id: triggered_only
    source: spec
    entity_types: [individual]
    restricts: [all]
    deadline: on_trigger
    fields:
      - identity.individual.documents.tax
      - description: identity.individual.website
        alternatives:
          - [identity.individual.profile.a, identity.individual.profile.b]
          - [identity.individual.profile.c]
  - id: people
    source: spec
    scope: representative
    restricts: [all]
    deadline: now
    fields:
      - given_name
      - surname
      - description: id_numbers
        check: {kind: list_item, any_of: [ssn]}
        alternatives: [[documents.passport]]
        on_failure:
          raise: [documents.passport, given_name]
  - id: owner_people
    source: spec
    scope: owners
    entity_types: [company]
    restricts: [merchant.card_payments]
    deadline: soon
    fields:
      - given_name
      - description: documents.passport
        on_failure:
          raise: [{description: documents.back, path: documents.passport_back}]
  - id: late_account_field
    source: spec
    restricts: [merchant.card_payments]
    deadline: soon
    fields: [representative.surname]
  - id: email_on_trigger
    source: spec
    restricts: [recipient.stripe_balance.stripe_transfers]
    deadline: on_trigger
    fields: [identity.individual.email]
  - id: email_slow
    source: spec
    restricts: [merchant.stripe_balance.payouts]
    deadline: slow
    fields: [identity.individual.email]
roles:
  - id: two_owners
    source: spec
    role: owners
    min_count: 2
    restricts: [all]
    deadline: now
    waived_by: [identity.attestations.owners_done]
  - id: a_representative
    source: spec
    role: representative
    restricts: [merchant.card_payments]
    deadline: soon
future_versions:
  - version: "2"
    minimum_transition_date: "2026-01-05T00:00:00Z"
    requirements:
      - id: future_email
        source: spec
        restricts: [all]
        deadline: now
        fields:
          - identity.individual.email
          - identity.individual.nationality
          - description: identity.individual.website
            alternatives: [[identity.individual.profile.d]]
  - version: "3"
    minimum_transition_date: "2026-01-20T00:00:00Z"
    roles:
      - id: a_director
        source: spec
        role: directors
        restricts: [merchant.stripe_balance.payouts]
        deadline: soon
"""


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RuleBook]:
    root: Path = tmp_path_factory.mktemp("equivalence")
    us_text = (DEFAULT_RULES_DIRECTORY / "us.yaml").read_text(encoding="utf-8")
    directories = {
        "us": {"us.yaml": us_text},
        "us_future": {"us.yaml": us_text + FUTURE},
        "stress": {"xx.yaml": STRESS, "jp.yaml": JAPAN_LIKE},
    }
    loaded: dict[str, RuleBook] = {}
    for name, files in directories.items():
        directory = root / name
        directory.mkdir()
        for file_name, text in files.items():
            (directory / file_name).write_text(text, encoding="utf-8")
        loaded[name] = load_rules(directory)
    return loaded


@pytest.mark.parametrize(
    ("book_name", "cases"), [("us", 1500), ("us_future", 800), ("stress", 2500)]
)
def test_optimised_engine_matches_the_reference(
    books: dict[str, RuleBook], book_name: str, cases: int
) -> None:
    book = books[book_name]
    generator = AccountGenerator(book, seed=zlib.crc32(book_name.encode()))
    for case in range(cases):
        facts, now = generator.facts()
        expected = reference_evaluate(facts, book, now)
        for attempt in range(2):  # the first call may compile the plan, the second reuses it
            actual = evaluate(facts, book, now)
            assert repr(actual) == repr(expected), (
                f"{book_name} case {case} attempt {attempt}: {facts!r} at {now}"
            )


def test_results_share_nothing_mutable(books: dict[str, RuleBook]) -> None:
    """Callers may edit an evaluation (or cache it): the next one must not notice."""
    generator = AccountGenerator(books["stress"], seed=7)
    for _ in range(200):
        facts, now = generator.facts()
        first = evaluate(facts, books["stress"], now)
        expected = repr(evaluate(facts, books["stress"], now))
        _scribble(first.requirements)
        _scribble(first.future_requirements)
        _scribble(first.capabilities)
        assert repr(evaluate(facts, books["stress"], now)) == expected


def _scribble(value: Any) -> None:
    if isinstance(value, dict):
        for key in list(value):
            _scribble(value[key])
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")


@pytest.mark.parametrize("person_id", ["", "person_a"])
def test_account_and_person_entries_with_one_description(
    books: dict[str, RuleBook], person_id: str
) -> None:
    """The stress rules ask for ``representative.surname`` of each representative, then (in a
    later rule) for an account field of that name. Sorted as ``(description, person or "")``, a
    Person with an empty id ties with the account and the first one added comes first."""
    document = {
        "identity": {"country": "xx", "entity_type": "individual"},
        "configuration": {
            "merchant": {"applied": True, "capabilities": {"card_payments": {"requested": True}}}
        },
    }
    persons = [{"id": person_id, "relationship": {"representative": True}}]
    facts = AccountFacts("acct_tie", False, CREATED_MS, document, persons)

    result = evaluate(facts, books["stress"], CREATED_MS)

    surnames = [
        (e["reference"] or {}).get("resource")
        for e in result.requirements["entries"]
        if e["description"] == "representative.surname"
    ]
    assert surnames == ([person_id, None] if person_id == "" else [None, person_id])
    assert repr(result) == repr(reference_evaluate(facts, books["stress"], CREATED_MS))


def test_a_later_laxer_request_keeps_the_strictest_minimum(books: dict[str, RuleBook]) -> None:
    """``identity.individual.email`` is asked for past due (card payments), then by a
    trigger-only rule (eventually due): the entry stays past due overall."""
    document = {
        "identity": {"country": "xx", "entity_type": "individual"},
        "configuration": {
            "merchant": {"applied": True, "capabilities": {"card_payments": {"requested": True}}},
            "recipient": {
                "applied": True,
                "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}},
            },
        },
    }
    facts = AccountFacts("acct_lax", False, CREATED_MS, document, [])

    result = evaluate(facts, books["stress"], CREATED_MS)

    (email,) = [
        e for e in result.requirements["entries"] if e["description"] == "identity.individual.email"
    ]
    assert email["minimum_deadline"] == {"status": "past_due"}
    assert [
        (r["configuration"], r["capability"], r["deadline"]["status"])
        for r in email["impact"]["restricts_capabilities"]
    ] == [
        ("merchant", "card_payments", "past_due"),
        ("recipient", "stripe_balance.stripe_transfers", "eventually_due"),
    ]
    assert repr(result) == repr(reference_evaluate(facts, books["stress"], CREATED_MS))


def test_an_entry_keeps_its_soonest_deadline(books: dict[str, RuleBook]) -> None:
    """``identity.individual.email`` is requested under two schedules (due at day 7 and, asked
    later, at day 13) and also by a rule that is already past due, so the merged entry is past
    due. A past-due entry impacts the account already, so neither schedule's deadline may stand
    as the summary's time (the property test in tests/properties found that leak): with every
    timed entry past due, the summary time is null, as Stripe shows for a fresh account."""
    document = {
        "identity": {
            "country": "xx",
            "entity_type": "individual",
            "individual": {"id_numbers": [{"kind": "tin"}]},
            "attestations": {"owners_done": True},
        },
        "configuration": {
            "merchant": {
                "applied": True,
                "capabilities": {"stripe_balance": {"payouts": {"requested": True}}},
            }
        },
    }
    facts = AccountFacts("acct_soonest", False, CREATED_MS, document, [])
    now = CREATED_MS + 4 * DAY_MS

    result = evaluate(facts, books["stress"], now)

    email = next(
        e for e in result.requirements["entries"] if e["description"] == "identity.individual.email"
    )
    assert email["minimum_deadline"] == {"status": "past_due"}
    assert result.requirements["summary"] == {
        "minimum_deadline": {"status": "past_due", "time": None}
    }
    assert repr(result) == repr(reference_evaluate(facts, books["stress"], now))
