"""Person operations under an account: the representative, owners, directors and executives.

Creates and updates check their params against the contract (``contract.params.check``) before
their first repository access, whoever calls them (the API or the hosted form).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from gangway.contract import params as contract
from gangway.core.accounts import merge_document
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.field_checks import CheckContext, check_person_params
from gangway.core.ids import new_id
from gangway.core.pagination import PageRequest
from gangway.requirements import RuleBook
from gangway.services import accounts, timeline, tokens
from gangway.services.context import Call
from gangway.services.events import record_person_event
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.repos.paging import Page
from gangway.store.uow import UnitOfWork
from gangway.v1 import person_events

__all__ = ["create", "delete", "list_page", "retrieve", "update"]

_REQUEST_ONLY = ("person_token",)


def create(
    uow: UnitOfWork, call: Call, account_id: str, params: dict[str, Any], rules: RuleBook
) -> PersonRecord:
    """Add a person from ``PersonCreateParams`` (checked here)."""
    params = contract.check("PersonCreateParams", params)
    if params.get("person_token") is not None:  # its fields, checked as if sent directly
        spent = tokens.spend_person_token(uow, call, account_id, params)
        params = contract.check("PersonCreateParams", spent)
    account = _writable_account(uow, call, account_id)
    check_person_params(params, _context(call, account))
    document = {k: copy.deepcopy(v) for k, v in params.items() if k not in _REQUEST_ONLY}
    person = PersonRecord(
        id=new_id("person", livemode=call.livemode),
        account_id=account.id,
        created_ms=call.now_ms,
        updated_ms=call.now_ms,
        document=document,
    )
    before = _check_total_ownership(uow, account.id, person)
    uow.accounts.insert_person(person)
    _changed(uow, call, account, person, "created", before, rules)
    return person


def retrieve(uow: UnitOfWork, call: Call, account_id: str, person_id: str) -> PersonRecord:
    account = accounts.retrieve(uow, call, account_id)
    person = uow.accounts.get_person(account.id, person_id)
    if person is None:
        raise NotFound(f"No such person: '{person_id}'", param="person")
    return person


def update(
    uow: UnitOfWork,
    call: Call,
    account_id: str,
    person_id: str,
    params: dict[str, Any],
    rules: RuleBook,
) -> PersonRecord:
    """Apply ``PersonUpdateParams`` (checked here; any subset)."""
    params = contract.check("PersonUpdateParams", params)
    if params.get("person_token") is not None:
        spent = tokens.spend_person_token(uow, call, account_id, params)
        params = contract.check("PersonUpdateParams", spent)
    account = _writable_account(uow, call, account_id)
    person = retrieve(uow, call, account.id, person_id)
    check_person_params(params, _context(call, account))
    v1_before = person_events.view(uow, account, person, rules, call.now_ms)
    patch = {k: v for k, v in params.items() if k not in _REQUEST_ONLY}
    person.document = merge_document(person.document, patch)
    person.updated_ms = call.now_ms
    before = _check_total_ownership(uow, account.id, person)
    uow.accounts.save_person(person)
    _changed(uow, call, account, person, "updated", before, rules, v1_before=v1_before)
    return person


def delete(
    uow: UnitOfWork, call: Call, account_id: str, person_id: str, rules: RuleBook
) -> PersonRecord:
    account = _writable_account(uow, call, account_id)
    person = retrieve(uow, call, account.id, person_id)
    before = _snapshot(uow.accounts.persons_of(account.id))
    v1_before = person_events.view(uow, account, person, rules, call.now_ms)
    uow.accounts.delete_person(person.id)
    _changed(uow, call, account, person, "deleted", before, rules, v1_before=v1_before)
    return person


def list_page(
    uow: UnitOfWork, call: Call, account_id: str, page: PageRequest
) -> tuple[list[PersonRecord], Page]:
    account = accounts.retrieve(uow, call, account_id)
    return uow.accounts.page_persons(account.id, limit=page.limit, cursor=page.cursor)


def _writable_account(uow: UnitOfWork, call: Call, account_id: str) -> AccountRecord:
    account = uow.accounts.get(call.principal, account_id, for_update=True)
    if account is None:
        raise NotFound(f"No such account: '{account_id}'", param="account")
    if account.closed:
        raise InvalidRequest(
            f"The account {account_id} is closed and its persons can no longer be changed.",
            code="account_closed",
        )
    return account


def _context(call: Call, account: AccountRecord) -> CheckContext:
    country = (account.document.get("identity") or {}).get("country")
    return CheckContext(today=call.today, country=country, livemode=call.livemode)


def _check_total_ownership(
    uow: UnitOfWork, account_id: str, changed: PersonRecord
) -> list[dict[str, Any]]:
    """Refuses ownership over 100%; returns the persons as they were, for the change's events."""
    current = uow.accounts.persons_of(account_id)
    others = [p for p in current if p.id != changed.id]
    total = sum((_ownership(p.document) for p in others), _ownership(changed.document))
    if total > 100:
        raise InvalidRequest(
            f"The persons' percent_ownership would add up to {total}%, more than 100%.",
            code="total_person_ownership_exceeded",
            param="relationship[percent_ownership]",
        )
    return _snapshot(current)


def _snapshot(persons: list[PersonRecord]) -> list[dict[str, Any]]:
    return [{**copy.deepcopy(p.document), "id": p.id} for p in persons]


def _ownership(document: dict[str, Any]) -> Decimal:
    value = (document.get("relationship") or {}).get("percent_ownership")
    return Decimal(str(value)) if value is not None else Decimal(0)


def _changed(
    uow: UnitOfWork,
    call: Call,
    account: AccountRecord,
    person: PersonRecord,
    action: str,
    before: list[dict[str, Any]],
    rules: RuleBook,
    *,
    v1_before: dict[str, Any] | None = None,
) -> None:
    """A person event, then the account's: persons change its requirements and deadlines. The
    v1 ``person.*`` snapshot event is recorded here too, so both views' writes produce it."""
    record_person_event(uow, account, person.id, action, at_ms=call.now_ms, reason=call.reason())
    account.updated_ms = call.now_ms
    timeline.refresh(uow, account, rules, call.now_ms, reason=call.reason(), before_persons=before)
    if action == "deleted" and v1_before is not None:
        obj = v1_before
    else:
        obj = person_events.view(uow, account, person, rules, call.now_ms)
    person_events.record(
        uow, account, action, obj, before=v1_before, at_ms=call.now_ms, reason=call.reason()
    )
