"""The Events and Event Destinations APIs through the official SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe

from tests.conftest import RunningServer

REQUIREMENTS = "v2.core.account[requirements].updated"


def destination(client: stripe.StripeClient, **extra: Any) -> Any:
    return client.v2.core.event_destinations.create(
        {
            "name": "Platform webhooks",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": [REQUIREMENTS, "v2.core.account.created"],
            "webhook_endpoint": {"url": "http://127.0.0.1:9/webhooks"},
            **extra,
        }
    )


def recipient(client: stripe.StripeClient) -> Any:
    return client.v2.core.accounts.create(
        {
            "contact_email": "jenny@example.com",
            "identity": {"country": "us", "entity_type": "individual"},
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
        }
    )


def test_events_are_listed_newest_first_filtered_and_retrieved_in_full(
    client: stripe.StripeClient,
) -> None:
    account = recipient(client)
    client.v2.core.accounts.update(
        account.id, {"identity": {"individual": {"given_name": "Jenny"}}}
    )
    events = list(
        client.v2.core.events.list({"object_id": account.id, "limit": 2}).auto_paging_iter()
    )
    types = [e.type for e in events]
    assert types[-1] == "v2.core.account.created"
    assert "v2.core.account[identity].updated" in types
    created = [e.created for e in events]
    assert created == sorted(created, reverse=True)
    only = client.v2.core.events.list(
        {"object_id": account.id, "types": ["v2.core.account.created"]}
    )
    assert [e.type for e in only.data] == ["v2.core.account.created"]
    full = client.v2.core.events.retrieve(only.data[0].id)
    assert full.related_object.id == account.id
    assert full.related_object.url == f"/v2/core/accounts/{account.id}"
    assert full.context == account.id
    assert full.reason.type == "request"
    assert full.reason.request.id.startswith("req_")
    later = datetime.now(UTC) + timedelta(days=1)
    none = client.v2.core.events.list(
        {"object_id": account.id, "created": {"gt": later.isoformat().replace("+00:00", "Z")}}
    )
    assert none.data == []


def test_capability_events_carry_the_updated_capability(client: stripe.StripeClient) -> None:
    account = recipient(client)
    events = client.v2.core.events.list({"object_id": account.id, "limit": 50}).data
    updates = [e for e in events if e.type.endswith("capability_status_updated")]
    for event in updates:
        full = client.v2.core.events.retrieve(event.id)
        assert full.data.updated_capability


def test_a_destination_shows_its_secret_only_on_create_when_asked(
    client: stripe.StripeClient,
) -> None:
    plain = destination(client)
    assert plain.id.startswith("ed_test_")
    assert plain.webhook_endpoint.signing_secret is None
    asked = destination(client, include=["webhook_endpoint.signing_secret", "webhook_endpoint.url"])
    assert asked.webhook_endpoint.signing_secret.startswith("whsec_")
    assert asked.webhook_endpoint.url == "http://127.0.0.1:9/webhooks"
    again = client.v2.core.event_destinations.retrieve(
        asked.id, {"include": ["webhook_endpoint.url"]}
    )
    assert again.webhook_endpoint.signing_secret is None
    assert again.webhook_endpoint.url == "http://127.0.0.1:9/webhooks"
    assert again.status == "enabled" and again.event_payload == "thin"


def test_destinations_are_updated_disabled_enabled_listed_and_deleted(
    client: stripe.StripeClient,
) -> None:
    created = destination(client, metadata={"team": "payments"})
    updated = client.v2.core.event_destinations.update(
        created.id,
        {"name": "Renamed", "enabled_events": [REQUIREMENTS], "metadata": {"team": None}},
    )
    assert updated.name == "Renamed"
    assert updated.enabled_events == [REQUIREMENTS]
    assert updated.metadata.to_dict() == {}
    disabled = client.v2.core.event_destinations.disable(created.id)
    assert disabled.status == "disabled"
    assert disabled.status_details.disabled.reason == "user"
    enabled = client.v2.core.event_destinations.enable(created.id)
    assert enabled.status == "enabled" and enabled.status_details is None
    ids = [d.id for d in client.v2.core.event_destinations.list().auto_paging_iter()]
    assert created.id in ids
    deleted = client.v2.core.event_destinations.delete(created.id)
    assert deleted.id == created.id
    with pytest.raises(stripe.InvalidRequestError) as gone:
        client.v2.core.event_destinations.retrieve(created.id)
    assert gone.value.http_status == 404


def test_ping_returns_the_ping_event(client: stripe.StripeClient) -> None:
    created = destination(client)
    event = client.v2.core.event_destinations.ping(created.id)
    assert event.type == "v2.core.event_destination.ping"
    assert event.related_object.id == created.id
    assert event.related_object.url == f"/v2/core/event_destinations/{created.id}"
    assert client.v2.core.events.retrieve(event.id).id == event.id


def test_what_gangway_does_not_deliver_is_refused_clearly(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as snapshot:
        destination(client, event_payload="snapshot")
    assert snapshot.value.param == "event_payload"
    with pytest.raises(stripe.InvalidRequestError) as bridge:
        client.v2.core.event_destinations.create(
            {
                "name": "AWS",
                "type": "amazon_eventbridge",
                "event_payload": "thin",
                "enabled_events": [REQUIREMENTS],
                "amazon_eventbridge": {"aws_account_id": "1", "aws_region": "us-east-1"},
            }
        )
    assert bridge.value.code == "unsupported_feature"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        destination(client, enabled_events=["v2.core.account.exploded"])
    assert unknown.value.param == "enabled_events[0]"
    live = stripe.StripeClient(server.new_key("live"), base_addresses={"api": server.url})
    with pytest.raises(stripe.InvalidRequestError) as plain_http:
        destination(live)
    assert plain_http.value.param == "webhook_endpoint[url]"
