"""The deadline sweep's wall time must follow the due accounts, not all the stored ones.

Stores ``--total`` accounts (default 1,000,000) on SQLite in a temporary data dir, of which
``--due-fraction`` (default 1 %, so 10,000) are due at ``NOW``, and times one
``timeline.sweep(store, rules, platform, livemode, NOW)``: for every due account it reads the
row, its Persons and its verifications, evaluates before and after, records the events and saves
the account. With ``--double`` it then does the same on a fresh database holding twice the
accounts and the same due ones, and prints the ratio of the two sweep times (about 1 when the
sweep's cost follows the due accounts only).

    .venv/bin/python bench/deadline_sweep.py [--total 1000000] [--due-fraction 0.01] [--double]
        [--batch 10000] [--livemode] [--profile] [--keep] [--seed 1]

    .venv/bin/python bench/deadline_sweep.py --total 100000        # a quick run (~15 s)

On a 2-core machine the default run takes about 2 minutes and ``--double`` about 3.5 (most of
it loading). Run it as a script (as above): it imports its helper ``account_mix`` from the
bench directory and nothing from the test suite. Loading is not the measurement; its time is
printed:

* The due accounts are made once per run, in a small database of their own, by the server's
  code: insert with their Persons, ``timeline.refresh`` at creation (which starts their
  verifications) and again when test-mode verdicts land, as the API and the scheduler leave
  them. They are fresh or partly filled accounts from every country, created just long enough
  ago that a scheduled deadline passed within the last day. Every measured database copies
  them in (same ids, same sealed rows), so each measurement sweeps the very same accounts.
* The other accounts are inserted straight into the ``accounts`` table with SQLAlchemy Core
  ``insert`` executemany, ``--batch`` rows per statement, ten statements per transaction, each
  followed by its share of the due rows so these spread over the table. Each row's document
  (one of a few hundred variants from every country: fresh, partly filled, complete) is sealed
  with the real ``Sealer`` bound to that row's id, as the server stores it. Their
  ``next_change_ms`` is 30 to 365 days ahead, or NULL when nothing is pending (the complete
  ones: the index range must skip those too). They have no Persons or verification rows, which
  the sweep only reads for due accounts.

Also prints SQLite's ``EXPLAIN QUERY PLAN`` for the statement ``AccountRepository.due`` sends
(captured as it runs), that query's time alone, and counts after the sweep that nothing is due
any more (the exit status is 1 if something is). ``--profile`` runs the last sweep under
cProfile (slower) and prints each step's share.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, event, func, insert, select

try:  # python bench/deadline_sweep.py puts bench/ on the path
    from account_mix import CREATED_MS, DAY_MS, Template, apply_steps, sample, templates
except ImportError:  # python -m bench.deadline_sweep
    from bench.account_mix import CREATED_MS, DAY_MS, Template, apply_steps, sample, templates

from gangway.core.accounts import applied_configurations
from gangway.core.ids import random_token
from gangway.requirements import AccountFacts, RuleBook, evaluate, load_rules
from gangway.services import timeline
from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.sealing import Sealer
from gangway.store.tables import (
    accounts,
    events,
    persons,
    platforms,
    verification_decisions,
    verifications,
)
from gangway.store.uow import Store

PLATFORM = "plat_bench"
NOW_MS = CREATED_MS + 400 * DAY_MS
VARIANTS = 300
COMMIT_EVERY = 10  # batches per transaction
API_VERSION = "2026-01-28.preview"


@dataclass
class Phase:
    total: int
    due: int
    load_s: float = 0.0
    db_mb: float = 0.0
    due_before: int = 0
    swept: int = 0
    sweep_s: float = 0.0
    due_after: int = 0
    events: int = 0
    query_ms: float = 0.0
    plan: tuple[str, ...] = ()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--due-fraction", type=float, default=0.01)
    parser.add_argument(
        "--double", action="store_true", help="then twice the total, same number due"
    )
    parser.add_argument("--batch", type=int, default=10_000, help="rows per executemany")
    parser.add_argument(
        "--livemode", action="store_true", help="live-mode accounts (default: test mode)"
    )
    parser.add_argument("--profile", action="store_true", help="profile the (last) sweep")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    args = parser.parse_args()

    rules = load_rules()
    started = time.perf_counter()
    variants, due_kinds = _variants(rules, args.seed)
    print(
        f"Deadline sweep on SQLite: {args.total:,} accounts, {args.due_fraction:.1%} due, "
        f"{'live' if args.livemode else 'test'} mode, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}; {len(variants)} stored document variants and "
        f"{len(due_kinds)} due-account kinds built in {time.perf_counter() - started:.1f} s"
    )
    due = round(args.total * args.due_fraction)
    sizes = [args.total, 2 * args.total] if args.double else [args.total]
    key, secret = os.urandom(32), os.urandom(32)  # one deployment: every database shares them
    phases = []
    with _work_dir(args.keep) as root:
        seed = root / "due.db"
        _build_due(seed, Sealer(key), secret, rules, due_kinds, due, args)
        for index, total in enumerate(sizes):
            profile = args.profile and index == len(sizes) - 1
            phases.append(
                _phase(root, seed, key, secret, rules, variants, total, due, args, profile=profile)
            )
    _report(phases)
    return 0 if all(p.due_after == 0 and p.swept == p.due_before for p in phases) else 1


# ---- the due accounts, once per run ----------------------------------------------------------


def _build_due(
    path: Path,
    sealer: Sealer,
    secret: bytes,
    rules: RuleBook,
    due_kinds: list[tuple[Template, list[tuple[Any, ...]]]],
    due: int,
    args: argparse.Namespace,
) -> None:
    """The due accounts in a small database of their own, made by the server's code; every
    measured database copies them in, so each measurement sweeps the very same accounts."""
    start = time.perf_counter()
    database = Database(f"sqlite:///{path}")
    try:
        upgrade(database.engine)
        with database.transaction(write=True) as conn:
            conn.execute(
                insert(platforms), {"id": PLATFORM, "name": "Bench", "created_ms": CREATED_MS}
            )
        store = Store(database, sealer, secret)
        _add_due(store, rules, due_kinds, random.Random(args.seed + 1), due, args.livemode)
        with database.transaction(write=False) as conn:
            counts = {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (accounts, persons, verifications, verification_decisions, events)
            }
            ready = _count_due(conn, args.livemode)
    finally:
        database.dispose()
    elapsed = time.perf_counter() - start
    print(
        f"{due:,} due accounts made through the server's code in {elapsed:.1f} s "
        f"({elapsed / max(due, 1) * 1e3:.1f} ms each; due at NOW: {ready:,}); rows: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
    )


# ---- one measurement -------------------------------------------------------------------------


def _phase(
    root: Path,
    seed: Path,
    key: bytes,
    secret: bytes,
    rules: RuleBook,
    variants: list[tuple[bytes, dict[str, Any], bool]],
    total: int,
    due: int,
    args: argparse.Namespace,
    *,
    profile: bool,
) -> Phase:
    phase = Phase(total=total, due=due)
    print(f"\n== {total:,} accounts, {due:,} due ==")
    data_dir = root / f"accounts-{total}"
    data_dir.mkdir()
    database = Database(f"sqlite:///{data_dir / 'gangway.db'}")
    try:
        upgrade(database.engine)
        sealer = Sealer(key)
        store = Store(database, sealer, secret)
        _load(phase, database, sealer, variants, seed, args)
        phase.db_mb = sum(f.stat().st_size for f in data_dir.iterdir()) / (1 << 20)
        print(f"loaded in {phase.load_s:.1f} s, database {phase.db_mb:,.0f} MB")
        _inspect(phase, store, database, args.livemode)
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        start = time.perf_counter()
        phase.swept = timeline.sweep(store, rules, PLATFORM, args.livemode, NOW_MS)
        phase.sweep_s = time.perf_counter() - start
        if profiler is not None:
            profiler.disable()
        with database.transaction(write=False) as conn:
            phase.due_after = _count_due(conn, args.livemode)
            phase.events, event_bytes = conn.execute(
                select(func.count(), func.avg(func.length(events.c.sealed))).where(
                    events.c.created_ms == NOW_MS
                )
            ).one()
        print(
            f"sweep: {phase.swept:,} accounts refreshed in {phase.sweep_s:.2f} s "
            f"({phase.sweep_s / max(phase.swept, 1) * 1e3:.2f} ms each, "
            f"{phase.events:,} events recorded, {event_bytes or 0:,.0f} bytes each sealed); "
            f"still due afterwards: {phase.due_after}"
        )
        if profiler is not None:
            _print_profile(profiler, phase.sweep_s)
    finally:
        database.dispose()
    if not args.keep:
        shutil.rmtree(data_dir)
    return phase


def _load(
    phase: Phase,
    database: Database,
    sealer: Sealer,
    variants: list[tuple[bytes, dict[str, Any], bool]],
    seed: Path,
    args: argparse.Namespace,
) -> None:
    """The platform, the accounts that are not due in batches of bulk rows, and after each
    batch its share of the due accounts (copied from ``seed``), so they spread over the table."""
    rng = random.Random(args.seed)
    others = phase.total - phase.due
    batches = max(1, -(-others // args.batch))
    start = time.perf_counter()
    inserted = due_done = 0
    with database.engine.connect() as conn:
        driver = conn.connection.driver_connection
        driver.execute("ATTACH DATABASE ? AS seed", (str(seed),))  # type: ignore[union-attr]
        # Random ids make the index inserts random: a big page cache for this connection only
        # (the sweep runs on the server's own connections and settings).
        driver.execute("PRAGMA main.cache_size = -1048576")  # type: ignore[union-attr]
        with conn.begin():
            conn.execute(
                insert(platforms), {"id": PLATFORM, "name": "Bench", "created_ms": CREATED_MS}
            )
        transaction = conn.begin()
        for number in range(batches):
            size = min(args.batch, others - inserted)
            rows = [_row(rng, sealer, variants, args.livemode) for _ in range(size)]
            share = phase.due * (number + 1) // batches - due_done
            conn.execute(insert(accounts), rows)
            if share:
                conn.exec_driver_sql(
                    "INSERT INTO accounts SELECT * FROM seed.accounts"
                    " WHERE rowid > ? AND rowid <= ?",
                    (due_done, due_done + share),
                )
            inserted += size
            due_done += share
            if (number + 1) % COMMIT_EVERY == 0:
                transaction.commit()
                transaction = conn.begin()
            if (number + 1) % 20 == 0 or number == batches - 1:
                done = inserted + due_done
                elapsed = time.perf_counter() - start
                print(
                    f"  {done:>10,} rows, {elapsed:6.1f} s, {done / elapsed:,.0f} rows/s",
                    flush=True,
                )
        # What the due accounts' creation left besides the account rows.
        for table in (persons, verifications, verification_decisions, events):
            conn.exec_driver_sql(f"INSERT INTO {table.name} SELECT * FROM seed.{table.name}")
        transaction.commit()
        driver.execute("DETACH DATABASE seed")  # type: ignore[union-attr]
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    phase.load_s = time.perf_counter() - start


def _row(
    rng: random.Random,
    sealer: Sealer,
    variants: list[tuple[bytes, dict[str, Any], bool]],
    livemode: bool,
) -> dict[str, Any]:
    payload, cfg, settled = variants[rng.randrange(len(variants))]
    account_id = "acct_" + random_token(16)
    created_ms = NOW_MS - rng.randrange(1, 700) * DAY_MS - rng.randrange(DAY_MS)
    return {
        "id": account_id,
        "platform_id": PLATFORM,
        "livemode": livemode,
        "created_ms": created_ms,
        "updated_ms": created_ms,
        "closed": False,
        **cfg,
        "next_change_ms": None
        if settled
        else NOW_MS + rng.randrange(30, 365) * DAY_MS + rng.randrange(DAY_MS),
        "evaluated_ms": created_ms,
        "triggered_ms": None,
        "blocked_ms": None,
        "version": 1,
        "sealed": sealer.seal(payload, account_id),
    }


def _add_due(
    store: Store,
    rules: RuleBook,
    due_kinds: list[tuple[Template, list[tuple[Any, ...]]]],
    rng: random.Random,
    count: int,
    livemode: bool,
) -> None:
    """``count`` due accounts, created and evaluated as the server does, in batches of 100."""
    for first in range(0, count, 100):
        with store.unit_of_work(write=True) as uow:
            for _ in range(min(100, count - first)):
                template, steps = due_kinds[rng.randrange(len(due_kinds))]
                document, persons, _filled = apply_steps(template, steps)
                document["_gangway"] = {"api_version": API_VERSION}
                offset = _first_change(rules, document, persons)
                created_ms = NOW_MS - offset - rng.randrange(DAY_MS)
                account_id = "acct_" + random_token(16)
                record = AccountRecord(
                    id=account_id,
                    platform_id=PLATFORM,
                    livemode=livemode,
                    created_ms=created_ms,
                    updated_ms=created_ms,
                    closed=False,
                    document=document,
                    evaluated_ms=created_ms,
                    next_change_ms=created_ms + offset,
                )
                uow.accounts.insert(record)
                for person in persons:
                    person_id = f"person_{'live' if livemode else 'test'}_61{random_token(24)}"
                    body = {k: v for k, v in person.items() if k != "id"}
                    uow.accounts.insert_person(
                        PersonRecord(person_id, account_id, created_ms, created_ms, body)
                    )
                # Creation: verifications start; then the scheduler applies test-mode verdicts.
                timeline.refresh(uow, record, rules, created_ms, reason=None)
                for _ in range(10):
                    at = record.next_change_ms
                    if at is None or at >= NOW_MS - 2 * DAY_MS:
                        break
                    timeline.refresh(uow, record, rules, at, reason=None)


def _first_change(rules: RuleBook, document: dict[str, Any], persons: list[dict[str, Any]]) -> int:
    facts = AccountFacts("acct_probe", False, CREATED_MS, document, persons)
    change = evaluate(facts, rules, CREATED_MS).next_change_ms
    assert change is not None
    return change - CREATED_MS


def _inspect(phase: Phase, store: Store, database: Database, livemode: bool) -> None:
    """The due query's plan and time, on the exact statement the repository sends."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "next_change_ms <=" in statement and "FROM accounts" in statement:
            captured.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    times = []
    try:
        for _ in range(5):
            with store.unit_of_work(write=False) as uow:
                start = time.perf_counter()
                uow.accounts.due(PLATFORM, livemode, NOW_MS, 200)
                times.append(time.perf_counter() - start)
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
    phase.query_ms = statistics.median(times) * 1e3
    statement, parameters = captured[0]
    with database.engine.connect() as conn:
        driver = conn.connection.driver_connection
        plan = driver.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()  # type: ignore[union-attr]
        phase.due_before = _count_due(conn, livemode)
    phase.plan = tuple(str(row[-1]) for row in plan)
    print("due query (AccountRepository.due):")
    print("  " + " ".join(statement.split()))
    for line in phase.plan:
        print(f"  plan: {line}")
    print(
        f"  first batch of 200: {phase.query_ms:.2f} ms (median of 5, rows decoded); "
        f"due now: {phase.due_before:,}"
    )


