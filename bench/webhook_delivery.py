"""Webhook delivery: throughput and commit-to-receipt latency, against a ceiling from the same run.

Starts ``gangway serve`` (SQLite, one process unless ``--workers``) and a receiver: a raw ASGI
app on uvicorn that notes each POST's arrival time (``time.monotonic``, system-wide on Linux)
and answers 200, verifying nothing. Then:

- ceiling: one ``httpx.AsyncClient`` with the worker's transport, on uvloop like the server,
  posting an event-sized body to the receiver with the worker's concurrency (64): the most the
  worker's HTTP stack could do here, with nothing signed, claimed or recorded (and, for
  comparison, a stock ``httpx.AsyncClient``);
- throughput: ``--destinations`` destinations on the receiver, ``--changes`` account creations
  committed as fast as 16 concurrent clients can (each owes one event to every destination);
  deliveries per second from the first commit's start to the last receipt;
- latency: one destination, 100 account creations per second (open loop) for ``--seconds``;
  for each, the time from the API's answer (the commit) to the receipt of its
  ``v2.core.account.created``; p50, p99 and max.

    .venv/bin/python -m bench.webhook_delivery [--changes 1000] [--destinations 4] [--seconds 10]

With ``--fairness`` it measures instead, in alternating rounds, one healthy destination alone,
then a fresh one beside a dead destination (a loopback port whose handshakes complete and that
never answers, so every attempt runs into the 10 s timeout) owed ``--dead-backlog`` deliveries
of its own (account updates, which only it wants, as another platform's would be). The server
does not deliver (``GANGWAY_DELIVERIES=false``): ``--changes`` account creations are committed
first, then a ``gangway worker`` is started, and its deliveries per second to the healthy
receiver are timed from its first attempt anywhere (a receipt, or a connection to the dead
endpoint) to the healthy receiver's last receipt, so the commits' pace (noisy on a shared
machine) is not what is measured. Prints each round and the ratio of the medians.

    .venv/bin/python -m bench.webhook_delivery --fairness [--changes 1000] [--dead-backlog 2000]
        [--rounds 3]

With ``--drain`` it measures the worker alone: in each round ``--destinations`` fresh
destinations, ``--changes`` account creations committed with nothing delivering, then a
``gangway worker`` started and timed from its first attempt to the last receipt.

    .venv/bin/python -m bench.webhook_delivery --drain [--changes 1000] [--destinations 4]
        [--rounds 3]

With ``--in-process`` the worker runs in the bench's own process instead (the figures then
include its CPU time per delivery, every thread's) and ``--profile N`` prints the top N rows of
one cProfile of its loop, claims and records:

    .venv/bin/python -m bench.webhook_delivery --drain --in-process [--profile 25]

``--json PATH`` also writes the figures as a JSON object; ``figures(argv)`` returns the same
dict to a caller (a report gathering several benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvloop

from bench.api_throughput import _free_port, _start, _stop, _wait
from gangway.webhooks.transport import KeepAliveTransport

CREATED, UPDATED = "v2.core.account.created", "v2.core.account.updated"
EVENT_TYPES = [
    "v2.core.account.created",
    "v2.core.account.updated",
    "v2.core.account[requirements].updated",
]

# the receiver (runs in its own uvicorn process) ----------------------------------------------
_ARRIVALS: list[tuple[float, bytes]] = []
_OK = [(b"content-type", b"application/json"), (b"content-length", b"2")]


async def receiver(
    scope: dict[str, Any], receive: Callable[[], Any], send: Callable[[dict[str, Any]], Any]
) -> None:
    """POST: note the arrival, answer 200. GET /arrivals?since=N: what arrived, parsed only
    now so the hot path stays cheap."""
    if scope["type"] != "http":
        return
    if scope["method"] == "POST":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        _ARRIVALS.append((time.monotonic(), body))
        await send({"type": "http.response.start", "status": 200, "headers": _OK})
        await send({"type": "http.response.body", "body": b"{}"})
        return
    query = scope["query_string"].decode()
    if query == "count":  # cheap to poll: the driver may share its process with a worker
        payload = b"%d" % len(_ARRIVALS)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(payload)),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
        return
    since = int(query.partition("since=")[2] or 0)
    rows = []
    for at, raw in _ARRIVALS[since:]:
        event = orjson.loads(raw) if raw.startswith(b"{") else {}
        related = event.get("related_object") or {}
        rows.append([at, event.get("id"), event.get("type"), related.get("id")])
    payload = orjson.dumps(rows)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


# the driver ----------------------------------------------------------------------------------
ACCOUNT = {"display_name": "Bench Shop", "contact_email": "bench@example.com"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--changes", type=int, default=1000, help="commits in the burst")
    parser.add_argument("--destinations", type=int, default=4, help="in the throughput phase")
    parser.add_argument("--seconds", type=float, default=10, help="of the latency phase")
    parser.add_argument("--rate", type=float, default=100, help="changes per second (latency)")
    parser.add_argument("--workers", type=int, default=1, help="gangway serve processes")
    parser.add_argument(
        "--fairness", action="store_true", help="a healthy receiver alone, then beside a dead one"
    )
    parser.add_argument(
        "--drain",
        action="store_true",
        help="a gangway worker alone draining a committed backlog (--changes x --destinations)",
    )
    parser.add_argument(
        "--dead-backlog", type=int, default=2000, help="deliveries owed to the dead one first"
    )
    parser.add_argument("--rounds", type=int, default=3, help="of the fairness or drain scenario")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="--drain with the worker in this process: its CPU time per delivery is measured",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="--in-process: print N cProfile rows"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures there as JSON")
    return parser


def figures(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark (``argv`` as on the command line) and return its figures: what
    ``--json`` writes, for a report that gathers several benchmarks."""
    args = _parser().parse_args(argv or [])
    return {"options": vars(args), **_run(args)}


