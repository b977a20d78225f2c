"""``make demo``: Gangway and the example platform side by side, stopped together on Ctrl-C.

Gangway keeps its data in ``.gangway-demo/`` (apart from ``make run``'s ``.gangway/``) and logs to
``.gangway-demo/gangway.log``; the example's own log stays on the terminal. The example creates
(once) a webhook endpoint for its ``/webhooks``, so Gangway's signed events reach it. Environment:
``DEMO_API`` (``v2``, or ``v1`` for the Connect v1 integration; ``make demo API=v1``),
``GANGWAY_PORT`` (12111), ``DEMO_PORT`` (8000), ``DEMO_DATA_DIR`` (``.gangway-demo``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60.0  # the first start creates and migrates the database
STOP_TIMEOUT_SECONDS = 10.0


class Stop(Exception):
    """SIGTERM or SIGHUP arrived: shut down as for Ctrl-C."""


def main() -> int:
    api = os.environ.get("DEMO_API") or "v2"
    if api not in ("v1", "v2"):
        print(f"DEMO_API must be v1 or v2, not {api!r}")
        return 1
    gangway_port = port_from_env("GANGWAY_PORT", 12111)
    demo_port = port_from_env("DEMO_PORT", 8000)
    data_dir = Path(os.environ.get("DEMO_DATA_DIR") or ROOT / ".gangway-demo").resolve()
    # each mode keeps its own accounts list: a v1 platform did not create the v2 one's accounts
    state_dir = data_dir / ("platform-example" if api == "v2" else f"platform-example-{api}")
    for name, port in (("GANGWAY_PORT", gangway_port), ("DEMO_PORT", demo_port)):
        if port_in_use(port):
            print(f"{HOST}:{port} is already in use; choose another with {name}=...")
            return 1
    gangway_url = f"http://{HOST}:{gangway_port}"
    demo_url = f"http://{HOST}:{demo_port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "gangway.log"

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    started: list[subprocess.Popen[bytes]] = []
    try:
        with open(log_path, "ab") as log:
            gangway = spawn(
                [
                    *("-m", "gangway.cli.main", "serve"),
                    *("--host", HOST, "--port", str(gangway_port), "--data-dir", str(data_dir)),
                ],
                stdout=log,
            )
        started.append(gangway)
        if not wait_until_up(f"{gangway_url}/_gangway/health", gangway):
            print(f"Gangway did not start; its log ({log_path}) ends with:")
            print("\n".join(log_path.read_text(errors="replace").splitlines()[-20:]))
            return 1
        key_file = data_dir / "test_secret_key"
        example = spawn(
            [
                *("-m", "examples.platform", "--gangway-url", gangway_url),
                *("--api-key-file", str(key_file), "--host", HOST, "--port", str(demo_port)),
                *("--state-dir", str(state_dir), "--api", api, "--create-destination"),
            ],
            stdout=None,
        )
        started.append(example)
        if not wait_until_up(f"{demo_url}/", example):
            print("The example platform did not start (its output is above).")
            return 1
        print(f"Gangway is running on {gangway_url} (data and log in {data_dir}).")
        print(f"Open {demo_url} in your browser (the platform integrates with Stripe's {api} API).")
        print("Press Ctrl-C to stop both.", flush=True)
        while True:
            for process, name in ((gangway, "Gangway"), (example, "The example platform")):
                if process.poll() is not None:
                    print(f"{name} exited with status {process.returncode}; stopping.")
                    return 1
            time.sleep(0.5)
    except (KeyboardInterrupt, Stop):
        print("\nStopping Gangway and the example platform...")
        return 0
    finally:
        for process in reversed(started):
            stop(process)


def port_from_env(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SystemExit(f"{name} must be a TCP port number, not {value!r}")
    return int(value)


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def spawn(args: Sequence[str], stdout: IO[bytes] | None) -> subprocess.Popen[bytes]:
    """Its own session, so Ctrl-C reaches only this launcher, which then stops the group."""
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout is not None else None,
        start_new_session=True,
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group this launcher created (by the child's PID), then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


if __name__ == "__main__":
    sys.exit(main())
