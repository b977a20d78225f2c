"""``create_app(settings)`` wires everything; no module-level state."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from typing import Any

from gangway.api import admin
from gangway.api.app import ApiApp
from gangway.api.auth import Authenticator
from gangway.api.delivery_routes import delivery_routes
from gangway.api.event_routes import event_routes
from gangway.api.handlers import routes
from gangway.api.link_routes import account_link_routes
from gangway.api.reviews import review_routes
from gangway.api.test_helpers import test_helper_routes
from gangway.bootstrap import fingerprint_secret_for, page_token_secret_for, sealer_for
from gangway.console.app import ConsoleApp
from gangway.core.clock import Clock, SystemClock
from gangway.core.keys import KeyPrincipal
from gangway.core.pagination import PageTokens
from gangway.hosted.app import HostedApp
from gangway.requirements import load_rules
from gangway.services.clocks import Clocks
from gangway.services.listing import fill_missing
from gangway.services.scheduler import sweep_all
from gangway.services.stored_requirements import fill_stale
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.uow import Store
from gangway.v1.account_links import v1_account_link_routes
from gangway.v1.acting import guarded
from gangway.v1.capabilities import v1_capability_routes
from gangway.v1.events import v1_event_routes
from gangway.v1.external_accounts import external_account_routes
from gangway.v1.persons import v1_person_routes
from gangway.v1.routes import v1_account_routes
from gangway.v1.tokens import token_routes
from gangway.v1.webhook_endpoints import v1_webhook_endpoint_routes
from gangway.webhooks.worker import DeliveryWorker

__all__ = ["Gangway", "asgi_factory", "create_app"]

log = logging.getLogger("gangway")

_PRUNE_EVERY_SECONDS = 600
_CHECKPOINT_EVERY_SECONDS = 0.5


class Gangway:
    """The ASGI application: the v2 API under ``/v2``, Gangway's own endpoints under
    ``/_gangway``, the operator's admin API under ``/_gangway/admin``, the hosted onboarding
    form under ``/onboarding``."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.rules = load_rules(settings.rules_dir)
        self.database = Database(settings.resolved_database_url())
        self.store = Store(self.database, sealer_for(settings), fingerprint_secret_for(settings))
        self.clocks = Clocks(self.store, clock)
        pages = PageTokens(page_token_secret_for(settings))
        self.api = ApiApp(
            routes=[
                *routes(self.rules, pages),
                *event_routes(pages, egress=settings.egress_policy()),
                *account_link_routes(
                    public_url=settings.resolved_public_url(),
                    lifetime_ms=settings.link_lifetime_seconds * 1000,
                ),
                *test_helper_routes(self.rules, self.store, self.clocks),
                *review_routes(self.rules),
                *delivery_routes(pages),
                *guarded(
                    [
                        *v1_account_routes(self.rules),
                        *v1_person_routes(self.rules),
                        *v1_capability_routes(self.rules),
                        *external_account_routes(self.rules),
                        *token_routes(),
                        *v1_event_routes(),
                        *v1_webhook_endpoint_routes(settings.egress_policy()),
                        *v1_account_link_routes(
                            public_url=settings.resolved_public_url(),
                            lifetime_ms=settings.link_lifetime_seconds * 1000,
                        ),
                    ]
                ),
            ],
            store=self.store,
            authenticator=Authenticator(self._principal),
            now_ms=self.clocks.now_ms,
            max_body_bytes=settings.max_body_bytes,
            idempotency_ttl_ms=settings.idempotency_ttl_hours * 3_600_000,
        )
        self.hosted = HostedApp(
            store=self.store,
            rules=self.rules,
            clocks=self.clocks,
            clock=clock,
            public_url=settings.resolved_public_url(),
            idle_ms=settings.session_idle_seconds * 1000,
            upload_max_bytes=settings.upload_max_bytes,
        )
        self.console = (
            ConsoleApp(
                store=self.store,
                rules=self.rules,
                clocks=self.clocks,
                clock=clock,
                public_url=settings.resolved_public_url(),
                idle_ms=settings.console_idle_seconds * 1000,
                absolute_ms=settings.console_session_hours * 3_600_000,
            )
            if settings.console
            else None
        )
        self.admin = admin.AdminApp(self.store, clock)
        self._tasks: list[asyncio.Task[None]] = []

    def _principal(self, key_digest: str) -> tuple[KeyPrincipal, bool] | None:
        with self.store.unit_of_work(write=False) as uow:
            return uow.keys.by_digest(key_digest)

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Any],
        send: Callable[[dict[str, Any]], Any],
    ) -> None:
        kind = scope["type"]
        if kind == "http":
            if scope["path"] == "/_gangway/health":
                await _plain(send, 200, b'{"status":"ok"}')
                return
            if scope["path"].startswith("/onboarding"):
                await self.hosted(scope, receive, send)
                return
            if self.console is not None and (
                scope["path"] == "/console" or scope["path"].startswith("/console/")
            ):
                await self.console(scope, receive, send)
                return
            if scope["path"] == admin.PREFIX or scope["path"].startswith(admin.PREFIX + "/"):
                await self.admin(scope, receive, send)
                return
            await self.api(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(
        self, receive: Callable[[], Any], send: Callable[[dict[str, Any]], Any]
    ) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._tasks.append(asyncio.create_task(self._prune_forever()))
                self._tasks.append(asyncio.create_task(self._fill_listing()))
                if self.database.is_sqlite:
                    self._tasks.append(asyncio.create_task(self._checkpoint_forever()))
                if self.settings.scheduler:
                    self._tasks.append(asyncio.create_task(self._sweep_forever()))
                if self.settings.deliveries:  # each process delivers; claims never overlap
                    worker = DeliveryWorker.from_settings(self.store, self.settings)
                    self.store.on_deliveries = worker.wake
                    self._tasks.append(asyncio.create_task(worker.run()))
                # what start-up loaded (rules, schemas, modules) lives as long as the process:
                # frozen, a full collection no longer walks it (a 100 ms pause, the p99 of a page)
                gc.collect()
                gc.freeze()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in self._tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                self.database.dispose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _prune_forever(self) -> None:
        """Idempotency keys are kept for the configured TTL (at least 24 hours), events for the
        retention period (at least 30 days); then they are dropped."""
        ttl_ms = self.settings.idempotency_ttl_hours * 3_600_000
        while True:
            await asyncio.sleep(_PRUNE_EVERY_SECONDS)
            try:
                await self.database.in_thread(self._prune, self.clock.now_ms() - ttl_ms)
            except Exception:
                log.exception("pruning idempotency keys failed")

    async def _fill_listing(self) -> None:
        """Accounts stored before the console's listing columns get them, once; then those
        whose stored requirements predate these rules get them again (one after the other:
        two writers would only queue for SQLite's lock)."""
        try:
            stored = await self.database.in_thread(fill_stale, self.store, self.rules)
            if stored:
                log.warning("re-evaluated the stored requirements of %d accounts", stored)
        except Exception:
            log.exception("storing requirements under the loaded rules failed")
        try:
            filled = await self.database.in_thread(fill_missing, self.store, self.rules)
            if filled:
                log.warning("filled in the console's listing of %d accounts", filled)
        except Exception:
            log.exception("filling in the console's account listing failed")

    async def _sweep_forever(self) -> None:
        """Deadlines and test-mode decisions take effect within a second of their time."""
        while True:
            await asyncio.sleep(self.settings.sweep_interval_seconds)
            try:
                await self.database.in_thread(sweep_all, self.store, self.rules, self.clocks)
            except Exception:
                log.exception("deadline sweep failed")

    async def _checkpoint_forever(self) -> None:
        while True:
            await asyncio.sleep(_CHECKPOINT_EVERY_SECONDS)
            try:
                await self.database.in_thread(self.database.checkpoint)
            except Exception:
                log.exception("WAL checkpoint failed")

    def _prune(self, before_ms: int) -> None:
        with self.store.unit_of_work(write=True) as uow:
            uow.idempotency.prune(before_ms=before_ms)
            # events (with their deliveries) are kept for the retention period, then dropped
            retention_ms = self.settings.event_retention_days * 86_400_000
            uow.events.prune(before_ms=self.clock.now_ms() - retention_ms)
            uow.operators.prune_failures(before_ms=self.clock.now_ms() - 86_400_000)


async def _plain(send: Callable[[dict[str, Any]], Any], status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings, clock: Clock | None = None) -> Gangway:
    return Gangway(settings, clock or SystemClock())


def asgi_factory() -> Gangway:
    """Entry point for uvicorn workers: each process builds its app from ``GANGWAY_*``."""
    return create_app(Settings())
