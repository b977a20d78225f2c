"""Verification records and their append-only decision trail.

Plain columns say whose submission it is, what kind, its keyed fingerprint and where it stands;
the sealed payload holds what a reviewer reads (descriptions, label, errors, the test-mode final
outcome). Statuses: ``pending``, ``verified``, ``failed``, and ``superseded`` once the value it
checked has changed or gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, func, insert, select, update

from gangway.core.keys import KeyPrincipal
from gangway.store.fastpath import DriverStatement
from gangway.store.sealing import Sealer
from gangway.store.tables import accounts, verification_decisions, verifications

__all__ = ["DecisionRecord", "QueuedVerification", "VerificationRecord", "VerificationRepository"]

_V = verifications
_OF_ACCOUNT = select(_V).where(
    _V.c.account_id == bindparam("account_id"), _V.c.status != "superseded"
)
_INSERT = DriverStatement(insert(_V))
_UPDATE = update(_V).where(_V.c.id == bindparam("verification_id"))
_INSERT_DECISION = DriverStatement(insert(verification_decisions))
_ONE = select(_V).where(
    _V.c.id == bindparam("id"),
    _V.c.platform_id == bindparam("platform_id"),
    _V.c.livemode == bindparam("livemode"),
)


@dataclass
class VerificationRecord:
    id: str
    account_id: str
    platform_id: str
    livemode: bool
    subject: str | None
    kind: str
    fingerprint: str
    status: str
    decide_at_ms: int | None
    created_ms: int
    updated_ms: int
    payload: dict[str, Any] = field(default_factory=dict)
    """``{"descriptions", "label", "errors", "final"}``."""


@dataclass(frozen=True)
class DecisionRecord:
    id: str
    verification_id: str
    decided_ms: int
    actor: str
    status: str
    payload: dict[str, Any]
    """``{"errors", "reason"}``."""


@dataclass(frozen=True)
class QueuedVerification:
    """A pending verification as the console's queue lists it, with its account's country."""

    record: VerificationRecord
    country: str | None


class VerificationRepository:
    def __init__(self, conn: Connection, sealer: Sealer) -> None:
        self._conn = conn
        self._sealer = sealer

    def of_account(self, account_id: str) -> list[VerificationRecord]:
        rows = self._conn.execute(_OF_ACCOUNT, {"account_id": account_id}).all()
        return [self._record(row) for row in rows]

    def get(self, principal: KeyPrincipal, verification_id: str) -> VerificationRecord | None:
        row = self._conn.execute(
            _ONE,
            {
                "id": verification_id,
                "platform_id": principal.platform_id,
                "livemode": principal.livemode,
            },
        ).first()
        return self._record(row) if row is not None else None

    def queue(
        self, principal: KeyPrincipal, status: str, *, limit: int, after_id: str | None
    ) -> list[VerificationRecord]:
        """Oldest first, for a reviewer working through the queue."""
        query = (
            select(_V)
            .where(
                _V.c.platform_id == principal.platform_id,
                _V.c.livemode == principal.livemode,
                _V.c.status == status,
            )
            .order_by(_V.c.created_ms, _V.c.id)
            .limit(limit)
        )
        if after_id is not None:
            anchor = select(_V.c.created_ms).where(_V.c.id == after_id).scalar_subquery()
            query = query.where(
                (_V.c.created_ms > anchor) | ((_V.c.created_ms == anchor) & (_V.c.id > after_id))
            )
        return [self._record(row) for row in self._conn.execute(query).all()]

    def pending(
        self,
        principal: KeyPrincipal,
        *,
        kind: str | None,
        country: str | None,
        limit: int,
        after: tuple[int, str] | None,
    ) -> list[QueuedVerification]:
        """The console's queue: pending verifications oldest first, narrowed by kind and by the
        account's country, paged by ``(created_ms, id)`` of the last one shown."""
        query = (
            select(_V, accounts.c.country.label("account_country"))
            .join(accounts, accounts.c.id == _V.c.account_id)
            .where(*self._pending_where(principal, kind, country))
            .order_by(_V.c.created_ms, _V.c.id)
            .limit(limit)
        )
        if after is not None:
            at, last_id = after
            query = query.where(
                (_V.c.created_ms > at) | ((_V.c.created_ms == at) & (_V.c.id > last_id))
            )
        return [
            QueuedVerification(self._record(row), row.account_country)
            for row in self._conn.execute(query).all()
        ]

    def pending_count(
        self, principal: KeyPrincipal, *, kind: str | None, country: str | None
    ) -> int:
        query = (
            select(func.count())
            .select_from(_V.join(accounts, accounts.c.id == _V.c.account_id))
            .where(*self._pending_where(principal, kind, country))
        )
        return int(self._conn.execute(query).scalar_one())

    def pending_facets(self, principal: KeyPrincipal) -> tuple[list[str], list[str]]:
        """The kinds and account countries that occur among pending verifications (the queue's
        filter choices), each sorted."""
        where = self._pending_where(principal, None, None)
        kinds = self._conn.execute(select(_V.c.kind).where(*where).distinct()).scalars().all()
        countries = (
            self._conn.execute(
                select(accounts.c.country)
                .select_from(_V.join(accounts, accounts.c.id == _V.c.account_id))
                .where(*where, accounts.c.country.is_not(None))
                .distinct()
            )
            .scalars()
            .all()
        )
        return sorted(kinds), sorted(str(c) for c in countries)

    def _pending_where(
        self, principal: KeyPrincipal, kind: str | None, country: str | None
    ) -> list[Any]:
        where: list[Any] = [
            _V.c.platform_id == principal.platform_id,
            _V.c.livemode == principal.livemode,
            _V.c.status == "pending",
        ]
        if kind is not None:
            where.append(_V.c.kind == kind)
        if country is not None:
            where.append(accounts.c.country == country)
        return where

    def add(self, record: VerificationRecord) -> None:
        _INSERT.execute(self._conn, self._columns(record))

    def save(self, record: VerificationRecord) -> None:
        columns = self._columns(record)
        columns["verification_id"] = columns.pop("id")
        self._conn.execute(_UPDATE, columns)

    def add_decision(self, decision: DecisionRecord) -> None:
        _INSERT_DECISION.execute(
            self._conn,
            {
                "id": decision.id,
                "verification_id": decision.verification_id,
                "decided_ms": decision.decided_ms,
                "actor": decision.actor,
                "status": decision.status,
                "sealed": self._sealer.seal(orjson.dumps(decision.payload), decision.id),
            },
        )

    def decisions(self, verification_id: str) -> list[DecisionRecord]:
        table = verification_decisions
        rows = self._conn.execute(
            select(table)
            .where(table.c.verification_id == verification_id)
            .order_by(table.c.decided_ms, table.c.id)
        ).all()
        return [
            DecisionRecord(
                id=row.id,
                verification_id=row.verification_id,
                decided_ms=row.decided_ms,
                actor=row.actor,
                status=row.status,
                payload=orjson.loads(self._sealer.open(row.sealed, row.id)),
            )
            for row in rows
        ]

    def _record(self, row: Any) -> VerificationRecord:
        return VerificationRecord(
            id=row.id,
            account_id=row.account_id,
            platform_id=row.platform_id,
            livemode=row.livemode,
            subject=row.subject,
            kind=row.kind,
            fingerprint=row.fingerprint,
            status=row.status,
            decide_at_ms=row.decide_at_ms,
            created_ms=row.created_ms,
            updated_ms=row.updated_ms,
            payload=orjson.loads(self._sealer.open(row.sealed, row.id)),
        )

    def _columns(self, record: VerificationRecord) -> dict[str, Any]:
        return {
            "id": record.id,
            "account_id": record.account_id,
            "platform_id": record.platform_id,
            "livemode": record.livemode,
            "subject": record.subject,
            "kind": record.kind,
            "fingerprint": record.fingerprint,
            "status": record.status,
            "decide_at_ms": record.decide_at_ms,
            "created_ms": record.created_ms,
            "updated_ms": record.updated_ms,
            "sealed": self._sealer.seal(orjson.dumps(record.payload), record.id),
        }
