"""The console's overview over real HTTP: what the SDK, the hosted form, the review API and the
delivery worker did is what the overview's tables count, in every locale, each mode apart."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import Any

import httpx
import pytest
import stripe

from gangway.hosted.i18n import SUPPORTED
from tests.api.receiver import Receiver, receiving
from tests.api.test_journeys_sdk import merchant
from tests.conftest import RunningServer, free_port
from tests.console.conftest import sign_in
from tests.hosted.conftest import Browser, link_for

CREATED = "v2.core.account.created"
RETURNED = "v2.core.account_link.returned"
BANK = {
    "country": "US",
    "currency": "usd",
    "account_number": "000123456789",
    "routing_number": "110000000",
    "account_holder_name": "Jenny Rosen",
    "account_holder_type": "individual",
}
RECIPIENT = {
    "recipient": {"capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}}
}


@dataclass
class Platform:
    id: str
    test_key: str
    live_key: str
    accounts: list[str]
    live_accounts: list[str]
    triggered: str
    good: str
    """The destination that answers 200."""
    bad: str
    """The destination whose port refuses connections."""


def helper(server: RunningServer, path: str, key: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    if body is None:
        return httpx.get(server.url + path, headers=headers, timeout=10)
    return httpx.post(server.url + path, headers=headers, json=body, timeout=10)


def individual(**fields: Any) -> dict[str, Any]:
    return {
        "contact_email": "jenny@example.com",
        "identity": {"country": "us", "entity_type": "individual", "individual": fields},
        "configuration": RECIPIENT,
    }


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture(scope="module")
def platform(console_server: RunningServer, receiver: Receiver) -> Platform:
    """A platform of its own, so nothing another test does shows in its numbers.

    Test mode: five accounts (one fully active after its checks settle, one whose link was
    opened and left through the return URL, one whose link was only opened, one with a
    deadline in 14 days (a trigger), one whose date of birth fails); a destination answering
    200 for every account created and one on a closed port for the link's return. Live mode:
    one account, whose pending date-of-birth check a reviewer approves."""
    printed = console_server._cli("platforms", "create", "--name", "Overview platform")
    platform_id = printed.split()[0]
    test_key = printed.rsplit("(shown once): ", 1)[1].strip()
    live_key = console_server._cli("keys", "create", "--mode", "live", "--platform", platform_id)
    live_key = live_key.strip()
    client = stripe.StripeClient(test_key, base_addresses={"api": console_server.url})
    good = client.v2.core.event_destinations.create(
        {
            "name": "Receiver",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": [CREATED],
            "webhook_endpoint": {"url": receiver.url},
        }
    ).id
    bad = client.v2.core.event_destinations.create(
        {
            "name": "Nobody listens",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": [RETURNED],
            "webhook_endpoint": {"url": f"http://127.0.0.1:{free_port()}/webhooks"},
        }
    ).id

    onboarded = client.v2.core.accounts.create(
        merchant(date_of_birth={"day": 1, "month": 1, "year": 1902})  # type: ignore[arg-type]
    ).id
    token = client.v1.tokens.create({"bank_account": BANK})  # type: ignore[typeddict-item]
    client.v1.accounts.external_accounts.create(onboarded, {"external_account": token.id})
    returned = client.v2.core.accounts.create(individual(given_name="Rob")).id  # type: ignore[arg-type]
    opened = client.v2.core.accounts.create(individual(given_name="Ann")).id  # type: ignore[arg-type]
    triggered = client.v2.core.accounts.create(individual()).id  # type: ignore[arg-type]
    failed = client.v2.core.accounts.create(
        individual(date_of_birth={"day": 5, "month": 5, "year": 1950})  # type: ignore[arg-type]
    ).id
    with httpx.Client(base_url=console_server.url, timeout=30) as http:
        browser = Browser(console_server, http)
        browser.get(link_for(client, returned))
        assert browser.post({}, action="save").status_code == 303  # left through return_url
        assert http.get(link_for(client, opened)).status_code in (302, 303)  # redeemed only
    answer = helper(
        console_server,
        f"/_gangway/accounts/{triggered}/triggers",
        test_key,
        {"type": "next_requirements"},
    )
    assert answer.status_code == 200, answer.text
    advanced = helper(console_server, "/_gangway/test_clock/advance", test_key, {"seconds": 10})
    assert advanced.status_code == 200, advanced.text  # the test-mode checks settle

    live = stripe.StripeClient(live_key, base_addresses={"api": console_server.url})
    live_account = live.v2.core.accounts.create(
        individual(date_of_birth={"day": 2, "month": 3, "year": 1980})  # type: ignore[arg-type]
    ).id
    queue = helper(console_server, "/_gangway/verifications?limit=100", live_key).json()["data"]
    assert queue, "the live date of birth waits for a reviewer"
    approved = helper(
        console_server,
        f"/_gangway/verifications/{queue[0]['id']}/approve",
        live_key,
        {"reviewer": "reviewer@example.com"},
    )
    assert approved.status_code == 200, approved.text
    return Platform(
        id=platform_id,
        test_key=test_key,
        live_key=live_key,
        accounts=[onboarded, returned, opened, triggered, failed],
        live_accounts=[live_account],
        triggered=triggered,
        good=good,
        bad=bad,
    )


def table(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells."""
    found = re.search(rf'<table[^>]* id="{table_id}">(.*?)</table>', page, re.S)
    assert found, f"no table {table_id}"
    body = found.group(1).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def column_sums(rows: list[list[str]]) -> list[int]:
    return [sum(int(row[i].replace(",", "")) for row in rows) for i in range(1, len(rows[0]))]


