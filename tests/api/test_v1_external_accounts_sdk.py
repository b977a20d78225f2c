"""v1 external accounts and bank account tokens through stripe-python 16.1.0, over real HTTP, on
every storage backend: bank accounts kept sealed, rendered without their number, counted by the
same requirements engine as v2's."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.api.test_v1_accounts_sdk import custom_us, error_of, v1
from tests.conftest import RunningServer

US_BANK = {
    "object": "bank_account",
    "country": "US",
    "currency": "usd",
    "account_number": "000123456789",
    "routing_number": "110000000",
    "account_holder_name": "Jenny Rosen",
    "account_holder_type": "individual",
}


def new_account(client: stripe.StripeClient, **extra: Any) -> stripe.Account:
    return client.v1.accounts.create(custom_us(**extra))


def bank_token(client: stripe.StripeClient, **changes: str) -> stripe.Token:
    fields = {k: v for k, v in {**US_BANK, **changes}.items() if k != "object"}
    return client.v1.tokens.create({"bank_account": fields})  # type: ignore[typeddict-item]


def test_a_bank_token_renders_without_the_number_and_is_single_use(
    client: stripe.StripeClient,
) -> None:
    token = bank_token(client)
    assert token.id.startswith("btok_")
    assert token.object == "token" and token.type == "bank_account"
    assert token.used is False and token.livemode is False
    assert isinstance(token.created, int)
    bank = token.bank_account
    assert bank is not None
    assert bank.id.startswith("ba_") and bank.last4 == "6789"
    assert bank.routing_number == "110000000" and bank.bank_name == "STRIPE TEST BANK"
    assert bank.country == "US" and bank.currency == "usd" and bank.status == "new"
    assert bank.fingerprint and "account_number" not in bank.to_dict()

    account = new_account(client)
    attached = client.v1.accounts.external_accounts.create(
        account.id, {"external_account": token.id}
    )
    assert attached.id == bank.id and attached.fingerprint == bank.fingerprint
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.external_accounts.create(account.id, {"external_account": token.id})
    assert error_of(excinfo)["code"] == "token_already_used"
    assert error_of(excinfo)["param"] == "external_account"


def test_bad_bank_details_are_a_400_naming_the_field(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        bank_token(client, routing_number="123456789")
    error = error_of(excinfo)
    assert error["param"] == "bank_account[routing_number]"
    assert error["code"] == "bank_account_invalid"
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.tokens.create({"bank_account": {"country": "US", "currency": "usd"}})
    assert error_of(excinfo)["param"] == "bank_account[account_number]"
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.tokens.create({"card": {"number": "4242424242424242"}})  # type: ignore[typeddict-item]
    assert "bank accounts only" in error_of(excinfo)["message"]


def test_external_accounts_lifecycle(client: stripe.StripeClient) -> None:
    account = new_account(client)
    assert "external_account" in (account.requirements.currently_due or [])  # type: ignore[union-attr]
    first = client.v1.accounts.external_accounts.create(
        account.id, {"external_account": dict(US_BANK), "metadata": {"k": "v"}}
    )
    assert first.object == "bank_account" and first.account == account.id  # type: ignore[union-attr]
    assert first.default_for_currency is True and first.metadata.to_dict() == {"k": "v"}  # type: ignore[union-attr]
    assert first.available_payout_methods == ["instant", "standard"]  # type: ignore[union-attr]

    second = client.v1.accounts.external_accounts.create(
        account.id, {"external_account": bank_token(client, account_number="000999999991").id}
    )
    assert second.default_for_currency is False  # type: ignore[union-attr]

    listed = client.v1.accounts.external_accounts.list(account.id, {"object": "bank_account"})
    assert [b.id for b in listed.data] == [second.id, first.id]
    assert listed.url == f"/v1/accounts/{account.id}/external_accounts"
    page = client.v1.accounts.external_accounts.list(account.id, {"limit": 1})
    assert [b.id for b in page.data] == [second.id] and page.has_more is True
    rest = client.v1.accounts.external_accounts.list(account.id, {"starting_after": second.id})
    assert [b.id for b in rest.data] == [first.id] and rest.has_more is False
    back = client.v1.accounts.external_accounts.list(account.id, {"ending_before": first.id})
    assert [b.id for b in back.data] == [second.id]
    cards = client.v1.accounts.external_accounts.list(account.id, {"object": "card"})
    assert cards.data == []

    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.external_accounts.delete(account.id, first.id)
    assert "cannot delete the default" in error_of(excinfo)["message"]

    updated = client.v1.accounts.external_accounts.update(
        account.id,
        second.id,
        {"default_for_currency": True, "account_holder_name": "J. Rosen", "metadata": {"a": "b"}},
    )
    assert updated.default_for_currency is True  # type: ignore[union-attr]
    assert updated.account_holder_name == "J. Rosen"  # type: ignore[union-attr]
    again = client.v1.accounts.external_accounts.retrieve(account.id, first.id)
    assert again.default_for_currency is False  # type: ignore[union-attr]
    assert again.metadata.to_dict() == {"k": "v"}  # type: ignore[union-attr]

    deleted = client.v1.accounts.external_accounts.delete(account.id, first.id)
    assert deleted.deleted is True and deleted.id == first.id
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.external_accounts.retrieve(account.id, first.id)
    assert error_of(excinfo)["code"] == "resource_missing"

    shown = client.v1.accounts.retrieve(account.id)
    assert shown.external_accounts is not None
    assert [b.id for b in shown.external_accounts.data] == [second.id]
    assert shown.external_accounts.url == f"/v1/accounts/{account.id}/external_accounts"
    assert "external_account" not in (shown.requirements.currently_due or [])  # type: ignore[union-attr]


def test_the_external_account_param_on_account_create_and_update(
    client: stripe.StripeClient,
) -> None:
    account = new_account(client, external_account=bank_token(client).id)
    assert account.external_accounts is not None and len(account.external_accounts.data) == 1
    assert "external_account" not in (account.requirements.currently_due or [])  # type: ignore[union-attr]
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["requirements"]})
    entries = (v2.requirements.entries or []) if v2.requirements else []
    assert not any("external_account" in str(e.to_dict()) for e in entries)

    other = new_account(client)
    updated = client.v1.accounts.update(other.id, {"external_account": dict(US_BANK)})  # type: ignore[typeddict-item]
    assert updated.external_accounts is not None
    assert [b.last4 for b in updated.external_accounts.data] == ["6789"]  # type: ignore[union-attr]


def test_stripe_account_create_external_account(server: RunningServer) -> None:
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = server.test_key, server.url
    try:
        account = stripe.Account.create(**custom_us())  # type: ignore[arg-type]
        bank = stripe.Account.create_external_account(account.id, external_account="btok_us")
        assert bank.object == "bank_account" and bank.last4 == "6789"
    finally:
        stripe.api_key, stripe.api_base = saved


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("btok_us_verified", "verified"),
        ("btok_us_verificationFailed", "verification_failed"),
        ("btok_us_verified_noAccount", "errored"),
    ],
)
def test_stripe_test_tokens(client: stripe.StripeClient, token: str, status: str) -> None:
    account = new_account(client)
    for _ in range(2):  # documented test tokens are not single use
        bank = client.v1.accounts.external_accounts.create(account.id, {"external_account": token})
        assert bank.status == status  # type: ignore[union-attr]


def test_a_failing_test_number_is_errored_and_leaves_the_requirement_due(
    client: stripe.StripeClient,
) -> None:
    account = new_account(client)
    bank = client.v1.accounts.external_accounts.create(
        account.id, {"external_account": {**US_BANK, "account_number": "000111111116"}}
    )
    assert bank.status == "errored"  # type: ignore[union-attr]
    shown = client.v1.accounts.retrieve(account.id)
    assert "external_account" in (shown.requirements.currently_due or [])  # type: ignore[union-attr]


def test_an_iban_test_number(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(
        {
            "type": "custom",
            "country": "DE",
            "email": "de@example.com",
            "capabilities": {"transfers": {"requested": True}},
        }
    )
    fields = {"country": "DE", "currency": "eur", "account_number": "DE89370400440532013000"}
    bank = client.v1.accounts.external_accounts.create(
        account.id,
        {"external_account": {"object": "bank_account", **fields}},  # type: ignore[typeddict-item]
    )
    assert bank.last4 == "3000" and bank.routing_number is None  # type: ignore[union-attr]
    assert bank.status == "new" and bank.currency == "eur"  # type: ignore[union-attr]


def test_cards_and_unknown_params_are_400s(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    account = new_account(client)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.external_accounts.create(
            account.id, {"external_account": "tok_visa_debit"}
        )
    assert "bank accounts only" in error_of(excinfo)["message"]
    path = f"/v1/accounts/{account.id}/external_accounts"
    response = v1(server, "POST", path, data={"external_account[object]": "card"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "external_account[object]"
    response = v1(server, "POST", path, data={"external_account": "btok_us", "bogus": "1"})
    assert response.json()["error"]["code"] == "parameter_unknown"
    assert response.json()["error"]["param"] == "bogus"
    response = v1(server, "GET", path + "?limit=abc")
    assert response.json()["error"]["code"] == "parameter_invalid_integer"
    response = v1(server, "GET", "/v1/accounts/acct_nope/external_accounts")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"
    response = v1(server, "POST", path, data={"external_account[object]": "bank_account"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "external_account[country]"
