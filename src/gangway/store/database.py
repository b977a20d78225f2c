"""Engines, connections and transactions for SQLite (embedded default) and PostgreSQL.

SQLite: WAL, ``synchronous=NORMAL`` and a busy timeout, so several processes can share the file.

Connections cannot run out. A ``Database`` owns ``connections`` slots per engine; a transaction
borrows one slot for its length and gives it back when it ends, and a thread may hold only one
transaction at a time (opening a second raises at once, so nothing ever holds a connection while
waiting for another). The threads that run transactions are the event loop's own (the API's
handlers, one at a time) and the worker threads ``in_thread`` starts, of which at most
``connections - 1`` run at once (an anyio ``CapacityLimiter``). So every transaction finds a free
slot; a caller outside both (a script, a test with its own threads) waits for one instead.
A slot keeps its connection open between transactions: checking a connection out of
SQLAlchemy's pool for each one costs 15 us on SQLite and 100 us on PostgreSQL with its pre-ping,
against under a microsecond for a slot. A connection that the driver reports as broken is
dropped from its slot and replaced on the slot's next use. The SQLAlchemy pool underneath holds
the slots' connections plus ``_SPARE`` for direct use (migrations, the WAL checkpoint).

Writers from several processes queue on an ``flock`` beside the database file before they
``BEGIN IMMEDIATE``. SQLite's own busy handler polls with sleeps of up to 100 ms, which turned
two workers' contention into a 600 ms p99; the kernel lock wakes the next writer the moment the
previous one commits. Each writer slot opens the lock file once: ``flock`` excludes open file
descriptions, so two slots (threads) of one process exclude each other as two processes do. The
busy timeout stays as the fallback for writers outside Gangway.

Writes begin with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes can fail
at once with SQLITE_BUSY when another process committed in between, and the busy handler does not
help there. Reads begin deferred and never block writers. On SQLite both are sent, and
committed, straight through the driver rather than through SQLAlchemy's transaction object
(``_sqlite_transaction``: 6 us of a 15 us primary-key read).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, TypeVarTuple

import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

__all__ = ["DEFAULT_CONNECTIONS", "ConnectionsExhausted", "Database"]

DEFAULT_CONNECTIONS = 16
"""Per engine and process. PostgreSQL's default ``max_connections`` (100) fits a few processes."""
_SPARE = 2
"""SQLAlchemy pool connections beyond the slots: direct ``engine.connect()`` (migrations, the WAL
checkpoint) never waits for, or takes, a slot's."""
_WAIT_SECONDS = 30.0

_SQLITE_BEGIN = {False: "BEGIN", True: "BEGIN IMMEDIATE"}

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


class ConnectionsExhausted(RuntimeError):
    """No slot came free in time: only callers outside ``in_thread`` and the event loop can see
    this (more threads of their own than the database has connections)."""


class _Slot:
    __slots__ = ("conn", "lock_fd")

    def __init__(self) -> None:
        self.conn: Connection | None = None
        self.lock_fd: int | None = None


class _Slots:
    """A fixed set of slots for one engine, lent last-in first-out (the warmest connection).

    The fast path takes no lock: ``list.pop`` and ``append`` are atomic. A taker that finds
    none counts itself as waiting under the condition's lock and re-checks there, and a giver
    notifies after appending whenever someone waits, so no wake-up is lost."""

    def __init__(self, engine: Engine, size: int) -> None:
        self.engine = engine
        self._all = [_Slot() for _ in range(size)]
        self._free = list(self._all)
        self._returned = threading.Condition(threading.Lock())
        self._waiting = 0

    def take(self) -> _Slot:
        try:
            return self._free.pop()
        except IndexError:
            pass
        with self._returned:
            self._waiting += 1
            try:
                if not self._returned.wait_for(lambda: self._free, timeout=_WAIT_SECONDS):
                    raise ConnectionsExhausted(
                        f"no database connection came free within {_WAIT_SECONDS:g} s "
                        f"({len(self._all)} are in use)"
                    )
                return self._free.pop()
            finally:
                self._waiting -= 1

    def give(self, slot: _Slot) -> None:
        self._free.append(slot)
        if self._waiting:
            with self._returned:
                self._returned.notify()

    def close(self) -> None:
        for slot in self._all:
            if slot.conn is not None:
                slot.conn.close()
                slot.conn = None
            if slot.lock_fd is not None:
                os.close(slot.lock_fd)
                slot.lock_fd = None


