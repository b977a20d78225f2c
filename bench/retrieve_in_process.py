"""CPU microseconds per authenticated retrieve (or create) through the v2 ASGI edge, in-process (no sockets).

Measures what the API itself spends on ``GET /v2/core/accounts/{id}`` (authentication, the
unit of work, the key's confirmation, the read, rendering) without uvicorn and the kernel, and
in CPU time (``time.process_time``) rather than wall time, so other processes on a shared machine
move it far less than they move ``bench/api_throughput.py``. Used to price the per-request key
check that makes revocation immediate (one primary-key lookup in the request's transaction).

    .venv/bin/python bench/retrieve_in_process.py [--rounds 15] [--number 3000] [--create]
        [--include] [--merchant] [--profile 25]

``--include`` retrieves with ``include[0]=requirements``; ``--merchant`` makes the account a
US company merchant requesting card payments (so the engine has rules to walk) instead of a
bare display name; ``--profile N`` runs the rounds under cProfile and prints the top N
functions by their own time and by cumulative time (what ``docs/performance.md`` records).

Prints the minimum (the least noisy estimate) and the median over rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from gangway.app import create_app
from gangway.bootstrap import prepare
from gangway.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=3000)
    parser.add_argument(
        "--create",
        action="store_true",
        help="time creates with a fresh Idempotency-Key each instead (the SDK's way)",
    )
    parser.add_argument("--include", action="store_true", help="retrieve with requirements")
    parser.add_argument("--merchant", action="store_true", help="a merchant with card payments")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print a profile")
    args = parser.parse_args()
    account = (
        {
            "display_name": "Bench Shop",
            "contact_email": "shop@example.com",
            "identity": {"country": "us", "entity_type": "company"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
        if args.merchant
        else {"display_name": "Bench Shop"}
    )
    with tempfile.TemporaryDirectory(prefix="gangway-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", scheduler=False, deliveries=False)
        key = prepare(settings).first_test_key
        app = create_app(settings)
        headers = [
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
        ]

        async def call(
            method: str, path: str, body: bytes = b"", idempotency_key: str | None = None
        ) -> tuple[int, bytes]:
            sent: list[dict[str, Any]] = []

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: dict[str, Any]) -> None:
                sent.append(message)

            extra = [(b"idempotency-key", idempotency_key.encode())] if idempotency_key else []
            scope = {
                "type": "http",
                "method": method,
                "path": path,
                "headers": headers + extra,
                "query_string": b"include[0]=requirements" if args.include else b"",
            }
            await app.api(scope, receive, send)
            return int(sent[0]["status"]), bytes(sent[1]["body"])

        async def run() -> list[float]:
            status, body = await call("POST", "/v2/core/accounts", orjson.dumps(account))
            if status != 200:
                raise RuntimeError(f"create: {status} {body.decode()}")
            path = "/v2/core/accounts/" + orjson.loads(body)["id"]
            rounds = []
            created = orjson.dumps(account)
            for r in range(args.rounds):
                started = time.process_time()
                for i in range(args.number):
                    if args.create:
                        status, _ = await call("POST", "/v2/core/accounts", created, f"b-{r}-{i}")
                    else:
                        status, _ = await call("GET", path)
                    if status != 200:
                        raise RuntimeError(f"{'create' if args.create else 'retrieve'}: {status}")
                rounds.append((time.process_time() - started) / args.number * 1e6)
            return rounds

        profiler = cProfile.Profile() if args.profile else None
        try:
            if profiler is not None:
                profiler.enable()
            rounds = asyncio.run(run())
        finally:
            if profiler is not None:
                profiler.disable()
            app.database.dispose()
    if profiler is not None:
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
            stats.print_stats(args.profile)
            text = out.getvalue()
            print(f"--- top {args.profile} by {order} ---")
            print(text[text.index("   ncalls") :])
    print(
        f"{'create' if args.create else 'retrieve'}, in-process CPU time: min {min(rounds):.1f} us, "
        f"median {statistics.median(rounds):.1f} us ({args.rounds} rounds of {args.number})"
    )


if __name__ == "__main__":
    main()
