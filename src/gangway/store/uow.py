"""The unit of work: one transaction per request, with every repository bound to it.

The transaction begins at the first repository access, not when the unit of work is opened:
a handler validates and computes first, and holds SQLite's single write lock only for its
reads and writes (measured: a create spent 600 us of pure work inside the lock before this).
``on_begin`` runs as the transaction's first statement; the idempotency check uses it, so a
write request needs one transaction, not a read transaction and then a write one.

Units of work never nest: a thread with one open cannot open another (``RuntimeError``), even
one that would never begin. Code that needs a reading inside a unit of work (the test clock, say)
takes the caller's ``uow``; an operation that needs several transactions (moving a test clock)
runs outside any. Nesting would hold one connection while waiting for a second, which is how a
burst of requests once took every connection and kept them.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

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

__all__ = ["Store", "UnitOfWork"]

OnBegin = Callable[["UnitOfWork"], None]


class UnitOfWork:
    def __init__(
        self,
        database: Database,
        sealer: Sealer,
        stack: ExitStack,
        *,
        write: bool,
        on_begin: OnBegin | None = None,
        fingerprint_secret: bytes = b"",
    ) -> None:
        self._database = database
        self._sealer = sealer
        self._fingerprint_secret = fingerprint_secret
        self._stack = stack
        self._write = write
        self._on_begin = on_begin
        self._conn: Connection | None = None

    def begin(self) -> None:
        """Begin the transaction now if nothing has yet (running ``on_begin``): a handler that
        never touched the database still has its ``on_begin`` check made."""
        _ = self.conn

    @property
    def conn(self) -> Connection:
        """The transaction, begun on first use."""
        if self._conn is None:
            self._conn = self._stack.enter_context(self._database.transaction(write=self._write))
            if self._on_begin is not None:
                self._on_begin(self)
        return self._conn

    @lazy
    def accounts(self) -> AccountRepository:
        return AccountRepository(self.conn, self._sealer, self._search_secret)

    @lazy
    def keys(self) -> KeyRepository:
        return KeyRepository(self.conn)

    @lazy
    def admin_tokens(self) -> AdminTokenRepository:
        return AdminTokenRepository(self.conn)

    @lazy
    def operators(self) -> OperatorRepository:
        return OperatorRepository(self.conn)

    @lazy
    def audit(self) -> AuditRepository:
        return AuditRepository(self.conn, self._sealer)

    @lazy
    def idempotency(self) -> IdempotencyRepository:
        return IdempotencyRepository(self.conn, self._sealer)

    @lazy
    def events(self) -> EventRepository:
        return EventRepository(self.conn, self._sealer, fan_out=self.webhooks.fan_out)

    @lazy
    def webhooks(self) -> WebhookRepository:
        return WebhookRepository(self.conn, self._sealer)

    @property
    def fanned_out(self) -> int:
        """Deliveries this unit of work owes (nothing, if it never touched webhooks)."""
        webhooks = self.__dict__.get("webhooks")
        return webhooks.fanned_out if webhooks is not None else 0

    @lazy
    def clocks(self) -> ClockRepository:
        return ClockRepository(self.conn)

    def clock_offset(self, platform_id: str) -> int:
        """A test clock's offset, read without beginning a SQLite write transaction.

        Such a transaction holds the database's write lock from its ``BEGIN``, and the clock is
        often read before any other statement, for pure work done as of that time (a create
        evaluates the account's requirements): beginning there would hold the lock through
        that work (measured: 300 us of lock per create instead of 140). So a SQLite
        write unit of work that has not begun reads the offset in a short read transaction
        first: one after the other, never one inside the other, so it never holds a
        connection while it waits for another. Otherwise it is read in this transaction."""
        if self._conn is None and self._write and self._database.is_sqlite:
            with self._database.transaction(write=False) as conn:
                return ClockRepository(conn).offset(platform_id)
        return self.clocks.offset(platform_id)

    @lazy
    def links(self) -> LinkRepository:
        return LinkRepository(self.conn, self._sealer)

    @lazy
    def stats(self) -> StatsRepository:
        return StatsRepository(self.conn)

    @lazy
    def tokens(self) -> TokenRepository:
        return TokenRepository(self.conn, self._sealer)

    @lazy
    def verifications(self) -> VerificationRepository:
        return VerificationRepository(self.conn, self._sealer)

    @lazy
    def _search_secret(self) -> bytes:
        """Keys the console's blind search indexes; derived from the fingerprint secret, so no
        second secret needs keeping, yet a search digest never equals a fingerprint."""
        return hmac.new(self._fingerprint_secret, b"gangway account search", "sha256").digest()

    @property
    def fingerprint_secret(self) -> bytes:
        """Keys the fingerprints of verified values, so a stored one cannot be reversed by
        trying every date of birth or SSN; kept outside the database."""
        return self._fingerprint_secret


class Store:
    def __init__(self, database: Database, sealer: Sealer, fingerprint_secret: bytes = b"") -> None:
        self.database = database
        self._sealer = sealer
        self._fingerprint_secret = fingerprint_secret
        self.on_deliveries: Callable[[], None] | None = None
        self._thread = threading.local()

    @contextmanager
    def unit_of_work(self, *, write: bool, on_begin: OnBegin | None = None) -> Iterator[UnitOfWork]:
        """Commits when the block ends normally; any exception rolls everything back. After a
        commit that owes deliveries, ``on_deliveries`` wakes the delivery worker."""
        thread = self._thread
        if getattr(thread, "open", False):
            raise RuntimeError(
                "a unit of work is already open in this thread: pass it down instead of "
                "opening another"
            )
        thread.open = True
        try:
            with ExitStack() as stack:
                uow = UnitOfWork(
                    self.database,
                    self._sealer,
                    stack,
                    write=write,
                    on_begin=on_begin,
                    fingerprint_secret=self._fingerprint_secret,
                )
                yield uow
        finally:
            thread.open = False
        if uow.fanned_out and self.on_deliveries is not None:
            self.on_deliveries()