class Database:
    def __init__(
        self, url: str, *, echo: bool = False, connections: int = DEFAULT_CONNECTIONS
    ) -> None:
        if connections < 2:
            raise ValueError("a database needs at least 2 connections (the event loop's and one)")
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.connections = connections
        self._write_lock_path: str | None = None
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                self._write_lock_path = path + ".write-lock"
            self._reader = _Slots(_sqlite_engine(url, "BEGIN", echo, connections), connections)
            self._writer = _Slots(
                _sqlite_engine(url, "BEGIN IMMEDIATE", echo, connections), connections
            )
        else:
            engine = create_engine(
                url,
                echo=echo,
                pool_size=connections,
                max_overflow=_SPARE,
                pool_pre_ping=True,  # a slot's connection is checked once, when it is opened
            )
            self._reader = self._writer = _Slots(engine, connections)
        self.limiter = CapacityLimiter(connections - 1)
        """The worker threads that may run database work at once: one fewer than the
        connections, the event loop's thread being the other. ``in_thread`` uses it; hand it to
        ``anyio.to_thread.run_sync`` for anything else that runs transactions in a thread."""
        self._thread = threading.local()

    @property
    def engine(self) -> Engine:
        return self._writer.engine

    async def in_thread(self, fn: Callable[[*Ts], T], *args: *Ts) -> T:
        """Run blocking database work in a worker thread, never more at once than the slots
        can serve: every unit of work run this way finds a connection without waiting."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction on a borrowed connection: committed when the block ends, rolled back
        if it raises, and the connection lent to the next transaction either way."""
        thread = self._thread
        if getattr(thread, "busy", False):
            raise RuntimeError(
                "a transaction is already open in this thread: pass its unit of work down "
                "instead of opening another (it would hold two connections)"
            )
        slots = self._writer if write else self._reader
        thread.busy = True
        try:
            slot = slots.take()
            try:
                conn = slot.conn
                if conn is None or conn.closed or conn.invalidated:
                    conn = slot.conn = slots.engine.connect()
                if self.is_sqlite:
                    fd = self._write_lock(slot) if write else None
                    if fd is not None:
                        fcntl.flock(fd, fcntl.LOCK_EX)
                    try:
                        yield from self._sqlite_transaction(slot, conn, write)
                    finally:
                        if fd is not None:
                            fcntl.flock(fd, fcntl.LOCK_UN)
                    return
                try:
                    with conn.begin():
                        yield conn
                except BaseException as exc:
                    if (
                        isinstance(exc, DBAPIError) and exc.connection_invalidated
                    ) or conn.in_transaction():
                        # broken, or left mid-transaction by a failed BEGIN or ROLLBACK
                        slot.conn = None
                        conn.close()
                    raise
            finally:
                slots.give(slot)
        finally:
            thread.busy = False

    def _sqlite_transaction(
        self, slot: _Slot, conn: Connection, write: bool
    ) -> Iterator[Connection]:
        """BEGIN and COMMIT straight on the driver: SQLAlchemy's transaction object, its events
        and its commit path cost about 10 us a transaction, two thirds of a primary-key read's.
        A statement run through SQLAlchemy meanwhile autobegins its own bookkeeping (the
        ``begin`` listener sees the driver already in this transaction and sends nothing); that
        transaction is then ended through SQLAlchemy, so its state stays true."""
        driver: Any = conn.connection.driver_connection
        try:
            driver.execute(_SQLITE_BEGIN[write])
            yield conn
        except BaseException:
            if not _rolled_back(conn, driver):
                # broken, or left mid-transaction by a failed BEGIN or ROLLBACK
                slot.conn = None
                conn.close()
            raise
        try:
            if conn.in_transaction():
                conn.commit()
            else:
                driver.commit()
        except BaseException:
            slot.conn = None  # a failed COMMIT (disk full, say) rolls back in SQLite: start anew
            conn.close()
            raise

    def checkpoint(self) -> None:
        """Copy the WAL back into the database without blocking writers (SQLite only).

        Run from a background thread every second or so: an automatic checkpoint happens inside
        some unlucky commit, while that request holds the write lock (measured: commit p99 0.9 ms
        with it, against a 40 us median)."""
        if not self.is_sqlite:
            return
        with self._reader.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _write_lock(self, slot: _Slot) -> int | None:
        """The descriptor of the cross-process write lock a SQLite write holds for its length
        (``None`` for a database in memory)."""
        if self._write_lock_path is None:
            return None
        fd = slot.lock_fd
        if fd is None:
            fd = slot.lock_fd = os.open(self._write_lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        return fd

    def dispose(self) -> None:
        """Close every connection; call it when no transaction is running."""
        self._reader.close()
        self._reader.engine.dispose()
        if self._writer is not self._reader:
            self._writer.close()
            self._writer.engine.dispose()


def _rolled_back(conn: Connection, driver: Any) -> bool:
    """Roll back whichever side began; whether the connection is clean for the next one."""
    try:
        if conn.in_transaction():
            conn.rollback()
        elif driver.in_transaction:
            driver.rollback()
        return not (conn.invalidated or conn.in_transaction() or driver.in_transaction)
    except Exception:
        return False


def _sqlite_engine(url: str, begin: str, echo: bool, connections: int) -> Engine:
    engine = create_engine(
        url,
        echo=echo,
        pool_size=connections,
        max_overflow=_SPARE,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Checkpoints normally run from a background thread (Database.checkpoint); this is the
        # safety net for processes without one, kept high so it rarely lands inside a request.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # straight to the driver: exec_driver_sql costs ~25 us per transaction, this ~1 us;
        # nothing inside ``Database.transaction``, which began the driver's transaction itself
        driver: Any = conn.connection.driver_connection
        if not driver.in_transaction:
            driver.execute(begin)

    return engine
