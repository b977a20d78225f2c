"""On PostgreSQL too, the audit log refuses UPDATE, DELETE and TRUNCATE (a trigger each)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gangway.services import audit
from gangway.services.audit import Actor
from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.sealing import Sealer
from gangway.store.uow import Store


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
def test_postgresql_refuses_to_change_the_audit_log(fresh_postgres: str, statement: str) -> None:
    database = Database(fresh_postgres)
    try:
        upgrade(database.engine)
        store = Store(database, Sealer(b"k" * 32), b"fingerprints")
        actor = Actor(name="ann@example.com", operator_id=None, ip="127.0.0.1", user_agent="t")
        with store.unit_of_work(write=True) as uow:
            audit.record(uow, actor, "operator.signed_in", now_ms=1)
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            database.transaction(write=True) as conn,
        ):
            conn.exec_driver_sql(statement)
        with store.unit_of_work(write=False) as uow:
            assert [e.actor for e in uow.audit.page(limit=5)] == ["ann@example.com"]
    finally:
        database.dispose()
