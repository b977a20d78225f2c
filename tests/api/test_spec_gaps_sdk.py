"""Gaps against Stripe's v2 spec and SDK 16.1.0 that a client sees: required strings and lists
that came back ``null``, and a well-typed ``configurations: []`` refused as the wrong type."""

from __future__ import annotations

import re
from typing import Any

import httpx
import stripe

from gangway.contract import load
from tests.conftest import RunningServer

SDK_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
INCLUDE_ALL = [
    "configuration.customer",
    "configuration.merchant",
    "configuration.recipient",
    "defaults",
    "future_requirements",
    "identity",
    "requirements",
]


def raw(server: RunningServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.test_key}", **kwargs.pop("headers", {})}
    return httpx.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def reasons(client: stripe.StripeClient, account_id: str) -> list[Any]:
    events = client.v2.core.events.list({"object_id": account_id, "limit": 20})
    return [client.v2.core.events.retrieve(event.id).reason for event in events.data]


# ------------------------------------------------------------------ reason.request.idempotency_key


def test_an_event_of_a_request_sent_without_a_key_names_a_generated_one(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    created = raw(server, "POST", "/v2/core/accounts", json={"display_name": "No key"})
    assert created.status_code == 200, created.text
    updated = raw(  # one request, two events: both name the same generated key
        server,
        "POST",
        f"/v2/core/accounts/{created.json()['id']}",
        json={"identity": {"country": "us"}},
    )
    assert updated.status_code == 200, updated.text
    keys = [reason.request.idempotency_key for reason in reasons(client, created.json()["id"])]
    assert len(keys) >= 3
    assert all(isinstance(key, str) and SDK_KEY.match(key) for key in keys), keys
    update_keys = {
        reason.request.idempotency_key
        for reason in reasons(client, created.json()["id"])
        if reason.request.id == updated.headers["request-id"]
    }
    assert len(update_keys) == 1
    assert len(set(keys)) == 2  # the create's and the update's


def test_a_generated_key_is_only_recorded_and_the_client_s_own_key_is_kept(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    first = raw(server, "POST", "/v2/core/accounts", json={"display_name": "Once"})
    (reason,) = reasons(client, first.json()["id"])
    generated = reason.request.idempotency_key
    again = raw(
        server,
        "POST",
        "/v2/core/accounts",
        json={"display_name": "Twice"},
        headers={"Idempotency-Key": generated},
    )
    assert again.status_code == 200
    assert again.json()["id"] != first.json()["id"]  # nothing was stored under the generated key
    assert "idempotent-replayed" not in again.headers
    (own,) = reasons(client, again.json()["id"])
    assert own.request.idempotency_key == generated


# ------------------------------------------------------------------ required lists are lists


def _required_lists(name: str, value: Any, path: str, found: dict[str, Any]) -> None:
    """Every list or map the SDK's shape types as non-Optional, under objects that are present,
    with its value (collected by dotted path, list items looked through)."""
    _walk(load.shape_node(name), value, path, found)


def _walk(node: dict[str, Any], value: Any, path: str, found: dict[str, Any]) -> None:
    node = load.resolve(node, shapes=True)
    if value is None:
        return
    if node["kind"] == "object" and isinstance(value, dict):
        for field, child in node["fields"].items():
            resolved = load.resolve(child, shapes=True)
            dotted = f"{path}.{field}" if path else field
            if resolved["kind"] in ("list", "map") and not resolved.get("nullable"):
                found.setdefault(dotted, []).append(value.get(field, "<absent>"))
            _walk(child, value.get(field), dotted, found)
    elif node["kind"] == "list" and isinstance(value, list):
        for item in value:
            _walk(node["items"], item, path, found)
    elif node["kind"] == "map" and isinstance(value, dict):
        for item in value.values():
            _walk(node["values"], item, path, found)


def _requested_everything(name: str) -> dict[str, Any]:
    """``{"requested": true}`` for every capability the SDK's create params declare."""

    def fill(node: dict[str, Any]) -> dict[str, Any]:
        node = load.resolve(node)
        out: dict[str, Any] = {}
        for key, child in node["fields"].items():
            child = load.resolve(child)
            out[key] = {"requested": True} if "requested" in child["fields"] else fill(child)
        return out

    root = load.params_node("AccountCreateParams")
    configuration = load.resolve(root["fields"]["configuration"])
    config = load.resolve(configuration["fields"][name])
    return fill(config["fields"]["capabilities"])


def test_required_lists_are_lists_on_a_full_and_a_minimal_account(
    client: stripe.StripeClient,
) -> None:
    full = client.v2.core.accounts.create(
        {
            "display_name": "Everything",
            "contact_email": "all@example.com",
            "identity": {
                "country": "us",
                "entity_type": "individual",
                "individual": {"given_name": "Jenny", "surname": "Rosen"},
            },
            "configuration": {
                "customer": {"billing": {"invoice": {"prefix": "EVRY"}}},
                "merchant": {"capabilities": _requested_everything("merchant")},
                "recipient": {"capabilities": _requested_everything("recipient")},
            },
            "include": INCLUDE_ALL,
        }
    )
    minimal = client.v2.core.accounts.create({"include": INCLUDE_ALL})
    for account in (full, minimal):
        retrieved = client.v2.core.accounts.retrieve(account.id, {"include": INCLUDE_ALL})
        for response in (account, retrieved):
            assert response.last_response is not None
            found: dict[str, Any] = {}
            _required_lists("Account", response.last_response.data, "", found)
            wrong = {
                path: values
                for path, values in found.items()
                if not all(isinstance(v, list | dict) for v in values)
            }
            assert wrong == {}, account.id
    full_found: dict[str, Any] = {}
    _required_lists("Account", full.last_response.data, "", full_found)  # type: ignore[union-attr]
    assert full_found["configuration.customer.billing.invoice.custom_fields"] == [[]]
    assert "configuration.merchant.capabilities.card_payments.status_details" in full_found
    assert "requirements.entries.errors" in full_found


def test_a_person_s_required_lists_are_lists(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create(
        {"identity": {"country": "us", "entity_type": "company"}}
    )
    person = client.v2.core.accounts.persons.create(
        account.id, {"given_name": "Ada", "relationship": {"representative": True}}
    )
    assert person.last_response is not None
    found: dict[str, Any] = {}
    _required_lists("AccountPerson", person.last_response.data, "", found)
    assert all(isinstance(v, list | dict) for values in found.values() for v in values), found


# ------------------------------------------------------------------ configurations: []


def _link(server: RunningServer, account: str, configurations: Any) -> httpx.Response:
    return raw(
        server,
        "POST",
        "/v2/core/account_links",
        json={
            "account": account,
            "use_case": {
                "type": "account_onboarding",
                "account_onboarding": {
                    "configurations": configurations,
                    "refresh_url": "http://platform.test/refresh",
                    "return_url": "http://platform.test/return",
                },
            },
        },
        headers={"Stripe-Version": "2025-07-30.preview"},
    )


def test_an_empty_configurations_list_is_compared_not_refused_as_a_type(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    configured = client.v2.core.accounts.create(
        {
            "contact_email": "jenny@example.com",
            "identity": {"country": "us", "entity_type": "individual"},
            "configuration": {"recipient": {"capabilities": {}}},
        }
    )
    mismatch = _link(server, configured.id, [])
    assert mismatch.status_code == 400
    error = mismatch.json()["error"]
    assert error["code"] == "configs_must_match_to_use_account_links"
    assert error["param"] == "use_case[account_onboarding][configurations]"
    bare = client.v2.core.accounts.create({"display_name": "No configurations"})
    matching = _link(server, bare.id, [])
    assert matching.status_code == 200, matching.text
    not_a_list = _link(server, bare.id, "merchant")
    assert not_a_list.json()["error"]["code"] == "parameter_invalid_type"
