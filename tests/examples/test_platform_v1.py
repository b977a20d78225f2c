"""The example platform's ``--api v1`` mode against a real Gangway: Stripe's v1 Connect guide
(Custom accounts, v1 Account Links, ``account.updated`` snapshot webhooks).

The flows both modes share run in ``test_platform.py``; these check what only v1 shows: v1 create
params, v1 field names on the return page, the account-level switches, and snapshot events, which
are signed here as Stripe signs them (``t=<ts>,v1=<hmac_sha256(secret, "<ts>.<body>")>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from tests.conftest import RunningServer
from tests.examples.conftest import (
    WEBHOOK_SECRET,
    Platform,
    http,
    link_prefix,
    onboard,
    running_platform,
)

DEADLINES = (("past_due", "Past due"), ("currently_due", "Currently due"))


def v1_account(platform: Platform, account_id: str) -> dict[str, Any]:
    """The v1 Account as JSON, as an ``account.updated`` event's ``data.object`` carries it."""
    response = httpx.get(
        f"{platform.gangway.url}/v1/accounts/{account_id}",
        headers={"Authorization": f"Bearer {platform.gangway.test_key}"},
    )
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account


def snapshot_event(account: dict[str, Any], event_type: str = "account.updated") -> str:
    """A v1 Event body as Stripe (and Gangway's v1 deliveries) send it."""
    event = {
        "id": f"evt_test_{time.time_ns()}",
        "object": "event",
        "account": account["id"],
        "api_version": "2025-09-30.clover",
        "created": int(time.time()),
        "data": {"object": account, "previous_attributes": {"email": "old@example.com"}},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    return json.dumps(event)


def signature(body: str, secret: str, timestamp: int | None = None) -> str:
    at = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{at}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def deliver(platform: Platform, body: str, header: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = signature(body, WEBHOOK_SECRET) if header is None else header
    with http(platform) as sender:
        return sender.post("/webhooks", content=body.encode(), headers=headers)


def test_the_start_form_creates_a_custom_account_with_requested_capabilities(
    v1_platform: Platform,
) -> None:
    merchant, location = onboard(v1_platform, country="us", entity_type="individual")
    recipient, _ = onboard(v1_platform, country="gb", entity_type="", configuration="recipient")
    assert location.startswith(link_prefix(v1_platform))
    account = v1_platform.client.v1.accounts.retrieve(merchant)
    assert account.type == "custom"
    assert (account.country, account.email) == ("US", "jenny@example.com")
    assert account.business_type == "individual"
    assert account.business_profile is not None
    assert account.business_profile.name == "Jenny Rosen"
    assert sorted(account.capabilities.to_dict()) == ["card_payments", "transfers"]
    assert account.controller is not None
    assert account.controller.requirement_collection == "application"
    other = v1_platform.client.v1.accounts.retrieve(recipient)
    assert (other.country, other.business_type) == ("GB", None)
    assert sorted(other.capabilities.to_dict()) == ["transfers"]


@pytest.mark.parametrize(
    ("country", "entity_type", "configuration", "collection"),
    [
        ("us", "individual", "merchant", "incremental"),
        ("de", "company", "recipient", "up_front"),
        ("fr", "", "merchant", "up_front"),
    ],
)
def test_the_return_page_shows_v1_requirements_and_switches(
    v1_platform: Platform, country: str, entity_type: str, configuration: str, collection: str
) -> None:
    account_id, _ = onboard(
        v1_platform,
        country=country,
        entity_type=entity_type,
        configuration=configuration,
        collection=collection,
    )
    with http(v1_platform) as browser:
        page = browser.get(f"/return/{account_id}")
    assert page.status_code == 200
    account = v1_account(v1_platform, account_id)
    requirements = account["requirements"]
    assert requirements["eventually_due"], "a fresh account has requirements outstanding"
    for name in requirements["eventually_due"] + requirements["pending_verification"]:
        assert f"<code>{name}</code>" in page.text
    past = set(requirements["past_due"])
    current = set(requirements["currently_due"]) - past
    eventual = set(requirements["eventually_due"]) - past - current
    for names, title in [
        (past, "Past due"),
        (current, "Currently due"),
        (eventual, "Eventually due"),
    ]:
        assert (f"<h3>{title} ({len(names)})</h3>" in page.text) == bool(names)
    for name, status in account["capabilities"].items():
        assert f'<td><code>{name}</code></td><td class="status {status}">' in page.text
    for label, key in [
        ("Charges enabled", "charges_enabled"),
        ("Payouts enabled", "payouts_enabled"),
    ]:
        assert f"<dt>{label}</dt><dd>{'yes' if account[key] else 'no'}</dd>" in page.text
    assert (
        f"<dt>Disabled reason</dt><dd>{requirements['disabled_reason'] or 'none'}</dd>" in page.text
    )
    assert "Stripe's v1 API" in page.text  # the header names the API


def test_a_us_individual_sees_v1_field_names(v1_platform: Platform) -> None:
    account_id, _ = onboard(v1_platform, country="us", entity_type="individual")
    with http(v1_platform) as browser:
        page = browser.get(f"/return/{account_id}")
        home = browser.get("/")
    assert "<code>individual.dob.day</code>" in page.text
    assert "<code>individual.first_name</code>" in page.text
    requirements = v1_account(v1_platform, account_id)["requirements"]
    due, past = len(requirements["currently_due"]), len(requirements["past_due"])
    assert due > 0
    # the home page's "due now": v1's currently_due, which includes past_due
    row = home.text.split(f"<code>{account_id}</code>")[1].split("</tr>")[0]
    assert f"<td>{due}{f' ({past} past due)' if past else ''}</td>" in row


def test_update_details_mints_an_account_update_link_for_the_custom_account(
    v1_platform: Platform,
) -> None:
    account_id, first = onboard(v1_platform)
    with http(v1_platform) as browser:
        update = browser.post(f"/accounts/{account_id}/update")
        refreshed = browser.get(f"/refresh/{account_id}?use_case=account_update")
        link_page = httpx.get(update.headers["location"], follow_redirects=True, timeout=10)
    for response in (update, refreshed):
        assert response.status_code == 303
        assert response.headers["location"].startswith(link_prefix(v1_platform))
        assert response.headers["location"] != first
    assert link_page.status_code == 200
    assert [(link["use_case"], link["reason"]) for link in v1_platform.links(account_id)] == [
        ("account_onboarding", "start"),
        ("account_update", "update"),
        ("account_update", "refresh"),
    ]


def test_an_account_updated_event_caches_the_snapshot_counts_once(v1_platform: Platform) -> None:
    account_id, _ = onboard(v1_platform)
    with http(v1_platform) as browser:
        before = browser.get(f"/return/{account_id}")
    assert "No <code>account.updated</code> event" in before.text
    account = v1_account(v1_platform, account_id)
    # the snapshot, not the API, is the source: give it lists the account does not have now
    account["requirements"].update(
        past_due=["individual.dob.day"],
        currently_due=["individual.dob.day", "individual.email", "individual.phone"],
        eventually_due=["individual.dob.day", "individual.email", "individual.phone", "tos"],
    )
    body = snapshot_event(account)
    event = json.loads(body)

    response = deliver(v1_platform, body)
    assert (response.status_code, response.text) == (200, "cached")
    cached = v1_platform.accounts()[account_id]["webhook"]
    assert cached["counts"] == {"past_due": 1, "currently_due": 2, "eventually_due": 1}
    assert cached["event_id"] == event["id"]

    again = deliver(v1_platform, body)  # a repeated delivery (new signature, same event)
    assert (again.status_code, again.text) == (200, "duplicate")
    assert v1_platform.accounts()[account_id]["webhook"] == cached
    with http(v1_platform) as browser:
        page = browser.get(f"/return/{account_id}")
    assert "Last update from webhook: 1 past due, 2 currently\n  due, 1 eventually due" in page.text
    assert f"<code>{event['id']}</code>" in page.text


def test_other_v1_events_and_other_accounts_are_acknowledged_only(v1_platform: Platform) -> None:
    account_id, _ = onboard(v1_platform)
    ours = v1_account(v1_platform, account_id)
    other_type = deliver(v1_platform, snapshot_event(ours, "account.application.authorized"))
    stranger = v1_platform.client.v1.accounts.create(
        {
            "type": "custom",
            "country": "US",
            "email": "other@example.com",
            "capabilities": {"transfers": {"requested": True}},
        }
    )
    foreign = deliver(v1_platform, snapshot_event(v1_account(v1_platform, stranger.id)))
    for response in (other_type, foreign):
        assert (response.status_code, response.text) == (200, "ignored")
    assert stranger.id not in v1_platform.accounts()
    assert v1_platform.accounts()[account_id]["webhook"] is None


def test_a_bad_v1_signature_or_a_thin_body_gets_400_and_changes_nothing(
    v1_platform: Platform,
) -> None:
    account_id, _ = onboard(v1_platform)
    body = snapshot_event(v1_account(v1_platform, account_id))
    thin = json.dumps(
        {"id": "evt_thin", "object": "v2.core.event", "type": "v2.core.account.updated"}
    )
    refused = [
        deliver(v1_platform, body, signature(body, "whsec_someone_else")),
        deliver(
            v1_platform, body.replace(account_id, "acct_other"), signature(body, WEBHOOK_SECRET)
        ),
        deliver(v1_platform, body, ""),
        deliver(v1_platform, body, signature(body, WEBHOOK_SECRET, int(time.time()) - 600)),
        deliver(v1_platform, thin),  # a thin v2 notification is not a v1 webhook body
        deliver(v1_platform, "not json"),
    ]
    assert [response.status_code for response in refused] == [400] * len(refused)
    assert v1_platform.accounts()[account_id]["webhook"] is None
    assert deliver(v1_platform, body).text == "cached"  # not marked handled by the failures


def test_create_destination_in_v1_mode_makes_one_webhook_endpoint_and_reuses_it(
    gangway: RunningServer, tmp_path: Path
) -> None:
    """Against Gangway's own ``/v1/webhook_endpoints`` and its signed ``account.updated``."""
    client = v1_platform_client(gangway)
    with running_platform(gangway, tmp_path, "--api", "v1", "--create-destination") as first:
        saved = json.loads((tmp_path / "webhook_endpoint.json").read_text())
        endpoint = client.v1.webhook_endpoints.retrieve(saved["id"])
        assert endpoint.url == f"{first.url}/webhooks" == saved["url"]
        assert endpoint.enabled_events == ["account.updated"]
        assert saved["secret"].startswith("whsec_")
        assert (tmp_path / "webhook_endpoint.json").stat().st_mode & 0o077 == 0
        account_id, _ = onboard(first)
        client.v1.accounts.update(account_id, {"email": "jenny.rosen@example.com"})
        deadline = time.monotonic() + 20  # Gangway's own account.updated delivery
        while first.accounts()[account_id]["webhook"] is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.accounts()[account_id]["webhook"] is not None
    with running_platform(
        gangway, tmp_path, "--api", "v1", "--create-destination", "--public-url", first.url
    ):
        assert json.loads((tmp_path / "webhook_endpoint.json").read_text()) == saved
    with running_platform(gangway, tmp_path, "--api", "v1", "--create-destination"):
        moved = json.loads((tmp_path / "webhook_endpoint.json").read_text())
    assert moved["id"] != saved["id"] and moved["url"] != saved["url"]
    listed = [endpoint.id for endpoint in client.v1.webhook_endpoints.list().data]
    assert moved["id"] in listed and saved["id"] not in listed


def v1_platform_client(gangway: RunningServer) -> stripe.StripeClient:
    return stripe.StripeClient(gangway.test_key, base_addresses={"api": gangway.url})
