"""The example platform against a real Gangway: the seed's Account Links integration end to end,
in both API modes where they behave alike, and the v2 mode's own (thin events, destinations).

Only the platform's side is checked (the redirects it answers with and what it reads back from
the API); what the hosted onboarding pages contain is not.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

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


def test_the_start_form_creates_the_account_and_redirects_to_its_link(platform: Platform) -> None:
    account_id, location = onboard(
        platform, country="gb", entity_type="company", configuration="recipient"
    )
    assert location.startswith(link_prefix(platform))
    account = platform.client.v2.core.accounts.retrieve(
        account_id, {"include": ["identity", "configuration.recipient", "defaults"]}
    )
    assert account.identity.country.lower() == "gb"
    assert account.identity.entity_type == "company"
    assert account.applied_configurations == ["recipient"]
    assert account.dashboard == "none"
    assert account.defaults.responsibilities.requirements_collector == "application"
    assert [(link["use_case"], link["reason"]) for link in platform.links(account_id)] == [
        ("account_onboarding", "start")
    ]

    with http(platform) as browser:
        home = browser.get("/")
    assert home.status_code == 200
    assert f'href="/return/{account_id}"' in home.text
    assert f"This platform uses Stripe's <strong>{platform.api}</strong>" in home.text


def test_leaving_the_business_type_unset_leaves_it_to_the_onboarding_form(
    platform: Platform,
) -> None:
    account_id, _ = onboard(platform, country="fr", entity_type="", collection="up_front")
    account = platform.client.v2.core.accounts.retrieve(account_id, {"include": ["identity"]})
    assert account.identity.country.lower() == "fr"
    assert account.identity.entity_type is None
    expected = {"v2": ["merchant"], "v1": ["merchant", "recipient"]}[platform.api]
    assert (
        sorted(account.applied_configurations) == expected
    )  # v1 adds transfers, as Stripe's guide


def test_refresh_mints_a_new_link_with_the_same_parameters(platform: Platform) -> None:
    account_id, first = onboard(platform)
    with http(platform) as browser:
        refreshed = browser.get(f"/refresh/{account_id}")
        again = browser.get(f"/refresh/{account_id}?use_case=account_update")
        unknown = browser.get("/refresh/acct_notours")
    assert refreshed.status_code == 303
    assert refreshed.headers["location"].startswith(link_prefix(platform))
    assert refreshed.headers["location"] != first
    assert again.status_code == 303
    assert unknown.status_code == 404
    links = platform.links(account_id)
    assert [(link["use_case"], link["reason"]) for link in links] == [
        ("account_onboarding", "start"),
        ("account_onboarding", "refresh"),
        ("account_update", "refresh"),
    ]


@pytest.mark.parametrize(
    ("country", "entity_type", "configuration", "collection"),
    [
        ("us", "individual", "merchant", "incremental"),
        ("de", "company", "recipient", "up_front"),
        ("jp", "", "merchant", "up_front"),
    ],
)
def test_the_return_page_lists_what_the_api_says_is_outstanding(
    v2_platform: Platform, country: str, entity_type: str, configuration: str, collection: str
) -> None:
    account_id, _ = onboard(
        v2_platform,
        country=country,
        entity_type=entity_type,
        configuration=configuration,
        collection=collection,
    )
    with http(v2_platform) as browser:
        page = browser.get(f"/return/{account_id}")
    assert page.status_code == 200
    account = v2_platform.client.v2.core.accounts.retrieve(
        account_id, {"include": ["requirements", f"configuration.{configuration}"]}
    )
    entries = account.requirements.entries
    assert entries, "a fresh account has requirements outstanding"
    for entry in entries:
        assert f"<code>{entry.description}</code>" in page.text
    for status, title in [
        ("past_due", "Past due"),
        ("currently_due", "Currently due"),
        ("eventually_due", "Eventually due"),
    ]:
        count = sum(1 for entry in entries if entry.minimum_deadline.status == status)
        assert (f"<h3>{title} ({count})</h3>" in page.text) == (count > 0)
    capabilities = account.configuration[configuration].capabilities.to_dict()
    if configuration == "merchant":
        requested, status = "card_payments", capabilities["card_payments"]["status"]
    else:
        requested = "stripe_balance.stripe_transfers"
        status = capabilities["stripe_balance"]["stripe_transfers"]["status"]
    assert f'<td><code>{requested}</code></td><td class="status {status}">' in page.text
    assert "passes no state" in page.text


def test_continue_and_update_buttons_mint_the_matching_links(platform: Platform) -> None:
    account_id, first = onboard(platform)
    with http(platform) as browser:
        page = browser.get(f"/return/{account_id}")
        assert f'action="/accounts/{account_id}/onboarding"' in page.text
        assert f'action="/accounts/{account_id}/update"' in page.text
        resumed = browser.post(f"/accounts/{account_id}/onboarding")
        update = browser.post(f"/accounts/{account_id}/update")
        forged = browser.post(
            f"/accounts/{account_id}/update", headers={"Origin": "http://attacker.test"}
        )
    for response in (resumed, update):
        assert response.status_code == 303
        assert response.headers["location"].startswith(link_prefix(platform))
    assert len({first, resumed.headers["location"], update.headers["location"]}) == 3
    assert forged.status_code == 403
    assert [(link["use_case"], link["reason"]) for link in platform.links(account_id)] == [
        ("account_onboarding", "start"),
        ("account_onboarding", "continue"),
        ("account_update", "update"),
    ]


def test_output_is_escaped_and_forms_are_validated(platform: Platform) -> None:
    account_id, _ = onboard(platform, display_name='<script>alert("x")</script>')
    with http(platform) as browser:
        home = browser.get("/")
        page = browser.get(f"/return/{account_id}")
        invalid = browser.post("/accounts", data={"country": "zz"})
        refused = browser.post(
            "/accounts",
            data={
                "country": "us",
                "entity_type": "individual",
                "configuration": "merchant",
                "collection": "incremental",
                "contact_email": "not-an-email",
            },
        )
    for response in (home, page):
        assert "<script>" not in response.text
        assert "&lt;script&gt;" in response.text
        assert "default-src 'none'" in response.headers["content-security-policy"]
    assert invalid.status_code == 400
    assert refused.status_code == 400
    assert "email" in refused.text


REQUIREMENTS_UPDATED = "v2.core.account[requirements].updated"


def thin_notification(platform: Platform, account_id: str, event_type: str) -> str:
    """The newest such event for the account, as an event destination's thin body."""
    response = httpx.get(
        f"{platform.gangway.url}/v2/core/events",
        params={"object_id": account_id, "types[]": event_type, "limit": 1},
        headers={"Authorization": f"Bearer {platform.gangway.test_key}"},
    )
    event = response.json()["data"][0]
    fields = ("id", "object", "type", "created", "livemode", "context", "reason", "related_object")
    return json.dumps({name: event[name] for name in fields if event.get(name) is not None})