def main() -> int:
    args = _parser().parse_args()
    results = _run(args)
    if args.fairness:
        _report_fairness(results, args)
    elif args.drain:
        _report_drain(results, args)
    else:
        _report(results, args)
    if args.json:
        Path(args.json).write_bytes(
            orjson.dumps({"options": vars(args), **results}, option=orjson.OPT_INDENT_2)
        )
    return 0


def _run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="gangway-bench-") as tmp:
        workdir = Path(tmp)
        hook_port, port = _free_port(), _free_port()
        uvicorn = ("--log-level", "warning", "--no-access-log")
        hook = _start(
            [
                *(sys.executable, "-m", "uvicorn", "bench.webhook_delivery:receiver"),
                *("--port", str(hook_port), *uvicorn),
            ],
            workdir / "receiver.log",
        )
        env = {**os.environ, "GANGWAY_DATA_DIR": str(workdir / "data")}
        if args.fairness or args.drain:  # a `gangway worker` delivers, once the backlog is in
            env["GANGWAY_DELIVERIES"] = "false"
        server = _start(
            [
                *(sys.executable, "-m", "gangway.cli.main", "serve", "--port", str(port)),
                *("--workers", str(args.workers)),
            ],
            workdir / "gangway.log",
            env=env,
        )
        try:
            hook_url, base = f"http://127.0.0.1:{hook_port}", f"http://127.0.0.1:{port}"
            _wait(f"{hook_url}/arrivals")
            _wait(f"{base}/_gangway/health")
            key = (workdir / "data" / "test_secret_key").read_text().strip()
            if args.fairness:
                dead = _DeadEndpoint()
                try:
                    worker = _Worker(workdir, env)
                    return uvloop.run(_measure_fairness(base, key, hook_url, dead, worker, args))
                finally:
                    dead.close()
            if args.drain:
                dead = _DeadEndpoint()  # never used: _drain times from any first attempt
                try:
                    worker = _Worker(workdir, env)
                    return uvloop.run(
                        _measure_drain(base, key, hook_url, dead, worker, workdir, args)
                    )
                finally:
                    dead.close()
            return uvloop.run(_measure(base, key, hook_url, args))
        finally:
            _stop(server)
            _stop(hook)


