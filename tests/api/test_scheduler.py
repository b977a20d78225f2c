"""The deadline scheduler in real time: inside ``gangway serve``, and as ``gangway worker``.

Test mode's asynchronous verifications (DOB 1901-01-01, address_full_match...) decide after a
few seconds of the platform's clock; nothing but the scheduler makes that happen.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import stripe

from gangway.bootstrap import fingerprint_secret_for, sealer_for
from gangway.core.keys import KeyPrincipal
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.uow import Store
from tests.api.conftest import sdk
from tests.api.test_journeys_sdk import merchant
from tests.conftest import RunningServer, start_server, stop_server

FAST = {"GANGWAY_SWEEP_INTERVAL_SECONDS": "0.2"}


def card_payments(client: stripe.StripeClient, account_id: str) -> str:
    account = client.v2.core.accounts.retrieve(account_id, {"include": ["configuration.merchant"]})
    return str(account.configuration.merchant.capabilities.card_payments.status)


def eventually(check: Callable[[], bool], *, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def recorded_events(server: RunningServer, account_id: str) -> list[Any]:
    settings = Settings(data_dir=server.data_dir)
    database = Database(settings.resolved_database_url())
    store = Store(database, sealer_for(settings), fingerprint_secret_for(settings))
    try:
        with store.unit_of_work(write=False) as uow:
            platform_id = uow.keys.default_platform()
            assert platform_id is not None
            principal = KeyPrincipal(platform_id=platform_id, livemode=False, key_id="test")
            return uow.events.for_object(principal, account_id)
    finally:
        database.dispose()


def test_serve_applies_due_decisions_by_itself(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", env=FAST)
    try:
        client = sdk(server)
        account = client.v2.core.accounts.create(merchant())
        assert card_payments(client, account.id) == "pending"
        assert eventually(lambda: card_payments(client, account.id) == "active", within=15)
        events = recorded_events(server, account.id)
        created = [e for e in events if e.type == "v2.core.account.created"]
        assert created and created[0].payload["reason"]["type"] == "request"
        by_clock = [e for e in events if e.type == "v2.core.account[requirements].updated"]
        assert by_clock and by_clock[-1].payload["reason"] is None  # the clock did it
        status_changes = [
            e
            for e in events
            if e.type == "v2.core.account[configuration.merchant].capability_status_updated"
        ]
        assert {"updated_capability": "card_payments"} in [
            e.payload["data"] for e in status_changes
        ]
        assert all(
            e.payload["related_object"]["url"] == f"/v2/core/accounts/{account.id}" for e in events
        )
    finally:
        stop_server(server)


def test_a_standalone_worker_does_the_sweeping(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", env={"GANGWAY_SCHEDULER": "false"})
    worker: subprocess.Popen[bytes] | None = None
    try:
        client = sdk(server)
        account = client.v2.core.accounts.create(merchant())
        time.sleep(6)  # past the 5 s test-mode review: nobody sweeps, so nothing changes
        assert card_payments(client, account.id) == "pending"
        worker = subprocess.Popen(
            [sys.executable, "-m", "gangway.cli.main", "worker", "--interval", "0.2"],
            env={**os.environ, "GANGWAY_DATA_DIR": str(server.data_dir)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert eventually(lambda: card_payments(client, account.id) == "active", within=15)
    finally:
        if worker is not None:
            worker.terminate()
            assert worker.wait(timeout=10) == 0  # SIGTERM is a clean stop
        stop_server(server)
