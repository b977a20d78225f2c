"""Complete onboarding journeys in a real browser: a US individual through the example platform,
and a US company with its representative and an owner."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import stripe

from tests.browser.conftest import (
    US_BANK,
    US_INDIVIDUAL,
    US_MERCHANT,
    WEBSITE,
    Journey,
    Platform,
    Receiver,
    advance_clock,
    create_account,
    create_link,
    origin,
    outstanding,
    prefixed,
    wait_until_satisfied,
)
from tests.conftest import RunningServer


def test_us_individual_through_the_example_platform(
    open_journey: Callable[..., Journey],
    platform: Platform | None,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    """Start on the example platform's home page, onboard, land on its return page."""
    assert platform is not None, "examples/platform is part of the tree"
    j = open_journey()
    visited = {origin(platform.url)}
    account = _start_on_platform(j, platform, gangway)
    assert account is not None, j.page.content()
    exits = {f"{platform.url}/return/{account}", f"{platform.url}/refresh/{account}"}

    j.expect("personal")
    j.shot("personal")
    j.fill(prefixed("identity[individual]", US_INDIVIDUAL))
    j.fill(
        {
            "identity[individual][id_numbers][0][type]": "us_ssn_last_4",
            "identity[individual][id_numbers][0][value]": "0000",
        }
    )
    j.shot("personal filled")
    j.press("continue")

    j.expect("profile")
    j.shot("profile")
    j.fill({"defaults[profile][business_url]": WEBSITE})
    j.press("continue")

    j.expect("bank")
    j.shot("bank")
    j.fill(US_BANK)
    j.shot("bank filled")
    j.press("continue")

    j.expect("review")
    assert j.page.locator(".notice").count() == 0, "the review still lists steps to do"
    html = j.html()
    assert "000123456789" not in html
    j.page.check("#tos")
    j.shot("review")
    j.press("submit")

    assert j.page.url in exits, j.page.url
    assert "/return/" in j.page.url
    j.shot("back on the platform")
    j.check(exits, visited)

    wait_until_satisfied(client, account)
    if platform is not None and j.page.url.startswith(platform.url):
        j.page.reload()
        assert j.page.locator("ul.requirements.currently_due").count() == 0
        assert j.page.locator("ul.requirements.past_due").count() == 0
        j.shot("platform return page once verified")


def _start_on_platform(j: Journey, platform: Platform, gangway: RunningServer) -> str | None:
    """The platform's home page form: create a US individual recipient, collect incrementally.
    The new account's id, or None when the platform refused the form."""
    j.goto(platform.url + "/")
    j.shot("platform home")
    j.page.select_option('select[name="country"]', "us")
    j.page.check('input[name="entity_type"][value="individual"]')
    j.page.check('input[name="configuration"][value="recipient"]')
    j.page.check('input[name="collection"][value="incremental"]')
    j.shot("platform start form")
    j.follow('form.start button[type="submit"]')
    if origin(j.page.url) != origin(gangway.url):
        j.shot("platform refused its form")
        return None
    records = json.loads((platform.state_dir / "accounts.json").read_text())["accounts"]
    return str(max(records.values(), key=lambda r: r["created"])["id"])


def test_example_platform_form_starts_onboarding_in_a_browser(
    open_journey: Callable[..., Journey], platform: Platform | None, gangway: RunningServer
) -> None:
    if platform is None:
        pytest.skip("no example platform in the tree")
    j = open_journey()
    account = _start_on_platform(j, platform, gangway)
    assert account is not None, j.page.content()
    j.press("save")
    assert j.page.url == f"{platform.url}/return/{account}"
    j.shot("platform return page")


def test_us_company_with_representative_and_owner(
    open_journey: Callable[..., Journey],
    receiver: Receiver,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    account = create_account(client, entity_type="company", configuration=US_MERCHANT)
    link = create_link(client, account, receiver)
    j = open_journey()
    j.goto(link.url)

    j.expect("business")
    j.shot("business")
    j.fill(
        {
            "identity[business_details][registered_name]": "Rocket Rides Inc",
            "identity[business_details][phone]": "0000000000",
            "identity[business_details][address][line1]": "address_full_match",
            "identity[business_details][address][city]": "San Francisco",
            "identity[business_details][address][state]": "CA",
            "identity[business_details][address][postal_code]": "94103",
            "identity[business_details][id_numbers][0][value]": "000000000",
        }
    )
    j.shot("business filled")
    j.press("continue")

    j.expect("representative")
    j.shot("representative")
    j.fill(US_INDIVIDUAL)
    j.fill(
        {
            "id_numbers[0][type]": "us_ssn_last_4",
            "id_numbers[0][value]": "0000",
            "relationship[title]": "CEO",
            "relationship[executive]": True,
        }
    )
    j.shot("representative filled")
    j.press("continue")

    j.expect("people")
    j.shot("people")
    j.follow('a[href="/onboarding/person/new?role=owner"]')
    j.shot("new owner")
    j.fill(
        {
            **US_INDIVIDUAL,
            "given_name": "Kavya",
            "surname": "Patel",
            "email": "kavya@rocketrides.example",
            "relationship[percent_ownership]": "60",
        }
    )
    j.press("continue", invalid=True)  # no ID number for the owner: the form says so
    j.shot("new owner missing ID number")
    missing = j.page.locator('[aria-invalid="true"]')
    assert [missing.nth(i).get_attribute("name") for i in range(missing.count())] == [
        "id_numbers[0][value]"
    ]
    assert j.page.input_value('[name="given_name"]') == "Kavya"  # what was typed is kept
    j.fill({"id_numbers[0][type]": "us_ssn_last_4", "id_numbers[0][value]": "0000"})
    j.shot("new owner filled")
    j.press("continue")

    j.expect("people")
    assert "Kavya Patel" in j.page.locator("ul.people").inner_text()
    j.fill({"identity[attestations][persons_provided][owners]": True})
    j.shot("people with owner")
    j.press("continue")

    j.expect("profile")
    j.shot("profile")
    j.fill({"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE})
    j.press("continue")

    j.expect("public")
    j.shot("public")
    j.fill({"configuration[merchant][statement_descriptor][descriptor]": "ROCKET RIDES"})
    j.press("continue")

    j.expect("bank")
    j.shot("bank")
    j.fill({**US_BANK, "external_account[account_holder_name]": "Rocket Rides Inc"})
    j.press("continue")

    j.expect("review")
    assert j.page.locator(".notice").count() == 0, j.page.locator(".notice").inner_text()
    j.page.check("#tos")
    j.shot("review")
    j.press("submit")

    assert j.page.url == link.return_url
    j.shot("returned")
    j.check(link.exits)

    advance_clock(gangway, 6)  # settle the test-mode verifications without waiting 5 s
    wait_until_satisfied(client, account)
    assert not outstanding(client, account)
