"""Requirements evaluations per second on one core, over a varied mix of accounts.

Builds a pool of distinct accounts up front (not timed; see ``account_mix.py`` for the mix:
every country in the rule files, individuals and companies with 0-4 Persons, merchant and/or
recipient, fresh / partly filled / complete, verifications pending or failed, test-mode triggers
and blocks, evaluated 1 minute to 1 year after creation), then times ``evaluate`` over
``--evaluations`` of them, cycling the pool, in one process (one core), ``--rounds`` times.
Prints evaluations per second per round, µs per evaluation for the best round (mean, and
p50 / p99 of the per-batch means), a per-call distribution and per-kind means from a second
pass, and whether the issue's target of 20,000 evaluations per second per core is met (best
and median round: other work on the machine only ever slows a round down).

    .venv/bin/python bench/requirements_throughput.py [--evaluations 100000] [--pool 5000]
        [--rounds 3] [--batch 1000] [--gc normal|freeze|off] [--seed 1]

Run it as a script (as above), from anywhere: it imports its helper ``account_mix`` from the
bench directory and nothing from the test suite. ``--gc normal`` (the default) is how the
server runs: the collector on, no ``gc.freeze()``. ``freeze`` moves everything built before
the timing (rules, the pool) out of the collector's reach; ``off`` disables it, as ``timeit``
does.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections import defaultdict

try:  # python bench/requirements_throughput.py puts bench/ on the path
    from account_mix import build_pool, describe_mix
except ImportError:  # python -m bench.requirements_throughput
    from bench.account_mix import build_pool, describe_mix

from gangway.requirements import AccountFacts, RuleBook, evaluate, load_rules

TARGET_PER_SECOND = 20_000


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=5_000, help="distinct accounts, cycled")
    parser.add_argument("--batch", type=int, default=1_000, help="evaluations per timed batch")
    parser.add_argument("--gc", choices=("normal", "freeze", "off"), default="normal")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; best and median")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    rules = load_rules()
    pool = build_pool(rules, args.pool, seed=args.seed)
    mix = describe_mix(pool, rules)  # also warms every country's plans
    work = [(s.facts, s.now_ms) for s in pool]
    built = time.perf_counter() - started
    print(
        f"Requirements throughput: {args.evaluations:,} evaluations over a pool of {len(pool):,} "
        f"distinct accounts, one process, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, GC {args.gc}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"pool built in {built:.1f} s (not timed); the mix:")
    print("\n".join(mix))

    if args.gc == "freeze":
        gc.collect()
        gc.freeze()
    elif args.gc == "off":
        gc.disable()

    # Warm-up: one pass over the pool (plans, caches, branch predictors), not timed.
    for facts, now_ms in work:
        evaluate(facts, rules, now_ms)

    rounds = [_timed_round(work, rules, args.evaluations, args.batch) for _ in range(args.rounds)]

    # A second pass timing each call: the spread across accounts, not the machine's noise.
    call_us: list[float] = []
    by_label: dict[tuple[str, str], list[float]] = defaultdict(list)
    ns = time.perf_counter_ns
    for i in range(min(args.evaluations, 50_000)):
        facts, now_ms = work[i % len(work)]
        start_ns = ns()
        evaluate(facts, rules, now_ms)
        call_us.append((ns() - start_ns) / 1000)
        for name, value in pool[i % len(work)].labels.items():
            by_label[name, value].append(call_us[-1])
    if args.gc == "off":
        gc.enable()

    rates = [done / total for total, done, _ in rounds]
    best = max(range(len(rounds)), key=lambda i: rates[i])
    total, done, batch_us = rounds[best]
    per_second = rates[best]
    quantiles = statistics.quantiles(batch_us, n=100)
    calls = statistics.quantiles(call_us, n=100)
    print(
        f"\nrounds of {done:,} evaluations: "
        + ", ".join(f"{rate:,.0f}" for rate in rates)
        + f" evaluations/s (median {statistics.median(rates):,.0f})"
    )
    print(f"best round: {per_second:,.0f} evaluations/s per core ({total:.2f} s of evaluation)")
    print(
        f"µs per evaluation: mean {total / done * 1e6:.1f}; per-batch means "
        f"({len(batch_us)} batches of {args.batch}): p50 {quantiles[49]:.1f}, "
        f"p99 {quantiles[98]:.1f}, min {min(batch_us):.1f}, max {max(batch_us):.1f}"
    )
    print(
        f"per call ({len(call_us):,} calls): p50 {calls[49]:.1f}, p90 {calls[89]:.1f}, "
        f"p99 {calls[98]:.1f}, max {max(call_us):.1f} µs"
    )
    print("mean µs per call by kind:")
    for name in ("entity", "persons", "fill", "verifications", "trigger", "age"):
        values = sorted(value for label, value in by_label if label == name)
        cells = [f"{v} {statistics.fmean(by_label[name, v]):.0f}" for v in values]
        print(f"  {name:15} " + ", ".join(cells))
    for label, rate in (("best round", per_second), ("median round", statistics.median(rates))):
        met = rate >= TARGET_PER_SECOND
        print(
            f"target >= {TARGET_PER_SECOND:,} evaluations/s per core, {label}: "
            f"{'met' if met else 'NOT met'} ({rate / TARGET_PER_SECOND:.0%} of target)"
        )
    return 0


def _timed_round(
    work: list[tuple[AccountFacts, int]], rules: RuleBook, evaluations: int, batch: int
) -> tuple[float, int, list[float]]:
    """``evaluations`` calls cycling ``work`` in batches: (seconds, calls, µs per call per batch)."""
    batch_us: list[float] = []
    total = 0.0
    done = 0
    position = 0
    clock = time.perf_counter
    while done < evaluations:
        size = min(batch, evaluations - done)
        chunk = [work[(position + i) % len(work)] for i in range(size)]
        position = (position + size) % len(work)
        start = clock()
        for facts, now_ms in chunk:
            evaluate(facts, rules, now_ms)
        elapsed = clock() - start
        total += elapsed
        batch_us.append(elapsed / size * 1e6)
        done += size
    return total, done, batch_us


if __name__ == "__main__":
    raise SystemExit(main())
