"""Every URL a platform gives (Account Link return and refresh URLs, event destination URLs,
business websites) is parsed by one validator: the hostile corpus gets 400 ``url_invalid`` with
the param and a reason, through the official SDK over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.conftest import RunningServer
from tests.url_corpus import HOSTILE, TRICKY_VALID

_IDS = [repr(raw[:50]) for raw, _ in HOSTILE]


def _expected(raw: str) -> tuple[str, str]:
    """The code and message fragment: the contract refuses an over-long string before any
    validator sees it, as it does for every v2 string."""
    if len(raw) > 5000:
        return "parameter_invalid_string_too_long", "5000"
    return "url_invalid", dict(HOSTILE)[raw]


@pytest.fixture(scope="module")
def account_id(server: RunningServer) -> str:
    client = stripe.StripeClient(server.test_key, base_addresses={"api": server.url})
    account = client.v2.core.accounts.create(
        {
            "identity": {"country": "us", "entity_type": "individual"},
            "contact_email": "jenny@example.com",
            "configuration": {"recipient": {"capabilities": {}}},
        }
    )
    return str(account.id)


def _link(client: stripe.StripeClient, account_id: str, **urls: str) -> Any:
    branch = {"refresh_url": "https://platform.example/refresh", **urls}
    return client.v2.core.account_links.create(
        {
            "account": account_id,
            "use_case": {"type": "account_onboarding", "account_onboarding": branch},
        }
    )


@pytest.mark.parametrize(("raw", "reason"), HOSTILE, ids=_IDS)
def test_a_hostile_return_url_is_refused_with_its_reason(
    client: stripe.StripeClient, account_id: str, raw: str, reason: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _link(client, account_id, return_url=raw)
    code, reason = _expected(raw)
    assert caught.value.http_status == 400
    assert caught.value.code == code
    assert caught.value.param == "use_case[account_onboarding][return_url]"
    assert reason in str(caught.value.user_message)


def test_the_finding_s_url_is_refused_as_a_refresh_url_too(
    client: stripe.StripeClient, account_id: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _link(client, account_id, refresh_url=HOSTILE[0][0])
    assert caught.value.code == "url_invalid"
    assert caught.value.param == "use_case[account_onboarding][refresh_url]"


@pytest.mark.parametrize(("raw", "origin"), TRICKY_VALID)
def test_a_tricky_valid_url_is_accepted_and_echoed_as_given(
    client: stripe.StripeClient, account_id: str, raw: str, origin: str
) -> None:
    link = _link(client, account_id, return_url=raw)
    assert link.use_case.account_onboarding.return_url == raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(raw, reason) for raw, reason in HOSTILE if reason != "IPv6"],
    ids=[repr(raw[:50]) for raw, reason in HOSTILE if reason != "IPv6"],
)
def test_a_hostile_destination_url_is_refused(
    client: stripe.StripeClient, raw: str, reason: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.event_destinations.create(
            {
                "name": "Receiver",
                "type": "webhook_endpoint",
                "event_payload": "thin",
                "enabled_events": ["v2.core.account.updated"],
                "webhook_endpoint": {"url": raw},
            }
        )
    code, reason = _expected(raw)
    assert caught.value.code == code
    assert caught.value.param == "webhook_endpoint[url]"
    assert reason in str(caught.value.user_message)


@pytest.mark.parametrize(
    "raw",
    [
        HOSTILE[0][0],
        "https://a;b.example/",
        "https://user@shop.example/",
        "https://shop.example\\@evil.example/",
        "https://exa%6Dple.com/",
        "https://example\u3002com/",
        "https://example.com/%00",
    ],
)
def test_a_hostile_business_url_is_refused(
    client: stripe.StripeClient, account_id: str, raw: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.update(account_id, {"defaults": {"profile": {"business_url": raw}}})
    assert caught.value.code == "url_invalid"
    assert caught.value.param == "defaults[profile][business_url]"
