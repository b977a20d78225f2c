"""Signing in to the console in Chromium, by the form, as each role."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Journey
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer


@pytest.mark.usefixtures("console_operators")
def test_sign_in_page_and_a_wrong_password(
    open_journey: Callable[..., Journey], gangway: RunningServer
) -> None:
    journey = open_journey()
    journey.goto(f"{gangway.url}/console/")
    assert journey.page.url.endswith("/console/login?next=%2Fconsole%2F")
    shoot(journey, "sign-in")
    journey.page.fill("input[name=email]", "viewer@example.com")
    journey.page.fill("input[name=password]", "not the password")
    journey.refused.add(f"{gangway.url}/console/login")
    journey.page.click("form[action=\"/console/login\"] button[type=submit]")
    alert = journey.page.get_by_role("alert")
    assert "do not match an active operator" in alert.inner_text()
    shoot(journey, "sign-in-refused")
    journey.check()


@pytest.mark.usefixtures("console_operators")
@pytest.mark.parametrize("who", ["viewer", "reviewer", "admin"])
def test_each_role_signs_in_and_signs_out(
    open_journey: Callable[..., Journey], gangway: RunningServer, who: str
) -> None:
    journey = signed_in(open_journey, gangway, who)
    assert "/test/" in journey.page.url
    journey.page.get_by_role("button", name="Sign out").click()
    journey.page.wait_for_url("**/console/login")
    journey.check()