def _count_due(conn: Connection, livemode: bool) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(accounts)
            .where(
                accounts.c.platform_id == PLATFORM,
                accounts.c.livemode == livemode,
                accounts.c.next_change_ms <= NOW_MS,
                accounts.c.closed.is_(False),
            )
        ).scalar_one()
    )


def _print_profile(profiler: cProfile.Profile, wall_s: float) -> None:
    stats = pstats.Stats(profiler)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in table.values())  # own time of every function
    print(f"\nprofile of the sweep ({wall_s:.2f} s under cProfile); cumulative share by step:")
    wanted = [
        ("timeline.py", "refresh", "timeline.refresh (everything per account)"),
        ("accounts.py", "due", "AccountRepository.due (the index query + decode)"),
        ("engine.py", "evaluate", "requirements evaluate (before + after)"),
        ("verifications.py", "of_account", "VerificationRepository.of_account (x2)"),
        ("verifications.py", "sync", "verifications.sync (incl. one of_account)"),
        ("accounts.py", "persons_of", "AccountRepository.persons_of"),
        ("changes.py", "account_events", "core.changes.account_events (diff)"),
        ("events.py", "record_account_events", "record_account_events (seal + insert)"),
        ("events.py", "add", "  EventRepository.add (insert built per call)"),
        ("collect.py", "checks", "verification checks (submissions + HMAC)"),
        ("verifications.py", "_record", "verification rows decoded (open + orjson)"),
        ("accounts.py", "save", "AccountRepository.save (seal + update)"),
        ("sealing.py", "seal", "Sealer.seal"),
        ("sealing.py", "open", "Sealer.open"),
        ("database.py", "transaction", "transactions (incl. commit)"),
    ]
    for file, name, label in wanted:
        cumulative = sum(
            row[3]
            for (path, _line, func_name), row in table.items()
            if path.endswith(file) and func_name == name
        )
        print(f"  {label:55} {cumulative / total:6.1%}")
    print("top functions by own time:")
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:15]
    for (path, line, name), row in ranked:
        where = f"{Path(path).name}:{line}({name})" if line else name
        print(f"  {row[2] / total:6.1%}  {where}")


