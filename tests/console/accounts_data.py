"""Accounts for the console's account and test-clock pages, made with the official SDK."""

from __future__ import annotations

import re
from typing import Any

import httpx
import orjson
import stripe

from tests.conftest import RunningServer

INCLUDE = ["requirements", "future_requirements", "configuration.merchant", "identity"]


def sdk(server: RunningServer, key: str | None = None) -> stripe.StripeClient:
    return stripe.StripeClient(key or server.test_key, base_addresses={"api": server.url})


def individual(display_name: str = "Jenny Rosen", **overrides: Any) -> dict[str, Any]:
    """A US individual merchant with everything the sign-up minimum needs: its remaining
    requirements are eventually due (currently due 16 days on, past due 14 days later)."""
    person = {
        "given_name": "Jenny",
        "surname": "Rosen",
        "email": "jenny@example.com",
        "phone": "+14155550123",
        "date_of_birth": {"day": 14, "month": 7, "year": 1990},
        "address": {
            "country": "us",
            "line1": "address_full_match",
            "city": "San Francisco",
            "state": "CA",
            "postal_code": "94111",
        },
        "id_numbers": [{"type": "us_ssn_last_4", "value": "0000"}],
        **overrides,
    }
    return {
        "display_name": display_name,
        "contact_email": "jenny@example.com",
        "dashboard": "none",
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": person,
            "attestations": {
                "terms_of_service": {
                    "account": {"date": "2026-11-26T10:00:00.000Z", "ip": "203.0.113.7"}
                }
            },
        },
        "configuration": {
            "merchant": {"mcc": "5734", "capabilities": {"card_payments": {"requested": True}}}
        },
        "defaults": {
            "profile": {"business_url": "https://accessible.stripe.com"},
            "responsibilities": {
                "fees_collector": "application",
                "losses_collector": "application",
            },
        },
        "include": INCLUDE,
    }


def company(client: stripe.StripeClient) -> tuple[Any, Any]:
    """A US company with an owner whose full SSN was given; returns (account, person)."""
    account = client.v2.core.accounts.create(
        {
            "display_name": "Acme Widgets",
            "contact_email": "ops@acme.example",
            "identity": {
                "country": "us",
                "entity_type": "company",
                "business_details": {
                    "registered_name": "Acme Widgets Inc",
                    "id_numbers": [{"type": "us_ein", "value": "000000000"}],
                },
            },
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    person = client.v2.core.accounts.persons.create(
        account.id,
        {
            "given_name": "Ann",
            "surname": "Owner",
            "relationship": {"owner": True, "percent_ownership": "50"},
            "date_of_birth": {"day": 3, "month": 4, "year": 1985},
            "id_numbers": [{"type": "us_ssn", "value": "456780123"}],
        },
    )
    return account, person


def retrieve(client: stripe.StripeClient, account_id: str) -> Any:
    return client.v2.core.accounts.retrieve(account_id, {"include": INCLUDE})


def new_platform(server: RunningServer) -> tuple[str, str]:
    """A platform of its own (its test clock and sandbox are nobody else's): (id, test key)."""
    before = {p["id"] for p in orjson.loads(server._cli("platforms", "list", "--json"))}
    key = server.new_platform_key()
    after = {p["id"] for p in orjson.loads(server._cli("platforms", "list", "--json"))}
    (platform,) = after - before
    return str(platform), key


def helper(server: RunningServer, path: str, key: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    if body is None:
        return httpx.get(f"{server.url}{path}", headers=headers, timeout=30)
    return httpx.post(f"{server.url}{path}", json=body, headers=headers, timeout=60)


_ENTRY = re.compile(r'<tr data-entry="([^"]+)">.*?data-status="([a-z_]+)"', re.S)


def shown_entries(html: str, caption: str = "Current requirements") -> set[tuple[str, str]]:
    """The page's entries table with that caption: (description, deadline status) pairs."""
    start = html.index(f"<caption>{caption}</caption>")
    table = html[start : html.index("</table>", start)]
    return set(_ENTRY.findall(table))


def api_entries(section: Any) -> set[tuple[str, str]]:
    return {(e.description, e.minimum_deadline.status) for e in (section.entries or [])}


def settle(server: RunningServer, key: str) -> None:
    """Let test-mode verdicts land (they decide 5 s of test clock after a submission)."""
    answer = helper(server, "/_gangway/test_clock/advance", key, {"seconds": 10})
    assert answer.status_code == 200, answer.text
