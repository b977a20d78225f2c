"""The console's account page: what the v2 API reports, ID numbers masked, and the test triggers."""

from __future__ import annotations

import re

import pytest

from tests.conftest import RunningServer
from tests.console.accounts_data import (
    api_entries,
    company,
    individual,
    new_platform,
    retrieve,
    sdk,
    settle,
    shown_entries,
)
from tests.console.conftest import csrf_of, platform_of, sign_in

_CAPABILITY = re.compile(
    r'data-capability="([^"]+)">\s*<span[^>]*>[^<]*</span> <span class="badge [a-z_]+" data-status="([a-z_]+)"'
)


@pytest.fixture(scope="module")
def mine(console_server: RunningServer) -> tuple[str, str]:
    """This module's own platform (id, test key): its clock moves without touching others'."""
    return new_platform(console_server)


def page_of(platform: str, account_id: str) -> str:
    return f"/console/{platform}/test/accounts/{account_id}"


def test_an_individual_shows_what_the_api_reports_with_id_numbers_masked(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    client = sdk(console_server, key)
    created = client.v2.core.accounts.create(
        individual(id_numbers=[{"type": "us_ssn", "value": "111111111"}])  # mismatch: an error
    )
    settle(console_server, key)
    api = retrieve(client, created.id)
    with sign_in(console_server, "viewer") as browser:
        answer = browser.get(page_of(platform, created.id))
    assert answer.status_code == 200, answer.text
    html = answer.text
    assert shown_entries(html) == api_entries(api.requirements)
    assert shown_entries(html, "Future requirements") == api_entries(api.future_requirements)
    failed = next(e for e in api.requirements.entries if e.errors)
    assert failed.errors[0].code in html  # verification_failed_id_number_match
    card = api.configuration.merchant.capabilities.card_payments
    shown = dict(_CAPABILITY.findall(html))
    assert shown["merchant.card_payments"] == card.status
    for detail in card.status_details:
        assert detail.code in html
    assert "Jenny Rosen" in html and "acct_" in html
    assert "111111111" not in html and "•••• 1111" in html
    assert (
        "•• •• 1990" in html and "14" not in re.findall(r"Date of birth</dt><dd>([^<]*)", html)[0]
    )
    assert 'href="/console/' in html and '/accounts"' in html  # back to the list
    assert "Test triggers" not in html  # a viewer has nothing to press


def test_a_company_shows_its_persons_masked_and_events_newest_first(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    client = sdk(console_server, key)
    account, person = company(client)
    client.v2.core.accounts.update(account.id, {"display_name": "Acme Widgets (renamed)"})
    with sign_in(console_server, "viewer") as browser:
        html = browser.get(page_of(platform, account.id)).text
    assert f'data-person="{person.id}"' in html and "Ann Owner" in html
    assert "owner" in html and "50%" in html
    assert "456780123" not in html and "•••• 0123" in html
    assert "000000000" not in html and "•••• 0000" in html  # the EIN, masked too
    assert "us_ein" in html
    assert "•• •• 1985" in html
    events = client.v2.core.events.list({"object_id": account.id})
    ids = [e.id for e in events.data]
    assert ids  # created, updated...
    links = re.findall(r'href="/console/[^"]+/test/events/(evt_[^"]+)"', html)
    v2_shown = [event_id for event_id in links if event_id in ids]
    assert set(v2_shown) == set(ids)
    times = re.findall(r'<table class="data stack events">.*', html, re.S)[0]
    stamps = re.findall(r'<time datetime="([^"]+)"', times)
    assert stamps == sorted(stamps, reverse=True)


def test_a_viewer_cannot_trigger_and_nothing_changes(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    client = sdk(console_server, key)
    created = client.v2.core.accounts.create(individual())
    settle(console_server, key)
    before = api_entries(retrieve(client, created.id).requirements)
    path = page_of(platform, created.id)
    with sign_in(console_server, "viewer") as browser:
        csrf = csrf_of(browser, path)
        answer = browser.post(f"{path}/triggers", data={"csrf": csrf, "type": "next_requirements"})
    assert answer.status_code == 403
    assert api_entries(retrieve(client, created.id).requirements) == before


def test_a_reviewer_triggers_next_requirements_and_the_api_sees_it(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, key = mine
    client = sdk(console_server, key)
    created = client.v2.core.accounts.create(individual())
    settle(console_server, key)
    before = retrieve(client, created.id)
    assert ("identity.individual.id_numbers", "eventually_due") in api_entries(before.requirements)
    path = page_of(platform, created.id)
    with sign_in(console_server, "tester") as browser:
        page = browser.get(path).text
        assert "Test triggers" in page
        csrf = csrf_of(browser, path)
        answer = browser.post(f"{path}/triggers", data={"csrf": csrf, "type": "next_requirements"})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"{path}?done=next_requirements"
        shown = browser.get(answer.headers["location"]).text
        bad = browser.post(f"{path}/triggers", data={"csrf": csrf, "type": "explode"})
        audit = browser.get("/console/audit", params={"target": created.id}).text
    after = retrieve(client, created.id)
    assert ("identity.individual.id_numbers", "currently_due") in api_entries(after.requirements)
    assert shown_entries(shown) == api_entries(after.requirements)
    assert "are now currently due" in shown
    assert bad.status_code == 400 and "Unknown trigger" in bad.text
    assert "account.trigger" in audit and "next_requirements" in audit


def test_an_unknown_account_or_another_platforms_is_not_found(
    console_server: RunningServer, mine: tuple[str, str]
) -> None:
    platform, _ = mine
    theirs = sdk(console_server).v2.core.accounts.create(individual("Not yours"))
    first = platform_of(console_server)
    with sign_in(console_server, "reviewer") as browser:
        unknown = browser.get(page_of(platform, "acct_doesnotexist"))
        other = browser.get(page_of(platform, theirs.id))
        live = browser.get(f"/console/{first}/live/accounts/{theirs.id}")
        own = browser.get(page_of(first, theirs.id))
        csrf = csrf_of(browser, page_of(first, theirs.id))
        poke = browser.post(
            f"{page_of(platform, theirs.id)}/triggers",
            data={"csrf": csrf, "type": "charge_block"},
        )
    assert unknown.status_code == other.status_code == live.status_code == 404
    assert "Not found" in other.text and "Not yours" not in other.text
    assert own.status_code == 200 and "Not yours" in own.text
    assert poke.status_code == 404


def test_a_live_account_has_no_triggers(console_server: RunningServer) -> None:
    live = sdk(console_server, console_server.new_key("live")).v2.core.accounts.create(
        {"display_name": "Live one", "contact_email": "live@example.com"}
    )
    path = f"/console/{platform_of(console_server)}/live/accounts/{live.id}"
    with sign_in(console_server, "reviewer") as browser:
        page = browser.get(path)
        poke = browser.post(
            f"{path}/triggers", data={"csrf": csrf_of(browser, path), "type": "charge_block"}
        )
    assert page.status_code == 200 and "Live one" in page.text
    assert "Test triggers" not in page.text
    assert poke.status_code == 400 and "Test mode only" in poke.text
