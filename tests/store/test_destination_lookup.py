"""The API resolves a destination's host before the handler, off the event loop's thread, and
the egress check judges what that lookup found: the blocking lookup never runs on the loop.

The ASGI app is called in-process on the store tier's SQLite database, with the resolver stubbed
(the answers a hostile DNS server could give)."""

from __future__ import annotations

import ipaddress
import socket
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gangway.api import event_routes
from gangway.services import destinations
from gangway.store.uow import Store
from gangway.webhooks.egress import IPAddress
from tests.store.test_api_checks_once import Api

TABLE = {"rebind.test": ["10.0.0.5"], "public.test": ["93.184.216.34"]}


def body(url: object) -> dict[str, Any]:
    return {
        "name": "d",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": url},
    }


@pytest.fixture()
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    questions: list[str] = []

    async def resolver(host: str, port: int) -> list[IPAddress]:
        questions.append(host)
        if host not in TABLE:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(a) for a in TABLE[host]]

    def blocking(host: str) -> list[IPAddress]:
        raise AssertionError(f"a blocking lookup of {host} ran on the event loop")

    monkeypatch.setattr(event_routes, "system_resolver", resolver, raising=False)
    monkeypatch.setattr(destinations, "system_lookup", blocking)
    return questions


def test_create_and_update_judge_the_addresses_found_before_the_handler(
    store: Store, asked: list[str]
) -> None:
    api = Api(store, Counter())
    status, refused = api.post("/v2/core/event_destinations", body("http://rebind.test/hook"))
    assert status == 400
    assert refused["error"]["code"] == "url_invalid"
    assert refused["error"]["param"] == "webhook_endpoint[url]"
    assert "rebind.test resolves to a private address" in refused["error"]["message"]

    status, created = api.post("/v2/core/event_destinations", body("http://public.test/hook"))
    assert status == 200
    path = f"/v2/core/event_destinations/{created['id']}"
    status, again = api.post(path, {"webhook_endpoint": {"url": "http://rebind.test/x"}}, key="k")
    assert (status, again["error"]["param"]) == (400, "webhook_endpoint[url]")
    status, _ = api.post(path, {"webhook_endpoint": {"url": "http://unknown.test/x"}})
    assert status == 200  # does not resolve now: accepted, and checked at every delivery
    status, _ = api.post(path, {"name": "no URL, no lookup"})
    assert status == 200
    assert asked == ["rebind.test", "public.test", "rebind.test", "unknown.test"]


def test_a_malformed_url_is_refused_without_a_lookup(store: Store, asked: list[str]) -> None:
    api = Api(store, Counter())
    for url in ("ftp://rebind.test/", "not a url", 5):
        status, refused = api.post("/v2/core/event_destinations", body(url))
        assert status == 400, refused
    assert asked == []


URLS = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda scheme, host, rest: f"{scheme}://{host}{rest}",
        st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
        st.text(max_size=30),
        st.text(max_size=10),
    ),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


def test_any_destination_url_gets_a_200_or_a_400_never_a_500(
    store: Store, asked: list[str]
) -> None:
    api = Api(store, Counter())

    @settings(max_examples=100, deadline=None, derandomize=True)
    @given(url=URLS)
    def check(url: object) -> None:
        status, answer = api.post("/v2/core/event_destinations", body(url))
        assert status in (200, 400), answer

    check()
