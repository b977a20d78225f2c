"""The v1 Connect platform journey, end to end, with stripe-python 16.1.0 as the platform and
Chromium as the account holder: a custom account created through ``/v1/accounts`` shows what is
due for its country, its ``/v1/account_links`` link opens the hosted form, the person completes
it and lands on ``return_url``, and the account turns ``charges_enabled`` and
``payouts_enabled``. Then the test clock passes a deadline and the platform's v1 webhook endpoint
receives a signed ``account.updated`` whose ``requirements.past_due`` is not empty and whose
``previous_attributes`` show what changed. The same account is read in v2 throughout.

The Node tier runs the same platform side through stripe-node (``tests/node/v1_journey.mjs``,
driven by ``test_v1_journey_through_stripe_node`` here, since only Python drives Chromium).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from tests.api.receiver import Receiver, receiving
from tests.browser.conftest import (
    US_BANK,
    US_INDIVIDUAL,
    WEBSITE,
    Journey,
    prefixed,
)
from tests.browser.conftest import (
    Receiver as Platform,
)
from tests.conftest import RunningServer, start_server, stop_server

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
DAY = 86_400


@pytest.fixture(scope="module")
def v1_gangway(
    _browser_tier: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """Deliveries polled often and loopback allowed for test-mode endpoints (the receiver is
    on 127.0.0.1)."""
    running = start_server(
        tmp_path_factory.mktemp("gangway-v1-journey"),
        env={"GANGWAY_DELIVERY_POLL_SECONDS": "0.05", "GANGWAY_EGRESS_TEST_LOOPBACK": "true"},
    )
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture()
def v1_journey(
    open_journey: Callable[..., Journey], v1_gangway: RunningServer
) -> Callable[[], Journey]:
    """A browser page whose Journey knows this module's Gangway."""

    def open_one() -> Journey:
        j = open_journey()
        j.gangway = v1_gangway.url
        return j

    return open_one


def advance(server: RunningServer, seconds: int) -> None:
    httpx.post(
        f"{server.url}/_gangway/test_clock/advance",
        json={"seconds": seconds},
        headers={"Authorization": f"Bearer {server.test_key}"},
        timeout=60,
    ).raise_for_status()


