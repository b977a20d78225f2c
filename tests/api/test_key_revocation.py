"""A revoked key is refused at once by every server on the database, with no wait.

Two ``gangway serve`` processes share one database (a SQLite file, or PostgreSQL), as two nodes
would. Each has served the key before it is revoked, so each holds it in its per-process cache:
the old cache kept serving a key for 30 seconds; now every request confirms its key in its own
transaction, so the very next request after the revocation commits is refused, on both.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import stripe

from tests.conftest import RunningServer, scratch_postgres, start_server, stop_server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def nodes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, RunningServer, dict[str, str]]]:
    root = tmp_path_factory.mktemp(f"revocation-{request.param}")
    with contextlib.ExitStack() as stack:
        # a database of its own: node-a's first start makes the platform and its first key
        url = (
            stack.enter_context(scratch_postgres("gangway_revocation"))
            if request.param == "postgres"
            else f"sqlite:///{root / 'shared.db'}"
        )
        yield from _two_nodes(root, url)


def _two_nodes(
    root: Path, url: str
) -> Iterator[tuple[RunningServer, RunningServer, dict[str, str]]]:
    env = {"GANGWAY_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode()}
    first = start_server(root / "node-a", url, env=env)
    try:
        (root / "node-b").mkdir()
        shutil.copy(root / "node-a" / "test_secret_key", root / "node-b" / "test_secret_key")
        second = start_server(root / "node-b", url, env=env)
        try:
            yield first, second, {**env, "GANGWAY_DATABASE_URL": url}
        finally:
            stop_server(second)
    finally:
        stop_server(first)


def gangway(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gangway.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def key_id_of(env: dict[str, str], secret: str) -> str:
    keys: list[dict[str, Any]] = orjson.loads(gangway(env, "keys", "list", "--json"))
    (found,) = [k for k in keys if k["hint"] == f"sk_test_…{secret[-4:]}"]
    return str(found["id"])


def sdk(server: RunningServer, key: str) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": server.url})


def refused(server: RunningServer, key: str, account_id: str) -> stripe.AuthenticationError:
    with pytest.raises(stripe.AuthenticationError) as caught:
        sdk(server, key).v2.core.accounts.retrieve(account_id)
    return caught.value


def expired_code(server: RunningServer, key: str, account_id: str) -> str:
    """The error's code, which the SDK does not keep on an ``AuthenticationError``."""
    answer = httpx.get(
        f"{server.url}/v2/core/accounts/{account_id}", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 401
    return str(answer.json()["error"]["code"])


def test_a_key_revoked_with_the_cli_is_refused_by_both_servers_at_once(
    nodes: tuple[RunningServer, RunningServer, dict[str, str]],
) -> None:
    first, second, env = nodes
    key = gangway(env, "keys", "create").strip()
    account = sdk(first, key).v2.core.accounts.create(
        {"display_name": "Revoked soon"}, {"idempotency_key": "before-revocation"}
    )
    for server in (first, second):  # both have now cached the key
        assert sdk(server, key).v2.core.accounts.retrieve(account.id).id == account.id

    gangway(env, "keys", "revoke", key_id_of(env, key))

    for server in (first, second):
        error = refused(server, key, account.id)
        assert error.http_status == 401
        assert str(error.user_message).startswith("Expired API Key provided: sk_test_****")
        assert key not in str(error.user_message)
        assert expired_code(server, key, account.id) == "api_key_expired"
        with pytest.raises(stripe.AuthenticationError):  # nor is a stored response replayed
            sdk(server, key).v2.core.accounts.create(
                {"display_name": "Revoked soon"}, {"idempotency_key": "before-revocation"}
            )
        with pytest.raises(stripe.AuthenticationError):
            sdk(server, key).v2.core.accounts.list()
        # the other keys of the platform are untouched
        assert sdk(server, first.test_key).v2.core.accounts.retrieve(account.id).id == account.id


def test_a_key_revoked_through_the_admin_api_is_refused_by_the_other_server_at_once(
    nodes: tuple[RunningServer, RunningServer, dict[str, str]],
) -> None:
    first, second, env = nodes
    token = gangway(env, "admin-tokens", "create").strip()
    with httpx.Client(base_url=first.url, headers={"Authorization": f"Bearer {token}"}) as admin:
        created = admin.post("/_gangway/admin/keys", json={"mode": "test"}).raise_for_status()
        key = created.json()["secret"]
        account = sdk(second, key).v2.core.accounts.create({"display_name": "Admin revoked"})
        assert sdk(first, key).v2.core.accounts.retrieve(account.id).id == account.id

        revoked = admin.post(f"/_gangway/admin/keys/{created.json()['id']}/revoke")
        assert revoked.status_code == 200 and revoked.json()["revoked"] is not None

    for server in (second, first):
        assert refused(server, key, account.id).http_status == 401
        assert expired_code(server, key, account.id) == "api_key_expired"
