"""The API's writes take a test clock from the process's cache before their transaction, and
check it under the write lock: a clock another process moved is never missed."""

from __future__ import annotations

import pytest

from gangway.store.database import Database
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer
from gangway.store.uow import ClockMoved, Store


@pytest.fixture(autouse=True)
def second_platform(store: Store) -> None:
    """``plat_2``, whose clock each test writes to begin a write transaction."""
    with store.database.transaction(write=True) as conn:
        KeyRepository(conn).add_platform("plat_2", "Other", 0)


def other_process(store: Store) -> Store:
    """Another worker on the same file: its own connections, its own cache."""
    return Store(Database(store.database.url), Sealer(b"k" * 32), b"fingerprints")


def test_a_clock_moved_elsewhere_is_caught_when_the_transaction_begins(store: Store) -> None:
    with store.unit_of_work(write=True, assume_clocks=True) as uow:
        assert uow.clock_offset("plat_1") == 0  # read once, then cached
    other = other_process(store)
    with other.unit_of_work(write=True) as uow:
        uow.clocks.set_offset("plat_1", 5_000, 0)
    other.database.dispose()

    with (
        pytest.raises(ClockMoved),
        store.unit_of_work(write=True, assume_clocks=True) as uow,
    ):
        assert uow.clock_offset("plat_1") == 0  # the stale guess, before any transaction
        uow.clocks.set_offset("plat_2", 1, 0)  # the transaction begins here, and refuses
    with store.unit_of_work(write=False) as uow:
        assert uow.clocks.offset("plat_2") == 0  # nothing was written

    with store.unit_of_work(write=True, assume_clocks=True) as uow:
        assert uow.clock_offset("plat_1") == 5_000  # the cache learnt the new offset
        uow.clocks.set_offset("plat_2", 1, 0)
    with store.unit_of_work(write=False) as uow:
        assert uow.clocks.offset("plat_2") == 1


def test_one_transaction_when_the_cached_clock_holds(store: Store) -> None:
    """No read transaction before the write one, once the offset is cached."""
    with store.unit_of_work(write=True, assume_clocks=True) as uow:
        uow.clock_offset("plat_1")
    begun: list[bool] = []
    real = store.database.transaction

    def counting(*, write: bool):  # type: ignore[no-untyped-def]
        begun.append(write)
        return real(write=write)

    store.database.transaction = counting  # type: ignore[method-assign]
    with store.unit_of_work(write=True, assume_clocks=True) as uow:
        assert uow.clock_offset("plat_1") == 0
        uow.clocks.set_offset("plat_2", 1, 0)
    assert begun == [True]


def test_without_assume_clocks_a_write_never_raises_clock_moved(store: Store) -> None:
    """Callers that cannot run their work again (the form, the CLI) read the clock afresh."""
    with store.unit_of_work(write=True, assume_clocks=True) as uow:
        uow.clock_offset("plat_1")
    other = other_process(store)
    with other.unit_of_work(write=True) as uow:
        uow.clocks.set_offset("plat_1", 7_000, 0)
    other.database.dispose()
    with store.unit_of_work(write=True) as uow:
        assert uow.clock_offset("plat_1") == 7_000
        uow.clocks.set_offset("plat_2", 1, 0)
