"""Verification of submitted data: records per submission, test-mode outcomes, reviewer decisions.

Every verifiable submission (a date of birth, an ID number, an address, a document...) gets a
record, keyed by a keyed fingerprint of its value: changing the value supersedes the record and
starts a new one. In test mode Stripe's documented magic values decide (at once, or after a short
delay that the clock sweep applies); in live mode every record waits for a reviewer, whose
decision is appended to an audit trail with who, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.ids import new_id
from gangway.core.keys import KeyPrincipal
from gangway.requirements import Verification
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.verifications import DecisionRecord, VerificationRecord
from gangway.store.uow import UnitOfWork
from gangway.verification import Outcome, checks, live_mode_outcome, test_mode_outcome

__all__ = ["apply_due", "decide", "next_decision_ms", "sync", "verdicts"]

TEST_MODE_ACTOR = "gangway test mode"
_STATUSES: dict[str, Literal["pending", "verified", "failed"]] = {
    "pending": "pending",
    "verified": "verified",
    "failed": "failed",
}
_RANK = {"verified": 0, "pending": 1, "failed": 2}


def sync(
    uow: UnitOfWork,
    account: AccountRecord,
    persons: Sequence[Mapping[str, Any]],
    now_ms: int,
    *,
    existing: list[VerificationRecord] | None = None,
) -> list[VerificationRecord]:
    """Bring the account's records in line with what it submits now; returns the current ones.
    ``existing`` are the records already read (none for a new account), saving a query."""
    if existing is None:
        existing = uow.verifications.of_account(account.id)
    by_value = {(r.subject, r.kind, r.fingerprint): r for r in existing}
    current: list[VerificationRecord] = []
    for check in checks(account.document, persons, secret=uow.fingerprint_secret):
        found = by_value.pop((check.subject, check.kind, check.fingerprint), None)
        if found is not None:
            current.append(found)
            continue
        if account.livemode:
            outcome = live_mode_outcome(check)
        else:
            outcome = test_mode_outcome(check, account.document, persons)
        record = VerificationRecord(
            id=new_id("vrf", livemode=account.livemode),
            account_id=account.id,
            platform_id=account.platform_id,
            livemode=account.livemode,
            subject=check.subject,
            kind=check.kind,
            fingerprint=check.fingerprint,
            status=outcome.status,
            decide_at_ms=now_ms + outcome.decide_after_ms
            if outcome.final is not None and outcome.decide_after_ms is not None
            else None,
            created_ms=now_ms,
            updated_ms=now_ms,
            payload={
                "descriptions": list(check.descriptions),
                "label": check.label,
                "errors": [dict(e) for e in outcome.errors],
                "final": _outcome_payload(outcome.final),
            },
        )
        uow.verifications.add(record)
        if record.status != "pending":
            _audit(uow, record, TEST_MODE_ACTOR, now_ms, reason="test-mode magic value")
        current.append(record)
    for gone in by_value.values():  # the value changed or was removed
        gone.status = "superseded"
        gone.updated_ms = now_ms
        uow.verifications.save(gone)
    return current


def apply_due(uow: UnitOfWork, records: Iterable[VerificationRecord], now_ms: int) -> None:
    """Test mode's asynchronous outcomes whose time has come."""
    for record in records:
        final = record.payload.get("final")
        if record.status != "pending" or final is None or record.decide_at_ms is None:
            continue
        if record.decide_at_ms > now_ms:
            continue
        record.status = final["status"]
        record.payload["errors"] = final["errors"]
        record.payload["final"] = None
        record.decide_at_ms = None
        record.updated_ms = now_ms
        uow.verifications.save(record)
        _audit(uow, record, TEST_MODE_ACTOR, now_ms, reason="test-mode magic value")


def verdicts(records: Iterable[VerificationRecord]) -> dict[tuple[str | None, str], Verification]:
    """The engine's view: one verdict per ``(subject, description)``; the worst wins when two
    submissions cover one description."""
    out: dict[tuple[str | None, str], Verification] = {}
    for record in records:
        status = _STATUSES.get(record.status)
        if status is None:
            continue
        verdict = Verification(status=status, errors=tuple(record.payload.get("errors") or ()))
        for description in record.payload.get("descriptions") or ():
            key = (record.subject, description)
            held = out.get(key)
            if held is None or _RANK[verdict.status] > _RANK[held.status]:
                out[key] = verdict
    return out


def next_decision_ms(records: Iterable[VerificationRecord]) -> int | None:
    times = [r.decide_at_ms for r in records if r.status == "pending" and r.decide_at_ms]
    return min(times) if times else None


def decide(
    uow: UnitOfWork,
    principal: KeyPrincipal,
    verification_id: str,
    *,
    approve: bool,
    code: str | None,
    reason: str,
    reviewer: str,
    now_ms: int,
) -> VerificationRecord:
    """A reviewer's decision on a pending verification, with an audit entry."""
    record = uow.verifications.get(principal, verification_id)
    if record is None:
        raise NotFound(f"No such verification: '{verification_id}'", param="verification")
    if record.status != "pending":
        raise InvalidRequest(
            f"The verification {verification_id} is already {record.status}.",
            code="verification_not_pending",
        )
    if not approve and not code:
        raise InvalidRequest(
            "A rejection needs an error code (for example verification_failed_keyed_identity).",
            code="parameter_missing",
            param="code",
        )
    record.status = "verified" if approve else "failed"
    record.payload["errors"] = [] if approve else [{"code": code, "description": reason}]
    record.payload["final"] = None
    record.decide_at_ms = None
    record.updated_ms = now_ms
    uow.verifications.save(record)
    _audit(uow, record, reviewer, now_ms, reason=reason)
    return record


def _audit(
    uow: UnitOfWork, record: VerificationRecord, actor: str, now_ms: int, *, reason: str
) -> None:
    uow.verifications.add_decision(
        DecisionRecord(
            id=new_id("vrfd", livemode=record.livemode),
            verification_id=record.id,
            decided_ms=now_ms,
            actor=actor,
            status=record.status,
            payload={"errors": record.payload.get("errors") or [], "reason": reason},
        )
    )


def _outcome_payload(outcome: Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {"status": outcome.status, "errors": [dict(e) for e in outcome.errors]}
