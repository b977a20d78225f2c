"""Group commit on a real SQLite database: shared commits, isolated failures, nothing early."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from gangway.store.database import Database
from gangway.store.group_commit import GroupCommit
from gangway.store.migrate import upgrade


@pytest.fixture()
def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    upgrade(db.engine)
    return db


def insert_platform(group: GroupCommit, name: str, *, fail: bool = False) -> asyncio.Future[None]:
    with group.savepoint() as (conn, committed):
        conn.exec_driver_sql(
            "INSERT INTO platforms (id, name, created_ms) VALUES (?, ?, 0)", (name, name)
        )
        if fail:
            raise ValueError("this request fails after writing")
    return committed


def committed_names(database: Database) -> set[str]:
    with database.transaction(write=False) as conn:
        return {row[0] for row in conn.execute(sa.text("SELECT id FROM platforms"))}


def test_requests_in_one_loop_turn_share_one_commit(database: Database) -> None:
    async def scenario() -> None:
        group = GroupCommit(database)
        first = insert_platform(group, "a")
        second = insert_platform(group, "b")
        assert first is second  # one batch
        assert committed_names(database) == set()  # nothing is visible before the commit
        await asyncio.shield(first)
        assert committed_names(database) == {"a", "b"}
        third = insert_platform(group, "c")  # a later turn opens a new batch
        assert third is not first
        await asyncio.shield(third)
        assert committed_names(database) == {"a", "b", "c"}

    asyncio.run(scenario())


def test_a_failing_request_rolls_back_only_its_own_work(database: Database) -> None:
    async def scenario() -> None:
        group = GroupCommit(database)
        ok = insert_platform(group, "kept")
        with pytest.raises(ValueError, match="fails after writing"):
            insert_platform(group, "dropped", fail=True)
        insert_platform(group, "kept-too")
        await asyncio.shield(ok)
        assert committed_names(database) == {"kept", "kept-too"}

    asyncio.run(scenario())


def test_a_full_batch_commits_at_once(database: Database) -> None:
    async def scenario() -> None:
        group = GroupCommit(database, max_batch=2)
        first = insert_platform(group, "a")
        insert_platform(group, "b")  # fills the batch: committed now, not at the loop's turn
        assert first.done()
        assert committed_names(database) == {"a", "b"}
        assert insert_platform(group, "c") is not first

    asyncio.run(scenario())


def test_a_failed_commit_fails_every_request_of_the_batch(database: Database) -> None:
    async def scenario() -> None:
        group = GroupCommit(database)
        first = insert_platform(group, "x")
        second_future = insert_platform(group, "x-twin")
        with group.savepoint() as (conn, _):  # defer a constraint check to COMMIT, then break it
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            conn.exec_driver_sql(
                "INSERT INTO api_keys (id, platform_id, livemode, key_hash, hint, created_ms) "
                "VALUES ('k', 'no-such-platform', 0, 'h', 'h', 0)"
            )
        with pytest.raises(sa.exc.IntegrityError):
            await asyncio.shield(first)
        assert second_future.exception() is not None
        assert committed_names(database) == set()

    asyncio.run(scenario())
