"""The Node tier: the published ``stripe`` npm package (pinned in ``package.json`` and
``package-lock.json``) against one ``gangway serve`` for the whole tier.

Each ``tests/node/*.test.mjs`` file is one pytest test: ``node --test`` runs it with the server's
URL and test key in its environment, and its TAP output is the failure message. The journeys
live in the ``.mjs`` files, written as a Node platform would write them; this module only starts
the server and runs Node.

It needs Node.js 20+ (stripe-node 23 requires it) and ``npm ci --prefix tests/node`` (``make test``
does that). Without them the tier is skipped, unless ``GANGWAY_REQUIRE_NODE=1`` (CI), where it
fails instead, like ``GANGWAY_REQUIRE_BROWSER``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer, start_server, stop_server

HERE = Path(__file__).resolve().parent
NODE_TESTS = sorted(HERE.glob("*.test.mjs"))
REQUIRE_NODE = os.environ.get("GANGWAY_REQUIRE_NODE") == "1"
NODE_MAJOR = 20
"""stripe-node 23's ``engines``; Debian 12's own nodejs is 18, too old."""
TIMEOUT_SECONDS = 60
"""Per file; the whole tier takes a few seconds, so this only bounds a hang."""
HOW_TO_GET_NODE = (
    f"install Node.js {NODE_MAJOR}+ and npm (Debian: `apt-get install nodejs npm`; Debian 12's "
    f"nodejs is 18, so there use NodeSource's nodejs {NODE_MAJOR} package), then `make test` "
    "(or `npm ci --prefix tests/node`)"
)


def _missing_node() -> str | None:
    """Why the tier cannot run here, or None."""
    node = shutil.which("node")
    if node is None:
        return "no `node` on PATH"
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=10
    ).stdout.strip()
    match = re.match(r"v(\d+)\.", version)
    if match is None or int(match.group(1)) < NODE_MAJOR:
        return f"`node --version` is {version or 'unknown'}; stripe-node needs {NODE_MAJOR}+"
    if not (HERE / "node_modules" / "stripe" / "package.json").is_file():
        return "stripe-node is not installed in tests/node/node_modules"
    return None


@pytest.fixture(scope="module")
def node() -> str:
    reason = _missing_node()
    if reason is not None:
        message = f"Node tier: {reason}; {HOW_TO_GET_NODE}"
        if REQUIRE_NODE:
            pytest.fail(f"GANGWAY_REQUIRE_NODE=1 but the Node tier cannot run: {message}")
        pytest.skip(message)
    return str(shutil.which("node"))


@pytest.fixture(scope="module")
def node_server(node: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server for every file; deliveries polled often so the webhook journey is quick, and
    loopback allowed for test-mode destinations (the receiver is on 127.0.0.1)."""
    running = start_server(
        tmp_path_factory.mktemp("gangway-node"),
        env={"GANGWAY_DELIVERY_POLL_SECONDS": "0.05", "GANGWAY_EGRESS_TEST_LOOPBACK": "true"},
    )
    try:
        yield running
    finally:
        stop_server(running)


@pytest.mark.parametrize(
    "script", NODE_TESTS, ids=[p.name.removesuffix(".test.mjs") for p in NODE_TESTS]
)
def test_stripe_node(node: str, node_server: RunningServer, script: Path) -> None:
    env = {
        **os.environ,
        "GANGWAY_URL": node_server.url,
        "GANGWAY_TEST_KEY": node_server.test_key,
        "NO_COLOR": "1",
    }
    # its own session: a timeout stops node and the child process `--test` runs the file in
    process = subprocess.Popen(
        [node, "--test", "--test-reporter=tap", script.name],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"node --test {script.name} ran over {TIMEOUT_SECONDS} s:\n{output.decode()}")
    text = output.decode(errors="replace")
    assert process.returncode == 0, f"node --test {script.name} failed:\n{text}"
    assert re.search(r"^# pass [1-9]", text, re.MULTILINE), f"no test passed:\n{text}"
    assert re.search(r"^# fail 0$", text, re.MULTILINE), text
