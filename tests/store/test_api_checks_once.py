"""The API edge leaves a write's contract check to its service: each body is checked once.

The ASGI app is called in-process (no socket) on the store tier's SQLite database, with
``contract.params.check`` counted.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import orjson
import pytest

from gangway.api.app import ApiApp
from gangway.api.auth import Authenticator
from gangway.api.event_routes import event_routes
from gangway.api.handlers import routes
from gangway.api.link_routes import account_link_routes
from gangway.contract import params
from gangway.core.keys import KeyPrincipal, new_secret_key
from gangway.core.pagination import PageTokens
from gangway.requirements import load_rules
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
T0 = 1_795_000_000_000
ACCOUNT = {
    "contact_email": "a@b.co",
    "identity": {"country": "us", "entity_type": "company"},
    "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    "defaults": {
        "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
    },
}


class Api:
    def __init__(self, store: Store, checks: Counter[str]) -> None:
        rules = load_rules()
        with store.unit_of_work(write=True) as uow:  # every request confirms its key's row
            uow.keys.add_key("key_1", "plat_1", new_secret_key(livemode=False), 0)
        self.app = ApiApp(
            routes=[
                *routes(rules, PageTokens(b"k" * 32)),
                *event_routes(PageTokens(b"k" * 32)),
                *account_link_routes(public_url="http://127.0.0.1", lifetime_ms=60_000),
            ],
            store=store,
            authenticator=Authenticator(lambda _digest: (PRINCIPAL, False)),
            now_ms=lambda _principal, _uow: T0,
            max_body_bytes=1_000_000,
            idempotency_ttl_ms=86_400_000,
        )
        self.checks = checks

    def post(self, path: str, body: Any, key: str | None = None) -> tuple[int, dict[str, Any]]:
        headers = [(b"authorization", b"Bearer sk_test_" + b"x" * 24)]
        headers.append((b"content-type", b"application/json"))
        if key is not None:
            headers.append((b"idempotency-key", key.encode()))
        scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
        sent: list[dict[str, Any]] = []
        raw = orjson.dumps(body)

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": raw, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        return sent[0]["status"], orjson.loads(sent[1]["body"])


@pytest.fixture()
def api(store: Store, monkeypatch: pytest.MonkeyPatch) -> Api:
    checks: Counter[str] = Counter()
    real = params.check

    def counted(name: str, body: object, **kwargs: Any) -> dict[str, Any]:
        checks[name] += 1
        return real(name, body, **kwargs)

    monkeypatch.setattr(params, "check", counted)
    return Api(store, checks)


def test_each_write_body_is_checked_once(api: Api) -> None:
    status, account = api.post("/v2/core/accounts", ACCOUNT, key="create-1")
    assert status == 200
    account_id = account["id"]
    status, _ = api.post(f"/v2/core/accounts/{account_id}", {"display_name": "Shop"})
    assert status == 200
    status, person = api.post(f"/v2/core/accounts/{account_id}/persons", {"given_name": "J"})
    assert status == 200
    status, _ = api.post(f"/v2/core/accounts/{account_id}/persons/{person['id']}", {"surname": "R"})
    assert status == 200
    use_case = {
        "type": "account_onboarding",
        "account_onboarding": {"refresh_url": "https://e.com/r", "configurations": ["merchant"]},
    }
    status, _ = api.post("/v2/core/account_links", {"account": account_id, "use_case": use_case})
    assert status == 200
    destination = {
        "name": "d",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": "https://e.com/hook"},
    }
    status, created = api.post("/v2/core/event_destinations", destination)
    assert status == 200
    status, _ = api.post(f"/v2/core/event_destinations/{created['id']}", {"name": "e"})
    assert status == 200
    status, _ = api.post(f"/v2/core/event_destinations/{created['id']}/ping", {})
    assert status == 200  # no params reach its service: the edge checks this one
    assert api.checks == {
        "AccountCreateParams": 1,
        "AccountUpdateParams": 1,
        "PersonCreateParams": 1,
        "PersonUpdateParams": 1,
        "AccountLinkCreateParams": 1,
        "EventDestinationCreateParams": 1,
        "EventDestinationUpdateParams": 1,
        "EventDestinationPingParams": 1,
    }


def test_a_bad_idempotency_key_still_comes_after_the_body_s_errors(api: Api) -> None:
    status, body = api.post("/v2/core/accounts", {"display_name": "x" * 5001}, key="bad key")
    assert (status, body["error"]["code"]) == (400, "parameter_invalid_string_too_long")
    status, body = api.post("/v2/core/accounts", {"display_name": "ok"}, key="bad key")
    assert (status, body["error"]["code"]) == (400, "idempotency_key_invalid")
    status, body = api.post("/v2/core/accounts", [], key="bad key")
    assert body["error"]["message"] == "Invalid request body: expected a JSON object"
