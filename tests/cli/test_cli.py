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


def test_keys_list_shows_hints_never_secrets_and_revoke_marks_the_key(tmp_path: Path) -> None:
    import orjson

    data = ["--data-dir", str(tmp_path / "data")]
    live = gangway("keys", "create", "--mode", "live", *data).stdout.strip()
    first = (tmp_path / "data" / "test_secret_key").read_text().strip()
    listed = gangway("keys", "list", *data)
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["id", "platform", "mode", "hint", "created", "revoked"]
    assert len(rows) == 2
    assert f"sk_test_…{first[-4:]}" in rows[0] and rows[0].split()[2] == "test"
    assert f"sk_live_…{live[-4:]}" in rows[1] and rows[1].split()[2] == "live"
    assert first not in listed.stdout and live not in listed.stdout
    assert all(row.split()[-1] == "-" for row in rows)  # none revoked yet

    live_id = rows[1].split()[0]
    revoked = gangway("keys", "revoke", live_id, *data)
    assert revoked.returncode == 0, revoked.stderr
    keys = {k["id"]: k for k in orjson.loads(gangway("keys", "list", "--json", *data).stdout)}
    assert keys[live_id]["revoked"] is not None
    assert keys[rows[0].split()[0]]["revoked"] is None
    again = gangway("keys", "revoke", live_id, *data)  # revoking twice changes nothing
    assert again.returncode == 0
    assert orjson.loads(gangway("keys", "list", "--json", *data).stdout)[1] == keys[live_id]
    unknown = gangway("keys", "revoke", "key_nope", *data)
    assert unknown.returncode == 1 and "No such key" in unknown.stderr


def test_platforms_create_and_list_and_keys_for_a_named_platform(tmp_path: Path) -> None:
    import orjson

    data = ["--data-dir", str(tmp_path / "data")]
    created = gangway("platforms", "create", "--name", "Second Co", "--json", *data)
    assert created.returncode == 0, created.stderr
    platform = orjson.loads(created.stdout)
    secret = platform["secret_key"]["secret"]
    assert platform["name"] == "Second Co" and secret.startswith("sk_test_")

    listed = gangway("platforms", "list", *data).stdout.splitlines()
    assert listed[0].split() == ["id", "name", "created"]
    assert [line.split()[0] for line in listed[1:]][1:] == [platform["id"]]  # after the default
    assert "Default platform" in listed[1] and "Second Co" in listed[2]

    live = gangway("keys", "create", "--mode", "live", "--platform", platform["id"], *data)
    assert live.returncode == 0 and live.stdout.startswith("sk_live_")
    theirs = orjson.loads(
        gangway("keys", "list", "--platform", platform["id"], "--json", *data).stdout
    )
    assert [k["hint"] for k in theirs] == [
        f"sk_test_…{secret[-4:]}",
        f"sk_live_…{live.stdout.strip()[-4:]}",
    ]
    assert {k["platform"] for k in theirs} == {platform["id"]}
    assert secret not in gangway("keys", "list", *data).stdout

    nowhere = gangway("keys", "create", "--platform", "plat_nope", *data)
    assert nowhere.returncode == 1 and "No such platform" in nowhere.stderr
    blank = gangway("platforms", "create", "--name", " ", *data)
    assert blank.returncode == 1


def test_the_banner_shows_the_key_only_on_first_start(tmp_path: Path) -> None:
    from tests.conftest import start_server, stop_server

    data = tmp_path / "data"
    key_file = data / "test_secret_key"
    server = start_server(data)
    stop_server(server)
    first = (data / "server.log").read_text()
    server = start_server(data)
    stop_server(server)
    second = (data / "server.log").read_text()

    assert "Gangway listening on" in second
    assert server.test_key not in second  # the same key, not shown again
    assert f"kept in {key_file}" in second
    assert server.test_key in first and str(key_file) in first


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_fresh_data_dir_and_every_file_in_it_are_private(tmp_path: Path) -> None:
    from tests.conftest import start_server, stop_server

    data = tmp_path / "data"
    made = gangway("db", "upgrade", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    assert _mode(data) == 0o700
    server = start_server(data)  # running: SQLite's -wal and -shm exist now
    try:
        import httpx

        auth = {"Authorization": f"Bearer {server.test_key}"}
        httpx.post(f"{server.url}/v2/core/accounts", json={}, headers=auth).raise_for_status()
        names = {p.name for p in data.iterdir()} - {"server.log"}  # the test's own log
        assert {"gangway.db", "gangway.db-wal", "gangway.db-shm", "encryption.key"} <= names
        assert {"test_secret_key", "gangway.db.write-lock"} <= names
        assert {name: _mode(data / name) for name in names} == {name: 0o600 for name in names}
    finally:
        stop_server(server)


def test_a_database_left_readable_by_an_older_version_is_tightened_on_start(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    assert gangway("db", "upgrade", "--data-dir", str(data)).returncode == 0
    for name in ("gangway.db", "test_secret_key"):
        (data / name).chmod(0o644)
    (data / "gangway.db-wal").write_bytes(b"")
    (data / "gangway.db-wal").chmod(0o644)
    data.chmod(0o755)
    again = gangway("db", "upgrade", "--data-dir", str(data))
    assert again.returncode == 0, again.stderr
    for name in ("gangway.db", "gangway.db-wal", "test_secret_key"):
        assert f"{data / name} was readable by other users" in again.stderr
    for name in ("gangway.db", "test_secret_key"):  # SQLite removes an empty WAL on close
        assert _mode(data / name) == 0o600, name
    assert _mode(data) == 0o755  # an existing directory is the operator's: a warning only
    assert f"chmod 700 {data}" in again.stderr
