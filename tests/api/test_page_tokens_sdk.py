"""Page tokens are signed and bound to their list, filters, platform and mode: the SDK's
auto-paging follows them, and a changed, forged or foreign token gets 400 ``invalid_page_token``
over raw HTTP (the SDK never edits a token, so a hostile client is raw HTTP)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stripe

from gangway.core.clock import SystemClock
from gangway.core.ids import new_id
from gangway.core.keys import new_secret_key
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.repos.keys import KeyRepository
from tests.api.conftest import sdk
from tests.conftest import RunningServer


def _account(client: stripe.StripeClient) -> Any:
    return client.v2.core.accounts.create(
        {
            "identity": {"country": "us", "entity_type": "individual"},
            "contact_email": "jenny@example.com",
            "configuration": {"recipient": {"capabilities": {}}},
        }
    )


def _get(server: RunningServer, path: str, key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or server.test_key}"}
    return httpx.get(server.url + path, headers=headers, timeout=10)


def _token(next_page_url: str) -> str:
    return parse_qs(urlsplit(next_page_url).query)["page"][0]


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "invalid_request_error",
        "invalid_page_token",
        "page",
    )


@pytest.fixture()
def accounts_page(server: RunningServer, client: stripe.StripeClient) -> str:
    """A ``next_page_url`` of the accounts list (limit 1, open accounts only)."""
    _account(client), _account(client)
    body = _get(server, "/v2/core/accounts?limit=1&closed=false").json()
    assert body["next_page_url"]
    return str(body["next_page_url"])


def test_the_sdk_follows_signed_tokens_through_every_page(client: stripe.StripeClient) -> None:
    account = _account(client)
    made = [
        client.v2.core.accounts.persons.create(account.id, {"given_name": f"P{i}"})
        for i in range(5)
    ]
    persons = client.v2.core.accounts.persons.list(account.id, {"limit": 2})
    assert [p.id for p in persons.auto_paging_iter()] == [p.id for p in reversed(made)]
    for name in ("Jenny", "Jane", "Joan"):
        client.v2.core.accounts.update(account.id, {"display_name": name})
    events = client.v2.core.events.list({"object_id": account.id, "limit": 1})
    seen = [e.id for e in events.auto_paging_iter()]
    assert len(seen) == len(set(seen)) >= 4  # created, then three updates


def test_the_next_page_url_as_given_works(server: RunningServer, accounts_page: str) -> None:
    assert _get(server, accounts_page).status_code == 200


def test_a_flipped_character_is_refused(server: RunningServer, accounts_page: str) -> None:
    token = _token(accounts_page)
    for index in range(len(token)):  # an unsigned token survived many of these
        flipped = token[:index] + ("B" if token[index] == "A" else "A") + token[index + 1 :]
        _refused(_get(server, f"/v2/core/accounts?page={flipped}"))


def test_a_truncated_token_is_refused(server: RunningServer, accounts_page: str) -> None:
    _refused(_get(server, f"/v2/core/accounts?page={_token(accounts_page)[:-4]}"))


def test_a_forged_limit_or_filter_is_refused(server: RunningServer, accounts_page: str) -> None:
    token = _token(accounts_page)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    for old, new in ((b'"l":1', b'"l":9'), (b'"closed":false', b'"closed":true ')):
        assert old in raw
        forged = base64.urlsafe_b64encode(raw.replace(old, new)).decode().rstrip("=")
        _refused(_get(server, f"/v2/core/accounts?page={forged}"))
    unsigned = base64.urlsafe_b64encode(raw[32:].replace(b'"l":1', b'"l":100'))
    _refused(_get(server, f"/v2/core/accounts?page={unsigned.decode().rstrip('=')}"))


def test_a_token_with_other_filters_beside_it_is_refused(
    server: RunningServer, accounts_page: str
) -> None:
    token = _token(accounts_page)
    _refused(_get(server, f"/v2/core/accounts?page={token}&closed=true"))
    assert _get(server, f"/v2/core/accounts?page={token}&closed=false").status_code == 200


def test_another_list_s_token_is_refused(
    server: RunningServer, client: stripe.StripeClient, accounts_page: str
) -> None:
    token = _token(accounts_page)
    for path in ("/v2/core/events", "/v2/core/event_destinations"):
        _refused(_get(server, f"{path}?page={token}"))
    one, two = _account(client), _account(client)
    for account in (one, two):
        for name in ("A", "B"):
            client.v2.core.accounts.persons.create(account.id, {"given_name": name})
    persons = _get(server, f"/v2/core/accounts/{one.id}/persons?limit=1").json()
    _refused(
        _get(server, f"/v2/core/accounts/{two.id}/persons?page={_token(persons['next_page_url'])}")
    )
    assert _get(server, persons["next_page_url"]).status_code == 200


def test_another_mode_s_token_is_refused(server: RunningServer) -> None:
    live_key = server.new_key("live")
    live = sdk(server, live_key)
    _account(live), _account(live)
    page = _get(server, "/v2/core/accounts?limit=1", live_key).json()["next_page_url"]
    assert _get(server, page, live_key).status_code == 200
    _refused(_get(server, page))  # the same platform's test key


def _second_platform_key(server: RunningServer) -> str:
    """A test key of a new platform, added to the server's database (there is no command for
    that yet)."""
    settings = Settings(data_dir=server.data_dir, database_url=server.database_url)
    database = Database(settings.resolved_database_url())
    try:
        key = new_secret_key(livemode=False)
        now = SystemClock().now_ms()
        with database.transaction(write=True) as conn:
            keys = KeyRepository(conn)
            platform_id = new_id("plat")
            keys.add_platform(platform_id, "Second platform", now)
            keys.add_key(new_id("key"), platform_id, key, now)
        return key.secret
    finally:
        database.dispose()


def test_another_platform_s_token_is_refused(server: RunningServer) -> None:
    other_key = _second_platform_key(server)
    other = sdk(server, other_key)
    _account(other), _account(other)
    page = _get(server, "/v2/core/accounts?limit=1", other_key).json()["next_page_url"]
    assert _get(server, page, other_key).status_code == 200
    _refused(_get(server, page))  # the first platform's key, same mode
