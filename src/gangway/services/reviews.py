"""A reviewer's decision on a pending verification: the one path for the review API and the
operator console. The verification is decided (with its entry in the decision trail), then the
account, if still open, is re-evaluated at once, so its requirements, capability statuses and
events follow the decision in the same transaction."""

from __future__ import annotations

from gangway.core.errors import InvalidRequest
from gangway.core.keys import KeyPrincipal
from gangway.requirements import RuleBook
from gangway.services import timeline, verifications
from gangway.store.repos.verifications import VerificationRecord
from gangway.store.uow import UnitOfWork
from gangway.verification.codes import REJECTION_CODES

__all__ = ["REJECTION_CODES", "decide"]


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
    rules: RuleBook,
) -> VerificationRecord:
    """Approve or reject ``verification_id`` (a rejection needs a code from
    ``REJECTION_CODES``) and refresh the open account it belongs to."""
    if not approve and code and code not in REJECTION_CODES:
        raise InvalidRequest(
            f"Unknown rejection code '{code}': use one of the documented codes.",
            code="parameter_invalid_enum",
            param="code",
        )
    record = verifications.decide(
        uow,
        principal,
        verification_id,
        approve=approve,
        code=code,
        reason=reason,
        reviewer=reviewer,
        now_ms=now_ms,
    )
    account = uow.accounts.get(principal, record.account_id, for_update=True)
    if account is not None and not account.closed:  # requirements and events follow
        timeline.refresh(uow, account, rules, now_ms, reason=None)
    elif account is not None:  # closed: no events, but what it stores must follow the verdict
        timeline.restore(uow, account, rules, now_ms)
    return record
