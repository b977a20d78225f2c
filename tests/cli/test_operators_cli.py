"""``gangway operators``: create, list, disable, enable, reset, role, on the database directly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson


def gangway(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gangway.cli.main", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        env=dict(os.environ),
    )


def _listed(data: Path) -> dict[str, dict[str, object]]:
    rows = orjson.loads(gangway(data, "operators", "list", "--json").stdout)
    return {row["email"]: row for row in rows}


def test_create_prints_a_one_time_password_and_stores_only_its_hash(tmp_path: Path) -> None:
    made = gangway(
        tmp_path, "operators", "create", "--email", "Ann@Example.com", "--role", "reviewer"
    )
    assert made.returncode == 0, made.stderr
    password = made.stdout.split("Password (shown once): ")[1].strip()
    assert len(password) == 32
    listed = _listed(tmp_path)
    assert listed["ann@example.com"]["role"] == "reviewer"
    assert listed["ann@example.com"]["live"] is False  # reviewers see test data unless granted
    database = (tmp_path / "gangway.db").read_bytes()
    assert password.encode() not in database and b"$argon2id$" in database


def test_a_password_from_stdin_must_be_long_enough(tmp_path: Path) -> None:
    short = gangway(
        tmp_path, "operators", "create", "--email", "b@example.com", "--role", "admin",
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    assert "b@example.com" not in _listed(tmp_path)
    ok = gangway(
        tmp_path, "operators", "create", "--email", "b@example.com", "--role", "admin",
        "--password-stdin", stdin="a long enough password\n",
    )  # fmt: skip
    assert ok.returncode == 0 and "Password" not in ok.stdout
    assert _listed(tmp_path)["b@example.com"]["live"] is True


def test_duplicate_emails_and_unknown_operators_are_refused(tmp_path: Path) -> None:
    gangway(tmp_path, "operators", "create", "--email", "c@example.com", "--role", "viewer")
    again = gangway(tmp_path, "operators", "create", "--email", "C@example.com", "--role", "admin")
    assert again.returncode == 1 and "exists" in again.stderr
    missing = gangway(tmp_path, "operators", "disable", "nobody@example.com")
    assert missing.returncode == 1 and "No such operator" in missing.stderr


def test_disable_enable_reset_and_role(tmp_path: Path) -> None:
    gangway(tmp_path, "operators", "create", "--email", "d@example.com", "--role", "viewer")
    assert gangway(tmp_path, "operators", "disable", "d@example.com").returncode == 0
    assert _listed(tmp_path)["d@example.com"]["disabled"] is not None
    assert gangway(tmp_path, "operators", "enable", "d@example.com").returncode == 0
    assert _listed(tmp_path)["d@example.com"]["disabled"] is None
    reset = gangway(tmp_path, "operators", "reset", "d@example.com")
    assert "Password (shown once): " in reset.stdout
    role = gangway(tmp_path, "operators", "role", "d@example.com", "--role", "admin", "--live")
    assert role.returncode == 0
    assert _listed(tmp_path)["d@example.com"]["role"] == "admin"
    assert _listed(tmp_path)["d@example.com"]["live"] is True
