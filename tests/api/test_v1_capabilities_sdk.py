"""v1 Capabilities and account rejection through stripe-python 16.1.0 on every backend: the
same capability statuses and requirements as the v2 view of the account."""

from __future__ import annotations

from typing import Any

import pytest
import stripe


def custom(client: stripe.StripeClient, **capabilities: bool) -> stripe.Account:
    return client.v1.accounts.create(
        {
            "type": "custom",
            "country": "US",
            "email": "jenny@example.com",
            "business_type": "individual",
            "capabilities": {
                name: {"requested": value}  # type: ignore[misc]
                for name, value in (capabilities or {"card_payments": True}).items()
            },
        }
    )


def error_of(excinfo: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    body = excinfo.value.json_body or {}
    error: dict[str, Any] = body["error"]
    return error


def test_a_requested_capability_carries_its_own_requirements(client: stripe.StripeClient) -> None:
    account = custom(client, card_payments=True, transfers=True)
    listed = client.v1.accounts.capabilities.list(account.id)
    assert listed.object == "list"
    assert listed.url == f"/v1/accounts/{account.id}/capabilities"
    assert [c.id for c in listed.data] == ["card_payments", "transfers"]
    card = client.v1.accounts.capabilities.retrieve(account.id, "card_payments")
    assert card.object == "capability" and card.account == account.id
    assert card.requested is True
    assert card.requested_at == account.created
    assert card.status == "inactive"
    assert card.requirements is not None
    due = card.requirements.currently_due or []
    assert "business_profile.mcc" in due  # asked for card payments
    assert set(due) <= set(account.requirements.currently_due or [])  # type: ignore[union-attr]
    transfers = client.v1.accounts.capabilities.retrieve(account.id, "transfers")
    assert "business_profile.mcc" not in (transfers.requirements.currently_due or [])  # type: ignore[union-attr]


def test_request_and_unrequest_through_v1_show_in_v2(client: stripe.StripeClient) -> None:
    account = custom(client, card_payments=True)
    never = client.v1.accounts.capabilities.retrieve(account.id, "sepa_debit_payments")
    assert never.status == "unrequested" and never.requested is False
    assert never.requested_at is None
    asked = client.v1.accounts.capabilities.update(
        account.id, "us_bank_account_ach_payments", {"requested": True}
    )
    assert asked.requested is True and asked.status in ("inactive", "pending")
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["configuration.merchant"]})
    merchant = v2.configuration.merchant  # type: ignore[union-attr]
    assert merchant.capabilities.ach_debit_payments is not None  # type: ignore[union-attr]
    dropped = client.v1.accounts.capabilities.update(
        account.id, "us_bank_account_ach_payments", {"requested": False}
    )
    assert dropped.status == "unrequested" and dropped.requested is False
    names = [c.id for c in client.v1.accounts.capabilities.list(account.id).data]
    assert names == ["card_payments", "us_bank_account_ach_payments"]
    again = client.v1.accounts.retrieve(account.id)
    assert again.capabilities is not None
    assert "us_bank_account_ach_payments" not in again.capabilities


def test_unknown_capabilities_and_bad_params(client: stripe.StripeClient) -> None:
    account = custom(client)
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.accounts.capabilities.retrieve(account.id, "teleport_payments")
    assert unknown.value.http_status == 404
    assert error_of(unknown)["code"] == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v1.accounts.capabilities.update(
            account.id,
            "card_payments",
            {"requested": "maybe"},  # type: ignore[typeddict-item]
        )
    assert error_of(bad)["param"] == "requested"
    with pytest.raises(stripe.InvalidRequestError) as never:
        client.v1.accounts.capabilities.update(account.id, "klarna_payments", {"requested": False})
    assert error_of(never)["param"] == "requested"
    with pytest.raises(stripe.InvalidRequestError) as unserved:
        client.v1.accounts.update(account.id, {"capabilities": {"treasury": {"requested": True}}})
    assert error_of(unserved)["param"] == "capabilities[treasury]"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.accounts.capabilities.list("acct_nobody")
    assert error_of(missing)["code"] == "resource_missing"


def test_reject_stops_every_capability_in_both_views(client: stripe.StripeClient) -> None:
    account = custom(client, card_payments=True, transfers=True)
    rejected = client.v1.accounts.reject(account.id, {"reason": "fraud"})
    assert rejected.id == account.id
    assert rejected.requirements is not None
    assert rejected.requirements.disabled_reason == "rejected.fraud"
    assert rejected.charges_enabled is False and rejected.payouts_enabled is False
    assert rejected.capabilities is not None
    assert rejected.capabilities.card_payments == "inactive"
    card = client.v1.accounts.capabilities.retrieve(account.id, "card_payments")
    assert card.requirements is not None
    assert card.requirements.disabled_reason == "rejected.fraud"
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["configuration.merchant"]})
    status = v2.configuration.merchant.capabilities.card_payments  # type: ignore[union-attr]
    assert status.status == "restricted"
    assert [d.code for d in status.status_details] == ["restricted_other"]
    with pytest.raises(stripe.InvalidRequestError) as twice:
        client.v1.accounts.reject(account.id, {"reason": "other"})
    assert error_of(twice)["code"] == "account_rejected"


def test_reject_needs_a_reason_and_a_platform_that_bears_losses(
    client: stripe.StripeClient,
) -> None:
    account = custom(client)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.accounts.reject(account.id, {})  # type: ignore[typeddict-item]
    assert error_of(missing)["param"] == "reason"
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v1.accounts.reject(account.id, {"reason": "boredom"})
    assert error_of(bad)["param"] == "reason"
    standard = client.v1.accounts.create({"type": "standard", "country": "US"})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.accounts.reject(standard.id, {"reason": "fraud"})
    assert error_of(refused)["code"] == "account_rejection_not_allowed"