async def _measure(base: str, key: str, hook_url: str, args: argparse.Namespace) -> dict[str, Any]:
    # the driver uses the worker's own client stack: it shares the 2 cores with everything
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(
            base_url=base, headers=headers, timeout=30, transport=KeepAliveTransport()
        ) as api,
        httpx.AsyncClient(timeout=30, transport=KeepAliveTransport(keep_bytes=1 << 24)) as plain,
    ):
        results: dict[str, Any] = {"ceiling": await _ceiling(plain, f"{hook_url}/", 5000)}
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as stock:
            results["httpx_default"] = await _ceiling(stock, f"{hook_url}/", 1000)
        await _create(api, 20)  # warm up: first requests load caches

        # (a) throughput
        owners = [await _destination(api, hook_url, EVENT_TYPES) for _ in range(args.destinations)]
        since = await _arrival_count(plain, hook_url)
        started = time.monotonic()
        ids = await _burst(api, args.changes, concurrency=16)
        committed = time.monotonic()
        expected = len(ids) * args.destinations
        arrivals = await _await_arrivals(plain, hook_url, since, expected, within=120)
        last = max(a[0] for a in arrivals) if arrivals else float("nan")
        first_arrival = min(a[0] for a in arrivals) if arrivals else float("nan")
        results["throughput"] = {
            "changes": len(ids),
            "deliveries": len(arrivals),
            "expected": expected,
            "commit_seconds": committed - started,
            "seconds": last - started,
            "per_second": len(arrivals) / (last - started),
            "drain_per_second": len(arrivals) / (last - first_arrival),
        }
        for owner in owners:
            (await api.post(f"/v2/core/event_destinations/{owner}/disable")).raise_for_status()

        # (b) latency at a steady rate
        await _destination(api, hook_url, ["v2.core.account.created"])
        since = await _arrival_count(plain, hook_url)
        answered = await _paced(api, args.rate, args.seconds)
        arrivals = await _await_arrivals(plain, hook_url, since, len(answered), within=60)
        received = {row[3]: row[0] for row in arrivals if row[2] == "v2.core.account.created"}
        latencies = sorted(
            (received[account] - at) * 1000
            for account, at in answered.items()
            if account in received
        )
        results["latency"] = {
            "changes": len(answered),
            "received": len(latencies),
            "p50_ms": _percentile(latencies, 50),
            "p99_ms": _percentile(latencies, 99),
            "max_ms": latencies[-1] if latencies else float("nan"),
        }
    return results


class _DeadEndpoint:
    """Accepts connections and never answers: every attempt runs into the timeout. Notes when
    each connection came (``time.monotonic``, as the receiver does), so a drain is timed from
    the worker's first attempt, wherever it went."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=4096)
        self._sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/dead"
        self.accepted: list[float] = []
        self._held: list[socket.socket] = []
        self._closing = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError, OSError):
                conn, _ = self._sock.accept()
                self.accepted.append(time.monotonic())
                self._held.append(conn)

    def hang_up(self) -> None:
        """Between measurements: drop the connections of the worker that was stopped."""
        held, self._held = self._held, []
        for conn in held:
            conn.close()

    def close(self) -> None:
        self._closing = True
        self._thread.join()
        self.hang_up()
        self._sock.close()


class _Worker:
    """``gangway worker`` processes, one per measurement: started once the backlog is
    committed, so what is timed is the worker draining it, not the commits."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self._workdir, self._env = workdir, {**env, "GANGWAY_SCHEDULER": "false"}
        self._process: Any = None
        self._runs = 0

    def start(self) -> None:
        self._runs += 1
        self._process = _start(
            [sys.executable, "-m", "gangway.cli.main", "worker"],
            self._workdir / f"worker-{self._runs}.log",
            env=self._env,
        )

    def stop(self) -> None:
        if self._process is not None:
            _stop(self._process)
            self._process = None


async def _measure_fairness(
    base: str,
    key: str,
    hook_url: str,
    dead_end: _DeadEndpoint,
    worker: _Worker,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Rounds of: a healthy destination alone, and a fresh one beside a dead destination (in
    turn first).
    The dead one stands for another platform's: it is owed a backlog of its own (account
    updates, which only it wants) and none of the healthy one's (account creations)."""
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(
            base_url=base,
            headers=headers,
            timeout=30,
            transport=KeepAliveTransport(keep_bytes=1 << 24),
        ) as api,
        httpx.AsyncClient(timeout=30, transport=KeepAliveTransport(keep_bytes=1 << 24)) as plain,
    ):
        accounts = await _create(api, 20)
        await _burst(api, 500, concurrency=16)  # warm up: first requests load caches
        results: dict[str, Any] = {"alone": [], "beside_dead": [], "dead": []}
        for round_ in range(args.rounds):
            for beside in (False, True) if round_ % 2 == 0 else (True, False):  # either order
                dead = None
                if beside:
                    dead = await _destination(api, hook_url, [UPDATED], url=dead_end.url)
                    await _updates(api, accounts, args.dead_backlog)
                healthy = await _destination(api, hook_url, [CREATED])
                results["beside_dead" if beside else "alone"].append(
                    await _drain(api, plain, hook_url, worker, dead_end, args.changes, dead)
                )
                for destination in (healthy, dead):
                    if destination:
                        await _disable(api, destination)
    return results


