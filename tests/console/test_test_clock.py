"""The console's test clock (preview, then advance) and sandbox reset, on a platform of their own."""

from __future__ import annotations

import re

import pytest
import stripe

from gangway.core.clock import from_rfc3339
from tests.conftest import RunningServer
from tests.console.accounts_data import (
    api_entries,
    helper,
    individual,
    new_platform,
    retrieve,
    sdk,
    settle,
)
from tests.console.conftest import csrf_of, sign_in

_TO_MS = re.compile(r'name="to_ms" value="([0-9]+)"')
ENTRY = "identity.individual.id_numbers"


@pytest.fixture(scope="module")
def mine(console_server: RunningServer) -> tuple[str, str]:
    return new_platform(console_server)


def triggered(server: RunningServer, key: str) -> str:
    """An account whose eventually-due entries are now currently due, past due in 14 days."""
    client = sdk(server, key)
    account = client.v2.core.accounts.create(individual())
    settle(server, key)
    answer = helper(
        server, f"/_gangway/accounts/{account.id}/triggers", key, {"type": "next_requirements"}
    )
    assert answer.status_code == 200, answer.text
    assert (ENTRY, "currently_due") in api_entries(retrieve(client, account.id).requirements)
    return account.id


def clock_now(server: RunningServer, key: str) -> int:
    """How far the platform's test clock is ahead of real time, in seconds."""
    return int(helper(server, "/_gangway/test_clock", key).json()["offset_seconds"])


def test_the_preview_names_the_account_that_will_become_past_due(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    account_id = triggered(console_server, key)
    before = clock_now(console_server, key)
    with sign_in(console_server, "viewer") as browser:
        page = browser.get(f"/console/{platform}/test/clock")
        soon = browser.get(f"/console/{platform}/test/clock", params={"advance": "1d"})
        later = browser.get(
            f"/console/{platform}/test/clock", params={"amount": "15", "unit": "days"}
        )
    assert page.status_code == 200 and "Next change" in page.text
    assert soon.status_code == 200 and f'data-account="{account_id}"' not in soon.text
    assert later.status_code == 200
    block = later.text.split(f'data-account="{account_id}"', 1)[1].split('class="move"', 1)[0]
    row = block.split(f'data-entry="{ENTRY}"', 1)[1].split("</tr>", 1)[0]
    assert "currently_due" in row and "Currently due" in row
    assert 'data-then="past_due">Past due<' in row
    assert 'name="to_ms"' not in later.text  # a viewer previews but cannot move
    with sign_in(console_server, "tester") as browser:
        nxt = browser.get(f"/console/{platform}/test/clock", params={"advance": "next"})
    to_ms = _TO_MS.search(nxt.text)
    assert to_ms, nxt.text
    next_change = re.search(r'Next change: <time datetime="([^"]+)"', nxt.text)
    assert next_change
    assert int(to_ms.group(1)) == from_rfc3339(next_change.group(1))
    assert clock_now(console_server, key) == before  # a preview moves nothing


def test_a_reviewer_advances_past_the_deadline(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    account_id = triggered(console_server, key)
    client = sdk(console_server, key)
    clock = f"/console/{platform}/test/clock"
    with sign_in(console_server, "tester") as browser:
        preview = browser.get(clock, params={"advance": "15d"})
        to_ms = _TO_MS.search(preview.text)
        assert to_ms, preview.text
        csrf = csrf_of(browser, clock)
        moved = browser.post(f"{clock}/advance", data={"csrf": csrf, "to_ms": to_ms.group(1)})
        assert moved.status_code == 303
        assert moved.headers["location"] == f"{clock}?done=advanced"
        done = browser.get(moved.headers["location"]).text
        again = browser.post(f"{clock}/advance", data={"csrf": csrf, "to_ms": to_ms.group(1)})
        audit = browser.get("/console/audit", params={"target": platform}).text
        account_page = browser.get(f"/console/{platform}/test/accounts/{account_id}").text
    assert "The test clock moved." in done
    assert (ENTRY, "past_due") in api_entries(retrieve(client, account_id).requirements)
    assert "past_due" in account_page.split(f'data-entry="{ENTRY}"', 1)[1].split("</tr>", 1)[0]
    assert again.status_code == 400 and "already past that time" in again.text
    assert "test_clock.advance" in audit


def test_a_viewer_cannot_advance_and_bad_input_says_why(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    before = clock_now(console_server, key)
    clock = f"/console/{platform}/test/clock"
    with sign_in(console_server, "viewer") as browser:
        csrf = csrf_of(browser, clock)
        refused = browser.post(f"{clock}/advance", data={"csrf": csrf, "to_ms": "99999999999999"})
        words = browser.get(clock, params={"amount": "soon", "unit": "days"})
        huge = browser.get(clock, params={"advance": "9999999d"})
        weeks = browser.get(clock, params={"amount": "3", "unit": "weeks"})
    with sign_in(console_server, "tester") as browser:
        garbage = browser.post(
            f"{clock}/advance", data={"csrf": csrf_of(browser, clock), "to_ms": "tomorrow"}
        )
        live = browser.get(f"/console/{platform}/live/clock")
    assert refused.status_code == 403
    for answer in (words, huge, weeks, garbage):
        assert answer.status_code == 400
        assert "whole number of minutes, hours or days" in answer.text
    assert live.status_code in (403, 404)  # the tester has no live grant; live has no clock
    assert clock_now(console_server, key) == before


def test_live_mode_has_no_clock(console_server: RunningServer, mine: tuple[str, str]) -> None:
    platform, _ = mine
    with sign_in(console_server, "admin") as browser:
        answer = browser.get(f"/console/{platform}/live/clock")
        reset = browser.get(f"/console/{platform}/live/sandbox/reset")
    assert answer.status_code == reset.status_code == 404
    assert "Live mode has no test clock" in answer.text


def test_reset_needs_an_admin_and_the_exact_confirmation(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    client = sdk(console_server, key)
    account = client.v2.core.accounts.create(individual("To be reset"))
    reset = f"/console/{platform}/test/sandbox/reset"
    with sign_in(console_server, "tester") as browser:
        page = browser.get(reset)
        csrf = csrf_of(browser, f"/console/{platform}/test/clock")
        refused = browser.post(reset, data={"csrf": csrf, "confirm": platform})
    assert page.status_code == refused.status_code == 403
    assert retrieve(client, account.id).id == account.id
    with sign_in(console_server, "admin") as browser:
        form = browser.get(reset)
        assert form.status_code == 200 and 'name="confirm"' in form.text
        csrf = csrf_of(browser, reset)
        wrong = browser.post(reset, data={"csrf": csrf, "confirm": platform.upper() + "x"})
        assert wrong.status_code == 400 and "nothing was deleted" in wrong.text
        assert retrieve(client, account.id).id == account.id
        done = browser.post(reset, data={"csrf": csrf, "confirm": platform})
        assert done.status_code == 303
        assert "The sandbox is empty" in browser.get(done.headers["location"]).text
        audit = browser.get("/console/audit", params={"target": platform}).text
    with pytest.raises(stripe.InvalidRequestError):
        retrieve(client, account.id)
    assert "test_sandbox.reset" in audit
