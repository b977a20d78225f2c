"""The unit of work: one transaction per request, with every repository bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection

from gangway.store.database import Database
from gangway.store.repos.accounts import AccountRepository
from gangway.store.repos.idempotency import IdempotencyRepository
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer

__all__ = ["Store", "UnitOfWork"]


@dataclass(frozen=True)
class UnitOfWork:
    conn: Connection
    accounts: AccountRepository
    keys: KeyRepository
    idempotency: IdempotencyRepository


class Store:
    def __init__(self, database: Database, sealer: Sealer) -> None:
        self.database = database
        self._sealer = sealer

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[UnitOfWork]:
        """Commits when the block ends normally; any exception rolls everything back."""
        with self.database.transaction(write=write) as conn:
            yield UnitOfWork(
                conn=conn,
                accounts=AccountRepository(conn, self._sealer),
                keys=KeyRepository(conn),
                idempotency=IdempotencyRepository(conn, self._sealer),
            )
