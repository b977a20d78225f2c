"""v1 snapshot events through stripe-python: ``account.updated`` whoever changed the account,
``GET /v1/events`` filters and pages, and ``/v2/core/events`` never shows them."""

from __future__ import annotations

import pytest
import stripe

from tests.api.test_v1_accounts_sdk import custom_us


def _updates(client: stripe.StripeClient, account_id: str) -> list[stripe.Event]:
    return [
        e
        for e in client.v1.events.list({"type": "account.updated", "limit": 100}).data
        if e.account == account_id
    ]


def test_v1_and_v2_updates_each_record_an_account_updated(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(custom_us())
    assert _updates(client, account.id) == []  # a creation records none in v1
    client.v1.accounts.update(account.id, {"email": "new@example.com"})
    client.v2.core.accounts.update(account.id, {"metadata": {"via": "v2"}})
    updates = _updates(client, account.id)
    assert len(updates) == 2
    newest, oldest = updates
    assert oldest.data.object["email"] == "new@example.com"
    assert "email" in oldest.data.previous_attributes
    assert newest.data.object["metadata"].to_dict() == {"via": "v2"}
    assert newest.data.previous_attributes["metadata"].to_dict() == {"via": None}
    assert newest.object == "event" and newest.api_version
    assert newest.request.id is not None
    fetched = client.v1.events.retrieve(oldest.id)
    assert fetched.id == oldest.id and fetched.data.object["email"] == "new@example.com"


def test_filters_wildcards_and_paging(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(custom_us())
    for n in range(3):
        client.v1.accounts.update(account.id, {"metadata": {"n": str(n)}})
    mine = _updates(client, account.id)
    assert len(mine) == 3
    wild = client.v1.events.list({"type": "account.*", "limit": 100}).data
    assert {e.id for e in mine} <= {e.id for e in wild}
    assert client.v1.events.list({"type": "payout.*"}).data == []
    first = client.v1.events.list({"limit": 1})
    assert first.has_more and first.url == "/v1/events"
    second = client.v1.events.list({"limit": 1, "starting_after": first.data[0].id})
    assert second.data[0].created <= first.data[0].created
    assert second.data[0].id != first.data[0].id
    future = client.v1.events.list({"created": {"gt": mine[0].created + 10_000}})
    assert future.data == []


def test_v2_never_lists_v1_events_and_bad_input_is_a_v1_400(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(custom_us())
    client.v1.accounts.update(account.id, {"email": "x@example.com"})
    v1_id = _updates(client, account.id)[0].id
    assert all(e.type.startswith("v2.") for e in client.v2.core.events.list({"limit": 20}).data)
    with pytest.raises(stripe.InvalidRequestError):
        client.v2.core.events.retrieve(v1_id)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.events.list({"limit": "x"})  # type: ignore[typeddict-item]
    assert excinfo.value.error is not None and excinfo.value.error.param == "limit"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.events.retrieve("evt_nope")
    assert missing.value.code == "resource_missing"
