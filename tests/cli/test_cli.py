"""The ``gangway`` command as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY


def gangway(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gangway.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_a_bad_rule_file_stops_the_boot(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    good = (DEFAULT_RULES_DIRECTORY / "us.yaml").read_text()
    (rules / "us.yaml").write_text(good.replace("requirements:", "requirementz:", 1))
    result = gangway(
        "serve", "--port", "1", "--data-dir", str(tmp_path / "data"), "--rules-dir", str(rules)
    )
    assert result.returncode == 2
    assert "us.yaml" in result.stderr and "requirement rule file is invalid" in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created before the check


def test_a_missing_rules_directory_stops_the_boot(tmp_path: Path) -> None:
    result = gangway(
        "serve", "--data-dir", str(tmp_path / "data"), "--rules-dir", str(tmp_path / "nope")
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_keys_create_prints_only_a_new_secret(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    test_key = gangway("keys", "create", "--mode", "test", "--data-dir", data)
    live_key = gangway("keys", "create", "--mode", "live", "--data-dir", data)
    assert test_key.returncode == 0 and live_key.returncode == 0
    assert test_key.stdout.startswith("sk_test_") and test_key.stdout.count("\n") == 1
    assert live_key.stdout.startswith("sk_live_")
    first = (tmp_path / "data" / "test_secret_key").read_text().strip()
    assert first != test_key.stdout.strip()  # a new key each time; the first-start key is kept
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("gangway.db*"))
    assert test_key.stdout.strip().encode() not in raw  # stored only as a digest


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    result = gangway("db", "upgrade", env={"GANGWAY_DATA_DIR": str(tmp_path / "from-env")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env" / "gangway.db").exists()
    assert (tmp_path / "from-env" / "encryption.key").stat().st_mode & 0o777 == 0o600


def test_clock_trigger_and_reset_from_the_shell(tmp_path: Path) -> None:
    import orjson
    import stripe

    from tests.api.test_journeys_sdk import merchant
    from tests.conftest import start_server, stop_server

    server = start_server(tmp_path / "data", env={"GANGWAY_SCHEDULER": "false"})
    data = ["--data-dir", str(server.data_dir)]
    try:
        client = stripe.StripeClient(server.test_key, base_addresses={"api": server.url})
        account = client.v2.core.accounts.create(merchant())

        def statuses() -> dict[str, str]:
            fetched = client.v2.core.accounts.retrieve(account.id, {"include": ["requirements"]})
            return {e.description: e.minimum_deadline.status for e in fetched.requirements.entries}

        assert statuses()["identity.individual.id_numbers"] == "eventually_due"
        shown = orjson.loads(gangway("clock", "show", *data).stdout)
        moved = gangway("clock", "advance", "--days", "17", *data)
        assert moved.returncode == 0, moved.stderr
        assert orjson.loads(moved.stdout)["now"] > shown["now"]
        assert statuses()["identity.individual.id_numbers"] == "currently_due"

        blocked = gangway("trigger", "payout_block", account.id, *data)
        assert blocked.returncode == 0, blocked.stderr
        assert statuses()["identity.individual.id_numbers"] == "past_due"
        assert gangway("trigger", "payout_block", "acct_nope", *data).returncode == 1

        backwards = gangway("clock", "advance", "--seconds", "-5", *data)
        assert backwards.returncode == 2

        reset = gangway("sandbox", "reset", "--yes", *data)
        assert orjson.loads(reset.stdout)["deleted_accounts"] >= 1
        with pytest.raises(stripe.InvalidRequestError):
            client.v2.core.accounts.retrieve(account.id)
    finally:
        stop_server(server)
