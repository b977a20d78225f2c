"""The console's deliveries pages in Chromium: an admin finds the failing destination first,
opens its failed delivery, and once the receiver has come back resends it and sees it succeed.
Every page is screenshotted at 1280x800 and 390x844 (``shoot``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import stripe

from tests.api.receiver import receiving
from tests.browser.conftest import Journey
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer

PING = "v2.core.event_destination.ping"


def _destination(client: stripe.StripeClient, name: str, url: str) -> str:
    created = client.v2.core.event_destinations.create(
        {
            "name": name,
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": [PING],
            "webhook_endpoint": {"url": url},
        }
    )
    return str(created.id)


def _newest(server: RunningServer, key: str, destination: str, check: Any) -> dict[str, Any]:
    """The destination's newest delivery once ``check`` holds (a bounded poll of the API)."""
    deadline = time.monotonic() + 10
    while True:
        answer = httpx.get(
            f"{server.url}/_gangway/event_destinations/{destination}/deliveries",
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        )
        found = answer.json()["data"]
        if found and check(found[0]):
            return dict(found[0])
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


@pytest.mark.usefixtures("console_operators")
def test_an_admin_resends_a_failed_delivery_to_a_receiver_that_has_come_back(
    open_journey: Callable[..., Journey], gangway: RunningServer
) -> None:
    printed = gangway._cli("platforms", "create", "--name", "Deliveries in a browser")
    platform, key = printed.split()[0], printed.rsplit("(shown once): ", 1)[1].strip()
    client = stripe.StripeClient(key, base_addresses={"api": gangway.url})
    with receiving() as flaky_receiver, receiving() as healthy_receiver:
        flaky_receiver.answer(500)
        flaky_receiver.reply = b"<h1>Service unavailable</h1>"
        flaky = _destination(client, "Orders service", flaky_receiver.url)
        healthy = _destination(client, "Analytics", healthy_receiver.url)
        ping = client.v2.core.event_destinations.ping(flaky)
        client.v2.core.event_destinations.ping(healthy)
        failed = _newest(gangway, key, flaky, lambda d: d["attempt_count"] >= 1)
        _newest(gangway, key, healthy, lambda d: d["status"] == "succeeded")

        journey = signed_in(open_journey, gangway, "admin")
        page = journey.page
        journey.goto(f"{gangway.url}/console/{platform}/test/deliveries")
        first = page.locator("table.data tbody tr").first
        assert "Orders service" in first.inner_text()  # the failing one, though older
        assert "0%" in first.inner_text()
        shoot(journey, "deliveries-destinations")

        journey.follow("text=Orders service")
        assert page.get_by_role("heading", name="Orders service").count() == 1
        shoot(journey, "deliveries-destination")

        journey.follow(f'a[href$="/{failed["id"]}"]')
        assert "HTTP 500" in page.locator("table.attempts").inner_text()
        assert "<h1>Service unavailable</h1>" in page.locator("pre.excerpt").inner_text()
        shoot(journey, "deliveries-attempts")

        flaky_receiver.reply = None  # the receiver has come back: 200 from now on
        with page.expect_navigation():
            page.get_by_role("button", name="Resend").click()
        assert "due again" in page.get_by_role("status").inner_text()
        _newest(gangway, key, flaky, lambda d: d["status"] == "succeeded")
        page.reload()
        newest = page.locator("table.attempts tbody tr").first
        assert "HTTP 200" in newest.inner_text()
        assert page.locator(".card .badge.succeeded").count() == 1
        shoot(journey, "deliveries-resent")

        journey.follow(f'a[href$="/events/{ping.id}"]')
        assert PING in page.locator("main").inner_text()
        assert "Orders service" in page.locator("table.data").inner_text()
        shoot(journey, "deliveries-event")
    journey.check()
