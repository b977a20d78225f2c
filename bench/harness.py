"""What every benchmark here shares: ports, processes, the ceiling server and wrk.

The ceiling is the raw ASGI hello world (``bench/hello.py``) on the same uvicorn settings as
``gangway serve``: whatever a figure's ratio to it is, the loopback, the kernel and uvicorn are
in both. Each bench starts it in the same run as what it measures, so a noisy minute moves
both alike.
"""

from __future__ import annotations

import os
import platform
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = [
    "CEILING",
    "ROOT",
    "WrkResult",
    "ceiling_server",
    "free_port",
    "gangway_server",
    "machine_facts",
    "median_result",
    "start",
    "stop",
    "wait",
    "wrk",
    "wrk_latency",
]

ROOT = Path(__file__).resolve().parent.parent
CEILING = "ceiling (raw ASGI hello world)"
UVICORN_QUIET = ("--log-level", "warning", "--no-access-log")


@dataclass
class WrkResult:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    ratio_to_ceiling: float | None = None
    requests: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    command: Sequence[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with open(log, "wb") as handle:  # the child keeps its own descriptor
        return subprocess.Popen(
            list(command), cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env
        )


def wait(url: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {within:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate one process this bench started (by its handle), killing it after 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def ceiling_server(workdir: Path, workers: int = 1) -> Iterator[str]:
    """The hello world on uvicorn with ``workers`` processes; yields its URL."""
    port = free_port()
    process = start(
        [
            *(sys.executable, "-m", "uvicorn", "bench.hello:app", "--port", str(port)),
            *("--workers", str(workers), *UVICORN_QUIET),
        ],
        workdir / f"ceiling-{port}.log",
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait(url)
        yield url
    finally:
        stop(process)


@contextmanager
def gangway_server(
    workdir: Path,
    *,
    workers: int = 1,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """``gangway serve`` on a free port (``data_dir`` defaults to ``workdir/data``, where the
    first start writes ``test_secret_key``); yields its base URL once it answers."""
    port = free_port()
    data = str(data_dir or workdir / "data")
    environment = {**os.environ, "GANGWAY_DATA_DIR": data, **(env or {})}
    process = start(
        [
            *(sys.executable, "-m", "gangway.cli.main", "serve", "--port", str(port)),
            *("--workers", str(workers)),
        ],
        workdir / f"gangway-{port}.log",
        env=environment,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait(f"{base}/_gangway/health")
        yield base
    finally:
        stop(process)


def wrk(
    name: str,
    url: str,
    *,
    seconds: float,
    connections: int,
    workdir: Path,
    script: Path | None = None,
    cookie: str | None = None,
    threads: int = 2,
) -> WrkResult:
    """One closed-loop wrk run; its raw output is kept beside the other logs."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--latency", "--timeout", "5s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    (workdir / f"{re.sub(r'[^a-z0-9]+', '_', name.lower())}.wrk.txt").write_text(output)
    return parse_wrk(name, output)


def parse_wrk(name: str, output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return WrkResult(
        name=name,
        requests_per_second=float(rps.group(1)) if rps else float("nan"),
        p50_ms=wrk_latency(output, "50"),
        p99_ms=wrk_latency(output, "99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        requests=int(total.group(1)) if total else 0,
    )


def wrk_latency(output: str, percentile: str) -> float:
    """A percentile of wrk's ``--latency`` distribution, in milliseconds."""
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def median_result(runs: Sequence[WrkResult]) -> WrkResult:
    """The median of each figure over rounds of one load; non-2xx answers are summed."""
    return WrkResult(
        name=runs[0].name,
        requests_per_second=statistics.median(r.requests_per_second for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        non_2xx=sum(r.non_2xx for r in runs),
    )


def machine_facts() -> dict[str, object]:
    """What a reader needs to compare two runs: when, which commit, on what."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "git_commit": commit or None,
        "git_dirty": bool(dirty),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
