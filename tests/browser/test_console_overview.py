"""The console's overview in Chromium: its charts and their tables, in English and Japanese,
at desktop and phone sizes."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import stripe

from tests.browser.conftest import Journey, create_account
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer
from tests.console.conftest import platform_of


@pytest.fixture(scope="module")
def some_accounts(gangway: RunningServer, client: stripe.StripeClient) -> None:
    """A few accounts so every chart but latency has something to draw: one with a deadline
    in two weeks (a trigger), one with a date of birth that verifies at once."""
    triggered = create_account(client)
    answer = httpx.post(
        f"{gangway.url}/_gangway/accounts/{triggered}/triggers",
        headers={"Authorization": f"Bearer {gangway.test_key}"},
        json={"type": "next_requirements"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    individual = {"given_name": "Jenny", "date_of_birth": {"day": 1, "month": 1, "year": 1902}}
    create_account(
        client, identity={"country": "us", "entity_type": "individual", "individual": individual}
    )


@pytest.mark.usefixtures("console_operators", "some_accounts")
@pytest.mark.parametrize("locale", ["en-US", "ja-JP"])
def test_the_overview_draws_its_charts_and_their_tables(
    open_journey: Callable[..., Journey], gangway: RunningServer, locale: str
) -> None:
    journey = signed_in(open_journey, gangway, "viewer", locale=locale)
    journey.goto(f"{gangway.url}/console/{platform_of(gangway)}/test/overview?locale={locale}")
    page = journey.page
    assert page.locator("html").get_attribute("lang") == locale.split("-")[0]
    charts = page.locator("section.chart svg[role=img]")
    assert charts.count() == 4
    for index in range(4):
        labelled = charts.nth(index).get_attribute("aria-labelledby") or ""
        title_id = labelled.split()[0]
        assert page.locator(f"[id='{title_id}']").count() == 1
    # the funnel and the deadlines have bars; each chart's table opens from its summary
    assert page.locator("#funnel-table").is_hidden()
    assert page.locator("section.chart svg[role=img] g.bar").count() >= 2
    page.locator("section.chart details > summary").first.click()
    assert page.locator("#funnel-table").is_visible()
    shoot(journey, f"overview-{locale}")
    journey.check()
