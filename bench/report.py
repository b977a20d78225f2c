"""Every figure of issue 13 in one run, each beside a ceiling measured in the same run.

``make bench`` runs this. In order (each server started for its part and stopped after it):

1. the API on SQLite: one ``gangway serve`` worker and the raw ASGI hello world on the same
   uvicorn (one worker), each driven by wrk with 32 connections in alternating rounds (medians):
   plain retrieve, retrieve with ``include=requirements`` (also as a share of plain retrieve),
   create with a fresh ``Idempotency-Key`` (p50, p99);
2. the requirements engine alone: evaluations per CPU-second over a varied pool of accounts
   (``bench/account_mix.py``), one process;
3. signed webhook deliveries, one process on SQLite (``bench/webhook_delivery.py``, run as a
   subprocess): deliveries per second, p99 commit to receipt, and its ceiling, the worker's
   HTTP client alone;
4. the hosted form's step pages (``bench/hosted_pages.py``): the median p50 over the step pages
   and locales, beside the hello world's p50 over the same kind of connection;
5. with ``--postgres`` (on by default when the server answers): 1 and 2 ``gangway serve``
   processes (one worker each, own ports, the connections split between them) and one
   ``gangway worker`` delivering, on a database of its own that is dropped afterwards: retrieve,
   create and the deliveries those creates owe, each beside n hello-world processes.

Prints ``measure | value | ceiling | ratio | target | met?`` and writes the raw numbers, the
options and the machine (commit, nproc, Python, SQLite) to ``bench/results/report-<time>.json``.

    .venv/bin/python -m bench.report [--quick] [--seconds 8] [--rounds 3] [--postgres | --no-postgres]

``--quick`` is a smoke run (about a minute; its figures are not comparable). Needs ``wrk``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import hosted_pages
from bench.api_throughput import create_script, retrieve_script, seed
from bench.harness import (
    CEILING,
    ROOT,
    UVICORN_QUIET,
    WrkResult,
    ceiling_server,
    free_port,
    gangway_server,
    machine_facts,
    median_result,
    start,
    stop,
    wait,
    wrk,
)

POSTGRES_ADMIN = os.environ.get(
    "GANGWAY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
"""Where the scale-out part creates (and later drops) its own database."""
SCHEMA_VERSION = 1


# the table: pure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """``value`` (or ``ratio``) ``op`` ``bound``: one line of the issue's table."""

    on: str  # "value" | "ratio"
    op: str  # ">=" | "<=" | "<"
    bound: float

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        actual = value if self.on == "value" else ratio
        if actual is None or math.isnan(actual):
            return None
        if self.op == ">=":
            return actual >= self.bound
        if self.op == "<=":
            return actual <= self.bound
        return actual < self.bound

    def text(self, unit: str) -> str:
        if self.on == "ratio":
            return f"{self.op} {self.bound:.0%}"
        return f"{self.op} {self.bound:g} ms" if unit == "ms" else f"{self.op} {self.bound:,.0f}"


@dataclass
class Row:
    measure: str
    value: float | None
    unit: str  # "req/s", "ms", "evaluations/s", "deliveries/s"
    ceiling: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


def ratio(value: float | None, ceiling: float | None) -> float | None:
    """``value / ceiling``, or ``None`` when either is missing, not a number or zero."""
    if value is None or ceiling is None or math.isnan(value) or math.isnan(ceiling):
        return None
    return value / ceiling if ceiling else None


def row(
    measure: str,
    value: float | None,
    unit: str,
    ceiling: float | None = None,
    target: Target | None = None,
) -> Row:
    share = ratio(value, ceiling)
    return Row(
        measure,
        value,
        unit,
        ceiling,
        share,
        target.text(unit) if target else "",
        target.met(value, share) if target else None,
    )