def headline(page: str) -> dict[str, str]:
    cards = re.findall(
        r'<span class="stat">([^<]*)</span> <span class="muted">([^<]*)</span>', page
    )
    return {unescape(label): value for value, label in cards}


def overview(client: httpx.Client, platform: Platform, mode: str = "test", **query: str) -> str:
    answer = client.get(f"/console/{platform.id}/{mode}/overview", params=query)
    assert answer.status_code == 200, answer.text[:2000]
    return answer.text


def retrieve(server: RunningServer, key: str, account: str) -> Any:
    client = stripe.StripeClient(key, base_addresses={"api": server.url})
    return client.v2.core.accounts.retrieve(
        account, {"include": ["requirements", "configuration.merchant", "configuration.recipient"]}
    )


def _statuses(account: Any) -> list[str]:
    """Every capability's status, wherever it nests (``stripe_balance.payouts``): only those
    requested are rendered."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "status" in value and "status_details" in value:
                found.append(value["status"])
            for child in value.values():
                walk(child)

    walk(account.configuration.to_dict())
    return found


def test_the_headline_counts_what_the_accounts_are(
    console_server: RunningServer, platform: Platform
) -> None:
    expected = {"due": 0, "past": 0, "stripe": 0, "active": 0}
    for account_id in platform.accounts:
        account = retrieve(console_server, platform.test_key, account_id)
        entries = account.requirements.entries or []
        due = any(e.minimum_deadline.status in ("currently_due", "past_due") for e in entries)
        expected["due"] += due
        expected["past"] += any(e.minimum_deadline.status == "past_due" for e in entries)
        expected["stripe"] += any(e.awaiting_action_from == "stripe" for e in entries)
        statuses = _statuses(account)
        expected["active"] += bool(statuses) and all(s == "active" for s in statuses) and not due
    assert expected["active"] == 1  # the onboarded merchant
    with sign_in(console_server, "viewer") as client:
        numbers = headline(overview(client, platform))
    assert numbers == {
        "Open accounts": "5",
        "Fully active": "1",
        "With requirements due": str(expected["due"]),
        "Past due": str(expected["past"]),
        "Awaiting verification": str(expected["stripe"]),
    }


def test_the_funnel_counts_created_opened_returned_and_active(
    console_server: RunningServer, platform: Platform
) -> None:
    with sign_in(console_server, "viewer") as client:
        page = overview(client, platform)
    rows = table(page, "funnel-table")
    assert len(rows) == 8  # the last eight weeks, oldest first
    # created; of them, a link opened (two), left through return_url (one), fully active (one)
    assert column_sums(rows) == [5, 2, 1, 1]
    found = re.search(r'id="funnel-table">(.*?)</table>', page, re.S)
    assert found
    starts = [datetime.fromisoformat(d) for d in re.findall(r'datetime="([^"]+)"', found.group(1))]
    assert [d.weekday() for d in starts] == [0] * 8  # weeks start on Monday
    assert [(b - a).days for a, b in itertools.pairwise(starts)] == [7] * 7


def test_verification_outcomes_match_the_review_queue(
    console_server: RunningServer, platform: Platform
) -> None:
    expected = []
    for status in ("verified", "failed", "pending"):
        listed = helper(
            console_server, f"/_gangway/verifications?status={status}&limit=100", platform.test_key
        ).json()["data"]
        expected.append(len(listed))
    assert expected[0] >= 1 and expected[1] >= 1  # the settled checks; the failed birth date
    with sign_in(console_server, "viewer") as client:
        rows = table(overview(client, platform), "outcomes-table")
    assert column_sums(rows) == expected


def test_upcoming_deadlines_list_the_triggered_account_s_capabilities(
    console_server: RunningServer, platform: Platform
) -> None:
    account = retrieve(console_server, platform.test_key, platform.triggered)
    due = sorted(
        {
            f"{impact.configuration}.{impact.capability}"
            for entry in account.requirements.entries
            for impact in entry.impact.restricts_capabilities
            if impact.deadline.status == "currently_due"
        }
    )
    assert due  # the trigger made the 30-day requirements currently due
    when = datetime.fromisoformat(account.requirements.summary.minimum_deadline.time)
    with sign_in(console_server, "viewer") as client:
        page = overview(client, platform)
    rows = table(page, "deadlines-table")
    label = f"{when:%b} {when.day}"  # en-US: "Dec 17"
    assert rows == [[label, capability, "1"] for capability in due]
    assert 'id="deadlines-title"' in page


def test_delivery_latency_counts_each_attempt_of_the_last_day(
    console_server: RunningServer, platform: Platform, receiver: Receiver
) -> None:
    def attempts(destination: str) -> list[dict[str, Any]]:
        listed = helper(
            console_server,
            f"/_gangway/event_destinations/{destination}/deliveries?limit=100",
            platform.test_key,
        ).json()["data"]
        return [a for delivery in listed for a in delivery["attempts"]]

    deadline = time.monotonic() + 15
    while len(attempts(platform.good)) < 5 or not attempts(platform.bad):
        assert time.monotonic() < deadline, "the worker did not attempt every delivery"
        time.sleep(0.1)
    good, bad = attempts(platform.good), attempts(platform.bad)
    assert len(good) == 5 and len(bad) == 1 and bad[0]["status_code"] is None
    bounds = (50, 100, 250, 500, 1000, 2500)
    buckets = [0] * 7
    for attempt in good + bad:
        buckets[next((i for i, b in enumerate(bounds) if attempt["latency_ms"] < b), 6)] += 1
    with sign_in(console_server, "viewer") as client:
        page = overview(client, platform)
    assert [int(row[1]) for row in table(page, "latency-table")] == buckets
    assert re.search(r'id="latency-succeeded">5<', page)
    assert re.search(r'id="latency-failed">1<', page)


def test_test_data_never_shows_on_the_live_overview(
    console_server: RunningServer, platform: Platform
) -> None:
    with sign_in(console_server, "reviewer") as client:
        live = overview(client, platform, "live")
    assert headline(live)["Open accounts"] == "1"
    assert column_sums(table(live, "funnel-table")) == [1, 0, 0, 0]
    pending = helper(
        console_server, "/_gangway/verifications?status=pending&limit=100", platform.live_key
    ).json()["data"]
    # the reviewer's approval, the live checks still waiting, nothing of test mode's
    assert column_sums(table(live, "outcomes-table")) == [1, 0, len(pending)]
    assert [int(row[1]) for row in table(live, "latency-table")] == [0] * 7
    assert "No delivery attempts in the last 24 hours." in live
    for account in platform.accounts:
        assert account not in live
    # and an operator without the live grant is refused the live overview
    with sign_in(console_server, "viewer") as client:
        refused = client.get(f"/console/{platform.id}/live/overview")
    assert refused.status_code == 403


@pytest.mark.parametrize("locale", SUPPORTED)
def test_the_overview_renders_in_each_locale(
    console_server: RunningServer, platform: Platform, locale: str
) -> None:
    with sign_in(console_server, "viewer") as client:
        page = overview(client, platform, locale=locale)
    assert f'<html lang="{locale.split("-")[0]}">' in page
    assert page.count('role="img"') == 4
    assert page.count("<details>") == 4
    if locale == "ja-JP":
        weeks = [row[0] for row in table(page, "funnel-table")]
        assert all(re.fullmatch(r"\d+月\d+日", week) for week in weeks), weeks


def test_the_overview_needs_a_session_and_a_known_platform(
    console_server: RunningServer, platform: Platform
) -> None:
    anonymous = httpx.get(f"{console_server.url}/console/{platform.id}/test/overview")
    assert anonymous.status_code == 303
    with sign_in(console_server, "viewer") as client:
        assert client.get("/console/plat_nope/test/overview").status_code == 404
        assert client.get(f"/console/{platform.id}/staging/overview").status_code == 404
