"""The console's account page and test clock in Chromium: a tester triggers next requirements,
previews and advances the clock, and sees the deadline pass; screenshots of every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Journey
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer
from tests.console.accounts_data import (
    api_entries,
    company,
    individual,
    new_platform,
    retrieve,
    sdk,
    settle,
)

ENTRY = "identity.individual.id_numbers"


@pytest.fixture(scope="module")
def sandbox(gangway: RunningServer, console_operators: None) -> tuple[str, str]:
    """A platform of this module's own, so moving its clock moves no other test's."""
    return new_platform(gangway)


def status_of(journey: Journey, description: str) -> str:
    row = journey.page.locator(f'table.entries tr[data-entry="{description}"]').first
    return str(row.locator("[data-status]").first.get_attribute("data-status"))


def test_a_tester_advances_the_clock_and_sees_a_deadline_pass(
    open_journey: Callable[..., Journey], gangway: RunningServer, sandbox: tuple[str, str]
) -> None:
    platform, key = sandbox
    client = sdk(gangway, key)
    account = client.v2.core.accounts.create(individual())
    settle(gangway, key)
    journey = signed_in(open_journey, gangway, "tester")
    page = journey.page
    journey.goto(f"{gangway.url}/console/{platform}/test/accounts/{account.id}")
    assert page.get_by_role("heading", name="Jenny Rosen").count() == 1
    assert status_of(journey, ENTRY) == "eventually_due"
    shoot(journey, "account-individual")

    with page.expect_navigation():
        page.get_by_role("button", name="Next requirements due now").click()
    assert "are now currently due" in page.get_by_role("status").inner_text()
    assert status_of(journey, ENTRY) == "currently_due"

    with page.expect_navigation():
        page.get_by_role("link", name="Test clock").click()
    page.get_by_label("Advance by").fill("15")
    page.get_by_label("Unit").select_option("days")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview", exact=True).click()
    move = page.locator(f'.move[data-account="{account.id}"]')
    row = move.locator(f'tr[data-entry="{ENTRY}"]')
    assert "Past due" in row.locator("[data-then=past_due]").inner_text()
    shoot(journey, "clock-preview")

    with page.expect_navigation():
        page.get_by_role("button", name="Advance to").click()
    assert "The test clock moved." in page.get_by_role("status").inner_text()
    shoot(journey, "clock-advanced")

    journey.goto(f"{gangway.url}/console/{platform}/test/accounts/{account.id}")
    assert status_of(journey, ENTRY) == "past_due"
    assert (ENTRY, "past_due") in api_entries(retrieve(client, account.id).requirements)
    shoot(journey, "account-past-due")
    journey.check()


def test_a_company_with_persons_and_the_reset_confirmation(
    open_journey: Callable[..., Journey], gangway: RunningServer, sandbox: tuple[str, str]
) -> None:
    platform, key = sandbox
    account, person = company(sdk(gangway, key))
    journey = signed_in(open_journey, gangway, "admin")
    page = journey.page
    journey.goto(f"{gangway.url}/console/{platform}/test/accounts/{account.id}")
    card = page.locator(f'[data-person="{person.id}"]')
    assert "Ann Owner" in card.inner_text() and "•••• 0123" in card.inner_text()
    assert "456780123" not in page.content()
    shoot(journey, "account-company")

    reset = f"{gangway.url}/console/{platform}/test/sandbox/reset"
    journey.goto(reset)
    shoot(journey, "reset-confirmation")
    page.get_by_label("To confirm").fill("not the id")
    journey.refused.add(reset)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete all test data").click()
    assert "nothing was deleted" in page.get_by_role("alert").inner_text()
    shoot(journey, "reset-refused")
    assert retrieve(sdk(gangway, key), account.id).id == account.id
    journey.check()
