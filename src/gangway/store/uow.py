"""The unit of work: one transaction per request, with every repository bound to it.

The transaction begins at the first statement, not when the unit of work is opened nor when a
repository is first named: a handler validates and computes first, and a repository seals and
indexes a row before its statement, so SQLite's single write lock is held only for the reads
and writes (measured: a create spent 600 us of pure work inside the lock before this).
``on_begin`` runs as the transaction's first statement; the idempotency check uses it, so a
write request needs one transaction, not a read transaction and then a write one.

Units of work never nest: a thread with one open cannot open another (``RuntimeError``), even
one that would never begin. Code that needs a reading inside a unit of work (the test clock, say)
takes the caller's ``uow``; an operation that needs several transactions (moving a test clock)
runs outside any. Nesting would hold one connection while waiting for a second, which is how a
burst of requests once took every connection and kept them.

A SQLite write unit of work opened with ``assume_clocks`` (the API's) reads a test clock before
its transaction from a per-process cache instead of a transaction of its own (one commit per
create, not two), and checks each offset it assumed as the first statement of its transaction,
under the write lock: if another process moved the clock meanwhile it raises ``ClockMoved``
(rolling back), and the caller runs the request again with the fresh offset. So a moved clock
is never missed, however long the cache has held the old one.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, cast

from sqlalchemy import Connection

from gangway.core.lazy import lazy
from gangway.store.database import Database
from gangway.store.repos.accounts import AccountRepository
from gangway.store.repos.admin_tokens import AdminTokenRepository
from gangway.store.repos.audit import AuditRepository
from gangway.store.repos.clocks import ClockRepository
from gangway.store.repos.events import EventRepository
from gangway.store.repos.idempotency import IdempotencyRepository
from gangway.store.repos.keys import KeyRepository
from gangway.store.repos.links import LinkRepository
from gangway.store.repos.operators import OperatorRepository
from gangway.store.repos.stats import StatsRepository
from gangway.store.repos.tokens import TokenRepository
from gangway.store.repos.verifications import VerificationRepository
from gangway.store.repos.webhooks import WebhookRepository
from gangway.store.sealing import Sealer

__all__ = ["ClockMoved", "Store", "UnitOfWork"]

OnBegin = Callable[["UnitOfWork"], None]


class _Deferred:
    """Stands in for a unit of work's connection: any use of it begins the transaction."""

    __slots__ = ("_uow",)

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow.conn, name)


class ClockMoved(Exception):
    """A test clock this unit of work read before its transaction had moved by the time the
    transaction began: nothing was written; run the request again (the cache has the new
    offset)."""


