"""Hosted onboarding pages: weight and server time, against a ceiling measured in the same run.

Starts ``gangway serve`` (SQLite, one worker) and the raw ASGI hello world on the same uvicorn
settings, opens onboarding sessions for a US individual and a US company, and times sequential
requests over one keep-alive loopback connection: each step page in each of the 8 locales, a
step posted with errors (validated and re-rendered), and the link redemption. Prints, per page,
the body size and the p50/p99 latency; the ceiling's p50 is the loopback and HTTP floor that every
figure includes. The targets: every page under 60 KB, p50 under 15 ms.

    .venv/bin/python bench/hosted_pages.py [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from bench.harness import ceiling_server, gangway_server

LOCALES = ("en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "it-IT", "nl-NL", "ja-JP")
ACCOUNTS = {
    "individual": {
        "contact_email": "bench@example.com",
        "identity": {"country": "us", "entity_type": "individual"},
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    },
    "company": {
        "contact_email": "bench@example.com",
        "identity": {"country": "us", "entity_type": "company"},
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    },
}
PAGES = {
    "individual": ("personal", "profile", "public", "bank", "review"),
    "company": ("business", "representative", "people", "profile"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="per page and locale")
    args = parser.parse_args()
    _report(run(args.requests))
    return 0


def run(count: int, locales: Sequence[str] = LOCALES) -> list[tuple[str, int, float, float]]:
    """Start the servers, time every page ``count`` times in each of ``locales``, stop them:
    rows of (name, bytes, p50 ms, p99 ms), the ceiling first."""
    with (
        tempfile.TemporaryDirectory(prefix="gangway-bench-") as tmp,
        ceiling_server(Path(tmp)) as ceiling_url,
        gangway_server(Path(tmp)) as base,
    ):
        key = (Path(tmp) / "data" / "test_secret_key").read_text().strip()
        return _measure(base, ceiling_url, key, count, locales)


def step_pages(
    rows: Sequence[tuple[str, int, float, float]],
) -> list[tuple[str, int, float, float]]:
    """The step page rows (``kind: page [locale]``), without the ceiling, redemption and posts."""
    return [r for r in rows if "[" in r[0]]


def _measure(
    base: str, ceiling_url: str, key: str, count: int, locales: Sequence[str]
) -> list[tuple[str, int, float, float]]:
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    rows = []
    with httpx.Client(timeout=30) as floor:
        rows.append(("ceiling (hello world)", *_time(lambda: floor.get(ceiling_url), count)))
    for kind, body in ACCOUNTS.items():
        account = api.post("/v2/core/accounts", json=body).json()["id"]
        with httpx.Client(base_url=base, timeout=10) as browser:
            redeem: list[float] = []
            for _ in range(20):
                url = _link(api, account)
                started = time.perf_counter()
                browser.get(url)
                redeem.append((time.perf_counter() - started) * 1000)
            rows.append((f"{kind}: redeem link", 0, *_percentiles(redeem)))
            for page in PAGES[kind]:
                for locale in locales:
                    path = f"/onboarding/step/{page}?locale={locale}"
                    size, p50, p99 = _time(lambda path=path: browser.get(path), count)  # type: ignore[misc]
                    rows.append((f"{kind}: {page} [{locale}]", size, p50, p99))
            csrf = browser.get(
                "/onboarding/step/personal" if kind == "individual" else "/onboarding/step/business"
            )
            token = csrf.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            step = "personal" if kind == "individual" else "business"
            bad = {
                "csrf_token": token,
                "action": "continue",
                f"identity[{'individual' if kind == 'individual' else 'business_details'}][phone]": "12",
            }
            rows.append(
                (
                    f"{kind}: {step} posted with errors",
                    *_time(
                        lambda step=step, bad=bad: browser.post(  # type: ignore[misc]
                            f"/onboarding/step/{step}", data=bad
                        ),
                        count // 2,
                    ),
                )
            )
    api.close()
    return rows


def _link(api: httpx.Client, account: str) -> str:
    body = {
        "account": account,
        "use_case": {
            "type": "account_onboarding",
            "account_onboarding": {
                "refresh_url": "http://127.0.0.1:9/refresh",
                "return_url": "http://127.0.0.1:9/return",
                "collection_options": {"fields": "eventually_due"},
            },
        },
    }
    return str(api.post("/v2/core/account_links", json=body).json()["url"])


def _time(fetch: object, count: int) -> tuple[int, float, float]:
    samples = []
    size = 0
    for _ in range(10):
        fetch()  # type: ignore[operator]
    for _ in range(count):
        started = time.perf_counter()
        response = fetch()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
        size = max(size, len(response.content))
    return (size, *_percentiles(samples))


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _report(rows: list[tuple[str, int, float, float]]) -> None:
    print(f"{'page':48} {'bytes':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for name, size, p50, p99 in rows:
        print(f"{name:48} {size:>7} {p50:>8.2f} {p99:>8.2f}")
    pages = step_pages(rows)
    heaviest = max(pages, key=lambda r: r[1])
    slowest = max(pages, key=lambda r: r[2])
    print(f"\nheaviest page: {heaviest[0]} at {heaviest[1] / 1024:.1f} KB (target < 60 KB)")
    print(
        f"slowest p50: {slowest[0]} at {slowest[2]:.2f} ms (target < 15 ms; ceiling p50 {rows[0][2]:.2f} ms)"
    )
    print(
        f"median p50 over {len(pages)} page/locale pairs: {statistics.median(r[2] for r in pages):.2f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
