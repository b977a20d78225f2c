"""Connections: one per transaction, lent back when it ends, never two held by one thread, and
never more threads at the database than it has connections."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from gangway.store import database as database_module
from gangway.store.database import ConnectionsExhausted, Database
from gangway.store.migrate import upgrade
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer
from gangway.store.uow import Store


def small_store(tmp_path: Path, connections: int) -> Store:
    database = Database(f"sqlite:///{tmp_path / 'g.db'}", connections=connections)
    upgrade(database.engine)
    with database.transaction(write=True) as conn:
        KeyRepository(conn).add_platform("plat_1", "Test", 0)
    return Store(database, Sealer(b"k" * 32), b"fingerprints")


def test_a_transaction_inside_another_in_one_thread_is_refused(store: Store) -> None:
    with store.database.transaction(write=True):
        for write in (False, True):
            with (
                pytest.raises(RuntimeError, match="already open"),
                store.database.transaction(write=write),
            ):
                pass
    with store.database.transaction(write=False) as conn:  # the thread is free again
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


def test_a_unit_of_work_inside_another_is_refused_even_before_either_begins(store: Store) -> None:
    with (
        store.unit_of_work(write=False),
        pytest.raises(RuntimeError, match="already open"),
        store.unit_of_work(write=False),
    ):
        pass
    with store.unit_of_work(write=False) as uow:
        assert uow.clocks.offset("plat_1") == 0


def test_an_error_in_a_transaction_frees_the_thread_and_the_connection(tmp_path: Path) -> None:
    store = small_store(tmp_path, connections=2)
    for _ in range(5):  # more failures than connections: each gave its connection back
        with pytest.raises(ZeroDivisionError), store.unit_of_work(write=True) as uow:
            uow.clocks.set_offset("plat_1", 1000, 0)
            _ = 1 / 0
    with store.unit_of_work(write=False) as uow:
        assert uow.clocks.offset("plat_1") == 0  # rolled back
    store.database.dispose()


def test_consecutive_transactions_reuse_one_warm_connection(store: Store) -> None:
    with store.database.transaction(write=False) as first:
        driver = first.connection.driver_connection
    with store.database.transaction(write=False) as second:
        assert second.connection.driver_connection is driver


def test_a_broken_connection_is_replaced_on_its_next_use(store: Store) -> None:
    with pytest.raises(DBAPIError) as raised, store.database.transaction(write=False) as conn:
        driver = conn.connection.driver_connection
        driver.close()  # the server went away, say
        conn.exec_driver_sql("SELECT 1")
    assert raised.value.connection_invalidated
    with store.database.transaction(write=False) as conn:
        assert conn.connection.driver_connection is not driver
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


def test_reading_the_test_clock_leaves_the_sqlite_write_lock_free(store: Store) -> None:
    """A create reads its now first and then evaluates as of it: that work must not hold the
    write lock. The read is its own short transaction, before (not inside) this one."""
    with store.unit_of_work(write=True) as uow:
        assert uow.clock_offset("plat_1") == 0
        other = threading.Thread(target=lambda: store_write(store))
        other.start()
        other.join(timeout=5)
        assert not other.is_alive(), "the other writer waited for this unit of work"
        uow.clocks.set_offset("plat_1", 5, 0)  # and this one still writes
        assert uow.clock_offset("plat_1") == 5  # through its transaction, once begun
    with store.unit_of_work(write=False) as uow:
        assert uow.clock_offset("plat_1") == 5


def store_write(store: Store) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.clocks.set_offset("plat_1", 1, 0)


def test_more_work_than_connections_queues_for_a_thread_not_a_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 units of work through ``in_thread`` on 3 connections, while the event loop's own
    thread runs some too (as the API's handlers do): at most 2 worker threads at once, so none
    waits for a connection; waiting would fail at once here."""
    monkeypatch.setattr(database_module, "_WAIT_SECONDS", 0.001)
    store = small_store(tmp_path, connections=3)
    lock = threading.Lock()
    loop_thread = threading.get_ident()
    in_threads = most = 0

    def work(write: bool) -> int:
        nonlocal in_threads, most
        mine = threading.get_ident() != loop_thread
        with store.unit_of_work(write=write) as uow:
            offset = uow.clocks.offset("plat_1")
            if mine:
                with lock:
                    in_threads += 1
                    most = max(most, in_threads)
            time.sleep(0.002)
            if mine:
                with lock:
                    in_threads -= 1
        return offset

    async def burst() -> list[int]:
        results = asyncio.gather(*(store.database.in_thread(work, i % 2 == 0) for i in range(64)))
        for i in range(20):
            await asyncio.sleep(0.001)
            assert work(i % 2 == 0) == 0
        return await results

    assert asyncio.run(burst()) == [0] * 64
    assert most == 2
    store.database.dispose()


def test_threads_of_their_own_beyond_the_connections_wait_then_fail_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "_WAIT_SECONDS", 0.2)
    store = small_store(tmp_path, connections=2)
    holding = threading.Barrier(3)
    release = threading.Event()

    def hold() -> None:
        with store.database.transaction(write=False):
            holding.wait()
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    holding.wait()
    try:
        with (
            pytest.raises(ConnectionsExhausted, match="no database connection came free"),
            store.database.transaction(write=False),
        ):
            pass
        with store.database.transaction(write=True) as conn:  # the writer's are its own
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        release.set()
        for thread in threads:
            thread.join()
    with store.database.transaction(write=False) as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    store.database.dispose()
