"""Time-driven change: deadlines arriving, test clocks moving, triggers and blocks.

Every account remembers when its requirements were last evaluated (``evaluated_ms``) and when they
next change by time alone (``next_change_ms``, indexed). ``refresh`` re-evaluates one account
between those two instants and records the events the difference causes; ``sweep`` refreshes the
accounts that are due; ``advance`` moves a test clock forward one deadline at a time, so
deadlines fire in order, each stamped with its own time.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import orjson

from gangway.api.render import wire_form, wire_json
from gangway.core.changes import AccountView, account_events
from gangway.core.errors import InvalidRequest
from gangway.core.listing import listing_of
from gangway.core.stored_requirements import StoredRequirements
from gangway.requirements import AccountFacts, Evaluation, RuleBook, Verification, evaluate
from gangway.services import verifications
from gangway.services.events import record_account_events, record_v1_event
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.verifications import VerificationRecord
from gangway.store.uow import Store, UnitOfWork
from gangway.v1 import render as v1_render
from gangway.v1 import render_capability
from gangway.v1.snapshots import previous_attributes

__all__ = [
    "TRIGGERS",
    "advance",
    "evaluate_record",
    "persons_of",
    "refresh",
    "reset",
    "restore",
    "settle",
    "stored",
    "stored_key",
    "sweep",
    "trigger",
]

TRIGGERS = ("next_requirements", "charge_block", "payout_block")
Trigger = Literal["next_requirements", "charge_block", "payout_block"]
_SWEEP_BATCH = 50
"""Accounts per sweep transaction: about 70 ms of SQLite's write lock, so API writes queued
behind a large batch of deadlines wait little."""


def evaluate_record(
    record: AccountRecord,
    persons: Sequence[Mapping[str, Any]],
    rules: RuleBook,
    at_ms: int,
    *,
    document: Mapping[str, Any] | None = None,
    verdicts: Mapping[tuple[str | None, str], Verification] | None = None,
) -> Evaluation:
    facts = AccountFacts(
        id=record.id,
        livemode=record.livemode,
        created_ms=record.created_ms,
        document=record.document if document is None else document,
        persons=persons,
        verifications=verdicts or {},
        triggered_ms=record.triggered_ms,
        blocked_ms=record.blocked_ms,
    )
    evaluation = evaluate(facts, rules, at_ms)
    if (facts.document.get("_gangway") or {}).get("rejected"):
        return rejected(evaluation)
    return evaluation


def stored_key(rules: RuleBook) -> str:
    """The key a stored evaluation is fresh under: these rules (their files and the engine's
    source, ``RuleBook.fingerprint``) and the wire form its requirements were shaped to."""
    return _stored_key(rules.fingerprint)


@functools.cache
def _stored_key(fingerprint: str) -> str:
    return hashlib.sha256(f"{fingerprint}|{wire_form()}".encode()).hexdigest()


def stored(evaluation: Evaluation, rules: RuleBook, at_ms: int) -> StoredRequirements:
    """``evaluation`` (as of ``at_ms``) in the form an account keeps and reads render."""
    raw = orjson.dumps(evaluation.requirements), orjson.dumps(evaluation.future_requirements)
    *wire, same = wire_json(*raw)
    return StoredRequirements.of(
        key=stored_key(rules),
        evaluated_ms=at_ms,
        next_change_ms=evaluation.next_change_ms,
        capabilities=evaluation.capabilities,
        wire_json=(wire[0], wire[1]),
        raw_json=None if same else raw,
    )


_REJECTED = {
    "status": "restricted",
    "status_details": [{"code": "restricted_other", "resolution": "contact_stripe"}],
}


def rejected(evaluation: Evaluation) -> Evaluation:
    """A rejected account (``accounts.reject``): whatever its requirements, no capability is
    active again; v2 has no ``rejected`` code, so each is restricted for another reason."""
    capabilities = {
        configuration: {name: copy.deepcopy(_REJECTED) for name in statuses}
        for configuration, statuses in evaluation.capabilities.items()
    }
    return replace(evaluation, capabilities=capabilities)


def refresh(
    uow: UnitOfWork,
    record: AccountRecord,
    rules: RuleBook,
    now_ms: int,
    *,
    reason: dict[str, Any] | None,
    before_document: Mapping[str, Any] | None = None,
    before_persons: Sequence[Mapping[str, Any]] | None = None,
    before_closed: bool | None = None,
    before_record: AccountRecord | None = None,
) -> Evaluation:
    """Re-evaluate ``record`` as of ``now_ms``, record the events of the difference from its last
    evaluation (or from the given ``before_*`` state, for a request that changed it), and store
    the new evaluation time and next change. Returns the new evaluation."""
    persons = persons_of(uow, record)
    records = uow.verifications.of_account(record.id)
    previous = before_record or record
    before = evaluate_record(
        previous,
        persons if before_persons is None else before_persons,
        rules,
        record.evaluated_ms if record.evaluated_ms is not None else record.created_ms,
        document=before_document,
        verdicts=verifications.verdicts(records),
    )
    checked = verifications.sync(uow, record, persons, now_ms, existing=records)
    after = settle(uow, record, persons, rules, now_ms, checked)
    closed_before = record.closed if before_closed is None else before_closed
    specs = account_events(
        AccountView.of(
            record.document if before_document is None else before_document,
            before,
            closed=closed_before,
        ),
        AccountView.of(record.document, after, closed=record.closed),
    )
    record_account_events(uow, record, specs, at_ms=now_ms, reason=reason)
    if not record.closed:
        shown = previous
        if before_document is not None:
            shown = replace(previous, document=dict(before_document))
        _record_v1_changes(uow, (shown, before), (record, after), at_ms=now_ms, reason=reason)
    record.evaluated_ms = now_ms
    saved = uow.accounts.save(record)
    record.version = saved.version
    return after


def _record_v1_changes(
    uow: UnitOfWork,
    old: tuple[AccountRecord, Evaluation],
    new: tuple[AccountRecord, Evaluation],
    *,
    at_ms: int,
    reason: dict[str, Any] | None,
) -> None:
    """The v1 view's events of the same change: ``account.updated`` when the v1 Account renders
    differently, ``capability.updated`` per v1 capability that does. Whoever caused the change
    (a v1 or v2 request, the form, a reviewer, the clock), it passes here, so both views always
    report it. A closed account is deleted in v1: it has no updates to report."""
    before, after = v1_render.account(*old), v1_render.account(*new)
    changed = previous_attributes(before, after)
    if not changed:
        return  # the capabilities render from the same evaluation: unchanged too
    account = new[0]
    record_v1_event(
        uow,
        account,
        "account.updated",
        after,
        previous_attributes=changed,
        at_ms=at_ms,
        reason=reason,
    )
    if "capabilities" not in changed and "requirements" not in changed:
        return
    old_caps = render_capability.capabilities(*old)
    for name, capability in render_capability.capabilities(*new).items():
        was = old_caps.get(name)
        if was is None:
            continue  # newly requested: Stripe reports a capability's first state elsewhere
        diff = previous_attributes(was, capability)
        if "status" in diff or "requirements" in diff:
            record_v1_event(
                uow,
                account,
                "capability.updated",
                capability,
                previous_attributes=diff,
                at_ms=at_ms,
                reason=reason,
            )


def settle(
    uow: UnitOfWork,
    record: AccountRecord,
    persons: Sequence[Mapping[str, Any]],
    rules: RuleBook,
    now_ms: int,
    checked: Sequence[VerificationRecord],
) -> Evaluation:
    """Apply the test-mode decisions that are due, evaluate as of ``now_ms`` with the resulting
    verdicts, and set the account's next change: the engine's, or the next pending decision."""
    verifications.apply_due(uow, checked, now_ms)
    after = evaluate_record(
        record, persons, rules, now_ms, verdicts=verifications.verdicts(checked)
    )
    record.next_change_ms = (
        None
        if record.closed
        else _soonest(after.next_change_ms, verifications.next_decision_ms(checked))
    )
    record.listing = listing_of(after)
    record.requirements = stored(after, rules, now_ms)
    return after


def restore(uow: UnitOfWork, record: AccountRecord, rules: RuleBook, at_ms: int) -> None:
    """Store ``record``'s evaluation as of ``at_ms`` and record no events: for a closed account
    whose verdicts changed (a late review), and for one stored under other rules (the start-up
    fill, ``services.stored_requirements``). An open account's wake-up follows the evaluation,
    as in ``settle``; a closed one keeps none."""
    persons = persons_of(uow, record)
    records = uow.verifications.of_account(record.id)
    after = evaluate_record(record, persons, rules, at_ms, verdicts=verifications.verdicts(records))
    if not record.closed:
        record.next_change_ms = _soonest(
            after.next_change_ms, verifications.next_decision_ms(records)
        )
    record.listing = listing_of(after)
    record.requirements = stored(after, rules, at_ms)
    saved = uow.accounts.save(record)
    record.version = saved.version


def sweep(store: Store, rules: RuleBook, platform_id: str, livemode: bool, now_ms: int) -> int:
    """Refresh every account of this platform and mode whose next change is due by ``now_ms``;
    the clock caused these changes, so their events carry no request. Returns how many."""
    done = 0
    while True:
        with store.unit_of_work(write=True) as uow:
            due = uow.accounts.due(platform_id, livemode, now_ms, _SWEEP_BATCH)
            for record in due:
                refresh(uow, record, rules, now_ms, reason=None)
        done += len(due)
        if len(due) < _SWEEP_BATCH:
            return done


def advance(store: Store, rules: RuleBook, platform_id: str, *, from_ms: int, to_ms: int) -> int:
    """Move a platform's test clock from ``from_ms`` to ``to_ms``, stopping at every deadline on
    the way so changes happen in order and at their own time. Returns how many account changes
    were processed. The caller moves the clock's offset itself, afterwards."""
    if to_ms < from_ms:
        raise InvalidRequest("A test clock only moves forward.", code="clock_cannot_go_back")
    processed = sweep(store, rules, platform_id, False, from_ms)
    while True:
        with store.unit_of_work(write=False) as uow:
            step = uow.accounts.soonest_change(platform_id, False)
        if step is None or step > to_ms:
            break
        processed += sweep(store, rules, platform_id, False, max(step, from_ms))
    return processed + sweep(store, rules, platform_id, False, to_ms)


