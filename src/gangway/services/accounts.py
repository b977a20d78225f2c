"""Account operations: create, retrieve, update, list, close, and their requirements.

Every write checks its params against the contract (``contract.params.check``) before its first
repository access, whoever calls it (the API, the hosted form, the CLI): a refused write never
begins a transaction.
"""

from __future__ import annotations

from typing import Any

from gangway.contract import load
from gangway.contract import params as contract
from gangway.core import accounts as domain
from gangway.core.changes import EventSpec
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.field_checks import CheckContext, check_account_params
from gangway.core.ids import new_id, random_token
from gangway.core.listing import listing_of
from gangway.core.pagination import PageRequest
from gangway.core.stored_requirements import StoredRequirements
from gangway.requirements import Evaluation, RuleBook
from gangway.requirements.facts import applied_and_requested
from gangway.services import external_accounts, timeline, tokens, verifications
from gangway.services.context import Call
from gangway.services.events import record_account_events
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.paging import Page
from gangway.store.uow import UnitOfWork

__all__ = [
    "add",
    "build",
    "close",
    "evaluation",
    "list_page",
    "refuse_token",
    "reject",
    "requirements",
    "retrieve",
    "set_external_account",
    "update",
]


def build(call: Call, params: dict[str, Any], rules: RuleBook) -> tuple[AccountRecord, Evaluation]:
    """A new account and its first evaluation, without touching the database: creating splits
    into this pure part and ``add``, so the write transaction only covers the insert. ``params``
    are ``AccountCreateParams``, checked here."""
    params = contract.check("AccountCreateParams", params)
    refuse_token(params, "account_token")
    country = (params.get("identity") or {}).get("country") or None
    check_account_params(
        params, CheckContext(today=call.today, country=country, livemode=call.livemode)
    )
    document = domain.new_account_document(params)
    domain.check_account(document, params, previous=None)
    record = AccountRecord(
        id="acct_" + random_token(16),
        platform_id=call.principal.platform_id,
        livemode=call.livemode,
        created_ms=call.now_ms,
        updated_ms=call.now_ms,
        closed=False,
        document=document,
    )
    _stamp_individual(record, previous=None, call=call)
    record.document["_gangway"] = {"api_version": call.api_version}
    _stamp_requested(record.document, call.now_ms)
    first = timeline.evaluate_record(record, [], rules, call.now_ms)
    record.next_change_ms = first.next_change_ms
    record.evaluated_ms = call.now_ms
    record.listing = listing_of(first)
    record.requirements = timeline.stored(first, rules, call.now_ms)
    return record, first


def add(uow: UnitOfWork, call: Call, record: AccountRecord, rules: RuleBook) -> Evaluation | None:
    """Store a built account. If it submitted anything to verify, the verifications start now
    and the account's first evaluation changes: that new evaluation is returned."""
    uow.accounts.insert(record)  # the write transaction begins here
    created = [EventSpec("v2.core.account.created")]
    record_account_events(uow, record, created, at_ms=call.now_ms, reason=call.reason())
    checked = verifications.sync(uow, record, [], call.now_ms, existing=[])
    if not checked:
        return None
    evaluation = timeline.settle(uow, record, [], rules, call.now_ms, checked)
    saved = uow.accounts.save(record)
    record.version = saved.version
    return evaluation


def retrieve(uow: UnitOfWork, call: Call, account_id: str) -> AccountRecord:
    record = uow.accounts.get(call.principal, account_id)
    if record is None:
        raise _not_found(account_id)
    return record


def update(
    uow: UnitOfWork,
    call: Call,
    account_id: str,
    params: dict[str, Any],
    rules: RuleBook,
    *,
    holder: bool = False,
) -> AccountRecord:
    """Apply ``AccountUpdateParams`` (checked here; any subset, as the form sends one step's).
    ``holder``: the account holder acts through the hosted form (see ``check_account``)."""
    params = contract.check("AccountUpdateParams", params)
    if params.get("account_token") is not None:  # its fields, checked as if sent directly
        params = contract.check(
            "AccountUpdateParams", tokens.spend_account_token(uow, call, params)
        )
    record = _open_for_write(uow, call, account_id)
    country = ((params.get("identity") or {}).get("country")) or (
        (record.document.get("identity") or {}).get("country")
    )
    check_account_params(
        params, CheckContext(today=call.today, country=country, livemode=call.livemode)
    )
    previous = record.document
    document = domain.merge_account(previous, params)
    domain.check_account(document, params, previous=previous, holder=holder)
    record.document = document
    record.updated_ms = call.now_ms
    _stamp_individual(record, previous=previous, call=call)
    _stamp_requested(document, call.now_ms)
    timeline.refresh(
        uow, record, rules, call.now_ms, reason=call.reason(), before_document=previous
    )
    return record


def set_external_account(
    uow: UnitOfWork, call: Call, account_id: str, bank: dict[str, Any], rules: RuleBook
) -> AccountRecord:
    """The payout bank account the hosted form collects (``controls.bank.read_bank``): checked
    against Gangway's own schema (``load.EXTERNAL_ACCOUNT``), errors at ``external_account[...]``,
    then kept by ``external_accounts`` as the default for the account's currency."""
    bank = contract.check(load.EXTERNAL_ACCOUNT, bank, path=("external_account",))
    return external_accounts.set_from_form(uow, call, account_id, bank, rules)


def close(
    uow: UnitOfWork, call: Call, account_id: str, params: dict[str, Any], rules: RuleBook
) -> AccountRecord:
    params = contract.check("AccountCloseParams", params)
    record = _open_for_write(uow, call, account_id)
    applied = record.applied()
    asked = params.get("applied_configurations")
    if asked is not None and sorted(set(asked)) != sorted(applied):
        raise InvalidRequest(
            "All configurations on the Account must be passed in to close it: expected "
            f"{', '.join(applied) or 'none'}.",
            code="applied_configurations_mismatch",
            param="applied_configurations",
        )
    record.closed = True
    record.updated_ms = call.now_ms
    timeline.refresh(uow, record, rules, call.now_ms, reason=call.reason(), before_closed=False)
    return record


