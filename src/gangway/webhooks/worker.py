"""The delivery worker: posts owed events to their destinations, signed, with retries.

A pipeline on one asyncio loop rather than claim-post-record rounds: a round waits for its
slowest receiver (up to the timeout), so one slow endpoint would hold back everyone's events.
Here the claimer leases due deliveries whenever attempts can start (one write transaction per
batch, in a thread, ``SKIP LOCKED`` on PostgreSQL so workers never share a row), every attempt
runs on its own over one shared pool of keep-alive connections, and the recorder writes
whatever outcomes have piled up in one transaction (while it writes, the next batch piles up).

Requests are sent straight through the pool (``transport.KeepAliveTransport.send``), not
through ``httpx.AsyncClient.send``: the client's cookie jar would carry one receiver's
``Set-Cookie`` to every other destination on that host (another platform's, say), and its
redirect, auth and cookie layers cost half the worker's CPU (measured: about 2,300 against 4,600
deliveries a second drained by one process). Nor is an ``httpx.Request`` built per attempt: the
head up to the signature is httpx's, built once per destination URL, and each attempt appends
its signature, length and body (the models cost 30 us an attempt, issue 13).

Fair to every destination: at most ``per_destination`` attempts are in flight to one destination
(the claim takes each destination's due deliveries as its own queue, see
``WebhookRepository.claim``), so a dead destination holds a few slots while it times out and the
rest keep flowing; its circuit (``circuit``) then pauses it, probes it, and after days of
failures disables it. A destination held back only by its limit wakes the claimer when enough
of its attempts have finished, instead of waiting for the next poll.

Delivery is at least once. A claim pushes the row's next attempt past the lease, so if this
process dies between the post and the record, the row is due again after the lease and sent
again; receivers dedupe on the event id, as Stripe asks them to.

Nothing here may stop the server: every failure (database, network, a bug) is logged and the
loop carries on; unrecorded claims come back after their lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx

from gangway import __version__
from gangway.core.ids import sortable_id
from gangway.settings import Settings
from gangway.store.repos.webhooks import Attempt, Claimed
from gangway.store.uow import Store
from gangway.webhooks.circuit import CircuitPolicy
from gangway.webhooks.egress import EgressPolicy
from gangway.webhooks.schedule import (
    LIVE,
    RetrySchedule,
    next_attempt_ms,
    schedule_for_test_mode,
)
from gangway.webhooks.signing import Signer
from gangway.webhooks.transport import (
    CONNECTED,
    COULD_NOT_CONNECT,
    EgressRefused,
    KeepAliveTransport,
    encode_request,
)

__all__ = ["DeliveryWorker"]

log = logging.getLogger("gangway.webhooks")

_BODY_CHARS = 1000
"""How much of a receiver's answer is kept with the attempt."""
_ERROR_CHARS = 500
_HEADERS = (
    (b"User-Agent", f"Gangway/{__version__}".encode()),
    (b"Content-Type", b"application/json"),
    (b"Accept", b"*/*"),
    # the answer's start is kept as it came: a compressed one would be cut mid-stream
    (b"Accept-Encoding", b"identity"),
)
_BODIES_KEPT = 4096
"""Events whose encoded bodies are kept between claims (the newest claims' events)."""
_SHUTDOWN_GRACE_SECONDS = 2.0
_FINAL_RECORD_SECONDS = 10.0


