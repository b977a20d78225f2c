"""A destination that fails for long enough is disabled, as Stripe does, and the SDK sees why:
``status`` ``disabled`` with ``status_details.disabled.reason`` ``failing``. Enabling it again
starts its circuit afresh and the deliveries it was owed arrive.

The server here pauses a failing destination after 2 failures for 0.1 s and disables a
test-mode destination whose failures span 1 s (the defaults: 5 failures, 30 s, 1 day)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import pytest
import stripe

from tests.api.conftest import sdk
from tests.api.receiver import Receiver, receiving
from tests.api.test_webhooks_sdk import CREATED, FAST, PING, deliveries, endpoint, quiet_for
from tests.conftest import RunningServer, scratch_postgres, start_server, stop_server

DISABLES_QUICKLY = {
    **FAST,
    "GANGWAY_DELIVERY_CIRCUIT_FAILURES": "2",
    "GANGWAY_DELIVERY_CIRCUIT_PAUSE_SECONDS": "0.1",
    "GANGWAY_DELIVERY_CIRCUIT_PAUSE_CAP_SECONDS": "0.2",
    "GANGWAY_DELIVERY_TEST_DISABLE_AFTER_SECONDS": "1",
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def circuit_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with contextlib.ExitStack() as stack:
        database_url = (
            stack.enter_context(scratch_postgres("gangway_circuit"))
            if request.param == "postgres"
            else None
        )
        running = start_server(
            tmp_path_factory.mktemp(f"circuit-{request.param}"), database_url, env=DISABLES_QUICKLY
        )
        try:
            yield running
        finally:
            stop_server(running)


@pytest.fixture()
def client(circuit_server: RunningServer) -> stripe.StripeClient:
    return sdk(circuit_server)


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def _disabled(client: stripe.StripeClient, destination: str, within: float = 10) -> bool:
    return _wait(
        lambda: client.v2.core.event_destinations.retrieve(destination).status == "disabled",
        within,
    )


def _wait(check: Callable[[], bool], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_destination_failing_for_long_is_disabled_with_its_reason_then_enabled_again(
    circuit_server: RunningServer, client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, secret = endpoint(client, receiver, [CREATED, PING])
    receiver.down()  # every attempt is refused
    owed = client.v2.core.event_destinations.ping(destination)
    assert _disabled(client, destination)

    disabled = client.v2.core.event_destinations.retrieve(destination)
    assert disabled.status == "disabled"
    assert disabled.status_details is not None and disabled.status_details.disabled is not None
    assert disabled.status_details.disabled.reason == "failing"
    listed = {d.id: d for d in client.v2.core.event_destinations.list().data}
    assert listed[destination].status_details.disabled.reason == "failing"
    (record,) = deliveries(circuit_server, destination)
    assert record["status"] == "pending"  # owed still: it waits for the destination
    # the circuit paused it between probes: far fewer attempts than 1 s of 50 ms retries
    assert 2 <= record["attempt_count"] <= 12

    while_disabled = client.v2.core.accounts.create({"display_name": "while disabled"})
    receiver.up()
    assert quiet_for(receiver, 0.5)  # a disabled destination receives nothing
    enabled = client.v2.core.event_destinations.enable(destination)
    assert enabled.status == "enabled" and enabled.status_details is None
    assert receiver.wait_for(lambda got: owed.id in {d.event["id"] for d in got})
    arrived = receiver.accepted()
    for delivery in arrived:
        client.parse_event_notification(delivery.body, delivery.signature, secret)
    # nothing was owed for the disabled period
    related = {d.event.get("related_object", {}).get("id") for d in arrived}
    assert while_disabled.id not in related
    assert client.v2.core.event_destinations.retrieve(destination).status == "enabled"


def test_a_destination_the_user_disabled_keeps_the_reason_user(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    destination, _ = endpoint(client, receiver, [PING])
    disabled = client.v2.core.event_destinations.disable(destination)
    assert disabled.status_details.disabled.reason == "user"
