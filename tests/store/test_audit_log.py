"""The audit log is append-only in the database itself: no UPDATE, DELETE (or, on PostgreSQL,
TRUNCATE) gets through, whoever issues it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gangway.services import audit
from gangway.services.audit import Actor
from gangway.store.uow import Store

ACTOR = Actor(name="ann@example.com", operator_id="op_1", ip="127.0.0.1", user_agent="pytest")


def _one_entry(store: Store) -> str:
    with store.unit_of_work(write=True) as uow:
        entry = audit.record(
            uow, ACTOR, "verification.approved", now_ms=1000, target="vrf_1", detail={"why": "ok"}
        )
    return entry.id


def test_an_entry_reads_back_with_its_sealed_detail(store: Store) -> None:
    _one_entry(store)
    with store.unit_of_work(write=False) as uow:
        [entry] = uow.audit.page(limit=10)
    assert (entry.actor, entry.action, entry.target, entry.detail) == (
        "ann@example.com",
        "verification.approved",
        "vrf_1",
        {"why": "ok"},
    )
    with store.database.transaction(write=False) as conn:
        raw = conn.exec_driver_sql("SELECT sealed FROM audit_log").scalar_one()
    assert b"why" not in raw  # the detail is sealed like PII


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"],
)
def test_the_database_refuses_to_change_or_remove_entries(store: Store, statement: str) -> None:
    _one_entry(store)
    with (
        pytest.raises(sa.exc.DatabaseError, match="append-only"),
        store.database.transaction(write=True) as conn,
    ):
        conn.exec_driver_sql(statement)
    with store.unit_of_work(write=False) as uow:
        assert [e.actor for e in uow.audit.page(limit=10)] == ["ann@example.com"]
