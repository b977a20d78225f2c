"""Future versions: announced in ``future_requirements`` and current once their date passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from requirements_builders import CREATED_MS, DAY_MS, complete_individual, facts, with_value

from gangway.core.clock import from_rfc3339
from gangway.requirements import RuleBook, evaluate, load_rules
from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY

JULY = "2026-07-01T00:00:00.000Z"
OCTOBER = "2026-10-01T00:00:00.000Z"
JULY_MS, OCTOBER_MS = from_rfc3339(JULY), from_rfc3339(OCTOBER)
NATIONALITIES = "identity.individual.nationalities"
POLITICAL = "identity.individual.political_exposure"

FUTURE = f"""
future_versions:
  - version: "2026-07-01.test"
    minimum_transition_date: "{JULY}"
    note: test-only future version
    requirements:
      - id: future_nationality
        source: gangway
        entity_types: [individual]
        restricts: [everything]
        deadline: onboarding
        fields: [{NATIONALITIES}, identity.individual.email]
  - version: "2026-10-01.test"
    minimum_transition_date: "{OCTOBER}"
    requirements:
      - id: future_political_exposure
        source: gangway
        entity_types: [individual]
        restricts: [merchant]
        deadline: thirty_days
        fields: [{POLITICAL}]
"""


@pytest.fixture(scope="module")
def future_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleBook:
    directory: Path = tmp_path_factory.mktemp("rules")
    us = (DEFAULT_RULES_DIRECTORY / "us.yaml").read_text(encoding="utf-8")
    (directory / "us.yaml").write_text(us + FUTURE, encoding="utf-8")
    return load_rules(directory)


def test_before_the_transition(future_rules: RuleBook) -> None:
    now = CREATED_MS + DAY_MS
    result = evaluate(facts(complete_individual()), future_rules, now)

    assert result.requirements["entries"] == []
    assert result.capabilities["merchant"]["card_payments"]["status"] == "active"
    future = result.future_requirements
    assert future["minimum_transition_date"] == JULY
    assert [e["description"] for e in future["entries"]] == [NATIONALITIES]
    (entry,) = future["entries"]
    assert entry["requested_reasons"] == [{"code": "future_requirements"}]
    assert entry["awaiting_action_from"] == "user"
    assert entry["minimum_deadline"] == {"status": "past_due"}
    assert future["summary"] == {"minimum_deadline": {"status": "past_due", "time": JULY}}
    assert result.next_change_ms == JULY_MS


def test_after_the_transition(future_rules: RuleBook) -> None:
    result = evaluate(facts(complete_individual()), future_rules, JULY_MS)

    (entry,) = result.requirements["entries"]
    assert entry["description"] == NATIONALITIES
    assert entry["requested_reasons"] == [{"code": "routine_onboarding"}]
    assert result.capabilities["merchant"]["card_payments"]["status"] == "restricted"
    # The next version is now the one announced; it needs political exposure by 30 days after
    # creation, long past at its transition, so it will be past due from October on.
    future = result.future_requirements
    assert future["minimum_transition_date"] == OCTOBER
    assert [(e["description"], e["minimum_deadline"]["status"]) for e in future["entries"]] == [
        (POLITICAL, "past_due")
    ]
    assert [
        (r["configuration"], r["capability"])
        for r in future["entries"][0]["impact"]["restricts_capabilities"]
    ] == [("merchant", "card_payments"), ("merchant", "stripe_balance.payouts")]
    assert result.next_change_ms == OCTOBER_MS


def test_after_every_transition(future_rules: RuleBook) -> None:
    document = with_value(complete_individual(), NATIONALITIES, ["us"])
    result = evaluate(facts(document), future_rules, OCTOBER_MS + DAY_MS)

    assert [e["description"] for e in result.requirements["entries"]] == [POLITICAL]
    assert result.future_requirements == {
        "entries": [],
        "alternatives": None,
        "summary": None,
        "minimum_transition_date": None,
    }
    assert result.next_change_ms is None


def test_nothing_announced_when_already_provided(future_rules: RuleBook) -> None:
    document = with_value(complete_individual(), NATIONALITIES, ["us"])
    result = evaluate(facts(document), future_rules, CREATED_MS)

    assert result.future_requirements["entries"] == []
    assert result.future_requirements["minimum_transition_date"] is None
    assert result.next_change_ms is None


def test_future_does_not_repeat_what_is_already_due(future_rules: RuleBook) -> None:
    document = with_value(complete_individual(), "identity.individual.email", None)
    result = evaluate(facts(document), future_rules, CREATED_MS)

    assert [e["description"] for e in result.requirements["entries"]] == [
        "identity.individual.email"
    ]
    assert [e["description"] for e in result.future_requirements["entries"]] == [NATIONALITIES]


def test_future_entries_follow_the_account_capabilities(future_rules: RuleBook) -> None:
    recipient = complete_individual("recipient")
    result = evaluate(facts(recipient), future_rules, JULY_MS + DAY_MS)

    # The October version restricts only merchant capabilities: nothing to announce.
    assert result.future_requirements["entries"] == []
