"""v1's ``Stripe-Account`` header through stripe-python: a platform acts as one of its own
connected accounts, reaches only that account, and never another platform's."""

from __future__ import annotations

import pytest
import stripe

from tests.api.conftest import sdk
from tests.conftest import RunningServer


def custom(client: stripe.StripeClient) -> stripe.Account:
    return client.v1.accounts.create(
        {
            "type": "custom",
            "country": "US",
            "email": "jenny@example.com",
            "capabilities": {"transfers": {"requested": True}},
        }
    )


def test_acting_as_a_connected_account_reaches_it_alone(client: stripe.StripeClient) -> None:
    mine, other = custom(client), custom(client)
    acting: stripe.RequestOptions = {"stripe_account": mine.id}
    current = client.v1.accounts.retrieve_current(options=acting)
    assert current.id == mine.id
    assert client.v1.accounts.retrieve(mine.id, options=acting).id == mine.id
    updated = client.v1.accounts.update(mine.id, {"metadata": {"a": "1"}}, options=acting)
    assert updated.metadata.to_dict() == {"a": "1"}
    with pytest.raises(stripe.PermissionError) as denied:
        client.v1.accounts.retrieve(other.id, options=acting)
    assert denied.value.http_status == 403
    assert (denied.value.json_body or {})["error"]["code"] == "account_invalid"
    with pytest.raises(stripe.PermissionError):
        client.v1.account_links.create(
            {
                "account": other.id,
                "type": "account_onboarding",
                "refresh_url": "http://platform.test/refresh",
            },
            options=acting,
        )
    for call in (
        lambda: client.v1.accounts.list(options=acting),
        lambda: client.v1.accounts.create({"type": "custom"}, options=acting),  # type: ignore[typeddict-item]
    ):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            call()
        assert (refused.value.json_body or {})["error"]["code"] == "platform_api_key_required"


def test_another_platforms_account_is_out_of_reach(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    theirs = custom(sdk(server, server.new_platform_key()))
    with pytest.raises(stripe.PermissionError):
        client.v1.accounts.retrieve_current(options={"stripe_account": theirs.id})
    with pytest.raises(stripe.PermissionError):
        client.v1.accounts.retrieve_current(options={"stripe_account": "acct_nobody"})


def test_without_the_header_there_is_no_current_account(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.accounts.retrieve_current()
    assert "Stripe-Account" in str(refused.value)


def test_an_idempotency_key_reused_as_another_account_is_a_conflict(
    client: stripe.StripeClient,
) -> None:
    first, second = custom(client), custom(client)
    key = "same-key-two-accounts"
    client.v1.accounts.update(
        first.id,
        {"metadata": {"n": "1"}},
        options={"stripe_account": first.id, "idempotency_key": key},
    )
    with pytest.raises(stripe.IdempotencyError):
        client.v1.accounts.update(
            first.id,
            {"metadata": {"n": "1"}},
            options={"stripe_account": second.id, "idempotency_key": key},
        )