def rows_from(raw: Mapping[str, Any]) -> list[Row]:
    """The report's rows from the raw figures (the JSON's ``raw``); parts not run are left out."""
    rows: list[Row] = []
    if api := raw.get("api"):
        ceiling = api["ceiling"]["requests_per_second"]
        plain = api["retrieve"]["requests_per_second"]
        include = api["include"]["requests_per_second"]
        create = api["create"]
        rows += [
            row(CEILING, ceiling, "req/s"),
            row("retrieve account", plain, "req/s", ceiling, Target("ratio", ">=", 0.30)),
            row("retrieve, include=requirements", include, "req/s", ceiling, Target("ratio", ">=", 0.20)),
            row("  include / plain retrieve", include, "req/s", plain, Target("ratio", ">=", 0.90)),
            row("create (fresh Idempotency-Key)", create["requests_per_second"], "req/s", ceiling,
                Target("ratio", ">=", 0.12)),
            row("  create p50", create["p50_ms"], "ms"),
            row("  create p99", create["p99_ms"], "ms", target=Target("value", "<", 20)),
        ]  # fmt: skip
    if engine := raw.get("engine"):
        rows.append(
            row("requirements engine, 1 core", engine["per_second"], "evaluations/s",
                target=Target("value", ">=", 60_000))
        )  # fmt: skip
    if hooks := raw.get("deliveries"):
        rows += [
            row("signed deliveries, 1 process, SQLite", hooks["per_second"], "deliveries/s",
                hooks.get("ceiling"), Target("value", ">=", 4_000)),
            row("  p99 commit to receipt", hooks["p99_ms"], "ms", target=Target("value", "<", 50)),
        ]  # fmt: skip
    if hosted := raw.get("hosted"):
        rows.append(
            row("hosted step page p50 (median)", hosted["p50_ms"], "ms", hosted["ceiling_p50_ms"],
                Target("value", "<=", 3))
        )  # fmt: skip
    scale = raw.get("postgres") or {}
    for n, part in sorted(scale.get("runs", {}).items(), key=lambda item: int(item[0])):
        label = f"PostgreSQL, {n} serve + 1 worker"
        ceiling = part["ceiling"]["requests_per_second"]
        rows += [
            row(f"{label}: ceiling ({n} hello)", ceiling, "req/s"),
            row(f"{label}: retrieve", part["retrieve"]["requests_per_second"], "req/s", ceiling),
            row(f"{label}: create", part["create"]["requests_per_second"], "req/s", ceiling),
            row(f"{label}: deliveries", part["deliveries"]["per_second"], "deliveries/s"),
        ]
    runs = scale.get("runs", {})
    if "1" in runs and "2" in runs:
        one, two = runs["1"], runs["2"]
        for name, get in (
            ("retrieve", lambda p: p["retrieve"]["requests_per_second"]),
            ("create", lambda p: p["create"]["requests_per_second"]),
            ("deliveries", lambda p: p["deliveries"]["per_second"]),
        ):
            unit = "deliveries/s" if name == "deliveries" else "req/s"
            rows.append(row(f"PostgreSQL 2 serve vs 1: {name}", get(two), unit, get(one)))
    return rows


