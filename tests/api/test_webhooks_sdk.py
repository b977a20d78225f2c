"""Webhook delivery end to end: ``gangway serve`` posts signed thin events to a local receiver,
and the official SDK verifies and parses them (``parse_event_notification``) and follows them
back (``fetch_related_object``, ``fetch_event``). Then the faults: a receiver that fails, is
down, a destination disabled or deleted, a manual resend, a stale signature.

The servers here run test mode's retry schedule and the circuit's pauses in milliseconds
(``FAST``) so retries happen within the test; both are unit-tested in ``tests/unit/webhooks``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe

from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY
from gangway.services.destinations import EVENT_TYPES
from gangway.webhooks.signing import signature_header
from tests.api.conftest import sdk
from tests.api.receiver import Receiver, receiving
from tests.api.test_future_requirements import FUTURE
from tests.conftest import RunningServer, scratch_postgres, start_server, stop_server
from tests.hosted.conftest import Browser, link_for

FAST = {
    "GANGWAY_DELIVERY_TEST_RETRIES": "500",
    "GANGWAY_DELIVERY_TEST_RETRY_BASE_SECONDS": "0.05",
    "GANGWAY_DELIVERY_TEST_RETRY_CAP_SECONDS": "0.2",
    "GANGWAY_DELIVERY_POLL_SECONDS": "0.05",
    "GANGWAY_DELIVERY_TIMEOUT_SECONDS": "2",
    # a failing destination pauses for 0.1 s, not 30 s (tests/store/test_fair_delivery.py)
    "GANGWAY_DELIVERY_CIRCUIT_PAUSE_SECONDS": "0.1",
    "GANGWAY_DELIVERY_CIRCUIT_PAUSE_CAP_SECONDS": "0.2",
}
PING = "v2.core.event_destination.ping"
CREATED = "v2.core.account.created"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def hooks_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """Fast retries, and US rules that announce a future requirement (so an identity change
    moves ``future_requirements`` too)."""
    rules = tmp_path_factory.mktemp("rules")
    us = (DEFAULT_RULES_DIRECTORY / "us.yaml").read_text()
    source = us.split("sources:", 1)[1].split("id:", 1)[1].split()[0]
    (rules / "us.yaml").write_text(us + FUTURE.replace("{source}", source))
    with contextlib.ExitStack() as stack:
        database_url = (
            stack.enter_context(scratch_postgres("gangway_hooks"))
            if request.param == "postgres"
            else None
        )
        running = start_server(
            tmp_path_factory.mktemp(f"hooks-{request.param}"),
            database_url,
            env={**FAST, "GANGWAY_RULES_DIR": str(rules)},
        )
        try:
            yield running
        finally:
            stop_server(running)


@pytest.fixture()
def client(hooks_server: RunningServer) -> stripe.StripeClient:
    return sdk(hooks_server)


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def endpoint(
    client: stripe.StripeClient, receiver: Receiver, types: list[str] | None = None
) -> tuple[str, str]:
    """A destination posting to the receiver: ``(id, whsec_ secret)``."""
    created = client.v2.core.event_destinations.create(
        {
            "name": "Receiver",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": types or sorted(EVENT_TYPES),
            "webhook_endpoint": {"url": receiver.url},
            "include": ["webhook_endpoint.signing_secret"],
        }
    )
    return created.id, created.webhook_endpoint.signing_secret


def gangway(server: RunningServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.test_key}"}
    return httpx.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def deliveries(server: RunningServer, destination: str, **params: Any) -> list[dict[str, Any]]:
    response = gangway(
        server, "GET", f"/_gangway/event_destinations/{destination}/deliveries", params=params
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def quiet_for(receiver: Receiver, seconds: float) -> bool:
    """Nothing new arrives for this long."""
    before = len(receiver.deliveries)
    time.sleep(seconds)
    return len(receiver.deliveries) == before


def test_every_event_type_arrives_signed_and_the_sdk_parses_and_follows_it(
    hooks_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, secret = endpoint(client, receiver)
    account = client.v2.core.accounts.create(
        {
            "display_name": "Shop",
            "contact_email": "jenny@example.com",
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    update = client.v2.core.accounts.update
    update(
        account.id,
        {
            "identity": {
                "country": "us",
                "entity_type": "individual",
                "individual": {"given_name": "Jenny"},
            }
        },
    )  # identity, requirements, future_requirements
    update(account.id, {"defaults": {"locales": ["fr-FR"]}})
    update(account.id, {"display_name": "Shop 2"})  # only v2.core.account.updated
    for name, capabilities in (
        ("customer", {"automatic_indirect_tax": {"requested": True}}),
        ("recipient", {"stripe_balance": {"stripe_transfers": {"requested": True}}}),
        ("merchant", {"ach_debit_payments": {"requested": True}}),
    ):
        update(account.id, {"configuration": {name: {"capabilities": capabilities}}})
    update(account.id, {"configuration": {"merchant": {"mcc": "5734"}}})
    person = client.v2.core.accounts.persons.create(
        account.id, {"given_name": "Bob", "relationship": {"owner": True}}
    )
    client.v2.core.accounts.persons.update(account.id, person.id, {"given_name": "Rob"})
    with httpx.Client(base_url=hooks_server.url, timeout=30) as http:
        browser = Browser(hooks_server, http)
        browser.get(link_for(client, account.id))
        assert browser.post({}, action="save").status_code == 303  # Save for later
    client.v2.core.event_destinations.ping(destination)

    so_far = EVENT_TYPES - {"v2.core.account.closed", "v2.core.account_person.deleted"}
    assert receiver.wait_for_types(so_far), so_far - {d.event["type"] for d in receiver.deliveries}
    # while everything still exists, every related object can be fetched back
    _check_each(client, receiver, secret, fetch=True)

    client.v2.core.accounts.persons.delete(account.id, person.id)
    client.v2.core.accounts.close(account.id, {})
    assert receiver.wait_for_types(set(EVENT_TYPES))
    _check_each(client, receiver, secret, fetch=False)

    # every event recorded since, exactly once (every answer was a 200)
    recorded = {
        event.id
        for object_id in (account.id, person.id, destination)
        for event in client.v2.core.events.list({"object_id": object_id}).auto_paging_iter()
    }
    assert receiver.wait_for(lambda got: recorded <= {d.event["id"] for d in got})
    assert quiet_for(receiver, 0.3)
    ids = [d.event["id"] for d in receiver.deliveries]
    assert sorted(ids) == sorted(recorded)
    delivered = {d["event"] for d in deliveries(hooks_server, destination, limit=100)}
    assert delivered == recorded


def _check_each(
    client: stripe.StripeClient, receiver: Receiver, secret: str, *, fetch: bool
) -> None:
    for delivery in receiver.deliveries:
        assert delivery.headers["content-type"] == "application/json"
        assert delivery.headers["user-agent"].startswith("Gangway/")
        notification: Any = client.parse_event_notification(
            delivery.body, delivery.signature, secret
        )
        body = delivery.event
        assert notification.id == body["id"] and notification.type == body["type"]
        assert "data" not in body  # thin
        event = notification.fetch_event()
        assert event.id == body["id"] and event.type == body["type"]
        if body["type"] == "v2.core.account_link.returned":
            assert "related_object" not in body
            assert event.data.account_id == body["context"]
            continue
        related = body["related_object"]
        assert notification.related_object.id == related["id"]
        if fetch:
            assert notification.fetch_related_object().id == related["id"]


def test_a_failed_attempt_is_retried_until_the_receiver_answers_2xx(
    hooks_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, secret = endpoint(client, receiver, [PING])
    receiver.answer(500, 503)
    event = client.v2.core.event_destinations.ping(destination)
    assert receiver.wait_for(lambda got: any(d.status == 200 for d in got))
    assert [d.status for d in receiver.deliveries] == [500, 503, 200]
    assert {d.event["id"] for d in receiver.deliveries} == {event.id}
    for delivery in receiver.deliveries:  # each attempt signed on its own
        client.parse_event_notification(delivery.body, delivery.signature, secret)
    (record,) = _settled(hooks_server, destination)
    assert record["status"] == "succeeded" and record["attempt_count"] == 3
    assert [a["status_code"] for a in record["attempts"]] == [500, 503, 200]
    assert record["attempts"][0]["response_body"] == "receiver says no"
    assert all(a["latency_ms"] >= 0 and a["error"] is None for a in record["attempts"])


def _settled(server: RunningServer, destination: str, within: float = 5) -> list[dict[str, Any]]:
    """The deliveries once none is pending (outcomes are recorded just after the answer)."""
    deadline = time.monotonic() + within
    while True:
        found = deliveries(server, destination)
        if all(d["status"] != "pending" for d in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_everything_arrives_once_a_receiver_that_was_down_is_back(
    hooks_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, _ = endpoint(client, receiver, [CREATED, PING])
    receiver.down()
    owed = {client.v2.core.accounts.create({"display_name": f"down-{i}"}).id for i in range(5)}
    ping = client.v2.core.event_destinations.ping(destination)
    time.sleep(0.6)  # several attempts are refused meanwhile
    refused = deliveries(hooks_server, destination)
    assert all(d["status"] == "pending" for d in refused)
    assert any(a["error"] == "could not connect" for d in refused for a in d["attempts"])
    receiver.up()  # the same port
    assert receiver.wait_for(lambda got: len({d.event["id"] for d in got}) == 6)
    arrived = receiver.accepted()
    assert {d.event["related_object"]["id"] for d in arrived if d.event["type"] == CREATED} == owed
    assert ping.id in {d.event["id"] for d in arrived}


def test_a_disabled_destination_gets_nothing_until_enabled_then_its_pending_deliveries(
    hooks_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, _ = endpoint(client, receiver, [CREATED, PING])
    receiver.status = 500
    pending = client.v2.core.event_destinations.ping(destination)
    assert receiver.wait_for(lambda got: len(got) >= 2)  # failing and being retried
    client.v2.core.event_destinations.disable(destination)
    time.sleep(0.3)  # an attempt already under way may still land
    receiver.status = 200
    while_disabled = client.v2.core.accounts.create({"display_name": "while disabled"})
    assert quiet_for(receiver, 1.0)
    client.v2.core.event_destinations.enable(destination)
    assert receiver.wait_for(
        lambda got: pending.id in {d.event["id"] for d in got if d.status == 200}
    )
    assert quiet_for(receiver, 0.5)
    # an event of the disabled period was never owed to it
    types = {
        (d.event["type"], d.event.get("related_object", {}).get("id")) for d in receiver.deliveries
    }
    assert (CREATED, while_disabled.id) not in types


def test_a_deleted_destination_never_receives_again(
    hooks_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, _ = endpoint(client, receiver, [CREATED, PING])
    receiver.status = 500
    client.v2.core.event_destinations.ping(destination)
    assert receiver.wait_for(lambda got: len(got) >= 2)
    client.v2.core.event_destinations.delete(destination)
    time.sleep(0.3)
    receiver.status = 200
    client.v2.core.accounts.create({"display_name": "after the delete"})
    assert quiet_for(receiver, 1.0)
    assert not receiver.accepted()
    listed = gangway(hooks_server, "GET", f"/_gangway/event_destinations/{destination}/deliveries")
    assert listed.status_code == 404


def test_a_delivery_is_listed_with_its_attempts_and_can_be_resent(
    hooks_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, secret = endpoint(client, receiver, [PING])
    first = client.v2.core.event_destinations.ping(destination)
    second = client.v2.core.event_destinations.ping(destination)
    assert receiver.wait_for(lambda got: len(got) == 2)
    newest, oldest = _settled(hooks_server, destination)
    assert (newest["event"], oldest["event"]) == (second.id, first.id)  # newest first
    page = gangway(
        hooks_server,
        "GET",
        f"/_gangway/event_destinations/{destination}/deliveries",
        params={"limit": 1},
    ).json()
    assert [d["id"] for d in page["data"]] == [newest["id"]]
    following = gangway(hooks_server, "GET", page["next_page_url"]).json()
    assert [d["id"] for d in following["data"]] == [oldest["id"]]

    resent = gangway(
        hooks_server,
        "POST",
        f"/_gangway/event_destinations/{destination}/deliveries/{oldest['id']}/resend",
    )
    assert resent.status_code == 200, resent.text
    assert resent.json()["status"] == "pending"
    assert receiver.wait_for(lambda got: len(got) == 3)
    again = receiver.deliveries[-1]
    assert again.event["id"] == first.id  # the same event, signed afresh
    client.parse_event_notification(again.body, again.signature, secret)
    (record,) = [d for d in _settled(hooks_server, destination) if d["id"] == oldest["id"]]
    assert record["status"] == "succeeded" and len(record["attempts"]) == 2

    unknown = gangway(
        hooks_server,
        "POST",
        f"/_gangway/event_destinations/{destination}/deliveries/dlv_test_nope/resend",
    )
    assert unknown.status_code == 404
    live = httpx.get(
        f"{hooks_server.url}/_gangway/event_destinations/{destination}/deliveries",
        headers={"Authorization": f"Bearer {hooks_server.new_key('live')}"},
    )
    assert live.status_code == 404  # test-mode destinations are invisible to live keys


def test_a_signature_older_than_five_minutes_fails_the_sdk_check(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, secret = endpoint(client, receiver, [PING])
    client.v2.core.event_destinations.ping(destination)
    assert receiver.wait_for(lambda got: len(got) == 1)
    (delivery,) = receiver.deliveries
    timestamp = int(delivery.signature.split(",")[0].removeprefix("t="))
    assert abs(timestamp - time.time()) < 10  # signed at the attempt
    client.parse_event_notification(delivery.body, delivery.signature, secret)

    now = int(time.time())
    stale = signature_header(delivery.body, secret, now - 301)
    with pytest.raises(stripe.SignatureVerificationError):
        client.parse_event_notification(delivery.body, stale, secret)
    fresh = signature_header(delivery.body, secret, now - 5)
    client.parse_event_notification(delivery.body, fresh, secret)
    with pytest.raises(stripe.SignatureVerificationError):
        client.parse_event_notification(delivery.body + b" ", delivery.signature, secret)
    with pytest.raises(stripe.SignatureVerificationError):
        client.parse_event_notification(delivery.body, delivery.signature, "whsec_other")