async def _drain(
    api: httpx.AsyncClient,
    plain: httpx.AsyncClient,
    hook_url: str,
    worker: _Worker,
    dead_end: _DeadEndpoint,
    changes: int,
    dead: str | None,
    *,
    per_change: int = 1,
) -> dict[str, Any]:
    """Commit ``changes`` creations (nothing delivers yet), start a worker, and time its
    deliveries to the healthy receiver(s) from its first attempt anywhere (a receipt, or a
    connection to the dead endpoint) to the healthy receivers' last receipt. Each change owes
    ``per_change`` of them (one per healthy destination)."""
    await _burst(api, changes, concurrency=16)
    since, dead_since = await _arrival_count(plain, hook_url), len(dead_end.accepted)
    expected = changes * per_change
    worker.start()
    try:
        arrivals = await _await_arrivals(plain, hook_url, since, expected, within=120)
        row: dict[str, Any] = {"deliveries": len(arrivals), "expected": expected}
        if dead is not None:  # while the worker still runs: what became of the dead one's
            listed = await api.get(
                f"/_gangway/event_destinations/{dead}/deliveries", params={"limit": 100}
            )
            page = listed.raise_for_status().json()["data"]
            row["dead_pending"] = sum(1 for d in page if d["status"] == "pending")
            row["dead_connections"] = len(dead_end.accepted) - dead_since
    finally:
        worker.stop()
        dead_end.hang_up()
    times = sorted(a[0] for a in arrivals)
    first = min([*times[:1], *dead_end.accepted[dead_since:]], default=float("nan"))
    # what never arrived within the wait counts as arriving at its end
    last = times[-1] if len(times) >= expected else time.monotonic()
    row["seconds"] = last - first
    row["per_second"] = len(times) / row["seconds"] if times else 0.0
    return row