def trigger(
    uow: UnitOfWork,
    record: AccountRecord,
    kind: Trigger,
    rules: RuleBook,
    now_ms: int,
    reason: dict[str, Any] | None,
) -> Evaluation:
    """Stripe's test trigger cards: pull the eventually-due requirements into currently due
    (``next_requirements``), or also block charges or payouts, which turns what is currently due
    past due at once."""
    if record.livemode:
        raise InvalidRequest("Triggers exist in test mode only.", code="livemode_not_allowed")
    before = replace(record, document=copy.deepcopy(record.document))
    if record.triggered_ms is None or record.triggered_ms > now_ms:
        record.triggered_ms = now_ms
    if kind in ("charge_block", "payout_block"):
        record.blocked_ms = now_ms
        blocks = record.document.setdefault("_gangway", {}).setdefault("blocks", [])
        blocks.append({"kind": kind, "at_ms": now_ms})
    return refresh(uow, record, rules, now_ms, reason=reason, before_record=before)


def reset(
    store: Store,
    platform_id: str,
    *,
    also: Callable[[UnitOfWork, int], None] | None = None,
) -> int:
    """Empty a platform's test sandbox: accounts, persons, events, verifications, idempotency
    keys and the test clock. Live data is never touched. Returns how many accounts went.
    ``also(uow, removed)`` runs in the same transaction (the console's audit entry)."""
    with store.unit_of_work(write=True) as uow:
        removed = uow.accounts.delete_mode(platform_id, False)
        uow.webhooks.delete_mode(platform_id, False)  # deliveries go; destinations stay
        uow.events.delete_mode(platform_id, False)
        uow.idempotency.delete_mode(platform_id, False)
        uow.clocks.reset(platform_id)
        if also is not None:
            also(uow, removed)
    return removed


def _soonest(*times: int | None) -> int | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def persons_of(uow: UnitOfWork, record: AccountRecord) -> list[dict[str, Any]]:
    return [{**p.document, "id": p.id} for p in uow.accounts.persons_of(record.id)]
