"""Accounts API throughput and latency over loopback, against a ceiling measured in the same run.

Starts ``gangway serve`` (SQLite, 2 workers) and a raw ASGI hello world on the same uvicorn
settings, drives each with wrk (32 connections, fixed duration) in alternating rounds, and prints
the median req/s, p50 and p99 and each operation's ratio to the ceiling: retrieve and create
through v2 (JSON) and through v1 (form-encoded, the same accounts and the same engine), and each
v1 operation's ratio to its v2 twin. Needs ``wrk`` (Debian: ``apt-get install wrk``).

    .venv/bin/python bench/api_throughput.py [--seconds 10] [--rounds 3] [--connections 32] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import httpx

from bench.harness import (
    CEILING,
    ROOT,
    WrkResult,
    ceiling_server,
    gangway_server,
    median_result,
    wrk,
)
from bench.harness import free_port as _free_port  # noqa: F401  (bench.webhook_delivery's)
from bench.harness import start as _start  # noqa: F401
from bench.harness import stop as _stop  # noqa: F401
from bench.harness import wait as _wait  # noqa: F401

CREATE_BODY = {
    "display_name": "Bench Shop",
    "contact_email": "bench@example.com",
    "dashboard": "none",
    "identity": {
        "country": "us",
        "entity_type": "individual",
        "individual": {"given_name": "Jenny", "surname": "Rosen"},
    },
    "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    "defaults": {
        "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
    },
}

V1_CREATE_BODY = (
    "type=custom&country=US&email=bench%40example.com&business_profile[name]=Bench+Shop"
    "&business_type=individual&individual[first_name]=Jenny&individual[last_name]=Rosen"
    "&capabilities[card_payments][requested]=true"
)
"""``CREATE_BODY`` in v1's words: a custom account is dashboard none with the application
collecting fees and bearing losses."""
TWINS = (
    ("v1 retrieve account", "retrieve account"),
    ("v1 retrieve account", "retrieve, include requirements"),
    ("v1 create account", "create account"),
)
"""Each v1 operation beside its v2 twin. A v1 Account always carries its requirements, so its
retrieve does the work of a v2 retrieve that includes them; both ratios are printed."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--accounts", type=int, default=1000, help="accounts to retrieve from")
    parser.add_argument(
        "--rounds", type=int, default=3, help="ceiling, retrieve, create in turn; medians reported"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="gangway-bench-") as tmp:
        workdir = Path(tmp)
        with (
            ceiling_server(workdir, args.workers) as ceiling_url,
            gangway_server(workdir, workers=args.workers) as base,
        ):
            key = (workdir / "data" / "test_secret_key").read_text().strip()
            ids = seed(base, key, args.accounts)
            loads = [
                (CEILING, ceiling_url, None),
                ("retrieve account", base, retrieve_script(key, ids, workdir, "/v2/core")),
                (
                    "retrieve, include requirements",
                    base,
                    retrieve_script(key, ids, workdir, "/v2/core", "?include[0]=requirements"),
                ),
                ("create account", base, create_script(key, workdir)),
                ("v1 retrieve account", base, retrieve_script(key, ids, workdir, "/v1")),
                ("v1 create account", base, create_script(key, workdir, v1=True)),
            ]
            # Rounds alternate the loads, so a noisy minute hits all of them alike.
            rounds = [
                [
                    wrk(
                        name,
                        url,
                        seconds=args.seconds,
                        connections=args.connections,
                        workdir=workdir,
                        script=script,
                    )
                    for name, url, script in loads
                ]
                for _ in range(args.rounds)
            ]
    results = [median_result([r[i] for r in rounds]) for i in range(len(rounds[0]))]
    ceiling_rps = results[0].requests_per_second
    for result in results[1:]:
        result.ratio_to_ceiling = result.requests_per_second / ceiling_rps
    spread = sorted(r[0].requests_per_second for r in rounds)
    _report(results, args, spread)
    return 0


def seed(base: str, key: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        return [
            client.post("/v2/core/accounts", json=CREATE_BODY).raise_for_status().json()["id"]
            for _ in range(count)
        ]


def retrieve_script(key: str, ids: list[str], workdir: Path, prefix: str, query: str = "") -> Path:
    script = workdir / f"retrieve{prefix.replace('/', '_')}{'_include' if query else ''}.lua"
    id_list = ",".join(f'"{i}"' for i in ids)
    script.write_text(
        f"local ids = {{{id_list}}}\nlocal n = 0\n"
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        "request = function()\n  n = n + 1\n"
        f'  return wrk.format("GET", "{prefix}/accounts/" .. ids[(n % #ids) + 1] .. "{query}")\nend\n'
    )
    return script


def create_script(key: str, workdir: Path, *, v1: bool = False, tag: str = "") -> Path:
    """A wrk script that creates with a fresh ``Idempotency-Key`` each request: unique per
    ``tag`` (one per process driven at once), per run (the second it started: a later round
    must not replay an earlier round's keys) and per thread and request."""
    script = workdir / f"{'v1_' if v1 else ''}create{tag}.lua"
    raw = V1_CREATE_BODY if v1 else json.dumps(CREATE_BODY)
    body = raw.replace("\\", "\\\\").replace('"', '\\"')
    content_type = "application/x-www-form-urlencoded" if v1 else "application/json"
    path = "/v1/accounts" if v1 else "/v2/core/accounts"
    script.write_text(
        # one key per request: each wrk thread gets its own id in setup()
        "local threads = 0\nfunction setup(thread)\n  threads = threads + 1\n"
        f'  thread:set("tid", "{tag}" .. os.time() .. "-" .. threads)\nend\n'
        "local n = 0\n"
        "request = function()\n  n = n + 1\n"
        # wrk.format replaces wrk.headers when given a table, so every header goes here
        f'  local headers = {{["Authorization"] = "Bearer {key}", ["Content-Type"] = "{content_type}",'
        f' ["Idempotency-Key"] = "bench-{"v1-" if v1 else ""}" .. tid .. "-" .. n}}\n'
        f'  return wrk.format("POST", "{path}", headers, "{body}")\nend\n'
    )
    return script


def _report(
    results: list[WrkResult], args: argparse.Namespace, ceiling_spread: list[float]
) -> None:
    print(
        f"\nGangway API benchmark: SQLite, {args.workers} workers, {args.connections} connections, "
        f"{args.seconds}s each, {args.rounds} alternating rounds (medians), {os.cpu_count()} CPUs, "
        "loopback\n"
    )
    print(
        f"{'operation':34} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs ceiling':>10}"
    )
    for r in results:
        ratio = f"{r.ratio_to_ceiling:.1%}" if r.ratio_to_ceiling is not None else "-"
        print(
            f"{r.name:34} {r.requests_per_second:>10.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.non_2xx:>8} {ratio:>10}"
        )
    by_name = {r.name: r for r in results}
    for v1, v2 in TWINS:
        if v1 in by_name and v2 in by_name:
            ratio = by_name[v1].requests_per_second / by_name[v2].requests_per_second
            print(f"{v1} / {v2}: {ratio:.0%}")
    low, high = ceiling_spread[0], ceiling_spread[-1]
    print(f"\nceiling across rounds: {low:.0f} to {high:.0f} req/s (the machine's noise)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "api_throughput.json").write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    raise SystemExit(main())