class UnitOfWork:
    def __init__(
        self,
        database: Database,
        sealer: Sealer,
        *,
        write: bool,
        on_begin: OnBegin | None = None,
        fingerprint_secret: bytes = b"",
        clock_cache: dict[str, int] | None = None,
        search_secret: bytes | None = None,
    ) -> None:
        self._database = database
        self._sealer = sealer
        self._fingerprint_secret = fingerprint_secret
        self._search_secret = (
            search_secret if search_secret is not None else search_secret_of(fingerprint_secret)
        )
        self._transaction: AbstractContextManager[Connection] | None = None
        self._write = write
        self._on_begin = on_begin
        self._conn: Connection | None = None
        self._clock_cache = clock_cache
        """Set when this unit of work may assume cached clock offsets (``assume_clocks``)."""
        self._assumed: dict[str, int] = {}
        self._deferred = cast(Connection, _Deferred(self))
        """What repositories hold: the transaction, begun by their first statement."""

    def _end(self, exc: BaseException | None) -> None:
        """Commit the transaction, or roll it back if ``exc`` ended the block (re-raised by
        the caller): what an ``ExitStack`` would do, without its cost on every request."""
        transaction, self._transaction = self._transaction, None
        if transaction is None:
            return
        if exc is None:
            transaction.__exit__(None, None, None)
        else:
            transaction.__exit__(type(exc), exc, exc.__traceback__)

    def begin(self) -> None:
        """Begin the transaction now if nothing has yet (running ``on_begin``): a handler that
        never touched the database still has its ``on_begin`` check made."""
        _ = self.conn

    @property
    def conn(self) -> Connection:
        """The transaction, begun on first use."""
        if self._conn is None:
            transaction = self._database.transaction(write=self._write)
            self._conn = transaction.__enter__()
            self._transaction = transaction
            if self._assumed:
                self._check_assumed_clocks()
            if self._on_begin is not None:
                self._on_begin(self)
        return self._conn

    @lazy
    def accounts(self) -> AccountRepository:
        return AccountRepository(self._deferred, self._sealer, self._search_secret)

    @lazy
    def keys(self) -> KeyRepository:
        return KeyRepository(self._deferred)

    @lazy
    def admin_tokens(self) -> AdminTokenRepository:
        return AdminTokenRepository(self._deferred)

    @lazy
    def operators(self) -> OperatorRepository:
        return OperatorRepository(self._deferred)

    @lazy
    def audit(self) -> AuditRepository:
        return AuditRepository(self._deferred, self._sealer)

    @lazy
    def idempotency(self) -> IdempotencyRepository:
        return IdempotencyRepository(self._deferred, self._sealer)

    @lazy
    def events(self) -> EventRepository:
        return EventRepository(self._deferred, self._sealer, fan_out=self.webhooks.fan_out)

    @lazy
    def webhooks(self) -> WebhookRepository:
        return WebhookRepository(self._deferred, self._sealer)

    @property
    def fanned_out(self) -> int:
        """Deliveries this unit of work owes (nothing, if it never touched webhooks)."""
        webhooks = self.__dict__.get("webhooks")
        return webhooks.fanned_out if webhooks is not None else 0

    @lazy
    def clocks(self) -> ClockRepository:
        return ClockRepository(self._deferred)

    def clock_offset(self, platform_id: str) -> int:
        """A test clock's offset, read without beginning a SQLite write transaction.

        Such a transaction holds the database's write lock from its ``BEGIN``, and the clock is
        often read before any other statement, for pure work done as of that time (a create
        evaluates the account's requirements): beginning there would hold the lock through
        that work (measured: 300 us of lock per create instead of 140). So a SQLite write unit
        of work that has not begun takes the offset from the cache (``assume_clocks``, checked
        when the transaction begins) or, without one, reads it in a short read transaction
        first: one after the other, never one inside the other, so it never holds a connection
        while it waits for another. Otherwise it is read in this transaction."""
        if self._conn is None and self._write and self._database.is_sqlite:
            cache = self._clock_cache
            if cache is None:
                return self._read_offset(platform_id)
            offset = cache.get(platform_id)
            if offset is None:
                offset = cache[platform_id] = self._read_offset(platform_id)
            self._assumed[platform_id] = offset
            return offset
        return self.clocks.offset(platform_id)

    def _read_offset(self, platform_id: str) -> int:
        with self._database.transaction(write=False) as conn:
            return ClockRepository(conn).offset(platform_id)

    def _check_assumed_clocks(self) -> None:
        """Under the write lock, before anything is written: the offsets assumed still hold."""
        cache = self._clock_cache if self._clock_cache is not None else {}
        moved = False
        for platform_id, assumed in self._assumed.items():
            offset = self.clocks.offset(platform_id)
            if offset != assumed:
                cache[platform_id] = offset
                moved = True
        if moved:
            raise ClockMoved("a test clock moved before this unit of work's transaction began")

    @lazy
    def links(self) -> LinkRepository:
        return LinkRepository(self._deferred, self._sealer)

    @lazy
    def stats(self) -> StatsRepository:
        return StatsRepository(self._deferred)

    @lazy
    def tokens(self) -> TokenRepository:
        return TokenRepository(self._deferred, self._sealer)

    @lazy
    def verifications(self) -> VerificationRepository:
        return VerificationRepository(self._deferred, self._sealer)

    @property
    def fingerprint_secret(self) -> bytes:
        """Keys the fingerprints of verified values, so a stored one cannot be reversed by
        trying every date of birth or SSN; kept outside the database."""
        return self._fingerprint_secret


def search_secret_of(fingerprint_secret: bytes) -> bytes:
    """Keys the console's blind search indexes; derived from the fingerprint secret, so no
    second secret needs keeping, yet a search digest never equals a fingerprint. The store
    derives it once (an HMAC per unit of work was 6% of a retrieve's CPU)."""
    return hmac.new(fingerprint_secret, b"gangway account search", "sha256").digest()


class Store:
    def __init__(self, database: Database, sealer: Sealer, fingerprint_secret: bytes = b"") -> None:
        self.database = database
        self._sealer = sealer
        self._fingerprint_secret = fingerprint_secret
        self._search_secret = search_secret_of(fingerprint_secret)
        self.on_deliveries: Callable[[], None] | None = None
        self._thread = threading.local()
        self._clock_offsets: dict[str, int] = {}
        """Test clock offsets per platform as last seen by this process: only ever a guess,
        checked inside the transaction that relies on it (``assume_clocks``)."""

    def forget_clock(self, platform_id: str) -> None:
        """This process moved the clock: the next request reads it afresh, not via a retry."""
        self._clock_offsets.pop(platform_id, None)

    @contextmanager
    def unit_of_work(
        self, *, write: bool, on_begin: OnBegin | None = None, assume_clocks: bool = False
    ) -> Iterator[UnitOfWork]:
        """Commits when the block ends normally; any exception rolls everything back. After a
        commit that owes deliveries, ``on_deliveries`` wakes the delivery worker.

        ``assume_clocks``: a SQLite write may take test clock offsets from this process's cache
        before its transaction; it raises ``ClockMoved`` if one had moved (see the module's
        docstring), so only a caller that runs the work again on it passes ``True``."""
        thread = self._thread
        if getattr(thread, "open", False):
            raise RuntimeError(
                "a unit of work is already open in this thread: pass it down instead of "
                "opening another"
            )
        thread.open = True
        try:
            uow = UnitOfWork(
                self.database,
                self._sealer,
                write=write,
                on_begin=on_begin,
                fingerprint_secret=self._fingerprint_secret,
                search_secret=self._search_secret,
                clock_cache=self._clock_offsets if assume_clocks and write else None,
            )
            try:
                yield uow
            except BaseException as exc:
                uow._end(exc)
                raise
            uow._end(None)
        finally:
            thread.open = False
        if uow.fanned_out and self.on_deliveries is not None:
            self.on_deliveries()
