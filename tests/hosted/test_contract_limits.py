"""The form writes through the services, so it is refused what the API is refused: a
10,000-character value is not saved, and the error sits on its field."""

from __future__ import annotations

import pytest
import stripe

from tests.hosted.conftest import JENNY, Browser, link_for, us_individual

LONG = "x" * 10_000


@pytest.mark.parametrize(
    "field",
    [
        "identity[individual][given_name]",
        "identity[individual][address][line1]",
        "identity[individual][address][city]",
    ],
)
def test_an_over_long_personal_field_is_refused_and_not_saved(
    client: stripe.StripeClient, browser: Browser, field: str
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    page = browser.post({**JENNY, field: LONG})
    assert page.status_code == 400
    assert f'aria-describedby="{field}-error" aria-invalid="true"' in page.text
    assert any("at most 5000 characters" in e for e in browser.errors())
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity is None or stored.identity.individual is None


def test_an_over_long_product_description_is_refused(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    browser.post(JENNY)
    assert browser.page is not None and browser.page.url.path == "/onboarding/step/profile"
    field = "defaults[profile][product_description]"
    page = browser.post({field: LONG})
    assert page.status_code == 400
    assert f'aria-describedby="{field}-error" aria-invalid="true"' in page.text
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["defaults"]})
    assert (
        stored.defaults is None
        or stored.defaults.profile is None
        or (stored.defaults.profile.product_description is None)
    )


def test_an_over_long_account_holder_name_is_refused(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    browser.post(JENNY)
    browser.post({"defaults[profile][business_url]": "https://accessible.stripe.com"})
    assert browser.page is not None and browser.page.url.path == "/onboarding/step/bank"
    field = "external_account[account_holder_name]"
    page = browser.post(
        {
            field: LONG,
            "external_account[routing_number]": "110000000",
            "external_account[account_number]": "000123456789",
        }
    )
    assert page.status_code == 400
    assert f'aria-describedby="{field}-error" aria-invalid="true"' in page.text
    assert browser.page.url.path == "/onboarding/step/bank"