# ---- what gets stored ------------------------------------------------------------------------


def _variants(
    rules: RuleBook, seed: int
) -> tuple[list[tuple[bytes, dict[str, Any], bool]], list[tuple[Template, list[tuple[Any, ...]]]]]:
    """Serialised documents for the bulk rows (payload, cfg columns, nothing pending), and the
    kinds of due account: fresh or partly filled, with a scheduled deadline."""
    rng = random.Random(seed)
    kinds = templates(rules)
    variants = []
    for number in range(VARIANTS):
        drawn = sample(rng, rng.choice(kinds), number)
        document = dict(drawn.facts.document)
        document["_gangway"] = {"api_version": API_VERSION}
        applied = applied_configurations(document)
        cfg = {f"cfg_{name}": name in applied for name in ("customer", "merchant", "recipient")}
        settled = drawn.labels["fill"] == "complete"
        variants.append((orjson.dumps(document), cfg, settled))
    due_kinds: list[tuple[Template, list[tuple[Any, ...]]]] = []
    while len(due_kinds) < 200:
        template = rng.choice(kinds)
        share = rng.uniform(0.0, 0.8)
        steps = [step for step in template.steps if rng.random() < share]
        document, persons, _ = apply_steps(template, steps)
        facts = AccountFacts("acct_probe", False, CREATED_MS, document, persons)
        if evaluate(facts, rules, CREATED_MS).next_change_ms is not None:
            due_kinds.append((template, steps))
    return variants, due_kinds


@contextmanager
def _work_dir(keep: bool) -> Iterator[Path]:
    if keep:
        path = Path(tempfile.mkdtemp(prefix="gangway-sweep-"))
        print(f"data dirs kept under {path}")
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="gangway-sweep-") as tmp:
        yield Path(tmp)


def _report(phases: list[Phase]) -> None:
    print("\nsummary")
    print(f"{'accounts':>12} {'due':>8} {'load s':>8} {'DB MB':>8} {'query ms':>9} {'sweep s':>8}")
    for p in phases:
        print(
            f"{p.total:>12,} {p.due_before:>8,} {p.load_s:>8.1f} {p.db_mb:>8,.0f} "
            f"{p.query_ms:>9.2f} {p.sweep_s:>8.2f}"
        )
    if len(phases) == 2:
        ratio = phases[1].sweep_s / phases[0].sweep_s
        print(
            f"sweep time ratio ({phases[1].total:,} / {phases[0].total:,} accounts, same due "
            f"count): {ratio:.2f} (independent of the total if ~1)"
        )
    for p in phases:
        if p.due_after or p.swept != p.due_before:
            print(
                f"FAILED at {p.total:,}: swept {p.swept}, due before {p.due_before}, after {p.due_after}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
