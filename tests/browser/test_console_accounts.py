"""The console's accounts list in Chromium: a viewer finds a stuck account by filtering, opens it
from the list; screenshots of the list, a filtered list and an empty result at both sizes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import stripe

from tests.browser.conftest import Journey
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer

NAME = "Stuck Harbour Freight Ltd"


def stuck_recipient(client: stripe.StripeClient) -> str:
    """A GB company recipient: its requirements are past due from the start."""
    return client.v2.core.accounts.create(
        {
            "display_name": NAME,
            "contact_email": "stuck@harbour.example",
            "dashboard": "none",
            "identity": {"country": "gb", "entity_type": "company"},
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
            "defaults": {
                "responsibilities": {
                    "fees_collector": "application",
                    "losses_collector": "application",
                }
            },
        }
    ).id


@pytest.mark.usefixtures("console_operators")
def test_a_viewer_finds_a_stuck_account_by_filter_and_opens_it(
    open_journey: Callable[..., Journey], gangway: RunningServer, client: stripe.StripeClient
) -> None:
    client.v2.core.accounts.create({"display_name": "Fine Shop", "contact_email": "f@example.com"})
    stuck = stuck_recipient(client)
    journey = signed_in(open_journey, gangway, "viewer")
    page = journey.page
    assert page.url.endswith("/test/accounts")
    assert page.get_by_role("link", name=NAME).count() == 1
    shoot(journey, "accounts-list")

    page.select_option("#country", "GB")
    page.select_option("#configuration", "recipient")
    page.get_by_label("Past due").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "past_due=1" in page.url and "country=GB" in page.url
    table = page.locator("table.accounts")
    assert table.get_by_role("link", name=NAME).count() == 1
    assert table.get_by_role("link", name="Fine Shop").count() == 0
    row = table.locator("tr", has=page.get_by_role("link", name=NAME))
    assert "Past due" in row.inner_text()
    assert page.locator("#f-past_due").is_checked()  # the form keeps what was asked
    shoot(journey, "accounts-filtered")

    link = table.get_by_role("link", name=NAME)
    account_url = f"{gangway.url}{link.get_attribute('href')}"
    assert account_url.endswith(f"/test/accounts/{stuck}")
    if page.request.get(account_url).status != 404:  # the account page is built beside this
        link.click()  # list; where it exists, the row opens it
        page.wait_for_load_state()
        assert page.url == account_url
        assert NAME in page.content()
    journey.check()


@pytest.mark.usefixtures("console_operators")
def test_a_search_that_matches_nothing_says_so(
    open_journey: Callable[..., Journey], gangway: RunningServer
) -> None:
    journey = signed_in(open_journey, gangway, "viewer")
    page = journey.page
    page.get_by_label("Search").fill("Nobody By This Name")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="No accounts match").count() == 1
    assert page.locator("table.accounts").count() == 0
    assert page.get_by_label("Search").input_value() == "Nobody By This Name"
    shoot(journey, "accounts-empty")
    page.get_by_role("link", name="Clear filters").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/test/accounts")
    journey.check()
