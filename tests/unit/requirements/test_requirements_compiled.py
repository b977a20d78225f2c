"""Compiled plans: answers built from code constants share nothing a caller can change.

A compiled plan writes every entry as a dict literal, so two evaluations (of one account or of
two accounts on one plan) must still get their own containers, and editing an answer must
change neither another answer nor the plan (its code, its constants, its later answers).
"""

from __future__ import annotations

import copy
from typing import Any

from requirements_builders import CREATED_MS, bare_person, facts, rules

from gangway.requirements import evaluate
from gangway.requirements.plans import plans_for

FRESH_COMPANY = {
    "identity": {"country": "us", "entity_type": "company"},
    "configuration": {
        "merchant": {
            "applied": True,
            "capabilities": {
                "card_payments": {"requested": True},
                "stripe_balance": {"payouts": {"requested": True}},
            },
        }
    },
}


def _containers(value: Any, found: list[Any]) -> list[Any]:
    if isinstance(value, dict | list):
        found.append(value)
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, found)
    return found


def _scribble(value: Any) -> None:
    if isinstance(value, dict):
        for key in list(value):
            _scribble(value[key])
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")


def test_two_accounts_on_one_plan_share_no_container() -> None:
    book = rules()
    first = evaluate(
        facts(FRESH_COMPANY, [bare_person("person_a", representative=True)]), book, CREATED_MS
    )
    second = evaluate(
        facts(FRESH_COMPANY, [bare_person("person_b", representative=True)]), book, CREATED_MS
    )
    assert first.requirements["entries"], "the plan must ask for something for this to test"

    mine = _containers([first.requirements, first.capabilities, first.future_requirements], [])
    theirs = _containers([second.requirements, second.capabilities, second.future_requirements], [])
    assert not {id(c) for c in mine[1:]} & {id(c) for c in theirs[1:]}
    assert len({id(c) for c in mine}) == len(mine), "no container appears twice in one answer"


def test_editing_an_answer_changes_neither_another_answer_nor_the_plan() -> None:
    book = rules()
    account = facts(FRESH_COMPANY, [bare_person("person_a", representative=True, owner=True)])
    other = facts(FRESH_COMPANY, [bare_person("person_b", owner=True)])
    edited = evaluate(account, book, CREATED_MS)
    kept = evaluate(other, book, CREATED_MS)
    kept_before = copy.deepcopy([kept.requirements, kept.capabilities, kept.future_requirements])
    plans = plans_for(book.countries["us"])
    sources = {key: plan.source for key, plan in plans._plans.items()}
    expected_again = repr(evaluate(account, book, CREATED_MS))

    _scribble(edited.requirements)
    _scribble(edited.capabilities)
    _scribble(edited.future_requirements)

    assert [kept.requirements, kept.capabilities, kept.future_requirements] == kept_before
    assert {key: plan.source for key, plan in plans._plans.items()} == sources
    assert repr(evaluate(account, book, CREATED_MS)) == expected_again
    assert "scribbled" not in repr(evaluate(other, book, CREATED_MS))