class Outcome(NamedTuple):
    """An attempt made, not yet recorded. Its ``Attempt`` (and the id, whose randomness is a
    system call that lets go of the GIL) is made in the recorder's thread, off the loop."""

    delivery_id: str
    livemode: bool
    at_ms: int
    status_code: int | None
    error: str | None
    latency_ms: int
    text: str | None
    status: str
    """The delivery's new status: ``succeeded``, ``pending`` (``retry`` set) or ``failed``."""
    retry: int | None


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        *,
        timeout_seconds: float,
        concurrency: int,
        poll_seconds: float,
        lease_seconds: float,
        test_schedule: RetrySchedule,
        live_schedule: RetrySchedule = LIVE,
        skip_locked: bool,
        per_destination: int = 32,
        circuit: CircuitPolicy | None = None,
        now_ms: Callable[[], int] = _wall_ms,
        jitter: Callable[[], float] = random.random,
        egress: EgressPolicy | None = None,
    ) -> None:
        """``egress`` defaults to the policy without an allow-list."""
        self._store = store
        self._egress = egress or EgressPolicy()
        self._timeout = timeout_seconds
        self._concurrency = concurrency
        self._poll = poll_seconds
        # the lease must outlast an attempt and its recording, or a slow receiver is sent twice
        self._lease_ms = int(max(lease_seconds, timeout_seconds + 2) * 1000)
        self._schedules = {False: test_schedule, True: live_schedule}
        self._skip_locked = skip_locked
        self._now_ms = now_ms
        self._jitter = jitter
        self._claim_size = concurrency
        self._refill_at = max(1, concurrency // 4)
        """Claim again once this many attempts can start: fewer, larger claim transactions."""
        self._per_destination = min(per_destination, concurrency)
        self._circuit = circuit or CircuitPolicy()
        self._busy: dict[str, int] = {}
        """Attempts per destination claimed and not yet recorded (what its limit counts)."""
        self._held: set[str] = set()
        """Destinations at their limit: the claimer is woken when they have room again."""
        self._release_at = self._per_destination // 2
        """A held destination is claimed again once this few are left: claims of half its limit
        (claiming one row at a time would cost a write transaction per delivery)."""
        self._in_flight = 0
        self._attempts: set[asyncio.Task[None]] = set()
        self._outcomes: list[Outcome] = []
        self._unrecorded_failures: list[str] = []
        """The destination of each failure in ``_outcomes``: a failed attempt counts against its
        destination's limit until it is recorded, so the next claim sees the circuit it moved
        (a success is released at once: a healthy destination never waits for the recorder)."""
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._outcome_ready = asyncio.Event()
        self._closing = False
        self._heads: dict[str, tuple[httpx.URL, bytes]] = {}
        self._bodies: dict[str, bytes] = {}
        """Event id to the body its destinations receive, across claims (the claimer's thread
        alone uses it): an event owed to several destinations is opened and encoded once."""
        self._signers: dict[str, Signer] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    @classmethod
    def from_settings(cls, store: Store, settings: Settings) -> DeliveryWorker:
        return cls(
            store,
            timeout_seconds=settings.delivery_timeout_seconds,
            concurrency=settings.delivery_concurrency,
            poll_seconds=settings.delivery_poll_seconds,
            lease_seconds=settings.delivery_lease_seconds,
            test_schedule=schedule_for_test_mode(
                settings.delivery_test_retries,
                settings.delivery_test_retry_base_seconds,
                settings.delivery_test_retry_cap_seconds,
            ),
            skip_locked=not store.database.is_sqlite,
            per_destination=settings.delivery_destination_concurrency,
            circuit=settings.circuit_policy(),
            egress=settings.egress_policy(),
        )

    def wake(self) -> None:
        """``Store.on_deliveries``: a commit owes deliveries, claim now rather than at the next
        poll. Called from the loop's thread (API handlers) or from worker threads (the sweep)."""
        loop = self._loop
        if loop is None:
            return  # not running yet: the first claim finds them
        if threading.get_ident() == self._loop_thread:
            self._wake.set()
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to wake
                loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Deliver until cancelled; a crash of the pipeline itself restarts it."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        while True:
            try:
                await self._run_pipeline()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the delivery worker failed; restarting it in a second")
                await asyncio.sleep(1)

    async def _run_pipeline(self) -> None:
        async with KeepAliveTransport(
            keep_bytes=4 * _BODY_CHARS, max_idle_per_origin=self._concurrency, egress=self._egress
        ) as client:
            self._closing = False
            recorder = asyncio.create_task(self._record_forever())
            try:
                await self._claim_forever(client)
            finally:
                await self._stop(recorder)

    async def _stop(self, recorder: asyncio.Task[None]) -> None:
        """Let attempts under way finish briefly, record what is known, drop the rest (their
        leases bring them back). The recorder is asked to finish, not cancelled: cancelling
        ``in_thread`` before its thread starts would silently drop a batch of outcomes."""
        if self._attempts:
            _, late = await asyncio.wait(set(self._attempts), timeout=_SHUTDOWN_GRACE_SECONDS)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
        self._closing = True
        self._outcome_ready.set()
        try:
            await asyncio.wait_for(recorder, timeout=_FINAL_RECORD_SECONDS)
        except TimeoutError:
            log.error("recording delivery outcomes at shutdown timed out; they will be resent")

    # claiming ------------------------------------------------------------------------------
    async def _claim_forever(self, client: KeepAliveTransport) -> None:
        while True:
            while self._concurrency - self._in_flight < self._refill_at:
                self._room.clear()
                await self._room.wait()
            self._wake.clear()  # a commit after this point wakes the wait below
            wanted = min(self._claim_size, self._concurrency - self._in_flight)
            quotas = dict(self._busy)  # what the claim counts against each destination's limit
            try:
                batch = await self._store.database.in_thread(self._claim, wanted, quotas)
            except Exception:
                log.exception("claiming deliveries failed; trying again")
                await asyncio.sleep(self._poll)
                continue
            for claimed in batch:
                self._in_flight += 1
                destination = claimed.destination_id
                self._busy[destination] = self._busy.get(destination, 0) + 1
                quotas[destination] = quotas.get(destination, 0) + 1
                task = asyncio.create_task(self._attempt(client, claimed))
                self._attempts.add(task)
                task.add_done_callback(self._attempts.discard)
            self._hold({claimed.destination_id for claimed in batch}, quotas)
            if len(batch) < wanted:  # nothing else is due: wait for a commit or a poll tick
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll):
                        await self._wake.wait()

    def _claim(self, limit: int, busy: dict[str, int]) -> list[Claimed]:
        if len(self._bodies) > _BODIES_KEPT:
            self._bodies.clear()
        with self._store.unit_of_work(write=True) as uow:
            return uow.webhooks.claim(
                self._now_ms(),
                lease_ms=self._lease_ms,
                limit=limit,
                skip_locked=self._skip_locked,
                per_destination=self._per_destination,
                busy=busy,
                bodies=self._bodies,
            )

    # attempting ----------------------------------------------------------------------------
    async def _attempt(self, client: KeepAliveTransport, claimed: Claimed) -> None:
        recording = False
        try:
            outcome = await self._post(client, claimed)
            self._outcomes.append(outcome)
            if outcome.status != "succeeded":
                self._unrecorded_failures.append(claimed.destination_id)
                recording = True
            self._outcome_ready.set()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery %s: the attempt failed unexpectedly", claimed.delivery_id)
        finally:
            self._in_flight -= 1
            if not recording:
                self._release(claimed.destination_id)
            if self._concurrency - self._in_flight >= self._refill_at:
                self._room.set()

    def _hold(self, claimed: set[str], quotas: dict[str, int]) -> None:
        """Destinations the claim filled up to their limit may have more due: claim again once
        they have room. Attempts that finished while the claim ran have made room already."""
        for destination in claimed:
            if quotas[destination] >= self._per_destination:
                self._held.add(destination)
                if self._busy.get(destination, 0) <= self._release_at:
                    self._wake.set()

    def _release(self, destination_id: str) -> None:
        busy = self._busy.get(destination_id, 1) - 1
        if busy > 0:
            self._busy[destination_id] = busy
        else:
            self._busy.pop(destination_id, None)
        if destination_id in self._held and busy <= self._release_at:
            self._held.discard(destination_id)
            self._wake.set()  # its queue may be waiting on nothing but this limit

    async def _post(self, client: KeepAliveTransport, claimed: Claimed) -> Outcome:
        started_ms = self._now_ms()
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        text: str | None = None
        progress: dict[str, Any] = {}
        try:
            url, head = self._request_head(claimed.url)
            body = claimed.body
            payload = b"".join(
                (
                    head,
                    self._signer(claimed.secret).header(body, int(time.time())),
                    b"\r\nContent-Length: %d\r\n\r\n" % len(body),
                    body,
                )
            )
            async with asyncio.timeout(self._timeout):  # the whole exchange, not each read
                status_code, _, content = await client.send(
                    url, payload, livemode=claimed.livemode, progress=progress
                )
            text = content.decode("utf-8", errors="replace")[:_BODY_CHARS]
        except EgressRefused as exc:  # nothing was sent: no status, no answer to keep
            error = f"refused by the egress policy: {exc}"[:_ERROR_CHARS]
        except (TimeoutError, httpx.TimeoutException):
            # a connect that hangs (a dropped SYN) reads like one refused: no port states
            error = (
                f"timeout: no complete answer within {self._timeout:g} s"
                if progress.get(CONNECTED, False)
                else COULD_NOT_CONNECT
            )
        except httpx.ConnectError as exc:  # the transport's words: the same for every cause
            error = str(exc)[:_ERROR_CHARS]
        except Exception as exc:  # reset, a malformed answer, a bad URL: a failed attempt
            error = (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[
                :_ERROR_CHARS
            ]
        latency_ms = int((time.perf_counter() - started) * 1000)
        now_ms = self._now_ms()
        tried = (claimed.delivery_id, claimed.livemode, started_ms, status_code, error, latency_ms)
        if status_code is not None and 200 <= status_code < 300:
            return Outcome(*tried, text, "succeeded", None)
        retry = next_attempt_ms(
            self._schedules[claimed.livemode], claimed.attempts + 1, now_ms, self._jitter()
        )
        return Outcome(*tried, text, "pending" if retry is not None else "failed", retry)

    def _request_head(self, raw: str) -> tuple[httpx.URL, bytes]:
        """The parsed URL and the request's head up to its signature, once per destination
        URL: httpx builds it (the Host header as httpx writes it), the worker only appends the
        signature, the length and the body (building an ``httpx.Request`` per attempt cost
        more than the rest of the attempt's Python)."""
        found = self._heads.get(raw)
        if found is None:
            if len(self._heads) > 10_000:
                self._heads.clear()
            url = httpx.URL(raw)
            template = httpx.Request(
                "POST", url, headers=[*_HEADERS, (b"Stripe-Signature", b"-")], content=b"-"
            )
            head, _, rest = encode_request(template, b"-").partition(b"Stripe-Signature: ")
            if rest != b"-\r\nContent-Length: 1\r\n\r\n-":  # what the attempt appends
                raise RuntimeError(f"unexpected request head from httpx: {rest!r}")
            found = self._heads[raw] = (url, head + b"Stripe-Signature: ")
        return found

    def _signer(self, secret: str) -> Signer:
        signer = self._signers.get(secret)
        if signer is None:
            if len(self._signers) > 10_000:
                self._signers.clear()
            signer = self._signers[secret] = Signer(secret)
        return signer

    # recording -----------------------------------------------------------------------------
    async def _record_forever(self) -> None:
        """Until ``_closing`` is set and nothing is left to record."""
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            outcomes, self._outcomes = self._outcomes, []
            failed, self._unrecorded_failures = self._unrecorded_failures, []
            if outcomes:
                try:
                    await self._store.database.in_thread(self._record, outcomes)
                except Exception:
                    # not lost: those deliveries are due again when their lease ends
                    log.exception("recording %d delivery outcomes failed", len(outcomes))
                finally:
                    for destination_id in failed:
                        self._release(destination_id)
            if self._closing and not self._outcomes:
                return

    def _record(self, outcomes: list[Outcome]) -> None:
        results = [
            (
                Attempt(
                    sortable_id("dlat", livemode=livemode, at_ms=at_ms),
                    delivery_id,
                    at_ms,
                    status_code,
                    error,
                    latency_ms,
                    text,
                ),
                status,
                retry,
            )
            for delivery_id, livemode, at_ms, status_code, error, latency_ms, text, status, retry in (
                outcomes
            )
        ]
        with self._store.unit_of_work(write=True) as uow:
            disabled = uow.webhooks.record_attempts(results, self._now_ms(), self._circuit)
        for destination_id in disabled:
            log.warning(
                "event destination %s disabled: every attempt failed for too long", destination_id
            )
