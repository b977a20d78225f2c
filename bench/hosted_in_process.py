"""CPU microseconds per hosted step page, in-process (no sockets, no uvicorn).

Opens an onboarding session for a US individual merchant through the ASGI app itself (an
Account Link, redeemed), then times ``GET /onboarding/step/{page}`` in CPU time
(``time.process_time``), so a shared machine moves it far less than ``bench/hosted_pages.py``'s
wall-clock figures. ``--profile N`` prints the top N functions by own and cumulative time
(the page's database work then runs on the event loop's thread, so that cProfile sees it).

    .venv/bin/python -m bench.hosted_in_process [--page personal] [--locale en-US]
        [--rounds 9] [--number 300] [--profile 30]
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

import httpx

from gangway.app import create_app
from gangway.bootstrap import prepare
from gangway.settings import Settings

ACCOUNT = {
    "contact_email": "bench@example.com",
    "identity": {"country": "us", "entity_type": "individual"},
    "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--page", default="personal")
    parser.add_argument("--locale", default="en-US")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--number", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gangway-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", scheduler=False, deliveries=False)
        key = prepare(settings).first_test_key
        app = create_app(settings)
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:  # cProfile sees one thread: run the page's database work inline
            _inline(app)
        try:
            rounds = asyncio.run(_run(app, key, args, profiler))
        finally:
            app.database.dispose()
    if profiler is not None:
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(
                args.profile
            )
            text = out.getvalue()
            print(f"--- top {args.profile} by {order} ---")
            print(text[text.index("   ncalls") :])
    print(
        f"step page {args.page} [{args.locale}], in-process CPU time: min {min(rounds):.0f} us, "
        f"median {statistics.median(rounds):.0f} us ({args.rounds} rounds of {args.number})"
    )


def _inline(app: Any) -> None:
    async def in_thread(fn: Any, *args: Any) -> Any:
        return fn(*args)

    app.database.in_thread = in_thread


async def _run(
    app: object, key: str, args: argparse.Namespace, profiler: cProfile.Profile | None
) -> list[float]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        auth = {"Authorization": f"Bearer {key}"}
        account = (await client.post("/v2/core/accounts", json=ACCOUNT, headers=auth)).json()
        link = await client.post(
            "/v2/core/account_links",
            headers=auth,
            json={
                "account": account["id"],
                "use_case": {
                    "type": "account_onboarding",
                    "account_onboarding": {
                        "refresh_url": "http://127.0.0.1:9/refresh",
                        "return_url": "http://127.0.0.1:9/return",
                        "collection_options": {"fields": "eventually_due"},
                    },
                },
            },
        )
        url = httpx.URL(link.json()["url"])
        client.base_url = url.copy_with(path="/", query=None)  # the link's origin: its cookie
        await client.get(url.path)
        path = f"/onboarding/step/{args.page}?locale={args.locale}"
        for _ in range(20):
            response = await client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
        rounds = []
        if profiler is not None:
            profiler.enable()
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.number):
                await client.get(path)
            rounds.append((time.process_time() - started) / args.number * 1e6)
        if profiler is not None:
            profiler.disable()
        return rounds


if __name__ == "__main__":
    main()
