"""The console's deliveries pages over real HTTP, against real local receivers.

A platform of its own has two destinations: ``flaky`` (older) posts to a receiver that answers
its first delivery with a 500 and an HTML-looking body, then 200s; ``healthy`` (newer) to one
that always answers 200. Each gets a ping. The pages must put the failing one first, show the
attempt's status, latency and (escaped) answer, let only an admin resend and enable or disable,
audit both, and keep test and live apart.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import stripe

from tests.api.receiver import Receiver, receiving
from tests.conftest import RunningServer
from tests.console.conftest import csrf_of, sign_in

PING = "v2.core.event_destination.ping"
ANGRY = b"<script>alert('owned')</script> receiver is down"


@dataclass(frozen=True)
class World:
    server: RunningServer
    platform: str
    key: str
    client: stripe.StripeClient
    flaky: str
    healthy: str
    flaky_receiver: Receiver
    ping: str
    """The flaky destination's ping event."""

    @property
    def prefix(self) -> str:
        return f"/console/{self.platform}/test"

    def deliveries(self, destination: str) -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{self.server.url}/_gangway/event_destinations/{destination}/deliveries",
            headers={"Authorization": f"Bearer {self.key}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["data"]
        return found

    def settled(self, destination: str, check: Any, within: float = 10) -> dict[str, Any]:
        """The destination's newest delivery once ``check`` holds for it (a bounded poll)."""
        deadline = time.monotonic() + within
        while True:
            found = self.deliveries(destination)
            if found and check(found[0]):
                return found[0]
            assert time.monotonic() < deadline, found
            time.sleep(0.05)


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


@pytest.fixture(scope="module")
def world(console_server: RunningServer) -> Iterator[World]:
    printed = console_server._cli("platforms", "create", "--name", "Deliveries platform")
    platform = printed.split()[0]
    key = printed.rsplit("(shown once): ", 1)[1].strip()
    client = stripe.StripeClient(key, base_addresses={"api": console_server.url})
    with receiving() as flaky_receiver, receiving() as healthy_receiver:
        flaky_receiver.answer(500)
        flaky_receiver.reply = ANGRY
        flaky = _destination(client, "Flaky receiver", flaky_receiver.url)
        healthy = _destination(client, "Healthy receiver", healthy_receiver.url)
        ping = client.v2.core.event_destinations.ping(flaky)
        client.v2.core.event_destinations.ping(healthy)
        world = World(
            console_server, platform, key, client, flaky, healthy, flaky_receiver, ping.id
        )
        world.settled(flaky, lambda d: d["attempt_count"] >= 1)
        world.settled(healthy, lambda d: d["status"] == "succeeded")
        flaky_receiver.reply = None  # it has come back: 200s from now on
        yield world


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", page, re.S)


def test_failing_destination_is_listed_first_with_its_success_rate(world: World) -> None:
    with sign_in(world.server, "viewer") as client:
        page = client.get(f"{world.prefix}/deliveries")
    assert page.status_code == 200
    rows = _rows(page.text)
    flaky = next(i for i, row in enumerate(rows) if world.flaky in row)
    healthy = next(i for i, row in enumerate(rows) if world.healthy in row)
    assert flaky < healthy  # older, but failing: first
    assert "0%" in rows[flaky] and "0 of 1" in rows[flaky]  # the hour before any resend
    assert "100%" in rows[healthy] and "1 of 1" in rows[healthy]
    assert "p50" in rows[flaky] and "p99" in rows[flaky]
    assert "127.0.0.1" in rows[flaky]  # the host, not the path
    assert "/webhooks" not in rows[flaky]


def test_attempts_show_status_latency_and_the_answer_as_text(world: World) -> None:
    (delivery,) = [d for d in world.deliveries(world.flaky) if d["event"] == world.ping]
    with sign_in(world.server, "viewer") as client:
        listing = client.get(f"{world.prefix}/deliveries/{world.flaky}")
        page = client.get(f"{world.prefix}/deliveries/{world.flaky}/{delivery['id']}")
    assert listing.status_code == 200
    assert PING in listing.text and f"{world.prefix}/events/{world.ping}" in listing.text
    assert page.status_code == 200
    first = _rows(page.text)[-1]  # newest first: the first attempt is the last row
    assert "HTTP 500" in first
    assert re.search(r"\d+ ms", first)
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; receiver is down" in first
    assert "<script>" not in page.text
    assert "Resend" not in page.text  # a viewer gets no buttons


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_only_an_admin_may_resend_or_disable(world: World, who: str) -> None:
    (before,) = [d for d in world.deliveries(world.flaky) if d["event"] == world.ping]
    base = f"{world.prefix}/deliveries/{world.flaky}"
    with sign_in(world.server, who) as client:
        csrf = csrf_of(client, base)
        page = client.get(f"{base}/{before['id']}")
        resend = client.post(f"{base}/{before['id']}/resend", data={"csrf": csrf})
        disable = client.post(f"{base}/status", data={"csrf": csrf, "action": "disable"})
    assert "Resend" not in page.text and "Disable" not in page.text
    assert resend.status_code == disable.status_code == 403
    (after,) = [d for d in world.deliveries(world.flaky) if d["event"] == world.ping]
    assert after["updated"] == before["updated"] and after["status"] == before["status"]
    assert world.client.v2.core.event_destinations.retrieve(world.flaky).status == "enabled"


def test_an_admin_resends_a_failed_delivery_to_a_receiver_that_came_back(world: World) -> None:
    (failed,) = [d for d in world.deliveries(world.flaky) if d["event"] == world.ping]
    assert failed["status"] != "succeeded"
    page_path = f"{world.prefix}/deliveries/{world.flaky}/{failed['id']}"
    with sign_in(world.server, "admin") as client:
        page = client.get(page_path)
        assert "Resend" in page.text
        answer = client.post(page_path + "/resend", data={"csrf": csrf_of(client, page_path)})
        assert answer.status_code == 303
        assert answer.headers["location"] == page_path + "?done=resent"
        world.settled(world.flaky, lambda d: d["status"] == "succeeded")
        after = client.get(answer.headers["location"])
        audit = client.get("/console/audit", params={"target": failed["id"]})
    assert "The delivery is due again" in after.text
    rows = _rows(after.text)
    assert "HTTP 200" in rows[-2] and "HTTP 500" in rows[-1]  # newest attempt first
    assert 'class="badge succeeded"' in after.text
    assert "deliveries.resend" in audit.text and "admin@example.com" in audit.text


def test_an_admin_disables_and_enables_a_destination_as_the_api_sees_it(world: World) -> None:
    base = f"{world.prefix}/deliveries/{world.healthy}"
    with sign_in(world.server, "admin") as client:
        csrf = csrf_of(client, base)
        off = client.post(base + "/status", data={"csrf": csrf, "action": "disable"})
        assert off.status_code == 303 and off.headers["location"] == base + "?done=disabled"
        assert world.client.v2.core.event_destinations.retrieve(world.healthy).status == (
            "disabled"
        )
        disabled = client.get(base)
        on = client.post(base + "/status", data={"csrf": csrf, "action": "enable"})
        assert on.status_code == 303
        assert world.client.v2.core.event_destinations.retrieve(world.healthy).status == ("enabled")
        bogus = client.post(base + "/status", data={"csrf": csrf, "action": "explode"})
        audit = client.get("/console/audit", params={"target": world.healthy})
    assert 'class="badge disabled"' in disabled.text and ">Enable</button>" in disabled.text
    assert bogus.status_code == 400 and "Unknown action" in bogus.text
    assert "deliveries.destination_disabled" in audit.text
    assert "deliveries.destination_enabled" in audit.text


def test_the_status_filter_and_bad_input(world: World) -> None:
    base = f"{world.prefix}/deliveries/{world.healthy}"
    with sign_in(world.server, "viewer") as client:
        succeeded = client.get(base, params={"status": "succeeded"})
        failed = client.get(base, params={"status": "failed"})
        bogus = client.get(base, params={"status": "<b>nope</b>"})
        cursor = client.get(base, params={"page": "sideways.x.y"})
        missing = client.get(f"{world.prefix}/deliveries/ed_test_nope")
    assert PING in succeeded.text and "No deliveries match." not in succeeded.text
    assert "No deliveries match." in failed.text
    assert bogus.status_code == 400 and "Unknown status" in bogus.text
    assert "<b>nope" not in bogus.text
    assert cursor.status_code == 400 and "This page link is not valid" in cursor.text
    assert missing.status_code == 404


def test_the_event_page_shows_the_event_and_its_deliveries(world: World) -> None:
    with sign_in(world.server, "viewer") as client:
        page = client.get(f"{world.prefix}/events/{world.ping}")
        missing = client.get(f"{world.prefix}/events/evt_test_nope")
    assert page.status_code == 200
    assert PING in page.text and "Flaky receiver" in page.text
    (delivery,) = [d for d in world.deliveries(world.flaky) if d["event"] == world.ping]
    assert f"{world.prefix}/deliveries/{world.flaky}/{delivery['id']}" in page.text
    assert '<pre class="payload">' in page.text and "&#34;reason&#34;" in page.text
    assert missing.status_code == 404


def test_test_and_live_destinations_are_never_mixed(world: World) -> None:
    server = world.server
    main = world.platform
    live_key = server._cli("keys", "create", "--mode", "live", "--platform", main).strip()
    live = stripe.StripeClient(live_key, base_addresses={"api": server.url})
    live_id = _destination(live, "Live receiver", "https://hooks.invalid/live")
    with sign_in(server, "admin") as client:
        live_page = client.get(f"/console/{main}/live/deliveries")
        test_page = client.get(f"/console/{main}/test/deliveries")
        crossed = client.get(f"/console/{main}/test/deliveries/{live_id}")
        first = client.get("/console/").headers["location"].split("/")[2]  # another platform
        other = client.get(f"/console/{first}/live/deliveries")
    with sign_in(server, "viewer") as client:
        refused = client.get(f"/console/{main}/live/deliveries")
    assert live_id in live_page.text and "hooks.invalid" in live_page.text
    assert live_id not in test_page.text
    assert world.flaky not in live_page.text and live_id not in other.text
    assert crossed.status_code == 404
    assert refused.status_code == 403


def test_a_destinations_deliveries_page_newest_first(world: World) -> None:
    pinged = [world.client.v2.core.event_destinations.ping(world.healthy).id for _ in range(26)]
    base = f"{world.prefix}/deliveries/{world.healthy}"
    with sign_in(world.server, "viewer") as client:
        first = client.get(base)
        older = re.search(r'href="([^"]+)">Older', first.text)
        assert older, first.text
        second = client.get(older.group(1).replace("&amp;", "&"))
        newer = re.search(r'href="([^"]+)">← Newer', second.text)
        assert newer
        back = client.get(newer.group(1).replace("&amp;", "&"))
    events = re.compile(r"/events/(evt_[A-Za-z0-9_]+)")
    assert events.findall(first.text)[:25] == list(reversed(pinged))[:25]
    assert pinged[0] in events.findall(second.text) and pinged[0] not in events.findall(first.text)
    assert events.findall(back.text) == events.findall(first.text)