def deliver(platform: Platform, body: str, secret: str = WEBHOOK_SECRET) -> httpx.Response:
    """POST as Gangway's delivery worker does, signed with the SDK's own scheme."""
    header = stripe.WebhookSignature.generate_signature_header(body, secret)
    with http(platform) as sender:
        return sender.post(
            "/webhooks",
            content=body.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )


def counts_now(platform: Platform, account_id: str) -> dict[str, int]:
    account = platform.client.v2.core.accounts.retrieve(account_id, {"include": ["requirements"]})
    counts = dict.fromkeys(("past_due", "currently_due", "eventually_due"), 0)
    for entry in account.requirements.entries if account.requirements else []:
        counts[entry.minimum_deadline.status] += 1
    return counts


def test_a_requirements_webhook_caches_the_account_state_once(v2_platform: Platform) -> None:
    account_id, _ = onboard(v2_platform)
    with http(v2_platform) as browser:
        before = browser.get(f"/return/{account_id}")
    assert "No <code>v2.core.account[requirements].updated</code> event" in before.text
    v2_platform.client.v2.core.accounts.update(
        account_id, {"identity": {"individual": {"given_name": "Jenny", "surname": "Rosen"}}}
    )
    body = thin_notification(v2_platform, account_id, REQUIREMENTS_UPDATED)
    event = json.loads(body)

    response = deliver(v2_platform, body)
    assert (response.status_code, response.text) == (200, "cached")
    cached = v2_platform.accounts()[account_id]["webhook"]
    assert cached["event_id"] == event["id"]
    assert cached["updated"] == event["created"]
    assert cached["counts"] == counts_now(v2_platform, account_id)
    assert sum(cached["counts"].values()) > 0

    again = deliver(v2_platform, body)  # a repeated delivery (new signature, same event)
    assert (again.status_code, again.text) == (200, "duplicate")
    assert v2_platform.accounts()[account_id]["webhook"] == cached

    with http(v2_platform) as browser:
        page = browser.get(f"/return/{account_id}")
    counts = cached["counts"]
    assert (
        f"Last update from webhook: {counts['past_due']} past due, {counts['currently_due']} "
        "currently\n  due"
    ) in page.text
    assert f"<code>{event['id']}</code>" in page.text