REJECT_REASONS = ("fraud", "terms_of_service", "other")


def reject(
    uow: UnitOfWork, call: Call, account_id: str, reason: str, rules: RuleBook
) -> AccountRecord:
    """Stripe's account rejection, for a platform that bears the account's losses: every
    capability stops (``timeline.evaluate_record`` applies ``_gangway.rejected``), for good.
    The events follow from the difference, as for any change."""
    if reason not in REJECT_REASONS:
        raise InvalidRequest(
            f"reason must be one of {', '.join(REJECT_REASONS)}.",
            code="parameter_invalid_enum",
            param="reason",
        )
    record = _open_for_write(uow, call, account_id)
    losses = ((record.document.get("defaults") or {}).get("responsibilities") or {}).get(
        "losses_collector"
    )
    if losses != "application":
        raise InvalidRequest(
            f"Only accounts whose losses the platform bears can be rejected; Stripe bears "
            f"{account_id}'s (defaults.responsibilities.losses_collector is "
            f"{losses or 'stripe'}).",
            code="account_rejection_not_allowed",
        )
    if (record.document.get("_gangway") or {}).get("rejected"):
        raise InvalidRequest(
            f"The account {account_id} is already rejected.", code="account_rejected"
        )
    previous = record.document
    stamp = {"reason": reason, "at_ms": call.now_ms}
    record.document = {
        **previous,
        "_gangway": {**(previous.get("_gangway") or {}), "rejected": stamp},
    }
    record.updated_ms = call.now_ms
    timeline.refresh(
        uow, record, rules, call.now_ms, reason=call.reason(), before_document=previous
    )
    return record


def list_page(uow: UnitOfWork, call: Call, page: PageRequest) -> tuple[list[AccountRecord], Page]:
    return uow.accounts.page(
        call.principal,
        closed=bool(page.filters.get("closed", False)),
        configurations=list(page.filters.get("applied_configurations") or []),
        limit=page.limit,
        cursor=page.cursor,
    )


def requirements(
    uow: UnitOfWork, record: AccountRecord, rules: RuleBook, now_ms: int
) -> StoredRequirements | Evaluation:
    """The account's requirements and capability statuses as of ``now_ms`` (the account's
    clock: a test clock's time in test mode): what every reader renders. The stored evaluation
    when it is fresh (``StoredRequirements.is_fresh``: same rules, ``now_ms`` before its next
    change); else the engine's answer now, evaluated once and returned as an ``Evaluation``, so
    the caller can tell. A read stores nothing: the sweep stores the new evaluation when the
    account's next change comes, start-up when the rules changed."""
    kept = record.requirements
    if kept is not None and kept.is_fresh(timeline.stored_key(rules), now_ms):
        return kept
    persons = timeline.persons_of(uow, record)
    verdicts = verifications.verdicts(uow.verifications.of_account(record.id))
    return timeline.evaluate_record(record, persons, rules, now_ms, verdicts=verdicts)


def evaluation(uow: UnitOfWork, record: AccountRecord, rules: RuleBook, now_ms: int) -> Evaluation:
    """``requirements`` as the engine's ``Evaluation`` (v1, the console, the hosted form)."""
    found = requirements(uow, record, rules, now_ms)
    if isinstance(found, Evaluation):
        return found
    raw = found.raw
    return Evaluation(
        requirements=raw["requirements"],
        future_requirements=raw["future_requirements"],
        capabilities=found.capabilities,
        next_change_ms=found.next_change_ms,
    )


def refuse_token(params: dict[str, Any], name: str) -> None:
    """A token reaches the pure ``build`` only if no one spent it (``tokens.spend_*``, which
    needs the database): the API's create does, before building."""
    if params.get(name) is not None:
        raise InvalidRequest(
            f"{name} must be spent before the account is built.",
            code="unsupported_feature",
            param=name,
        )


def _open_for_write(uow: UnitOfWork, call: Call, account_id: str) -> AccountRecord:
    record = uow.accounts.get(call.principal, account_id, for_update=True)
    if record is None:
        raise _not_found(account_id)
    if record.closed:
        raise InvalidRequest(
            f"The account {account_id} is closed and can no longer be changed.",
            code="account_closed",
        )
    return record


def _stamp_individual(
    record: AccountRecord, *, previous: dict[str, Any] | None, call: Call
) -> None:
    """``identity.individual`` is itself a person object with an id and timestamps."""
    individual = (record.document.get("identity") or {}).get("individual")
    if not individual:
        return
    before = ((previous or {}).get("identity") or {}).get("individual") or {}
    individual.setdefault("id", before.get("id") or new_id("person", livemode=call.livemode))
    individual.setdefault("created_ms", before.get("created_ms", call.now_ms))
    if individual != before:
        individual["updated_ms"] = call.now_ms


def _stamp_requested(document: dict[str, Any], now_ms: int) -> None:
    """When each capability was first requested (``_gangway.requested_ms``, keyed
    ``configuration:capability``): v1 shows it as a Capability's ``requested_at``."""
    _, requested = applied_and_requested(document)
    internal = document.setdefault("_gangway", {})
    stamps = dict(internal.get("requested_ms") or {})
    for configuration, capability in requested:
        stamps.setdefault(f"{configuration}:{capability}", now_ms)
    if stamps:
        internal["requested_ms"] = stamps


def _not_found(account_id: str) -> NotFound:
    return NotFound(f"No such account: '{account_id}'", param="account")
