"""Account Links in the browser: single use, expiry, Save for later, account_update."""

from __future__ import annotations

from collections.abc import Callable

import stripe

from tests.browser.conftest import (
    PLATFORM_COLLECTS,
    Journey,
    Receiver,
    advance_clock,
    create_account,
    create_link,
)
from tests.conftest import RunningServer


def test_a_reused_link_and_an_expired_link_land_on_refresh_url(
    open_journey: Callable[..., Journey],
    receiver: Receiver,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    account = create_account(client)
    used = create_link(client, account, receiver)
    j = open_journey()
    j.goto(used.url)
    j.expect("personal")
    j.shot("first visit")
    j.goto(used.url)  # the same link again: already redeemed
    assert j.page.url == used.refresh_url
    j.shot("second visit refreshes")
    j.check(used.exits)

    expired = create_link(client, account, receiver)
    advance_clock(gangway, expired.lifetime + 1)  # links expire on the sandbox's clock
    late = open_journey()
    late.goto(expired.url)
    assert late.page.url == expired.refresh_url
    late.shot("expired link refreshes")
    late.check(expired.exits)
    assert receiver.hits.count(f"/refresh/{account}") == 2


def test_save_for_later_keeps_what_was_entered(
    open_journey: Callable[..., Journey], receiver: Receiver, client: stripe.StripeClient
) -> None:
    account = create_account(client)
    link = create_link(client, account, receiver)
    j = open_journey()
    j.goto(link.url)
    j.expect("personal")
    j.fill(
        {
            "identity[individual][given_name]": "Jenny",
            "identity[individual][surname]": "Rosen",
            "identity[individual][date_of_birth][day]": "1",
            "identity[individual][date_of_birth][month]": "1",
            "identity[individual][date_of_birth][year]": "1901",
            "identity[individual][address][line1]": "address_full_match",
            "identity[individual][address][state]": "CA",
        }
    )
    j.shot("personal partly filled")
    j.press("save")
    assert j.page.url == link.return_url
    j.shot("returned")
    j.check(link.exits)

    stored = client.v2.core.accounts.retrieve(account, {"include": ["identity"]})
    individual = stored.identity.individual  # type: ignore[union-attr]
    assert (individual.given_name, individual.surname) == ("Jenny", "Rosen")
    birth = individual.date_of_birth
    assert (birth.day, birth.month, birth.year) == (1, 1, 1901)
    assert (individual.address.line1, individual.address.state) == ("address_full_match", "CA")

    again = create_link(client, account, receiver)  # and the form shows it next time
    k = open_journey()
    k.goto(again.url)
    k.expect("personal")
    assert k.page.input_value('[name="identity[individual][given_name]"]') == "Jenny"
    assert k.page.input_value('[name="identity[individual][date_of_birth][year]"]') == "1901"
    assert k.page.input_value('[name="identity[individual][address][state]"]') == "CA"
    assert k.page.input_value('[name="identity[individual][address][city]"]') == ""
    k.shot("next visit shows it")
    k.check(again.exits)


SSN = "123456789"


def test_an_account_update_link_shows_values_masks_the_id_number_and_saves_an_edit(
    open_journey: Callable[..., Journey], receiver: Receiver, client: stripe.StripeClient
) -> None:
    account = create_account(
        client,
        **PLATFORM_COLLECTS,
        identity={
            "country": "us",
            "entity_type": "individual",
            "individual": {
                "given_name": "Jenny",
                "surname": "Rosen",
                "email": "jenny.rosen@example.com",
                "phone": "0000000000",
                "date_of_birth": {"day": 1, "month": 1, "year": 1901},
                "address": {
                    "line1": "address_full_match",
                    "city": "San Francisco",
                    "state": "CA",
                    "postal_code": "94103",
                    "country": "us",
                },
                "id_numbers": [{"type": "us_ssn", "value": SSN}],
            },
        },
    )
    client.v2.core.accounts.update(
        account, {"defaults": {"profile": {"business_url": "https://accessible.stripe.com"}}}
    )
    link = create_link(client, account, receiver, use_case="account_update")
    j = open_journey()
    j.goto(link.url)
    j.shot("first page")
    pages = [j.html()]
    j.follow('nav.steps a[href="/onboarding/step/personal"]')
    j.expect("personal")
    j.shot("personal as on file")
    pages.append(j.html())
    value = j.page.input_value
    assert value('[name="identity[individual][given_name]"]') == "Jenny"
    assert value('[name="identity[individual][email]"]') == "jenny.rosen@example.com"
    assert value('[name="identity[individual][date_of_birth][year]"]') == "1901"
    assert value('[name="identity[individual][address][city]"]') == "San Francisco"
    assert value('[name="identity[individual][address][state]"]') == "CA"
    assert value('[name="identity[individual][id_numbers][0][value]"]') == ""
    hint = j.page.locator('[id="identity[individual][id_numbers][0][value]-hint"]')
    assert "6789" in hint.inner_text()

    j.fill(
        {
            "identity[individual][address][line2]": "Apt 5",
            "identity[individual][address][city]": "Oakland",
            "identity[individual][address][postal_code]": "94607",
        }
    )
    j.shot("personal edited")
    j.press("continue")
    j.shot("after the edit")
    pages.append(j.html())
    if j.step() != "review":
        j.follow('nav.steps a[href="/onboarding/step/review"]')
        j.shot("review")
        pages.append(j.html())
    j.expect("review")
    assert "6789" in j.page.locator("dl.summary").inner_text()
    for html in pages:
        assert SSN not in html and SSN[:5] not in html, "the full ID number reached the page"
    j.press("save")
    assert j.page.url == link.return_url
    j.shot("returned")
    j.check(link.exits)

    stored = client.v2.core.accounts.retrieve(account, {"include": ["identity"]})
    individual = stored.identity.individual  # type: ignore[union-attr]
    address = individual.address
    assert (address.line2, address.city, address.postal_code) == ("Apt 5", "Oakland", "94607")
    assert address.line1 == "address_full_match"
    assert individual.given_name == "Jenny"
    assert [n.type for n in individual.id_numbers] == ["us_ssn"]  # kept, not wiped