def format_table(rows: Sequence[Row]) -> str:
    """The plain-text table; a ratio is a share (%) of a throughput, a multiple (x) of a
    latency."""
    header = ("measure", "value", "ceiling", "ratio", "target", "met?")
    cells = [header]
    for r in rows:
        share = ""
        if r.ratio is not None:
            share = f"{r.ratio:.2f}x" if r.unit == "ms" else f"{r.ratio:.1%}"
        met = "" if r.met is None else ("yes" if r.met else "NO")
        cells.append(
            (
                r.measure,
                _number(r.value, r.unit),
                _number(r.ceiling, r.unit) if r.ceiling is not None else "",
                share,
                r.target,
                met,
            )
        )
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = []
    for i, c in enumerate(cells):
        lines.append(
            " | ".join(
                c[k].ljust(widths[k]) if k == 0 else c[k].rjust(widths[k]) for k in range(len(c))
            ).rstrip()
        )
        if i == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _number(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if unit == "ms":
        return f"{value:.2f} ms"
    return f"{value:,.0f} {unit}"


def document(
    raw: Mapping[str, Any], options: Mapping[str, Any], facts: Mapping[str, Any]
) -> dict[str, Any]:
    """What is written to ``bench/results``: the machine, the options, the raw figures and the
    rows computed from them (so a reader can recompute every ratio)."""
    return {
        "schema": SCHEMA_VERSION,
        "machine": dict(facts),
        "options": dict(options),
        "raw": dict(raw),
        "rows": [asdict(r) for r in rows_from(raw)],
    }


# the measurements --------------------------------------------------------------------------


def measure_api(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Ceiling, retrieve, retrieve with requirements and create, alternating, medians."""
    loads: list[tuple[str, str, Path | None]]
    with (
        ceiling_server(workdir, 1) as ceiling_url,
        gangway_server(workdir, workers=1) as base,
    ):
        key = (workdir / "data" / "test_secret_key").read_text().strip()
        ids = seed(base, key, args.accounts)
        loads = [
            ("ceiling", ceiling_url, None),
            ("retrieve", base, retrieve_script(key, ids, workdir, "/v2/core")),
            ("include", base,
             retrieve_script(key, ids, workdir, "/v2/core", "?include[0]=requirements")),
            ("create", base, create_script(key, workdir)),
        ]  # fmt: skip
        rounds = [
            [
                wrk(name, url, seconds=args.seconds, connections=32, workdir=workdir, script=s)
                for name, url, s in loads
            ]
            for _ in range(args.rounds)
        ]
    medians = [median_result([r[i] for r in rounds]) for i in range(len(loads))]
    result: dict[str, Any] = {m.name: asdict(m) for m in medians}
    result["ceiling_spread"] = sorted(r[0].requests_per_second for r in rounds)
    return result


def measure_engine(args: argparse.Namespace) -> dict[str, Any]:
    """Evaluations per CPU-second (``time.process_time``: other processes on the machine
    slow a round down less than they do wall time), best of the rounds, collector on."""
    from bench.account_mix import build_pool
    from gangway.requirements import evaluate, load_rules

    rules = load_rules()
    work = [(s.facts, s.now_ms) for s in build_pool(rules, args.engine_pool, seed=1)]
    for facts, now_ms in work:  # warm: plans and caches
        evaluate(facts, rules, now_ms)
    rates = []
    for _ in range(args.rounds):
        gc.collect()
        started = time.process_time()
        for i in range(args.engine_evaluations):
            facts, now_ms = work[i % len(work)]
            evaluate(facts, rules, now_ms)
        rates.append(args.engine_evaluations / (time.process_time() - started))
    return {
        "per_second": max(rates),
        "median_per_second": statistics.median(rates),
        "rounds": rates,
        "pool": len(work),
        "evaluations": args.engine_evaluations,
    }


def measure_deliveries(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """``bench/webhook_delivery.py`` as a subprocess: its ``--json`` when it has one, else
    the three figures read from what it prints."""
    command = [sys.executable, "-m", "bench.webhook_delivery"]
    command += ["--changes", str(args.changes), "--seconds", str(args.delivery_seconds)]
    usage = subprocess.run([*command, "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    out = workdir / "webhook_delivery.json"
    if "--json" in usage:
        command += ["--json", str(out)]
    ran = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    (workdir / "webhook_delivery.txt").write_text(ran.stdout)
    if out.exists():
        figures = delivery_figures_from_json(json.loads(out.read_text()))
        if figures is not None:
            return figures
    return delivery_figures_from_text(ran.stdout)


def delivery_figures_from_json(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The figures from ``webhook_delivery --json`` (its results dict); ``None`` if its
    shape is not the one known here, so the printed text is read instead."""
    try:
        return {
            "per_second": float(doc["throughput"]["per_second"]),
            "p99_ms": float(doc["latency"]["p99_ms"]),
            "ceiling": float(doc["ceiling"]),
            "source": "json",
        }
    except (KeyError, TypeError, ValueError):
        return None


def delivery_figures_from_text(text: str) -> dict[str, Any]:
    def number(pattern: str) -> float:
        found = re.search(pattern, text, re.MULTILINE)
        return float(found.group(1).replace(",", "")) if found else float("nan")

    return {
        "per_second": number(r"([\d,.]+) deliveries/s from first commit"),
        "p99_ms": number(r"commit to receipt p50 [\d.]+ ms, p99 ([\d.]+) ms"),
        "ceiling": number(r"^ceiling:.*?: ([\d,.]+) req/s"),
        "source": "text",
    }


def measure_hosted(args: argparse.Namespace) -> dict[str, Any]:
    locales = hosted_pages.LOCALES if not args.quick else ("en-US",)
    rows = hosted_pages.run(args.hosted_requests, locales)
    pages = hosted_pages.step_pages(rows)
    return {
        "p50_ms": statistics.median(p50 for _, _, p50, _ in pages),
        "slowest_p50_ms": max(p50 for _, _, p50, _ in pages),
        "ceiling_p50_ms": rows[0][2],
        "pages": len(pages),
        "requests_per_page": args.hosted_requests,
        "rows": rows,
    }


# PostgreSQL scale-out ----------------------------------------------------------------------


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=2):
            return True
    except Exception:  # no driver, no server, refused: the part is skipped, and says so
        return False


@contextmanager
def scratch_database() -> Iterator[str]:
    """A database of this run's own on the PostgreSQL server; dropped at the end."""
    import psycopg

    name = f"gangway_bench_{os.getpid()}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_postgres(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    runs = {}
    for n in (1, 2):
        with scratch_database() as url:
            runs[str(n)] = _scale_run(n, url, args, workdir / f"pg{n}")
    return {"runs": runs, "connections": 32}


def _scale_run(n: int, url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """n serve processes: the ceiling, retrieve, create; then one ``gangway worker`` started
    on the deliveries those creates owe, timed from its first receipt to its last (so the
    rate is the worker's, not the commits' pace)."""
    workdir.mkdir()
    env = {
        **os.environ,
        "GANGWAY_DATABASE_URL": url,
        "GANGWAY_DATA_DIR": str(workdir / "data"),
        "GANGWAY_DELIVERIES": "false",  # the one `gangway worker` delivers
        "GANGWAY_SCHEDULER": "false",
    }
    with ExitStack() as stack:
        hellos = [stack.enter_context(ceiling_server(workdir, 1)) for _ in range(n)]
        # the first start migrates the schema; the others start once it is there
        bases = [stack.enter_context(gangway_server(workdir, env=env)) for _ in range(n)]
        receiver_url = stack.enter_context(_receiver(workdir))
        key = (workdir / "data" / "test_secret_key").read_text().strip()
        ids = seed(bases[0], key, args.accounts)
        _destination(bases[0], key, f"{receiver_url}hook")
        ceiling = _spread("ceiling", [(u, None) for u in hellos], args, workdir)
        scripts = [retrieve_script(key, ids, workdir, "/v2/core")] * n
        retrieve = _spread("retrieve", list(zip(bases, scripts, strict=True)), args, workdir)
        scripts = [create_script(key, workdir, tag=f"p{i}-") for i in range(n)]
        create = _spread("create", list(zip(bases, scripts, strict=True)), args, workdir)
        owed = create.pop("created")
        worker = start(
            [sys.executable, "-m", "gangway.cli.main", "worker"],
            workdir / "worker.log",
            env={**env, "GANGWAY_DELIVERIES": "true", "GANGWAY_SCHEDULER": "true"},
        )
        stack.callback(stop, worker)
        arrived = _drain(receiver_url, owed, within=120)
    drained = (arrived["last"] or 0) - (arrived["first"] or 0)
    return {
        "ceiling": ceiling,
        "retrieve": retrieve,
        "create": create,
        "deliveries": {
            "owed": owed,
            "delivered": arrived["count"],
            "seconds": drained,
            "per_second": arrived["count"] / drained if drained > 0 else float("nan"),
        },
    }


def _spread(
    name: str, targets: Sequence[tuple[str, Path | None]], args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """One wrk per process, at once, the 32 connections split between them: the sum of
    their rates, the worst of their percentiles."""
    share = max(1, 32 // len(targets))

    def one(i: int) -> WrkResult:
        url, script = targets[i]
        return wrk(
            f"{name} {len(targets)}-{i}",
            url,
            seconds=args.seconds,
            connections=share,
            workdir=workdir,
            script=script,
            threads=1 if len(targets) > 1 else 2,
        )

    with ThreadPoolExecutor(len(targets)) as pool:
        results = list(pool.map(one, range(len(targets))))
    return {
        "requests_per_second": sum(r.requests_per_second for r in results),
        "p50_ms": max(r.p50_ms for r in results),
        "p99_ms": max(r.p99_ms for r in results),
        "non_2xx": sum(r.non_2xx for r in results),
        "created": sum(r.requests - r.non_2xx for r in results),
    }


@contextmanager
def _receiver(workdir: Path) -> Iterator[str]:
    port = free_port()
    process = start(
        [sys.executable, "-m", "uvicorn", "bench.counting_receiver:app", "--port", str(port),
         *UVICORN_QUIET],
        workdir / "receiver.log",
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        wait(url)
        yield url
    finally:
        stop(process)


def _destination(base: str, key: str, url: str) -> None:
    body = {
        "name": "bench",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": url},
    }
    headers = {"Authorization": f"Bearer {key}"}
    url_ = f"{base}/v2/core/event_destinations"
    httpx.post(url_, json=body, headers=headers, timeout=30).raise_for_status()


def _count(receiver_url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{receiver_url}count", timeout=10).json())


def _drain(receiver_url: str, owed: int, *, within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        counted = _count(receiver_url)
        if counted["count"] >= owed or time.monotonic() > deadline:
            return counted
        time.sleep(0.2)


# the run -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: short and small")
    parser.add_argument("--seconds", type=float, help="per wrk run (default 8, quick 2)")
    parser.add_argument("--rounds", type=int, help="alternating API rounds (default 3, quick 1)")
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the scale-out part (default: when the PostgreSQL server answers)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.seconds = args.seconds or (2 if quick else 8)
    args.rounds = args.rounds or (1 if quick else 3)
    args.accounts = 50 if quick else 500
    args.engine_pool, args.engine_evaluations = (300, 5_000) if quick else (3_000, 60_000)
    args.changes, args.delivery_seconds = (200, 2) if quick else (1_000, 10)
    args.hosted_requests = 20 if quick else 100
    if shutil.which("wrk") is None:
        print("the bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    if args.postgres is None:
        args.postgres = postgres_reachable()
    facts = machine_facts()
    raw: dict[str, Any] = {}
    failed: dict[str, str] = {}
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gangway-report-") as tmp:
        workdir = Path(tmp)
        parts = [
            ("api", lambda: measure_api(args, workdir / "api")),
            ("engine", lambda: measure_engine(args)),
            ("deliveries", lambda: measure_deliveries(args, workdir)),
            ("hosted", lambda: measure_hosted(args)),
        ]
        if args.postgres:
            parts.append(("postgres", lambda: measure_postgres(args, workdir)))
        (workdir / "api").mkdir()
        for name, measure in parts:
            print(f"[{time.monotonic() - began:5.0f} s] measuring {name} ...", flush=True)
            try:
                raw[name] = measure()
            except Exception as exc:  # one part failing must not lose the others' figures
                print(f"  {name} failed: {exc!r}", file=sys.stderr)
                failed[name] = repr(exc)
    options = {k: v for k, v in vars(args).items()}
    doc = document(raw, options, {**facts, "seconds_taken": round(time.monotonic() - began)})
    doc["failed"] = failed
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"report-{facts['timestamp']}.json".replace(":", "")
    path.write_text(json.dumps(doc, indent=2, default=str))
    print()
    print(
        f"Gangway bench report {facts['timestamp']}, commit {str(facts['git_commit'])[:12]}"
        f"{' (uncommitted changes)' if facts['git_dirty'] else ''}, {facts['nproc']} CPUs, "
        f"Python {facts['python']}, SQLite {facts['sqlite']}, load before "
        f"{facts['load_average']}{', QUICK (not comparable)' if quick else ''}"
    )
    print(format_table(rows_from(raw)))
    if not args.postgres:
        print(
            "(PostgreSQL scale-out not run: no server at GANGWAY_BENCH_POSTGRES, or --no-postgres)"
        )
    for name, error in failed.items():
        print(f"{name}: not measured, it failed: {error}")
    print(f"\nraw numbers: {path.relative_to(ROOT)} ({doc['machine']['seconds_taken']} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
