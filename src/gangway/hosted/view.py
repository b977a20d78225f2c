"""What one request of the form knows: the account, its persons, the plan of steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gangway.hosted import plan as planning
from gangway.requirements import RuleBook
from gangway.services import onboarding
from gangway.services.context import Call
from gangway.services.onboarding import SessionState, Snapshot
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.uow import UnitOfWork

__all__ = ["View", "due_of", "load_view"]


@dataclass
class View:
    snapshot: Snapshot
    plan: planning.Plan
    country: str
    merchant: bool
    state: SessionState
    problems: dict[str, tuple[str, ...]]
    """Error codes of every requirement entry, by subject (``individual``, a person id...)."""

    @property
    def account(self) -> AccountRecord:
        return self.snapshot.account

    @property
    def persons(self) -> list[PersonRecord]:
        return self.snapshot.persons

    @property
    def document(self) -> Mapping[str, Any]:
        return self.account.document


def load_view(uow: UnitOfWork, call: Call, rules: RuleBook, state: SessionState) -> View:
    snap = onboarding.snapshot(uow, call, rules, state.account_id)
    account = snap.account
    merchant = "merchant" in account.applied()
    due = due_of(snap.evaluation.requirements, snap.evaluation.future_requirements, state)
    the_plan = planning.make_plan(
        due,
        document=account.document,
        persons=[{**p.document, "id": p.id} for p in snap.persons],
        use_case=state.use_case,
        merchant=merchant,
        reviewed=state.reviewed,
    )
    country = str((account.document.get("identity") or {}).get("country") or "")
    entries = [
        *(snap.evaluation.requirements.get("entries") or []),
        *(snap.evaluation.future_requirements.get("entries") or []),
    ]
    problems = planning.errors_by_subject(entries)
    return View(snap, the_plan, country, merchant, state, problems)


def due_of(
    requirements: Mapping[str, Any], future: Mapping[str, Any], state: SessionState
) -> list[planning.Due]:
    """What the link's collection options ask the person for, as controls."""
    statuses = planning.statuses_for(state.fields)
    due = planning.due_from_entries(requirements.get("entries") or [], statuses)
    if state.future_requirements == "include":
        every = frozenset({"currently_due", "past_due", "eventually_due"})
        due += planning.due_from_entries(future.get("entries") or [], every)
    return due
