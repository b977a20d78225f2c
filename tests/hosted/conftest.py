"""The hosted-form tier: ``gangway serve`` on SQLite, driven over HTTP like a browser without
JavaScript would (forms posted as ``application/x-www-form-urlencoded``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from tests.conftest import RunningServer, start_server, stop_server

REFRESH = "http://platform.test/refresh"
RETURN = "http://platform.test/return"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("gangway-hosted")
    running = start_server(data_dir)
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture()
def client(server: RunningServer) -> stripe.StripeClient:
    return stripe.StripeClient(server.test_key, base_addresses={"api": server.url})


def us_individual(client: stripe.StripeClient, **extra: Any) -> Any:
    return client.v2.core.accounts.create(
        {
            "contact_email": "jenny@example.com",
            "identity": {"country": "us", "entity_type": "individual"},
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
            **extra,
        }
    )


def link_for(
    client: stripe.StripeClient, account_id: str, kind: str = "account_onboarding", **options: Any
) -> str:
    branch = {"refresh_url": REFRESH, "return_url": RETURN, **options}
    link = client.v2.core.account_links.create(
        {"account": account_id, "use_case": {"type": kind, kind: branch}}
    )
    return str(link.url)


@dataclass
class Browser:
    """A cookie jar and the last page, following redirects within the server only."""

    server: RunningServer
    http: httpx.Client
    page: httpx.Response | None = None
    history: list[httpx.Response] = field(default_factory=list)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self._follow(self.http.get(url, **kwargs))

    def post(
        self, data: dict[str, Any], action: str = "continue", path: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        assert self.page is not None
        query = self.page.url.query.decode()
        target = path or self.page.url.path + (f"?{query}" if query else "")
        body = {**data, "csrf_token": self.csrf(), "action": action}
        return self._follow(self.http.post(target, data=body, **kwargs))

    def _follow(self, response: httpx.Response) -> httpx.Response:
        self.history = [response]
        while response.status_code in (302, 303) and response.headers["location"].startswith("/"):
            response = self.http.get(response.headers["location"])
            self.history.append(response)
        self.page = response
        return response

    def csrf(self) -> str:
        assert self.page is not None
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.page.text)
        assert found, "the page has no form"
        return found.group(1)

    def names(self) -> list[str]:
        assert self.page is not None
        return [
            unescape(n)
            for n in re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', self.page.text)
        ]

    def errors(self) -> list[str]:
        assert self.page is not None
        return [
            re.sub(r"<[^>]+>", "", unescape(e)).strip()
            for e in re.findall(r'<p class="error"[^>]*>(.*?)</p>', self.page.text, re.S)
        ]


@pytest.fixture()
def browser(server: RunningServer) -> Iterator[Browser]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield Browser(server, http)


JENNY = {
    "identity[individual][given_name]": "Jenny",
    "identity[individual][surname]": "Rosen",
    "identity[individual][email]": "jenny@example.com",
    "identity[individual][phone]": "0000000000",
    "identity[individual][date_of_birth][day]": "1",
    "identity[individual][date_of_birth][month]": "1",
    "identity[individual][date_of_birth][year]": "1901",
    "identity[individual][address][line1]": "address_full_match",
    "identity[individual][address][city]": "San Francisco",
    "identity[individual][address][state]": "CA",
    "identity[individual][address][postal_code]": "94111",
    "identity[individual][id_numbers][0][type]": "us_ssn_last_4",
    "identity[individual][id_numbers][0][value]": "0000",
}