def test_other_events_are_acknowledged_and_unknown_accounts_ignored(v2_platform: Platform) -> None:
    account_id, _ = onboard(v2_platform)
    updated = deliver(
        v2_platform, thin_notification(v2_platform, account_id, "v2.core.account.created")
    )
    assert (updated.status_code, updated.text) == (200, "ignored")
    stranger = v2_platform.client.v2.core.accounts.create(
        {
            "display_name": "Not the platform's",
            "contact_email": "other@example.com",
            "identity": {"country": "us", "entity_type": "individual"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    v2_platform.client.v2.core.accounts.update(
        stranger.id, {"identity": {"individual": {"given_name": "Jenny"}}}
    )
    foreign = deliver(
        v2_platform, thin_notification(v2_platform, stranger.id, REQUIREMENTS_UPDATED)
    )
    assert (foreign.status_code, foreign.text) == (200, "ignored")
    assert stranger.id not in v2_platform.accounts()
    assert v2_platform.accounts()[account_id]["webhook"] is None


def test_a_bad_signature_gets_400_and_changes_nothing(v2_platform: Platform) -> None:
    account_id, _ = onboard(v2_platform)
    v2_platform.client.v2.core.accounts.update(
        account_id, {"identity": {"individual": {"given_name": "Jenny"}}}
    )
    body = thin_notification(v2_platform, account_id, REQUIREMENTS_UPDATED)
    wrong_secret = deliver(v2_platform, body, secret="whsec_someone_else")
    signed = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    with http(v2_platform) as sender:
        tampered = sender.post(
            "/webhooks",
            content=body.replace(account_id, "acct_other").encode(),
            headers={"Stripe-Signature": signed},
        )
        unsigned = sender.post("/webhooks", content=body.encode())
        stale = sender.post(
            "/webhooks",
            content=body.encode(),
            headers={
                "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(
                    body, WEBHOOK_SECRET, int(time.time()) - 600
                )
            },
        )
    for response in (wrong_secret, tampered, unsigned, stale):
        assert response.status_code == 400
    assert v2_platform.accounts()[account_id]["webhook"] is None
    assert deliver(v2_platform, body).status_code == 200  # not marked handled by the failures


def test_create_destination_makes_one_destination_and_reuses_it(
    gangway: RunningServer, tmp_path: Path
) -> None:
    client = stripe.StripeClient(gangway.test_key, base_addresses={"api": gangway.url})
    with running_platform(gangway, tmp_path, "--create-destination") as first:
        saved = json.loads((tmp_path / "webhook_destination.json").read_text())
        destination = client.v2.core.event_destinations.retrieve(
            saved["id"], {"include": ["webhook_endpoint.url"]}
        )
        assert destination.webhook_endpoint is not None
        assert destination.webhook_endpoint.url == f"{first.url}/webhooks" == saved["url"]
        assert sorted(destination.enabled_events) == sorted(
            [REQUIREMENTS_UPDATED, "v2.core.account.updated", "v2.core.account_link.returned"]
        )
        assert destination.event_payload == "thin"
        assert saved["secret"].startswith("whsec_")
        assert (tmp_path / "webhook_destination.json").stat().st_mode & 0o077 == 0
        account_id, _ = onboard(first)
        first.client.v2.core.accounts.update(
            account_id, {"identity": {"individual": {"given_name": "Jenny"}}}
        )
        body = thin_notification(first, account_id, REQUIREMENTS_UPDATED)
        assert deliver(first, body, saved["secret"]).status_code == 200
        assert deliver(first, body).status_code == 400  # the fixture's secret is not this one
        assert first.accounts()[account_id]["webhook"]["event_id"] == json.loads(body)["id"]
    # a restart at the same public URL keeps the destination and its secret
    with running_platform(gangway, tmp_path, "--create-destination", "--public-url", first.url):
        kept = json.loads((tmp_path / "webhook_destination.json").read_text())
    assert kept == saved
    # a restart on another port moves the URL: the old destination is replaced, not added to
    with running_platform(gangway, tmp_path, "--create-destination"):
        moved = json.loads((tmp_path / "webhook_destination.json").read_text())
    assert moved["id"] != saved["id"] and moved["url"] != saved["url"]
    listed = [d.id for d in client.v2.core.event_destinations.list().data]
    assert moved["id"] in listed and saved["id"] not in listed
