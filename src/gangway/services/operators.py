"""Operators: create, list, disable, reset; sign in (throttled), sessions, sign out.

The CLI and the console call these, so the rules (one email each, a minimum password length,
throttling, timeouts, the audit entry) live in one place. A session's cookie value is random
and only its SHA-256 is stored, as with link tokens; its CSRF token is random per session.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import Literal

from email_validator import EmailNotValidError, validate_email

from gangway.core import passwords
from gangway.core.errors import InvalidRequest, NotFound
from gangway.core.ids import new_id, random_token
from gangway.core.roles import ROLES, allows, default_live
from gangway.services import audit
from gangway.services.audit import Actor
from gangway.store.repos.operators import OperatorRecord, SessionRecord
from gangway.store.uow import UnitOfWork

__all__ = [
    "THROTTLE_WINDOW_MS",
    "ConsoleSession",
    "SignIn",
    "create",
    "disable",
    "enable",
    "find",
    "listing",
    "needs_touch",
    "normalised_email",
    "reset_password",
    "session",
    "set_role",
    "sign_in",
    "sign_out",
    "touch",
]

THROTTLE_WINDOW_MS = 15 * 60_000
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30


@dataclass(frozen=True)
class ConsoleSession:
    operator: OperatorRecord
    record: SessionRecord

    @property
    def csrf(self) -> str:
        return self.record.csrf

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.record.csrf)

    def may(self, permission: Literal["read", "review", "manage"]) -> bool:
        return allows(self.operator.role, permission)

    def may_see(self, livemode: bool) -> bool:
        return self.operator.live or not livemode

    def actor(self) -> Actor:
        return Actor(
            name=self.operator.email,
            operator_id=self.operator.id,
            ip=self.record.ip,
            user_agent=self.record.user_agent,
        )


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["signed_in", "invalid", "throttled"]
    secret: str | None = None
    retry_after_s: int = 0


def normalised_email(email: str) -> str:
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidRequest(f"Not an email address: {email!r}", param="email") from exc
    return checked.normalized.lower()


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRequest(f"A role is one of {', '.join(ROLES)}.", param="role")
    return role


def _checked_password(password: str) -> str:
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidRequest(
            f"A password has at least {passwords.MIN_LENGTH} characters.", param="password"
        )
    if len(password) > 1024:
        raise InvalidRequest("A password has at most 1024 characters.", param="password")
    return password


def create(
    uow: UnitOfWork,
    *,
    email: str,
    role: str,
    live: bool | None,
    password: str | None,
    now_ms: int,
    actor: Actor,
) -> tuple[OperatorRecord, str | None]:
    """The new operator and, when none was given, the one-time password made for them."""
    address = normalised_email(email)
    made = None if password else passwords.generated()
    secret = _checked_password(password or made or "")
    if uow.operators.by_email(address) is not None:
        raise InvalidRequest(f"An operator with email {address} exists.", param="email")
    record = OperatorRecord(
        id=new_id("op"),
        email=address,
        role=_role(role),
        live=default_live(role) if live is None else live,
        password_hash=passwords.hashed(secret),
        created_ms=now_ms,
        password_set_ms=now_ms,
        disabled_ms=None,
    )
    uow.operators.insert(record)
    audit.record(
        uow,
        actor,
        "operator.created",
        now_ms=now_ms,
        target=record.id,
        detail={"email": address, "role": record.role, "live": record.live},
    )
    return record, made


def find(uow: UnitOfWork, email_or_id: str) -> OperatorRecord:
    record = uow.operators.get(email_or_id) or uow.operators.by_email(email_or_id.strip().lower())
    if record is None:
        raise NotFound(f"No such operator: {email_or_id!r}", param="operator")
    return record


def listing(uow: UnitOfWork) -> list[OperatorRecord]:
    return uow.operators.all()


def disable(uow: UnitOfWork, email_or_id: str, *, now_ms: int, actor: Actor) -> OperatorRecord:
    record = find(uow, email_or_id)
    if record.disabled_ms is None:
        uow.operators.set_disabled(record.id, now_ms)
        uow.operators.end_sessions_of(record.id, now_ms)
        audit.record(uow, actor, "operator.disabled", now_ms=now_ms, target=record.id)
    return replace(record, disabled_ms=record.disabled_ms or now_ms)


def enable(uow: UnitOfWork, email_or_id: str, *, now_ms: int, actor: Actor) -> OperatorRecord:
    record = find(uow, email_or_id)
    if record.disabled_ms is not None:
        uow.operators.set_disabled(record.id, None)
        audit.record(uow, actor, "operator.enabled", now_ms=now_ms, target=record.id)
    return replace(record, disabled_ms=None)


def reset_password(
    uow: UnitOfWork, email_or_id: str, *, password: str | None, now_ms: int, actor: Actor
) -> tuple[OperatorRecord, str | None]:
    """A new password (made, when none is given); every open session of the operator ends."""
    record = find(uow, email_or_id)
    made = None if password else passwords.generated()
    secret = _checked_password(password or made or "")
    uow.operators.set_password(record.id, passwords.hashed(secret), now_ms)
    uow.operators.end_sessions_of(record.id, now_ms)
    uow.operators.clear_failures(record.email)
    audit.record(uow, actor, "operator.password_reset", now_ms=now_ms, target=record.id)
    return record, made


def set_role(
    uow: UnitOfWork, email_or_id: str, *, role: str, live: bool, now_ms: int, actor: Actor
) -> OperatorRecord:
    record = find(uow, email_or_id)
    uow.operators.set_role(record.id, _role(role), live)
    audit.record(
        uow,
        actor,
        "operator.role_changed",
        now_ms=now_ms,
        target=record.id,
        detail={"role": role, "live": live, "was": {"role": record.role, "live": record.live}},
    )
    return replace(record, role=role, live=live)


def sign_in(
    uow: UnitOfWork, *, email: str, password: str, ip: str, user_agent: str, now_ms: int
) -> SignIn:
    """Throttled per email (5 failures in 15 minutes) and per address (30): while throttled,
    no password is even checked, so guessing gains nothing by going faster."""
    address = email.strip().lower()[:320]
    ip = ip[:64]
    by_email, by_ip, oldest = uow.operators.failures_since(
        email=address, ip=ip, since_ms=now_ms - THROTTLE_WINDOW_MS
    )
    if by_email >= MAX_FAILURES_PER_EMAIL or by_ip >= MAX_FAILURES_PER_ADDRESS:
        lifts = (oldest or now_ms) + THROTTLE_WINDOW_MS
        return SignIn("throttled", retry_after_s=max(1, (lifts - now_ms + 999) // 1000))
    record = uow.operators.by_email(address)
    if record is None:
        passwords.burn(password)
        ok = False
    else:
        ok = passwords.verified(record.password_hash, password)
    actor = Actor(name=address or "-", operator_id=None, ip=ip, user_agent=user_agent)
    if not ok or record is None or record.disabled_ms is not None:
        uow.operators.add_failure(new_id("fail"), address, ip, now_ms)
        audit.record(uow, actor, "operator.sign_in_failed", now_ms=now_ms)
        return SignIn("invalid")
    if passwords.needs_rehash(record.password_hash):
        uow.operators.set_password(record.id, passwords.hashed(password), record.password_set_ms)
    secret = random_token(43)
    uow.operators.insert_session(
        SessionRecord(
            id_hash=_digest(secret),
            operator_id=record.id,
            csrf=random_token(32),
            created_ms=now_ms,
            seen_ms=now_ms,
            ended_ms=None,
            ip=ip,
            user_agent=user_agent[:400],
        )
    )
    uow.operators.clear_failures(address)
    audit.record(uow, replace(actor, operator_id=record.id), "operator.signed_in", now_ms=now_ms)
    return SignIn("signed_in", secret=secret)


def session(
    uow: UnitOfWork, secret: str | None, *, now_ms: int, idle_ms: int, absolute_ms: int
) -> ConsoleSession | None:
    """The signed-in operator behind a cookie, or None: unknown, ended, idle for longer than
    ``idle_ms``, older than ``absolute_ms``, or its operator disabled. Reads only: a page view
    takes no write lock (``touch`` moves the idle timer, at most once a minute)."""
    if not secret or len(secret) > 100:
        return None
    record = uow.operators.session(_digest(secret))
    if record is None or record.ended_ms is not None:
        return None
    if now_ms - record.seen_ms > idle_ms or now_ms - record.created_ms > absolute_ms:
        return None
    operator = uow.operators.get(record.operator_id)
    if operator is None or operator.disabled_ms is not None:
        return None
    return ConsoleSession(operator=operator, record=record)


TOUCH_EVERY_MS = 60_000


def needs_touch(current: ConsoleSession, now_ms: int) -> bool:
    return now_ms - current.record.seen_ms >= TOUCH_EVERY_MS


def touch(uow: UnitOfWork, current: ConsoleSession, now_ms: int) -> None:
    uow.operators.touch_session(current.record.id_hash, now_ms)


def sign_out(uow: UnitOfWork, current: ConsoleSession, *, now_ms: int) -> None:
    uow.operators.end_session(current.record.id_hash, now_ms)
    audit.record(uow, current.actor(), "operator.signed_out", now_ms=now_ms)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