async def _measure_drain(
    base: str,
    key: str,
    hook_url: str,
    dead_end: _DeadEndpoint,
    worker: _Worker,
    workdir: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Rounds of: ``--destinations`` fresh destinations, ``--changes`` creations committed
    with nothing delivering, then one ``gangway worker`` started and timed draining them (or,
    ``--in-process``, a ``DeliveryWorker`` in this process). What the worker alone does, the
    commits' pace (another process's, noisy) aside."""
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(
            base_url=base,
            headers=headers,
            timeout=30,
            transport=KeepAliveTransport(keep_bytes=1 << 24),
        ) as api,
        httpx.AsyncClient(timeout=30, transport=KeepAliveTransport(keep_bytes=1 << 24)) as plain,
    ):
        results: dict[str, Any] = {"ceiling": await _ceiling(plain, f"{hook_url}/", 5000)}
        await _burst(api, 200, concurrency=16)  # warm up: first requests load caches
        rounds = []
        for _ in range(args.rounds):
            owners = [
                await _destination(api, hook_url, [CREATED]) for _ in range(args.destinations)
            ]
            if args.in_process:
                await _burst(api, args.changes, concurrency=16)
                expected = args.changes * args.destinations
                row = await _drain_in_process(plain, hook_url, workdir, expected, args.profile)
            else:
                row = await _drain(
                    api,
                    plain,
                    hook_url,
                    worker,
                    dead_end,
                    args.changes,
                    None,
                    per_change=args.destinations,
                )
            rounds.append(row)
            for owner in owners:
                await _disable(api, owner)
        results["drain"] = rounds
        results["drain_median_per_second"] = statistics.median(r["per_second"] for r in rounds)
    return results


async def _drain_in_process(
    plain: httpx.AsyncClient, hook_url: str, workdir: Path, expected: int, profile: int
) -> dict[str, Any]:
    """A ``DeliveryWorker`` on this loop drains what is owed; the process's CPU time (every
    thread's: the claims and records run in worker threads) per delivery, and with
    ``profile`` the rows of one cProfile of the loop, the claims and the records together."""
    from gangway.bootstrap import fingerprint_secret_for, sealer_for
    from gangway.settings import Settings
    from gangway.store.database import Database
    from gangway.store.uow import Store
    from gangway.webhooks.worker import DeliveryWorker

    settings = Settings(data_dir=workdir / "data", scheduler=False)
    database = Database(settings.resolved_database_url())
    store = Store(database, sealer_for(settings), fingerprint_secret_for(settings))
    worker = DeliveryWorker.from_settings(store, settings)
    store.on_deliveries = worker.wake
    profiles = [cProfile.Profile() for _ in range(3)] if profile else []
    if profiles:  # one profile per thread that runs: the loop's, the claimer's, the recorder's
        claim, record = worker._claim, worker._record
        setattr(worker, "_claim", lambda *a: profiles[1].runcall(claim, *a))  # noqa: B010
        setattr(worker, "_record", lambda *a: profiles[2].runcall(record, *a))  # noqa: B010
        profiles[0].enable()
    since = await _arrival_count(plain, hook_url)
    cpu, started = time.process_time(), time.monotonic()
    task = asyncio.create_task(worker.run())
    deadline = started + 120
    try:
        while time.monotonic() < deadline:
            if int((await plain.get(f"{hook_url}/arrivals?count")).content) - since >= expected:
                break
            await asyncio.sleep(0.05)
        cpu = time.process_time() - cpu
    finally:
        if profiles:
            profiles[0].disable()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        database.dispose()
    arrivals = await _await_arrivals(plain, hook_url, since, expected, within=1)
    times = sorted(a[0] for a in arrivals)
    seconds = times[-1] - times[0] if len(times) > 1 else float("nan")
    if profiles:
        stats = pstats.Stats(profiles[0])
        for other in profiles[1:]:
            stats.add(other)
        stats.sort_stats("tottime").print_stats(profile)
    return {
        "deliveries": len(arrivals),
        "expected": expected,
        "seconds": seconds,
        "per_second": len(arrivals) / seconds,
        "cpu_us_per_delivery": cpu * 1e6 / max(1, len(arrivals)),
    }


def _report_drain(results: dict[str, Any], args: argparse.Namespace) -> None:
    ceiling = results["ceiling"]
    print(
        f"\nGangway webhook delivery, drain: SQLite, "
        f"{'a DeliveryWorker in the bench' if args.in_process else 'one `gangway worker`'} "
        "draining "
        f"{args.changes} changes x {args.destinations} destinations committed beforehand, "
        f"{os.cpu_count()} CPUs, loopback, {args.rounds} round(s)\n"
    )
    print(f"ceiling: the worker's HTTP client to the receiver, 64 in flight: {ceiling:,.0f} req/s")
    for n, row in enumerate(results["drain"]):
        print(
            f"round {n + 1}: {row['deliveries']}/{row['expected']} in {row['seconds']:.2f} s, "
            f"{row['per_second']:,.0f} deliveries/s"
            + (
                f", {row['cpu_us_per_delivery']:.0f} us of CPU per delivery"
                if "cpu_us_per_delivery" in row
                else ""
            )
        )
    median = results["drain_median_per_second"]
    print(f"median: {median:,.0f} deliveries/s, {median / ceiling:.0%} of the ceiling")


async def _disable(api: httpx.AsyncClient, destination: str) -> None:
    (await api.post(f"/v2/core/event_destinations/{destination}/disable")).raise_for_status()


async def _updates(api: httpx.AsyncClient, accounts: list[str], count: int) -> None:
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> None:
        async with gate:
            account = accounts[i % len(accounts)]
            response = await api.post(
                f"/v2/core/accounts/{account}", json={"display_name": f"Bench Shop {i}"}
            )
            response.raise_for_status()

    await asyncio.gather(*(one(i) for i in range(count)))


def _report_fairness(results: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\nGangway webhook delivery, fairness: SQLite, one `gangway worker` draining "
        f"{args.changes} deliveries to a healthy receiver, {os.cpu_count()} CPUs, loopback, "
        f"{args.rounds} round(s)\n"
    )
    for n, (alone, beside) in enumerate(zip(results["alone"], results["beside_dead"], strict=True)):
        print(
            f"round {n + 1}: alone {alone['deliveries']}/{alone['expected']} in "
            f"{alone['seconds']:.2f} s, {alone['per_second']:,.0f}/s; beside the dead one "
            f"{beside['deliveries']}/{beside['expected']} in {beside['seconds']:.2f} s, "
            f"{beside['per_second']:,.0f}/s (ratio {beside['per_second'] / alone['per_second']:.2f}"
            f"); the dead one meanwhile: {beside['dead_connections']} connections, its 100 "
            f"newest deliveries {beside['dead_pending']} pending"
        )
    alone_rate = statistics.median(r["per_second"] for r in results["alone"])
    beside_rate = statistics.median(r["per_second"] for r in results["beside_dead"])
    print(
        f"median: healthy receiver alone {alone_rate:,.0f} deliveries/s, beside a dead "
        f"destination owed {args.dead_backlog} {beside_rate:,.0f} deliveries/s, "
        f"ratio {beside_rate / alone_rate:.2f}"
    )


async def _ceiling(client: httpx.AsyncClient, url: str, count: int) -> float:
    body = orjson.dumps({"id": "evt_test_" + "x" * 28, "object": "v2.core.event", "pad": "y" * 300})
    gate = asyncio.Semaphore(64)

    async def post() -> None:
        async with gate:
            (
                await client.post(url, content=body, headers={"Stripe-Signature": "t=1,v1=0"})
            ).raise_for_status()

    await asyncio.gather(*(post() for _ in range(200)))  # warm the pool
    started = time.monotonic()
    await asyncio.gather(*(post() for _ in range(count)))
    return count / (time.monotonic() - started)


async def _destination(
    api: httpx.AsyncClient, hook_url: str, types: list[str], *, url: str | None = None
) -> str:
    response = await api.post(
        "/v2/core/event_destinations",
        json={
            "name": "bench",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": types,
            "webhook_endpoint": {"url": url or f"{hook_url}/hook"},
        },
    )
    return str(response.raise_for_status().json()["id"])


async def _create(api: httpx.AsyncClient, count: int) -> list[str]:
    return [
        (await api.post("/v2/core/accounts", json=ACCOUNT)).raise_for_status().json()["id"]
        for _ in range(count)
    ]


async def _burst(api: httpx.AsyncClient, count: int, *, concurrency: int) -> list[str]:
    gate = asyncio.Semaphore(concurrency)

    async def one() -> str:
        async with gate:
            response = await api.post("/v2/core/accounts", json=ACCOUNT)
            return str(response.raise_for_status().json()["id"])

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _paced(api: httpx.AsyncClient, rate: float, seconds: float) -> dict[str, float]:
    """Open loop: request ``i`` starts at ``i / rate`` whatever the earlier ones are doing.
    Returns each account's answer time."""
    answered: dict[str, float] = {}
    start = time.monotonic()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        response = await api.post("/v2/core/accounts", json=ACCOUNT)
        answered[response.raise_for_status().json()["id"]] = time.monotonic()

    await asyncio.gather(*(one(i) for i in range(int(rate * seconds))))
    return answered


