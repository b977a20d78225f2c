"""The operator's admin API (``/_gangway/admin``): only an admin token gets in, and a platform
made there is a tenant of its own, its key seeing none of another platform's accounts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
import stripe

from tests.conftest import RunningServer, start_server, stop_server

ROUTES = [
    ("GET", "/_gangway/admin/platforms", None),
    ("POST", "/_gangway/admin/platforms", {"name": "Intruder"}),
    ("GET", "/_gangway/admin/keys", None),
    ("POST", "/_gangway/admin/keys", {"mode": "live"}),
    ("POST", "/_gangway/admin/keys/key_anything/revoke", None),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("admin-api"))
    try:
        yield running
    finally:
        stop_server(running)


def admin_token(server: RunningServer, *command: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gangway.cli.main", "admin-tokens", *command],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GANGWAY_DATA_DIR": str(server.data_dir)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def call(
    server: RunningServer, method: str, path: str, body: Any, secret: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return httpx.request(method, server.url + path, json=body, headers=headers, timeout=10)


def sdk(server: RunningServer, key: str) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": server.url})


def test_without_an_admin_token_everything_is_refused_even_a_platform_key(
    server: RunningServer,
) -> None:
    live_key = server.new_key("live")
    made_up = "gwadmin_" + "x" * 48
    for method, path, body in ROUTES:
        for secret in (server.test_key, live_key, made_up, None):
            answer = call(server, method, path, body, secret)
            assert answer.status_code == 401, (method, path, secret, answer.text)
            assert answer.json()["error"]["type"] == "invalid_request_error"
            assert "request-id" in answer.headers
    assert call(server, *ROUTES[0], server.test_key).json()["error"]["code"] == (
        "admin_token_required"
    )


def test_an_admin_token_makes_a_platform_whose_key_sees_only_its_own_accounts(
    server: RunningServer,
) -> None:
    token = admin_token(server, "create")
    assert token.startswith("gwadmin_")
    first = sdk(server, server.test_key)
    theirs = first.v2.core.accounts.create({"display_name": "First platform's"})

    made = call(server, "POST", "/_gangway/admin/platforms", {"name": "Second Co"}, token)
    assert made.status_code == 200, made.text
    platform = made.json()
    assert platform["id"].startswith("plat_") and platform["name"] == "Second Co"
    second_key = platform["secret_key"]["secret"]
    second = sdk(server, second_key)

    ours = second.v2.core.accounts.create({"display_name": "Second platform's"})
    assert [a.id for a in second.v2.core.accounts.list({"limit": 100}).data] == [ours.id]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        second.v2.core.accounts.retrieve(theirs.id)
    assert caught.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError):
        first.v2.core.accounts.retrieve(ours.id)
    assert ours.id not in {a.id for a in first.v2.core.accounts.list({"limit": 100}).data}

    listed = call(server, "GET", "/_gangway/admin/platforms", None, token).json()["data"]
    assert platform["id"] in {p["id"] for p in listed}
    keys = call(server, "GET", f"/_gangway/admin/keys?platform={platform['id']}", None, token)
    (key,) = keys.json()["data"]
    assert key["hint"] == f"sk_test_…{second_key[-4:]}" and key["revoked"] is None
    assert second_key not in keys.text and "secret" not in key  # shown only on creation

    live = call(
        server, "POST", "/_gangway/admin/keys", {"platform": platform["id"], "mode": "live"}, token
    )
    assert live.status_code == 200 and live.json()["secret"].startswith("sk_live_")
    live_account = sdk(server, live.json()["secret"]).v2.core.accounts.create({})
    assert live_account.livemode is True


def test_admin_api_errors_are_in_stripes_envelope(server: RunningServer) -> None:
    token = admin_token(server, "create")
    unknown = call(server, "POST", "/_gangway/admin/keys", {"platform": "plat_nope"}, token)
    assert unknown.status_code == 404 and unknown.json()["error"]["param"] == "platform"
    extra = call(server, "POST", "/_gangway/admin/platforms", {"name": "X", "owner": 1}, token)
    assert extra.status_code == 400 and extra.json()["error"]["code"] == "parameter_unknown"
    blank = call(server, "POST", "/_gangway/admin/platforms", {"name": "  "}, token)
    assert blank.status_code == 400 and blank.json()["error"]["param"] == "name"
    missing = call(server, "GET", "/_gangway/admin/nothing", None, token)
    assert missing.status_code == 404 and "error" in missing.json()
    wrong = call(server, "DELETE", "/_gangway/admin/platforms", None, token)
    assert wrong.status_code == 405 and "error" in wrong.json()


def test_a_revoked_admin_token_is_refused_at_once(server: RunningServer) -> None:
    token = admin_token(server, "create")
    assert call(server, "GET", "/_gangway/admin/platforms", None, token).status_code == 200
    listed = admin_token(server, "list", "--json")
    (entry,) = [t for t in orjson.loads(listed) if t["hint"].endswith(token[-4:])]
    admin_token(server, "revoke", entry["id"])
    answer = call(server, "GET", "/_gangway/admin/platforms", None, token)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "admin_token_invalid"
