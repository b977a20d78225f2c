"""Admins manage operators and keys from the console; nobody else can, and all of it is audited."""

from __future__ import annotations

import re

import httpx
import orjson
import pytest

from tests.conftest import RunningServer
from tests.console.conftest import csrf_of, platform_of, sign_in

_SHOWN = re.compile(r'<code class="secret">([^<]+)</code>')


def _audit(client: httpx.Client, **query: str) -> str:
    return client.get("/console/audit", params=query).text


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_only_admins_reach_operator_and_key_pages(console_server: RunningServer, who: str) -> None:
    with sign_in(console_server, who) as client:
        token = csrf_of(client)
        assert client.get("/console/operators").status_code == 403
        assert client.get("/console/keys").status_code == 403
        refused = client.post(
            "/console/operators/create",
            data={"csrf": token, "email": f"made-by-{who}@example.com", "role": "admin"},
        )
        assert refused.status_code == 403
        assert "Your role does not allow this" in refused.text
    with sign_in(console_server, "admin") as admin:
        assert f"made-by-{who}@example.com" not in admin.get("/console/operators").text


def test_an_admin_adds_an_operator_who_signs_in_with_the_one_time_password(
    console_server: RunningServer,
) -> None:
    with sign_in(console_server, "admin") as admin:
        page = admin.post(
            "/console/operators/create",
            data={"csrf": csrf_of(admin), "email": "New.Person@example.com", "role": "viewer"},
        )
        assert page.status_code == 200
        password = _SHOWN.search(page.text)
        assert password, page.text
        # shown once: the list does not show it again
        assert password.group(1) not in admin.get("/console/operators").text
        assert "operator.created" in _audit(admin, actor="admin@example.com")
    with sign_in(console_server, "new.person@example.com", password.group(1)) as person:
        assert person.get("/console/audit").status_code == 200


def test_a_bad_email_is_refused_with_a_message(console_server: RunningServer) -> None:
    with sign_in(console_server, "admin") as admin:
        page = admin.post(
            "/console/operators/create",
            data={"csrf": csrf_of(admin), "email": "not an email", "role": "viewer"},
        )
    assert page.status_code == 400
    assert "Not an email address" in page.text


def test_disabling_an_operator_ends_their_sessions(console_server: RunningServer) -> None:
    operator_id = console_server.new_operator("leaving@example.com", "viewer", "long enough pw 1")
    with sign_in(console_server, "leaving@example.com", "long enough pw 1") as leaving:
        assert leaving.get("/console/audit").status_code == 200
        with sign_in(console_server, "admin") as admin:
            answer = admin.post(
                f"/console/operators/{operator_id}/disable", data={"csrf": csrf_of(admin)}
            )
            assert answer.status_code == 303
            assert "disabled and signed out" in admin.get(answer.headers["location"]).text
        gone = leaving.get("/console/audit")
        assert gone.status_code == 303 and "/console/login" in gone.headers["location"]
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        again = c.post(
            "/console/login", data={"email": "leaving@example.com", "password": "long enough pw 1"}
        )
    assert again.status_code == 401


def test_a_password_reset_replaces_the_old_password(console_server: RunningServer) -> None:
    operator_id = console_server.new_operator("forgot@example.com", "viewer", "old password 12")
    with sign_in(console_server, "admin") as admin:
        page = admin.post(f"/console/operators/{operator_id}/reset", data={"csrf": csrf_of(admin)})
        shown = _SHOWN.search(page.text)
        assert shown
    with sign_in(console_server, "forgot@example.com", shown.group(1)) as client:
        assert client.get("/console/audit").status_code == 200
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        old = c.post(
            "/console/login", data={"email": "forgot@example.com", "password": "old password 12"}
        )
    assert old.status_code == 401


def test_an_admin_cannot_disable_themselves(console_server: RunningServer) -> None:
    listed = orjson.loads(console_server._cli("operators", "list", "--json"))
    admin_id = next(row["id"] for row in listed if row["email"] == "admin@example.com")
    with sign_in(console_server, "admin") as admin:
        answer = admin.post(f"/console/operators/{admin_id}/disable", data={"csrf": csrf_of(admin)})
        assert answer.status_code == 400
        assert "cannot disable yourself" in answer.text
        assert admin.get("/console/operators").status_code == 200  # still signed in


def test_a_key_made_in_the_console_works_and_revoking_it_stops_it(
    console_server: RunningServer,
) -> None:
    platform = platform_of(console_server)
    with sign_in(console_server, "admin") as admin:
        page = admin.post(
            "/console/keys/create",
            data={"csrf": csrf_of(admin), "platform": platform, "mode": "test"},
        )
        secret = _SHOWN.search(page.text)
        assert secret and secret.group(1).startswith("sk_test_")
        api = httpx.get(
            f"{console_server.url}/v2/core/accounts",
            headers={"Authorization": f"Bearer {secret.group(1)}"},
        )
        assert api.status_code == 200
        hint = secret.group(1)[-4:]
        key_id = re.search(
            r"…" + hint + r"</code><br><code class=\"muted\">(key_[A-Za-z0-9]+)", page.text
        )
        assert key_id, page.text
        listing = admin.get("/console/keys").text
        assert secret.group(1) not in listing
        revoked = admin.post(
            f"/console/keys/{key_id.group(1)}/revoke", data={"csrf": csrf_of(admin)}
        )
        assert revoked.status_code == 303
        after = httpx.get(
            f"{console_server.url}/v2/core/accounts",
            headers={"Authorization": f"Bearer {secret.group(1)}"},
        )
        assert after.status_code == 401
        trail = _audit(admin, target=key_id.group(1))
        assert "key.created" in trail and "key.revoked" in trail and "admin@example.com" in trail


def test_cli_actions_are_audited_as_the_cli(console_server: RunningServer) -> None:
    console_server.new_operator("from-cli@example.com", "viewer", "a password 1234")
    with sign_in(console_server, "admin") as admin:
        trail = admin.get("/console/audit", params={"actor": "from-cli@example.com"}).text
        trail += admin.get("/console/audit").text
    assert "operator.created" in trail and "cli:" in trail
