"""v1 ``person.created|updated|deleted`` snapshot events, for a change through either view.

Why here and called by ``services.persons``: a person changed through v2 must produce the same
v1 event as one changed through v1, so the hook sits at the one boundary both pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gangway.requirements import RuleBook
from gangway.services import accounts
from gangway.services.events import record_v1_event
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.uow import UnitOfWork
from gangway.v1 import render, render_person

__all__ = ["changed_attributes", "record", "view"]


def view(
    uow: UnitOfWork, account: AccountRecord, person: PersonRecord, rules: RuleBook, now_ms: int
) -> dict[str, Any]:
    """The v1 Person as of now, its requirements from the account's evaluation."""
    evaluation = accounts.evaluation(uow, account, rules, now_ms)
    due = render_person.scoped(render.requirements(evaluation.requirements), person.id)
    document = {**person.document, "id": person.id}
    return render_person.person(account.id, document, due, created_s=person.created_ms // 1000)


def changed_attributes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The changed top-level fields' previous values; nested dicts reduced to changed keys."""
    previous: dict[str, Any] = {}
    for key, old in before.items():
        new = after.get(key)
        if old == new:
            continue
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            previous[key] = changed_attributes(old, new) or dict(old)
        else:
            previous[key] = old
    return previous


def record(
    uow: UnitOfWork,
    account: AccountRecord,
    action: str,
    obj: dict[str, Any],
    *,
    before: Mapping[str, Any] | None,
    at_ms: int,
    reason: dict[str, Any] | None,
) -> None:
    previous = changed_attributes(before, obj) if action == "updated" and before else None
    record_v1_event(
        uow,
        account,
        f"person.{action}",
        obj,
        previous_attributes=previous if action == "updated" else None,
        at_ms=at_ms,
        reason=reason,
    )