def complete_the_form(j: Journey, url: str, exits: set[str]) -> None:
    """What a US individual types, step by step, for card payments and transfers."""
    j.goto(url)
    j.expect("personal")
    j.fill(prefixed("identity[individual]", US_INDIVIDUAL))
    j.fill(
        {
            "identity[individual][id_numbers][0][type]": "us_ssn_last_4",
            "identity[individual][id_numbers][0][value]": "0000",
        }
    )
    j.press("continue")
    j.expect("profile")
    j.fill({"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE})
    j.press("continue")
    if j.step() == "public":
        j.fill({"configuration[merchant][statement_descriptor][descriptor]": "JENNY ROSEN"})
        j.press("continue")
    j.expect("bank")
    j.fill(US_BANK)
    j.press("continue")
    j.expect("review")
    assert j.page.locator(".notice").count() == 0, j.html()
    j.page.check("#tos")
    j.shot("review")
    j.press("submit")
    assert j.page.url in exits, j.page.url
    j.shot("back on the platform")


def wait_enabled(client: stripe.StripeClient, account: str, server: RunningServer) -> Any:
    """Verifications settle 5 s of the test clock after submission."""
    advance(server, 6)
    deadline = time.monotonic() + 15
    while True:
        current = client.v1.accounts.retrieve(account)
        if current.charges_enabled and current.payouts_enabled:
            return current
        if time.monotonic() > deadline:
            raise AssertionError(f"not enabled: {current.requirements}")
        time.sleep(0.2)


def past_due_update(receiver: Receiver, account: str, after: int) -> dict[str, Any] | None:
    """The first ``account.updated`` among the deliveries after the first ``after`` in which
    something is past due (a new account's requirements are past due too, as on Stripe: its
    capabilities wait on them)."""
    for delivery in receiver.accepted()[after:]:
        event = delivery.event
        if (
            event.get("type") == "account.updated"
            and event.get("account") == account
            and event["data"]["object"]["requirements"]["past_due"]
        ):
            return {"event": event, "body": delivery.body, "signature": delivery.signature}
    return None


def test_v1_journey_through_stripe_python(
    v1_journey: Callable[[], Journey], v1_gangway: RunningServer
) -> None:
    client = stripe.StripeClient(v1_gangway.test_key, base_addresses={"api": v1_gangway.url})
    platform = Platform()
    try:
        with receiving() as receiver:
            endpoint = client.v1.webhook_endpoints.create(
                {"url": receiver.url, "enabled_events": ["account.updated"], "connect": True}
            )
            assert endpoint.secret and endpoint.secret.startswith("whsec_")
            account = client.v1.accounts.create(
                {
                    "type": "custom",
                    "country": "US",
                    "email": "jenny.rosen@example.com",
                    "business_type": "individual",
                    "capabilities": {
                        "card_payments": {"requested": True},
                        "transfers": {"requested": True},
                    },
                }
            )
            due = account.requirements.currently_due if account.requirements else []
            for field in ("individual.first_name", "individual.dob.day", "external_account"):
                assert field in (due or []), due
            assert account.charges_enabled is False

            link = client.v1.account_links.create(
                {
                    "account": account.id,
                    "type": "account_onboarding",
                    "refresh_url": platform.refresh_url(account.id),
                    "return_url": platform.return_url(account.id),
                }
            )
            exits = {platform.return_url(account.id), platform.refresh_url(account.id)}
            complete_the_form(v1_journey(), link.url, exits)
            assert platform.hits[-1] == f"/return/{account.id}"

            enabled = wait_enabled(client, account.id, v1_gangway)
            assert enabled.details_submitted is True
            assert enabled.requirements is not None
            assert enabled.requirements.currently_due == []
            assert enabled.capabilities is not None
            assert enabled.capabilities.card_payments == "active"
            v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
            assert v2.identity is not None and v2.identity.individual is not None
            assert v2.identity.individual.given_name == "Jenny"  # what the form stored

            seen = len(receiver.accepted())
            advance(v1_gangway, 31 * DAY)  # the 30-day items pass their deadline
            assert receiver.wait_for(
                lambda _: past_due_update(receiver, account.id, seen) is not None, 15
            )
            found = past_due_update(receiver, account.id, seen)
            assert found is not None
            verified = stripe.Webhook.construct_event(
                found["body"].decode(), found["signature"], endpoint.secret
            )
            assert verified.type == "account.updated"
            previous = found["event"]["data"]["previous_attributes"]
            assert "requirements" in previous, previous
            assert previous["requirements"].get("past_due") == []
            assert previous["requirements"].get("past_due") == []
            with pytest.raises(stripe.SignatureVerificationError):
                stripe.Webhook.construct_event(
                    found["body"].decode().replace("account.updated", "account.updatex"),
                    found["signature"],
                    endpoint.secret,
                )
            after = client.v1.accounts.retrieve(account.id)
            assert after.requirements is not None and after.requirements.past_due
    finally:
        platform.close()


def _node() -> str | None:
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "stripe").is_dir():
        return None
    return node


def test_v1_journey_through_stripe_node(
    v1_journey: Callable[[], Journey], v1_gangway: RunningServer
) -> None:
    """stripe-node is the platform (``v1_journey.mjs``: create, link, then check, webhook,
    clock); Chromium is the person in between."""
    node = _node()
    if node is None:
        if os.environ.get("GANGWAY_REQUIRE_NODE") == "1":
            pytest.fail("GANGWAY_REQUIRE_NODE=1 but node or tests/node/node_modules is missing")
        pytest.skip("Node tier not installed (make test installs it)")
    platform = Platform()
    env = {
        **os.environ,
        "GANGWAY_URL": v1_gangway.url,
        "GANGWAY_TEST_KEY": v1_gangway.test_key,
        "PLATFORM_URL": platform.url,
    }
    script = str(NODE_DIR / "v1_journey.mjs")
    try:
        started = subprocess.run(
            [node, script, "start"], env=env, capture_output=True, text=True, timeout=60
        )
        assert started.returncode == 0, started.stderr
        state = json.loads(started.stdout)
        account = state["account"]
        exits = {platform.return_url(account), platform.refresh_url(account)}
        complete_the_form(v1_journey(), state["url"], exits)
        finished = subprocess.run(
            [node, script, "finish", account],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        assert "signed account.updated with past_due" in finished.stdout, finished.stdout
    finally:
        platform.close()
