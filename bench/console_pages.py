"""The operator console's account list and account page with 1,000,000 accounts stored (SQLite).

Seeds a data directory under ``bench/.data/`` (gitignored) once and reuses it on later runs
(``--reseed`` starts over): ``gangway``'s own ``prepare`` makes the database, the platform and
the keys; a few dozen account templates are made by the server's code
(``services.accounts.build``: checked params, the first evaluation, the listing flags), over
several countries, entity types and configurations, fresh enough to be past due, pending a
verification or restricted, or to need nothing; each of the ``--accounts`` rows is a copy of one
with its own id, display name, contact email and creation time, 2 % closed, written through
``AccountRepository.insert_many`` (the columns ``insert`` writes: sealed with the real sealer,
blind search indexes keyed with the real secret) in transactions of ``--batch`` rows. Then an
operator (viewer, test only) is created with the CLI, ``gangway serve`` starts on the data, the
bench signs in through the form and drives each page with wrk (closed loop, fixed duration,
``--connections`` connections), alternating with a raw ASGI hello world on the same uvicorn
settings: the ceiling of this run.

    .venv/bin/python bench/console_pages.py [--accounts 1000000] [--seconds 10] [--rounds 1]
        [--connections 4] [--workers 2] [--batch 20000] [--reseed]

    .venv/bin/python bench/console_pages.py --accounts 100000 --seconds 5     # a quick run

Measured: the list's first page, a filtered list (past due in GB), a search by email (a different
account's email each request), the 50th page (its cursor found by following "Older" 49 times),
and the account page ``/console/{platform}/test/accounts/{id}`` (built beside the list: where it
answers 404 the row says "not available" instead of a number). Prints seed time, the table and
the targets (p50 under 20 ms, p99 under 100 ms); writes ``bench/results/console_pages.json``.
Needs ``wrk`` (Debian: ``apt-get install wrk``). Never run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from bench.harness import CEILING, ceiling_server, gangway_server, wrk

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
EMAIL = "bench-viewer@example.com"
PASSWORD = "bench console password, not for production"
CREATED_MS = 1_767_225_600_000  # 2026-01-01T00:00:00.000Z
STEP_MS = 7  # a row every 7 ms of creation time: 1,000,000 rows span about two hours
_RESPONSIBLE = {
    "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
}


@dataclass
class Result:
    name: str
    requests_per_second: float | None
    p50_ms: float | None
    p99_ms: float | None
    non_2xx: int
    note: str = ""


# seeding ------------------------------------------------------------------------------------


def _params(country: str, entity: str, configuration: str | None) -> dict[str, Any]:
    identity: dict[str, Any] = {"country": country, "entity_type": entity}
    params: dict[str, Any] = {
        "display_name": "x",
        "contact_email": "x@example.com",
        "dashboard": "none",
        "identity": identity,
        "defaults": _RESPONSIBLE,
    }
    if entity == "individual":
        identity["individual"] = {"given_name": "Jenny", "surname": "Rosen"}
    if configuration == "merchant":
        capabilities = {"card_payments": {"requested": True}}
        params["configuration"] = {"merchant": {"capabilities": capabilities}}
    elif configuration == "recipient":
        transfers = {"stripe_balance": {"stripe_transfers": {"requested": True}}}
        params["configuration"] = {"recipient": {"capabilities": transfers}}
    elif configuration == "customer":
        tax = {"automatic_indirect_tax": {"requested": True}}
        params["configuration"] = {"customer": {"capabilities": tax}}
    return params


def _templates(platform_id: str) -> list[Any]:
    """Accounts as the API creates them, over countries, entity types and configurations."""
    from gangway.core.errors import GangwayError
    from gangway.core.keys import KeyPrincipal
    from gangway.requirements import load_rules
    from gangway.services import accounts as service
    from gangway.services.context import Call

    rules = load_rules()
    principal = KeyPrincipal(platform_id, False, key_id="bench")
    made = []
    for country in ("us", "gb", "de", "fr", "ca", "au", "nl", "es", "it", "ie"):
        for entity in ("individual", "company"):
            for configuration in ("merchant", "recipient", "customer", None):
                call = Call(principal, "req_bench", lambda: CREATED_MS)
                try:
                    record, _ = service.build(call, _params(country, entity, configuration), rules)
                except GangwayError:
                    continue  # a combination this country does not take
                made.append(record)
    return made


def seed(directory: Path, count: int, batch: int) -> dict[str, Any]:
    from gangway import bootstrap
    from gangway.settings import Settings
    from gangway.store.database import Database
    from gangway.store.uow import Store

    started = time.monotonic()
    settings = Settings(data_dir=directory)
    prepared = bootstrap.prepare(settings)
    platform_id = prepared.platform_id
    templates = _templates(platform_id)
    store = Store(
        Database(settings.resolved_database_url()),
        bootstrap.sealer_for(settings),
        bootstrap.fingerprint_secret_for(settings),
    )
    chooser = random.Random(1)
    ids: list[str] = []
    emails: list[str] = []
    try:
        for start in range(0, count, batch):
            records = []
            for n in range(start, min(start + batch, count)):
                template = chooser.choice(templates)
                account_id = f"acct_bench{n:010d}"
                email = f"shop{n}@bench.example"
                document = {
                    **template.document,
                    "display_name": f"Bench Shop {n}",
                    "contact_email": email,
                }
                created = CREATED_MS + n * STEP_MS
                records.append(
                    replace(
                        template,
                        id=account_id,
                        created_ms=created,
                        updated_ms=created,
                        closed=chooser.random() < 0.02,
                        document=document,
                    )
                )
                if n % 997 == 0:
                    ids.append(account_id)
                    emails.append(email)
            with store.unit_of_work(write=True) as uow:
                uow.accounts.insert_many(records)
            done = min(start + batch, count)
            rate = done / (time.monotonic() - started)
            print(f"\r  seeded {done:,} of {count:,} ({rate:,.0f} rows/s)", end="", flush=True)
        print()
    finally:
        store.database.dispose()
    _cli(directory, "operators", "create", "--email", EMAIL, "--role", "viewer",
         "--password-stdin", "--test-only", stdin=PASSWORD + "\n")  # fmt: skip
    facts = {
        "accounts": count,
        "templates": len(templates),
        "platform_id": platform_id,
        "sample_ids": ids[:200],
        "sample_emails": emails[:200],
        "seed_seconds": round(time.monotonic() - started, 1),
    }
    (directory / "seeded.json").write_text(json.dumps(facts))
    return facts


def _cli(directory: Path, *command: str, stdin: str | None = None) -> str:
    args = [sys.executable, "-m", "gangway.cli.main", *command, "--data-dir", str(directory)]
    return subprocess.run(
        args, cwd=ROOT, input=stdin, capture_output=True, text=True, check=True
    ).stdout


# measuring ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    directory = DATA / f"console-{args.accounts}"
    marker = directory / "seeded.json"
    if args.reseed and directory.exists():
        shutil.rmtree(directory)
    if marker.exists():
        facts = json.loads(marker.read_text())
        print(f"reusing {directory} ({facts['accounts']:,} accounts, seeded in "
              f"{facts['seed_seconds']} s)")  # fmt: skip
    else:
        directory.parent.mkdir(parents=True, exist_ok=True)
        print(f"seeding {args.accounts:,} accounts into {directory}")
        facts = seed(directory, args.accounts, args.batch)
        print(f"seeded in {facts['seed_seconds']} s ({facts['templates']} templates)")
    facts["load_before"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="gangway-console-bench-") as tmp:
        workdir = Path(tmp)
        with (
            ceiling_server(workdir, args.workers) as ceiling_url,
            gangway_server(workdir, workers=args.workers, data_dir=directory) as base,
        ):
            loads, skipped = _loads(base, facts, workdir)
            rounds = [
                [_wrk(name, (base + path) if path else ceiling_url, script, cookie, args, workdir)
                 for name, path, script, cookie in [(CEILING, "", None, None), *loads]]
                for _ in range(args.rounds)
            ]  # fmt: skip
            for name in rounds[0][1:]:
                if name.non_2xx:
                    print(f"warning: {name.name} answered {name.non_2xx} non-2xx responses")
    results = [_median([r[i] for r in rounds]) for i in range(len(rounds[0]))]
    results[0].name = CEILING
    results += skipped
    _report(results, args, facts)
    return 0


def _loads(
    base: str, facts: dict[str, Any], workdir: Path
) -> tuple[list[tuple[str, str, Path | None, str]], list[Result]]:
    with httpx.Client(base_url=base, timeout=60, headers={"origin": base}) as client:
        signed = client.post("/console/login", data={"email": EMAIL, "password": PASSWORD})
        if signed.status_code != 303:
            raise RuntimeError(f"signing in failed: {signed.status_code} {signed.text[:300]}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        prefix = f"/console/{facts['platform_id']}/test/accounts"
        first = client.get(prefix)
        first.raise_for_status()
        page = first
        for _ in range(49):  # the 50th page, as an operator would reach it
            older = re.search(r'href="([^"]+)" rel="next"', page.text)
            if older is None:
                raise RuntimeError("the list has fewer than 50 pages")
            page = client.get(older.group(1).replace("&amp;", "&"))
            page.raise_for_status()
        fiftieth = str(page.url.raw_path.decode())
        account = client.get(f"{prefix}/{facts['sample_ids'][1]}")
        warm = [prefix, f"{prefix}?past_due=1&country=GB", fiftieth]
        warm += [f"{prefix}?q={email}" for email in facts["sample_emails"][:20]]
        for path in warm * 10:  # both workers: templates compiled, index pages cached
            client.get(path)
    loads: list[tuple[str, str, Path | None, str]] = [
        ("accounts list, first page", prefix, None, cookie),
        ("list filtered: past due in GB", f"{prefix}?past_due=1&country=GB", None, cookie),
        ("list searched by email", prefix, _search_script(prefix, facts, workdir), cookie),
        ("list, 50th page (cursor)", fiftieth, None, cookie),
    ]
    skipped = []
    if account.status_code == 200:
        loads.append(("account page", prefix, _account_script(prefix, facts, workdir), cookie))
    else:
        skipped.append(
            Result(
                "account page", None, None, None, 0, f"not yet available ({account.status_code})"
            )
        )
    return loads, skipped


def _lua_list(values: list[str]) -> str:
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


def _search_script(prefix: str, facts: dict[str, Any], workdir: Path) -> Path:
    script = workdir / "search.lua"
    emails = [email.replace("@", "%40") for email in facts["sample_emails"]]
    script.write_text(
        f"local emails = {_lua_list(emails)}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        f'  return wrk.format("GET", "{prefix}?q=" .. emails[(n % #emails) + 1])\nend\n'
    )
    return script


def _account_script(prefix: str, facts: dict[str, Any], workdir: Path) -> Path:
    script = workdir / "account.lua"
    script.write_text(
        f"local ids = {_lua_list(facts['sample_ids'])}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        f'  return wrk.format("GET", "{prefix}/" .. ids[(n % #ids) + 1])\nend\n'
    )
    return script


def _wrk(
    name: str,
    url: str,
    script: Path | None,
    cookie: str | None,
    args: argparse.Namespace,
    workdir: Path,
) -> Result:
    ran = wrk(
        name,
        url,
        seconds=args.seconds,
        connections=args.connections,
        workdir=workdir,
        script=script,
        cookie=cookie,
    )
    return Result(ran.name, ran.requests_per_second, ran.p50_ms, ran.p99_ms, ran.non_2xx)


def _median(runs: list[Result]) -> Result:
    def mid(values: list[float | None]) -> float:
        return statistics.median(v for v in values if v is not None)

    return Result(
        name=runs[0].name,
        requests_per_second=mid([r.requests_per_second for r in runs]),
        p50_ms=mid([r.p50_ms for r in runs]),
        p99_ms=mid([r.p99_ms for r in runs]),
        non_2xx=sum(r.non_2xx for r in runs),
    )


def _report(results: list[Result], args: argparse.Namespace, facts: dict[str, Any]) -> None:
    print(
        f"\nGangway console benchmark: SQLite, {facts['accounts']:,} accounts stored (seeded in "
        f"{facts['seed_seconds']} s), {args.workers} workers, {args.connections} connections, "
        f"{args.seconds}s each, {args.rounds} round(s), {os.cpu_count()} CPUs, loopback, "
        f"load average before {facts.get('load_before', '?')}\n"
    )
    print(f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  target")
    for r in results:
        if r.requests_per_second is None:
            print(f"{r.name:34} {r.note}")
            continue
        met = ""
        if r.name != CEILING and r.p50_ms is not None and r.p99_ms is not None:
            met = "met" if r.p50_ms < 20 and r.p99_ms < 100 else "MISSED"
        print(
            f"{r.name:34} {r.requests_per_second:>8.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.non_2xx:>8}  {met}"
        )
    print("\ntarget: p50 under 20 ms and p99 under 100 ms for every console page")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "console_pages.json").write_text(
        json.dumps(
            {"seed": facts["seed_seconds"], "results": [asdict(r) for r in results]}, indent=2
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