async def _arrival_count(client: httpx.AsyncClient, hook_url: str) -> int:
    return len((await client.get(f"{hook_url}/arrivals")).json())


async def _await_arrivals(
    client: httpx.AsyncClient, hook_url: str, since: int, expected: int, *, within: float
) -> list[list[Any]]:
    deadline = time.monotonic() + within
    while True:
        rows: list[list[Any]] = (await client.get(f"{hook_url}/arrivals?since={since}")).json()
        if len(rows) >= expected or time.monotonic() > deadline:
            return rows
        await asyncio.sleep(0.25)


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def _report(results: dict[str, Any], args: argparse.Namespace) -> None:
    ceiling, burst, steady = results["ceiling"], results["throughput"], results["latency"]
    print(
        f"\nGangway webhook delivery: SQLite, {args.workers} serve process(es), "
        f"{os.cpu_count()} CPUs, loopback\n"
    )
    print(f"ceiling: the worker's HTTP client to the receiver, 64 in flight: {ceiling:,.0f} req/s")
    print(
        f"  (for comparison, httpx.AsyncClient with its default transport: "
        f"{results['httpx_default']:,.0f} req/s)"
    )
    print(
        f"throughput: {burst['changes']} changes x {args.destinations} destinations = "
        f"{burst['deliveries']}/{burst['expected']} deliveries in {burst['seconds']:.2f} s "
        f"(commits took {burst['commit_seconds']:.2f} s): {burst['per_second']:,.0f} deliveries/s "
        f"from first commit to last receipt, {burst['per_second'] / ceiling:.0%} of the ceiling; "
        f"{burst['drain_per_second']:,.0f}/s first to last receipt"
    )
    print(
        f"latency at {args.rate:g} changes/s for {args.seconds:g} s: "
        f"{steady['received']}/{steady['changes']} received, commit to receipt "
        f"p50 {steady['p50_ms']:.1f} ms, p99 {steady['p99_ms']:.1f} ms, "
        f"max {steady['max_ms']:.1f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
