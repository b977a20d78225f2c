"""Server-side request forgery, through the SDK: destinations at internal addresses are refused
with a 400 naming the parameter; a delivery the egress policy refuses sends nothing and keeps no
answer; a closed port and an address that swallows connections read alike; a redirect is never
followed."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from gangway.services.destinations import EVENT_TYPES
from tests.api.conftest import sdk
from tests.api.receiver import receiving
from tests.api.test_webhooks_sdk import FAST
from tests.conftest import RunningServer, scratch_postgres, start_server, stop_server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def egress_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with contextlib.ExitStack() as stack:
        database_url = (
            stack.enter_context(scratch_postgres("gangway_egress"))
            if request.param == "postgres"
            else None
        )
        running = start_server(
            tmp_path_factory.mktemp(f"egress-{request.param}"), database_url, env=FAST
        )
        try:
            yield running
        finally:
            stop_server(running)


@pytest.fixture(scope="module")
def live_key(egress_server: RunningServer) -> str:
    return egress_server.new_key("live")


def create(client: stripe.StripeClient, url: str) -> Any:
    return client.v2.core.event_destinations.create(
        {
            "name": "Hook",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": sorted(EVENT_TYPES),
            "webhook_endpoint": {"url": url},
        }
    )


def refused(client: stripe.StripeClient, url: str) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(client, url)
    assert caught.value.http_status == 400
    assert caught.value.param == "webhook_endpoint[url]"
    assert caught.value.code == "url_invalid"
    return caught.value


def attempts(
    server: RunningServer, destination: str, count: int = 1, key: str | None = None
) -> list[dict[str, Any]]:
    """The destination's attempts once at least ``count`` are recorded (newest delivery first)."""
    deadline = time.monotonic() + 15
    while True:
        response = httpx.get(
            f"{server.url}/_gangway/event_destinations/{destination}/deliveries",
            headers={"Authorization": f"Bearer {key or server.test_key}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        found = [a for d in response.json()["data"] for a in d["attempts"]]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.0.0.1:8443/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fd00:ec2::254]/hook",
        "https://100.100.100.200/hook",
        "https://localhost/hook",  # a name that resolves to loopback
    ],
)
def test_live_mode_refuses_destinations_at_internal_addresses(
    egress_server: RunningServer, live_key: str, url: str
) -> None:
    live = sdk(egress_server, live_key)
    error = refused(live, url)
    assert "live mode does not reach" in str(error.user_message)


@pytest.mark.parametrize(
    "url",
    ["https://2130706433/hook", "https://0x7f000001/hook", "https://0177.0.0.1/", "https://127.1/"],
)
def test_live_mode_refuses_the_other_spellings_of_loopback(
    egress_server: RunningServer, live_key: str, url: str
) -> None:
    """The system resolver reads these as 127.0.0.1 (whether the URL check refuses them first
    or the egress policy, they are refused on the URL)."""
    refused(sdk(egress_server, live_key), url)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://10.0.0.1:8080/hook",
        "http://192.168.1.1/hook",
        "http://0.0.0.0:8080/hook",
    ],
)
def test_test_mode_refuses_metadata_link_local_and_private_addresses(
    egress_server: RunningServer, url: str
) -> None:
    error = refused(sdk(egress_server), url)
    assert "test mode does not reach" in str(error.user_message)


def test_test_mode_accepts_loopback_and_an_update_is_checked_too(
    egress_server: RunningServer,
) -> None:
    client = sdk(egress_server)
    created = create(client, "http://127.0.0.1:9/hook")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.event_destinations.update(
            created.id, {"webhook_endpoint": {"url": "http://169.254.169.254/"}}
        )
    assert caught.value.param == "webhook_endpoint[url]"
    kept = client.v2.core.event_destinations.retrieve(
        created.id, {"include": ["webhook_endpoint.url"]}
    )
    assert kept.webhook_endpoint.url == "http://127.0.0.1:9/hook"


def test_a_closed_port_and_an_address_that_swallows_connections_read_alike(
    egress_server: RunningServer,
) -> None:
    client = sdk(egress_server)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with socket.socket() as blackhole, socket.socket() as filler:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(0)  # never accepted: once its queue is full, SYNs are dropped
        filler.connect(blackhole.getsockname())
        swallowed = blackhole.getsockname()[1]
        first = create(client, f"http://127.0.0.1:{closed}/hook").id
        second = create(client, f"http://127.0.0.1:{swallowed}/hook").id
        client.v2.core.event_destinations.ping(first)
        client.v2.core.event_destinations.ping(second)
        errors = {
            (a["error"], a["status_code"], a["response_body"])
            for destination in (first, second)
            for a in attempts(egress_server, destination)[:1]
        }
    assert errors == {("could not connect", None, None)}


def test_a_redirect_is_recorded_and_never_followed(egress_server: RunningServer) -> None:
    client = sdk(egress_server)
    with receiving() as target, receiving() as redirecting:
        redirecting.status = 307
        redirecting.headers = {"Location": target.url}
        destination = create(client, redirecting.url).id
        client.v2.core.event_destinations.ping(destination)
        (attempt, *_) = attempts(egress_server, destination)
        assert attempt["status_code"] == 307
        assert len(redirecting.deliveries) >= 1
        time.sleep(0.3)  # room for a follow-up that must not come
        assert target.deliveries == []


def test_a_delivery_the_policy_refuses_sends_nothing_and_keeps_no_answer(
    tmp_path: Path,
) -> None:
    """A destination created while the policy allowed it (test-mode loopback, a live one on the
    allow-list), then the operator tightens the policy: pings record the refusal, no status, no
    answer, and the internal service is never asked."""
    with receiving() as internal:
        internal.reply = b'{"secret": "the internal service answered"}'
        first = start_server(tmp_path, env={**FAST, "GANGWAY_EGRESS_ALLOWED_HOSTS": "127.0.0.1"})
        try:
            test_destination = create(sdk(first), internal.url).id
            live_key = first.new_key("live")
            live_destination = create(
                sdk(first, live_key), f"https://127.0.0.1:{internal.port}/webhooks"
            ).id
        finally:
            stop_server(first)
        second = start_server(tmp_path, env={**FAST, "GANGWAY_EGRESS_TEST_LOOPBACK": "false"})
        try:
            sdk(second).v2.core.event_destinations.ping(test_destination)
            sdk(second, live_key).v2.core.event_destinations.ping(live_destination)
            tried = attempts(second, test_destination)
            live_tried = attempts(second, live_destination, key=live_key)
        finally:
            stop_server(second)
        assert internal.deliveries == []
    for attempt, reason in (
        (tried[0], "127.0.0.1 is a loopback address, which test mode does not reach"),
        (live_tried[0], "127.0.0.1 is a loopback address, which live mode does not reach"),
    ):
        assert attempt["error"] == f"refused by the egress policy: {reason}"
        assert attempt["status_code"] is None
        assert attempt["response_body"] is None
