"""Signing in and out of the console: sessions, cookies, throttling, CSRF and the audit trail."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.conftest import RunningServer, start_server, stop_server
from tests.console.conftest import PASSWORD, csrf_of, platform_of, sign_in


def test_every_page_without_a_session_goes_to_sign_in(console_server: RunningServer) -> None:
    answer = httpx.get(f"{console_server.url}/console/audit")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=%2Fconsole%2Faudit"


def test_a_post_without_a_session_is_refused(console_server: RunningServer) -> None:
    answer = httpx.post(f"{console_server.url}/console/logout", data={"csrf": "x"})
    assert answer.status_code == 403


def test_signing_in_sets_a_strict_http_only_cookie(console_server: RunningServer) -> None:
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        answer = c.post(
            "/console/login",
            data={"email": "Viewer@Example.com", "password": PASSWORD, "next": "/console/audit"},
        )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/audit"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie


def test_a_wrong_password_says_so_without_saying_which_part(console_server: RunningServer) -> None:
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        wrong = c.post("/console/login", data={"email": "viewer@example.com", "password": "nope"})
        unknown = c.post("/console/login", data={"email": "nobody@example.com", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an active operator."
    assert message in wrong.text and message in unknown.text
    assert "set-cookie" not in wrong.headers


def test_an_offsite_redirect_after_sign_in_is_not_followed(console_server: RunningServer) -> None:
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        answer = c.post(
            "/console/login",
            data={"email": "viewer@example.com", "password": PASSWORD, "next": "//evil.example/"},
        )
    assert answer.headers["location"] == "/console/"


def test_repeated_failures_throttle_that_email(console_server: RunningServer) -> None:
    console_server.new_operator("throttled@example.com", "viewer", PASSWORD)
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        for _ in range(5):
            answer = c.post(
                "/console/login", data={"email": "throttled@example.com", "password": "guess"}
            )
            assert answer.status_code == 401
        # now even the right password is not checked
        answer = c.post(
            "/console/login", data={"email": "throttled@example.com", "password": PASSWORD}
        )
    assert answer.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in answer.text
    assert 840 <= int(answer.headers["retry-after"]) <= 900
    # other operators are not affected
    with sign_in(console_server, "viewer") as client:
        assert client.get("/console/audit").status_code == 200


def test_signing_out_ends_the_session_on_the_server(console_server: RunningServer) -> None:
    with sign_in(console_server, "viewer") as client:
        cookie = dict(client.cookies)
        token = csrf_of(client)
        assert client.post("/console/logout", data={"csrf": token}).status_code == 303
        # the old cookie, replayed, no longer opens anything
        replay = httpx.get(f"{console_server.url}/console/audit", cookies=cookie)
        assert replay.status_code == 303 and replay.headers["location"].startswith("/console/login")


def test_a_post_without_the_csrf_token_is_refused(console_server: RunningServer) -> None:
    with sign_in(console_server, "viewer") as client:
        assert client.post("/console/logout", data={"other": "x"}).status_code == 403
        assert client.post("/console/logout", data={"csrf": "forged"}).status_code == 403
        still = client.get("/console/audit")
        assert still.status_code == 200  # refused, not signed out


def test_a_cross_origin_post_is_refused_even_with_the_token(console_server: RunningServer) -> None:
    with sign_in(console_server, "viewer") as client:
        token = csrf_of(client)
        answer = client.post(
            "/console/logout", data={"csrf": token}, headers={"origin": "https://evil.example"}
        )
        assert answer.status_code == 403


def test_a_test_only_operator_cannot_read_live_pages(console_server: RunningServer) -> None:
    platform = platform_of(console_server)
    with sign_in(console_server, "viewer") as client:
        answer = client.get(f"/console/{platform}/live/accounts")
        assert answer.status_code == 403
        assert "Live data is not yours to see" in answer.text


def test_pages_forbid_scripts_and_framing(console_server: RunningServer) -> None:
    answer = httpx.get(f"{console_server.url}/console/login")
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp
    assert answer.headers["cache-control"] == "no-store"
    assert "<script" not in answer.text


def test_the_console_can_be_turned_off(tmp_path: Path) -> None:
    server = start_server(tmp_path / "off", env={"GANGWAY_CONSOLE": "false"})
    try:
        answer = httpx.get(f"{server.url}/console/login")
        assert answer.status_code == 404
        assert httpx.get(f"{server.url}/_gangway/health").status_code == 200
    finally:
        stop_server(server)


def test_sign_ins_failures_and_sign_outs_are_audited(console_server: RunningServer) -> None:
    console_server.new_operator("audited@example.com", "viewer", PASSWORD)
    with httpx.Client(base_url=console_server.url, headers={"origin": console_server.url}) as c:
        c.post("/console/login", data={"email": "audited@example.com", "password": "wrong one"})
    with sign_in(console_server, "audited@example.com") as client:
        client.post("/console/logout", data={"csrf": csrf_of(client)})
    with sign_in(console_server, "admin") as admin:
        trail = admin.get("/console/audit", params={"actor": "audited@example.com"}).text
    actions = re.findall(r"<code>(operator\.[a-z_]+)</code>", trail)
    assert actions == ["operator.signed_out", "operator.signed_in", "operator.sign_in_failed"]
