"""The console's accounts list over HTTP: each filter and search narrows to the right accounts
(made through the SDK on a platform of this module's own), pages go forward and back, test and
live never meet on one page, and a bad filter or page address is a 400 that says why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import stripe

from tests.conftest import RunningServer
from tests.console.conftest import sign_in

_ROW_IDS = re.compile(r'/accounts/(acct_[A-Za-z0-9_]+)"')
_RESPONSIBLE = {
    "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
}


def merchant(name: str, email: str, **person: Any) -> dict[str, Any]:
    """A US individual merchant: pending its test-mode checks, past due, card payments restricted."""
    return {
        "display_name": name,
        "contact_email": email,
        "dashboard": "none",
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": {
                "given_name": "Jenny",
                "surname": "Rosen",
                "date_of_birth": {"day": 1, "month": 1, "year": 1901},
                "address": {
                    "country": "us",
                    "line1": "address_full_match",
                    "city": "San Francisco",
                    "state": "CA",
                    "postal_code": "94111",
                },
                **person,
            },
        },
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        "defaults": _RESPONSIBLE,
    }


def recipient(name: str, email: str) -> dict[str, Any]:
    """A GB company recipient: past due and restricted, nothing awaiting a verification."""
    return {
        "display_name": name,
        "contact_email": email,
        "dashboard": "none",
        "identity": {"country": "gb", "entity_type": "company"},
        "configuration": {
            "recipient": {
                "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
            }
        },
        "defaults": _RESPONSIBLE,
    }


@dataclass
class Platform:
    id: str
    test: stripe.StripeClient
    live: stripe.StripeClient
    made: dict[str, str]
    """Role in this module -> account id."""

    @property
    def prefix(self) -> str:
        return f"/console/{self.id}/test/accounts"


@pytest.fixture(scope="module")
def platform(console_server: RunningServer) -> Platform:
    key = console_server.new_platform_key()
    listed = orjson.loads(console_server._cli("platforms", "list", "--json"))
    platform_id = str(listed[-1]["id"])
    live_key = console_server._cli(
        "keys", "create", "--mode", "live", "--platform", platform_id
    ).strip()
    test = stripe.StripeClient(key, base_addresses={"api": console_server.url})
    live = stripe.StripeClient(live_key, base_addresses={"api": console_server.url})
    accounts = test.v2.core.accounts
    made = {
        "plain": accounts.create(
            {"display_name": "Plain Shop", "contact_email": "plain@example.com"}
        ).id,
        "customer": accounts.create(
            {
                "display_name": "Customer Corner",
                "contact_email": "customer@example.com",
                "configuration": {
                    "customer": {"capabilities": {"automatic_indirect_tax": {"requested": True}}}
                },
            }
        ).id,
        "recipient": accounts.create(recipient("Harbour Freight Ltd", "ops@harbour.example")).id,
        "merchant": accounts.create(merchant("Jenny's Bikes", "jenny@bikes.example")).id,
        "closed": accounts.create(
            {"display_name": "Gone Shop", "contact_email": "gone@example.com"}
        ).id,
    }
    accounts.close(made["closed"])
    made["live"] = live.v2.core.accounts.create(
        {"display_name": "Live Only Shop", "contact_email": "live@example.com"}
    ).id
    return Platform(platform_id, test, live, made)


@pytest.fixture(scope="module")
def viewer(console_server: RunningServer) -> Iterator[httpx.Client]:
    with sign_in(console_server, "viewer") as client:
        yield client


@pytest.fixture(scope="module")
def reviewer(console_server: RunningServer) -> Iterator[httpx.Client]:
    with sign_in(console_server, "reviewer") as client:
        yield client


def listed(client: httpx.Client, path: str, **params: str) -> list[str]:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return _ROW_IDS.findall(answer.text)


def roles(platform: Platform, ids: list[str]) -> set[str]:
    names = {account_id: role for role, account_id in platform.made.items()}
    return {names.get(account_id, account_id) for account_id in ids}


def test_the_list_shows_open_accounts_newest_first(
    viewer: httpx.Client, platform: Platform
) -> None:
    answer = viewer.get(platform.prefix)
    assert answer.status_code == 200
    ids = _ROW_IDS.findall(answer.text)
    made = platform.made
    assert ids == [made["merchant"], made["recipient"], made["customer"], made["plain"]]
    assert "Harbour Freight Ltd" in answer.text and "United Kingdom" in answer.text
    assert "4 accounts on this page" in answer.text
    assert 'class="badge past_due"' in answer.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "GB"}, {"recipient"}),
        ({"country": "us"}, {"merchant"}),
        ({"entity_type": "company"}, {"recipient"}),
        ({"entity_type": "individual"}, {"merchant"}),
        ({"configuration": "customer"}, {"customer"}),
        ({"configuration": "recipient"}, {"recipient"}),
        ({"past_due": "1"}, {"recipient", "merchant"}),
        ({"currently_due": "1"}, {"recipient", "merchant"}),
        ({"pending_verification": "1"}, {"merchant"}),
        ({"restricted": "1"}, {"recipient", "merchant"}),
        ({"closed": "1"}, {"closed"}),
        ({"past_due": "1", "country": "GB"}, {"recipient"}),
        ({"pending_verification": "1", "entity_type": "company"}, set()),
    ],
)
def test_each_filter_narrows(
    viewer: httpx.Client, platform: Platform, params: dict[str, str], expected: set[str]
) -> None:
    assert roles(platform, listed(viewer, platform.prefix, **params)) == expected


def test_search_by_id_email_and_exact_name(viewer: httpx.Client, platform: Platform) -> None:
    made = platform.made
    assert listed(viewer, platform.prefix, q=made["customer"]) == [made["customer"]]
    assert listed(viewer, platform.prefix, q="  OPS@Harbour.example ") == [made["recipient"]]
    assert listed(viewer, platform.prefix, q="jenny's  BIKES") == [made["merchant"]]
    page = viewer.get(platform.prefix, params={"q": "Jenny"})  # not the whole name
    assert _ROW_IDS.findall(page.text) == []
    assert "No accounts match" in page.text and "exact" in page.text
    assert listed(viewer, platform.prefix, q=made["closed"]) == []  # closed: tick the box
    assert listed(viewer, platform.prefix, q=made["closed"], closed="1") == [made["closed"]]


def test_test_and_live_never_mix(reviewer: httpx.Client, platform: Platform) -> None:
    made = platform.made
    test_ids = listed(reviewer, platform.prefix)
    live_ids = listed(reviewer, f"/console/{platform.id}/live/accounts")
    assert made["live"] not in test_ids
    assert live_ids == [made["live"]]
    assert listed(reviewer, platform.prefix, q=made["live"]) == []
    assert listed(reviewer, f"/console/{platform.id}/live/accounts", q=made["merchant"]) == []
    assert listed(reviewer, f"/console/{platform.id}/live/accounts", q="live@example.com") == [
        made["live"]
    ]


def test_a_viewer_without_live_access_cannot_list_live(
    viewer: httpx.Client, platform: Platform
) -> None:
    answer = viewer.get(f"/console/{platform.id}/live/accounts")
    assert answer.status_code == 403
    assert platform.made["live"] not in answer.text


def test_paging_forward_and_back_keeps_the_search(console_server: RunningServer) -> None:
    """53 accounts of one name (a name search may match many): 50, then 3, then the 50 again;
    the pager's links keep the search."""
    key = console_server.new_platform_key()
    platform_id = str(orjson.loads(console_server._cli("platforms", "list", "--json"))[-1]["id"])
    client = stripe.StripeClient(key, base_addresses={"api": console_server.url})
    made = [client.v2.core.accounts.create({"display_name": "Twin Shop"}).id for _ in range(53)]
    client.v2.core.accounts.create({"display_name": "Other Shop"})
    newest_first = made[::-1]
    prefix = f"/console/{platform_id}/test/accounts"
    with sign_in(console_server, "viewer") as viewer:
        first = viewer.get(prefix, params={"q": "twin shop"})
        assert _ROW_IDS.findall(first.text) == newest_first[:50]
        assert "50 accounts on this page" in first.text
        assert 'rel="prev"' not in first.text
        older = re.search(r'href="([^"]+)" rel="next"', first.text)
        assert older is not None and "q=twin+shop" in older.group(1)
        second = viewer.get(older.group(1).replace("&amp;", "&"))
        assert _ROW_IDS.findall(second.text) == newest_first[50:]
        assert 'rel="next"' not in second.text
        newer = re.search(r'href="([^"]+)" rel="prev"', second.text)
        assert newer is not None and "q=twin+shop" in newer.group(1)
        back = viewer.get(newer.group(1).replace("&amp;", "&"))
        assert _ROW_IDS.findall(back.text) == newest_first[:50]
        assert 'rel="prev"' not in back.text and 'rel="next"' in back.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"after": "garbage"}, "This page address is not valid"),
        ({"before": "12.acct_x'--"}, "This page address is not valid"),
        ({"after": "1.acct_a", "before": "1.acct_b"}, "This page address is not valid"),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"entity_type": "robot"}, "Choose an entity type from the list."),
        ({"configuration": "shop"}, "Choose a configuration from the list."),
        ({"past_due": "maybe"}, "A filter box has a value this list does not know."),
        ({"q": "x" * 400}, "The search is too long."),
    ],
)
def test_a_bad_filter_or_page_address_is_a_400_with_a_reason(
    viewer: httpx.Client, platform: Platform, params: dict[str, str], message: str
) -> None:
    answer = viewer.get(platform.prefix, params=params)
    assert answer.status_code == 400
    assert message in answer.text
    assert 'name="q"' in answer.text  # the form is still there to fix it
    assert "Traceback" not in answer.text


def test_countries_are_named_in_the_operators_language(
    viewer: httpx.Client, platform: Platform
) -> None:
    german = viewer.get(platform.prefix, params={"locale": "de-DE"})
    assert german.status_code == 200
    assert '<option value="GB">Vereinigtes Königreich</option>' in german.text
    assert "Vereinigtes Königreich" in german.text.split("<tbody>")[1]  # the row, too
    english = viewer.get(platform.prefix)
    assert '<option value="GB">United Kingdom</option>' in english.text


def test_the_form_shows_the_filters_a_list_was_asked_for(
    viewer: httpx.Client, platform: Platform
) -> None:
    page = viewer.get(platform.prefix, params={"restricted": "1", "country": "GB"})
    assert 'id="f-restricted" type="checkbox" name="restricted" value="1" checked' in page.text
    assert '<option value="GB" selected>' in page.text
    assert "Clear filters" in page.text
