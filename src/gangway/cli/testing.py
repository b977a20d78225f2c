"""``gangway worker``, and the test-mode controls from the shell: ``gangway clock``, ``gangway
trigger``, ``gangway sandbox reset``. They work on the database directly (no server needed) for the
default platform's test mode, through the same services as the HTTP helpers.

``gangway worker`` runs the deadline sweep and the webhook delivery worker without HTTP; several
of them can share a PostgreSQL database (a due account or a claimed delivery is skipped by the
others while one holds it)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import orjson

from gangway.bootstrap import fingerprint_secret_for, prepare, sealer_for
from gangway.core.clock import SystemClock, to_rfc3339
from gangway.core.errors import GangwayError
from gangway.core.keys import KeyPrincipal
from gangway.requirements import RuleBook, load_rules
from gangway.services import timeline
from gangway.services.clocks import Clocks
from gangway.services.scheduler import sweep_all
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.uow import Store
from gangway.webhooks.worker import DeliveryWorker

__all__ = ["add_commands"]


@dataclass(frozen=True)
class _Environment:
    store: Store
    rules: RuleBook
    clocks: Clocks
    platform_id: str


@contextmanager
def _environment(settings: Settings) -> Iterator[_Environment]:
    prepared = prepare(settings)
    database = Database(settings.resolved_database_url())
    store = Store(database, sealer_for(settings), fingerprint_secret_for(settings))
    try:
        yield _Environment(
            store=store,
            rules=load_rules(settings.rules_dir),
            clocks=Clocks(store, SystemClock()),
            platform_id=prepared.platform_id,
        )
    finally:
        database.dispose()


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker", help="run the deadline scheduler and webhook deliveries without serving HTTP"
    )
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between sweeps")
    _storage(worker)
    worker.set_defaults(run=_worker)

    clock = commands.add_parser("clock", help="the default platform's test clock")
    clock_commands = clock.add_subparsers(dest="clock_command", required=True)
    show = clock_commands.add_parser("show", help="print the test clock")
    _storage(show)
    show.set_defaults(run=_clock_show)
    advance = clock_commands.add_parser("advance", help="move the test clock forward")
    how = advance.add_mutually_exclusive_group(required=True)
    how.add_argument("--seconds", type=int, help="by this many seconds (deadlines fire in order)")
    how.add_argument("--days", type=float, help="by this many days")
    how.add_argument("--to-next-change", action="store_true", help="to the next deadline")
    _storage(advance)
    advance.set_defaults(run=_clock_advance)

    trigger = commands.add_parser("trigger", help="Stripe's test trigger cards, for one account")
    trigger.add_argument("type", choices=timeline.TRIGGERS)
    trigger.add_argument("account")
    _storage(trigger)
    trigger.set_defaults(run=_trigger)

    sandbox = commands.add_parser("sandbox", help="the default platform's test-mode data")
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", required=True)
    reset = sandbox_commands.add_parser("reset", help="delete every test-mode object")
    reset.add_argument("--yes", action="store_true", required=True, help="confirm")
    _storage(reset)
    reset.set_defaults(run=_reset)


def _storage(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--data-dir")
    group.add_argument("--database-url")


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    # a stop asked for while starting up is a clean stop too (the loop's handlers come later)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_cleanly)
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr)
    with _environment(settings) as env:
        print(
            f"gangway worker: sweeping every {args.interval}s and delivering events",
            file=sys.stderr,
            flush=True,
        )
        asyncio.run(_work(env, settings, args.interval))
    return 0


def _exit_cleanly(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


async def _work(env: _Environment, settings: Settings, interval: float) -> None:
    """Sweep and deliver until SIGTERM or SIGINT; the sweep's events wake the deliveries."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deliveries = DeliveryWorker.from_settings(env.store, settings)
    env.store.on_deliveries = deliveries.wake
    tasks = [
        asyncio.create_task(deliveries.run()),
        asyncio.create_task(_sweep_forever(env, interval)),
    ]
    await stop.wait()
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _sweep_forever(env: _Environment, interval: float) -> None:
    while True:
        try:
            await env.store.database.in_thread(sweep_all, env.store, env.rules, env.clocks)
        except Exception:
            logging.getLogger("gangway").exception("deadline sweep failed")
        await asyncio.sleep(interval)


def _clock_show(settings: Settings, _args: argparse.Namespace) -> int:
    with _environment(settings) as env:
        _print_clock(env, processed=0)
    return 0


def _clock_advance(settings: Settings, args: argparse.Namespace) -> int:
    with _environment(settings) as env:
        if args.to_next_change:
            with env.store.unit_of_work(write=False) as uow:
                target = env.clocks.next_change_ms(env.platform_id, uow)
            if target is None:
                print("gangway: nothing in the sandbox changes by time", file=sys.stderr)
                return 1
        else:
            seconds = args.seconds if args.seconds is not None else args.days * 86_400
            if seconds <= 0:
                print("gangway: the test clock only moves forward", file=sys.stderr)
                return 2
            target = _test_now(env) + int(seconds * 1000)
        processed = env.clocks.move_test_clock(env.rules, env.platform_id, target)
        _print_clock(env, processed=processed)
    return 0


def _trigger(settings: Settings, args: argparse.Namespace) -> int:
    with _environment(settings) as env:
        with env.store.unit_of_work(write=True) as uow:
            now = env.clocks.test_now_ms(env.platform_id, uow)
            principal = KeyPrincipal(platform_id=env.platform_id, livemode=False, key_id="cli")
            record = uow.accounts.get(principal, args.account, for_update=True)
            if record is None or record.closed:
                print(f"gangway: no open test-mode account {args.account}", file=sys.stderr)
                return 1
            try:
                timeline.trigger(uow, record, args.type, env.rules, now, None)
            except GangwayError as exc:
                print(f"gangway: {exc.message}", file=sys.stderr)
                return 2
        print(orjson.dumps({"account": args.account, "trigger": args.type}).decode())
    return 0


def _reset(settings: Settings, _args: argparse.Namespace) -> int:
    with _environment(settings) as env:
        removed = timeline.reset(env.store, env.platform_id)
    print(orjson.dumps({"deleted_accounts": removed}).decode())
    return 0


def _test_now(env: _Environment) -> int:
    with env.store.unit_of_work(write=False) as uow:
        return env.clocks.test_now_ms(env.platform_id, uow)


def _print_clock(env: _Environment, *, processed: int) -> None:
    now = _test_now(env)
    body = {"now": to_rfc3339(now), "changes_processed": processed}
    print(orjson.dumps(body).decode())
