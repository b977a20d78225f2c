"""The console's admin pages in Chromium: operators, API keys and the audit log, and what each
role's navigation offers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Journey
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer

SECTIONS = ["Overview", "Accounts", "Review queue", "Deliveries", "Test clock", "Audit log"]


@pytest.mark.usefixtures("console_operators")
@pytest.mark.parametrize(
    ("who", "extra"),
    [("viewer", []), ("reviewer", []), ("admin", ["Operators", "API keys"])],
)
def test_each_role_s_navigation(
    open_journey: Callable[..., Journey], gangway: RunningServer, who: str, extra: list[str]
) -> None:
    journey = signed_in(open_journey, gangway, who)
    nav = journey.page.get_by_role("navigation", name="Sections")
    assert nav.get_by_role("link").all_inner_texts() == SECTIONS + extra
    modes = journey.page.get_by_role("navigation", name="Mode").get_by_role("link")
    assert modes.all_inner_texts() == (
        ["Test mode"] if who == "viewer" else ["Test mode", "Live mode"]
    )
    journey.check()


@pytest.mark.usefixtures("console_operators")
def test_an_admin_adds_an_operator_makes_a_key_and_reads_the_audit_log(
    open_journey: Callable[..., Journey], gangway: RunningServer
) -> None:
    journey = signed_in(open_journey, gangway, "admin")
    page = journey.page
    page.get_by_role("link", name="Operators").click()
    shoot(journey, "operators")
    page.get_by_label("Email").fill("browser.added@example.com")
    page.get_by_label("Role", exact=True).last.select_option("reviewer")
    page.get_by_role("button", name="Add operator").click()
    shown = page.get_by_role("status")
    assert "One-time password for browser.added@example.com" in shown.inner_text()
    assert len(page.locator("code.secret").inner_text()) == 32
    shoot(journey, "operator-added")

    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Mode").select_option("test")
    page.get_by_role("button", name="Create key").click()
    assert page.locator("code.secret").inner_text().startswith("sk_test_")
    shoot(journey, "keys")

    page.get_by_role("link", name="Audit log").click()
    rows = page.locator("table.data tbody tr")
    actions = rows.locator("td code").all_inner_texts()
    assert "key.created" in actions and "operator.created" in actions
    assert "admin@example.com" in rows.first.inner_text()
    shoot(journey, "audit-log")
    journey.check()
