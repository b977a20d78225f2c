"""Operators, their console sessions and recent failed sign-ins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update

from gangway.store.tables import operator_sessions, operator_sign_in_failures, operators

__all__ = ["OperatorRecord", "OperatorRepository", "SessionRecord"]


@dataclass(frozen=True)
class OperatorRecord:
    id: str
    email: str
    role: str
    live: bool
    password_hash: str
    created_ms: int
    password_set_ms: int
    disabled_ms: int | None


@dataclass(frozen=True)
class SessionRecord:
    id_hash: str
    operator_id: str
    csrf: str
    created_ms: int
    seen_ms: int
    ended_ms: int | None
    ip: str
    user_agent: str


class OperatorRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # operators ----------------------------------------------------------------------------
    def insert(self, record: OperatorRecord) -> None:
        self._conn.execute(insert(operators).values(**record.__dict__))

    def get(self, operator_id: str) -> OperatorRecord | None:
        row = self._conn.execute(select(operators).where(operators.c.id == operator_id)).first()
        return OperatorRecord(**row._mapping) if row is not None else None

    def by_email(self, email: str) -> OperatorRecord | None:
        row = self._conn.execute(select(operators).where(operators.c.email == email)).first()
        return OperatorRecord(**row._mapping) if row is not None else None

    def all(self) -> list[OperatorRecord]:
        rows = self._conn.execute(
            select(operators).order_by(operators.c.created_ms, operators.c.id)
        )
        return [OperatorRecord(**row._mapping) for row in rows]

    def set_password(self, operator_id: str, password_hash: str, now_ms: int) -> None:
        self._conn.execute(
            update(operators)
            .where(operators.c.id == operator_id)
            .values(password_hash=password_hash, password_set_ms=now_ms)
        )

    def set_disabled(self, operator_id: str, disabled_ms: int | None) -> None:
        self._conn.execute(
            update(operators).where(operators.c.id == operator_id).values(disabled_ms=disabled_ms)
        )

    def set_role(self, operator_id: str, role: str, live: bool) -> None:
        self._conn.execute(
            update(operators).where(operators.c.id == operator_id).values(role=role, live=live)
        )

    # sessions -----------------------------------------------------------------------------
    def insert_session(self, record: SessionRecord) -> None:
        self._conn.execute(insert(operator_sessions).values(**record.__dict__))

    def session(self, id_hash: str) -> SessionRecord | None:
        row = self._conn.execute(
            select(operator_sessions).where(operator_sessions.c.id_hash == id_hash)
        ).first()
        return SessionRecord(**row._mapping) if row is not None else None

    def touch_session(self, id_hash: str, seen_ms: int) -> None:
        self._conn.execute(
            update(operator_sessions)
            .where(operator_sessions.c.id_hash == id_hash)
            .values(seen_ms=seen_ms)
        )

    def end_session(self, id_hash: str, ended_ms: int) -> None:
        self._conn.execute(
            update(operator_sessions)
            .where(operator_sessions.c.id_hash == id_hash, operator_sessions.c.ended_ms.is_(None))
            .values(ended_ms=ended_ms)
        )

    def end_sessions_of(self, operator_id: str, ended_ms: int) -> None:
        """Every open session of an operator ends (disabled, password reset)."""
        self._conn.execute(
            update(operator_sessions)
            .where(
                operator_sessions.c.operator_id == operator_id,
                operator_sessions.c.ended_ms.is_(None),
            )
            .values(ended_ms=ended_ms)
        )

    # throttling ---------------------------------------------------------------------------
    def add_failure(self, failure_id: str, email: str, ip: str, at_ms: int) -> None:
        self._conn.execute(
            insert(operator_sign_in_failures).values(id=failure_id, email=email, ip=ip, at_ms=at_ms)
        )

    def failures_since(self, *, email: str, ip: str, since_ms: int) -> tuple[int, int, int | None]:
        """Failures for this email and from this address since ``since_ms``, and the oldest
        of them (when the throttle lifts)."""
        table = operator_sign_in_failures
        by_email = self._conn.execute(
            select(func.count(), func.min(table.c.at_ms)).where(
                table.c.email == email, table.c.at_ms >= since_ms
            )
        ).one()
        by_ip = self._conn.execute(
            select(func.count(), func.min(table.c.at_ms)).where(
                table.c.ip == ip, table.c.at_ms >= since_ms
            )
        ).one()
        oldest = [value for value in (by_email[1], by_ip[1]) if value is not None]
        return int(by_email[0]), int(by_ip[0]), min(oldest) if oldest else None

    def clear_failures(self, email: str) -> None:
        self._conn.execute(
            delete(operator_sign_in_failures).where(operator_sign_in_failures.c.email == email)
        )

    def prune_failures(self, before_ms: int) -> None:
        self._conn.execute(
            delete(operator_sign_in_failures).where(operator_sign_in_failures.c.at_ms < before_ms)
        )
