"""v1 webhook endpoints through stripe-python 16.1.0 on every backend: CRUD with the secret
shown once, and signed v1 snapshot events delivered to a local receiver that
``stripe.Webhook.construct_event`` accepts, for changes made through either view."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.api.conftest import sdk
from tests.api.receiver import Delivery, Receiver, receiving
from tests.api.test_webhooks_sdk import FAST
from tests.conftest import RunningServer, scratch_postgres, start_server, stop_server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def v1_hooks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with contextlib.ExitStack() as stack:
        database_url = (
            stack.enter_context(scratch_postgres("gangway_v1_hooks"))
            if request.param == "postgres"
            else None
        )
        running = start_server(
            tmp_path_factory.mktemp(f"v1-hooks-{request.param}"), database_url, env=FAST
        )
        try:
            yield running
        finally:
            stop_server(running)


@pytest.fixture()
def client(v1_hooks: RunningServer) -> stripe.StripeClient:
    return sdk(v1_hooks)


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def custom(client: stripe.StripeClient) -> stripe.Account:
    return client.v1.accounts.create(
        {
            "type": "custom",
            "country": "US",
            "email": "jenny@example.com",
            "business_type": "individual",
            "capabilities": {"transfers": {"requested": True}},
        }
    )


def events_of(receiver: Receiver, account: str, type_: str) -> list[Delivery]:
    return [
        d
        for d in receiver.accepted()
        if d.event.get("type") == type_ and d.event.get("account") == account
    ]


def error_of(excinfo: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    body = excinfo.value.json_body or {}
    error: dict[str, Any] = body["error"]
    return error


def test_crud_shows_the_secret_once(client: stripe.StripeClient) -> None:
    made = client.v1.webhook_endpoints.create(
        {
            "url": "https://platform.example/hooks",
            "enabled_events": ["account.updated", "person.created"],
            "connect": True,
            "description": "onboarding",
            "metadata": {"team": "kyc"},
        }
    )
    assert made.object == "webhook_endpoint" and made.id.startswith("we_")
    assert made.secret and made.secret.startswith("whsec_")
    assert made.status == "enabled" and made.enabled_events == ["account.updated", "person.created"]
    got = client.v1.webhook_endpoints.retrieve(made.id)
    assert "secret" not in got and got.url == "https://platform.example/hooks"
    updated = client.v1.webhook_endpoints.update(
        made.id, {"enabled_events": ["*"], "disabled": True, "metadata": {"team": ""}}
    )
    assert updated.enabled_events == ["*"] and updated.status == "disabled"
    assert updated.metadata.to_dict() == {}
    listed = client.v1.webhook_endpoints.list({"limit": 100})
    assert listed.object == "list" and listed.url == "/v1/webhook_endpoints"
    assert made.id in [e.id for e in listed.data]
    assert all(e.id.startswith("we_") for e in listed.data)  # v2 destinations stay in v2
    deleted = client.v1.webhook_endpoints.delete(made.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as gone:
        client.v1.webhook_endpoints.retrieve(made.id)
    assert error_of(gone)["code"] == "resource_missing"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"enabled_events": ["account.updated"]}, "url"),
        ({"url": "https://platform.example/h"}, "enabled_events"),
        (
            {"url": "https://platform.example/h", "enabled_events": ["account.eaten"]},
            "enabled_events[0]",
        ),
        ({"url": "ftp://platform.example/h", "enabled_events": ["*"]}, "url"),
        ({"url": "https://169.254.169.254/h", "enabled_events": ["*"]}, "url"),
        (
            {"url": "https://platform.example/h", "enabled_events": ["*"], "connect": "maybe"},
            "connect",
        ),
        ({"url": "https://platform.example/h", "enabled_events": ["*"], "colour": "red"}, "colour"),
    ],
)
def test_bad_params_name_the_param(
    client: stripe.StripeClient, params: dict[str, Any], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.webhook_endpoints.create(params)  # type: ignore[arg-type]
    assert refused.value.http_status == 400
    assert error_of(refused)["param"] == param, error_of(refused)


def test_changes_through_both_views_arrive_signed_with_previous_attributes(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    endpoint = client.v1.webhook_endpoints.create(
        {"url": receiver.url, "enabled_events": ["account.updated"], "connect": True}
    )
    try:
        account = custom(client)
        client.v1.accounts.update(account.id, {"metadata": {"order": "42"}})
        client.v2.core.accounts.update(account.id, {"display_name": "Jenny's Jams"})
        assert receiver.wait_for(
            lambda _: len(events_of(receiver, account.id, "account.updated")) >= 2
        )
        first, second = events_of(receiver, account.id, "account.updated")[:2]
        for delivery in (first, second):
            event = stripe.Webhook.construct_event(
                delivery.body.decode(), delivery.signature, endpoint.secret
            )
            assert event.type == "account.updated" and event.account == account.id
            assert event.data.object.id == account.id
        assert first.event["data"]["previous_attributes"] == {"metadata": {"order": None}}
        assert first.event["data"]["object"]["metadata"] == {"order": "42"}
        assert second.event["data"]["previous_attributes"]["business_profile"] == {"name": None}
        assert second.event["data"]["object"]["business_profile"]["name"] == "Jenny's Jams"
        assert first.event["request"]["id"].startswith("req_")
        assert {d.event["type"] for d in receiver.accepted()} == {"account.updated"}
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(
                first.body.decode().replace('"42"', '"43"'), first.signature, endpoint.secret
            )
        listed = client.v1.events.list({"type": "account.*", "limit": 100})
        ids = {e.id for e in listed.data}
        assert first.event["id"] in ids and second.event["id"] in ids
        assert client.v1.events.retrieve(first.event["id"]).pending_webhooks == 0
    finally:
        client.v1.webhook_endpoints.delete(endpoint.id)


def test_a_non_connect_endpoint_gets_no_connected_account_events(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    own = client.v1.webhook_endpoints.create({"url": receiver.url, "enabled_events": ["*"]})
    connect = client.v1.webhook_endpoints.create(
        {"url": receiver.url + "?connect", "enabled_events": ["*"], "connect": True}
    )
    try:
        account = custom(client)
        client.v1.accounts.update(account.id, {"metadata": {"a": "1"}})
        assert receiver.wait_for(lambda _: bool(events_of(receiver, account.id, "account.updated")))
        # the own-account endpoint would be a second delivery of the same event
        assert not receiver.wait_for(
            lambda _: len(events_of(receiver, account.id, "account.updated")) > 1, within=1.0
        )
    finally:
        client.v1.webhook_endpoints.delete(own.id)
        client.v1.webhook_endpoints.delete(connect.id)
