"""The pure parts of v1 bank accounts: one check of bank details, the payout bank the engine
reads, the v1 rendering, and the list's paging."""

from __future__ import annotations

from typing import Any

import pytest

from gangway.core.errors import FieldInvalid, InvalidRequest
from gangway.requirements.facts import with_payout_bank
from gangway.services.external_accounts import bank_from_params
from gangway.v1.external_accounts import _page
from gangway.v1.render_bank import bank_account, token_bank_account
from gangway.validation.banks import bank_details

US = {"country": "US", "currency": "usd", "routing_number": "110000000"}


def made(**fields: str) -> dict[str, Any]:
    return bank_from_params({**US, **fields}, livemode=False, secret=b"s", param="bank_account")


def test_bank_details_normalises_per_country() -> None:
    assert bank_details("us", "0001-2345-6789", "110-000-000", livemode=False) == (
        "000123456789",
        "110000000",
    )
    assert bank_details("de", "DE89 3704 0044 0532 0130 00", None, livemode=False) == (
        "DE89370400440532013000",
        None,
    )
    assert bank_details("jp", "0001234", "1100-000", livemode=False) == ("0001234", "1100000")
    with pytest.raises(FieldInvalid) as excinfo:
        bank_details("us", "000123456789", None, livemode=False)
    assert excinfo.value.details["field"] == "routing_number"
    with pytest.raises(FieldInvalid) as excinfo:  # Stripe's test routing number: test mode only
        bank_details("us", "000123456789", "110000000", livemode=True)
    assert excinfo.value.details["field"] == "routing_number"


def test_a_bank_entry_keeps_the_number_sealed_and_fingerprints_it() -> None:
    bank = made(account_number="000123456789")
    assert bank["last4"] == "6789" and bank["status"] == "new"
    assert bank["bank_name"] == "STRIPE TEST BANK"
    assert bank["fingerprint"] == made(account_number="000123456789")["fingerprint"]
    assert bank["fingerprint"] != made(account_number="000999999991")["fingerprint"]
    other_key = bank_from_params(
        {**US, "account_number": "000123456789"}, livemode=False, secret=b"t", param="b"
    )
    assert other_key["fingerprint"] != bank["fingerprint"]
    assert made(account_number="000111111116")["status"] == "errored"
    rendered = bank_account("acct_1", {**bank, "id": "ba_1"})
    assert "account_number" not in rendered and rendered["account"] == "acct_1"
    assert "account" not in token_bank_account(bank)


def test_bad_fields_name_the_v1_param() -> None:
    with pytest.raises(InvalidRequest) as excinfo:
        made(account_number="12")
    assert excinfo.value.param == "bank_account[account_number]"
    with pytest.raises(InvalidRequest) as excinfo:
        made(account_number="000123456789", account_holder_type="robot")
    assert excinfo.value.param == "bank_account[account_holder_type]"
    with pytest.raises(InvalidRequest) as excinfo:
        bank_from_params({"country": "U"}, livemode=False, secret=b"", param="x")
    assert excinfo.value.param == "x[country]"


def test_the_payout_bank_is_the_usable_one_in_the_default_currency() -> None:
    eur = {"currency": "eur", "status": "new", "last4": "1"}
    usd_errored = {"currency": "usd", "status": "errored", "last4": "2"}
    usd = {"currency": "usd", "status": "new", "last4": "3"}
    doc: dict[str, Any] = {"defaults": {"currency": "usd"}, "external_accounts": [eur]}
    assert "external_account" not in with_payout_bank(doc)
    doc["external_accounts"] = [eur, usd_errored]
    assert "external_account" not in with_payout_bank(doc)
    doc["external_accounts"] = [eur, usd_errored, usd]
    assert with_payout_bank(doc)["external_account"]["last4"] == "3"
    assert with_payout_bank({"external_accounts": [eur]})["external_account"]["last4"] == "1"
    legacy = {"external_account": {"last4": "9"}}
    assert with_payout_bank(legacy) is legacy


def test_paging_newest_first() -> None:
    banks = [{"id": f"ba_{i}"} for i in (3, 2, 1)]
    assert _page(banks, {"limit": 2}) == ([banks[0], banks[1]], True)
    assert _page(banks, {"limit": 2, "starting_after": "ba_2"}) == ([banks[2]], False)
    assert _page(banks, {"limit": 1, "ending_before": "ba_1"}) == ([banks[1]], True)
    assert _page(banks, {"limit": 10, "object": "card"}) == ([], False)
    with pytest.raises(InvalidRequest):
        _page(banks, {"limit": 1, "starting_after": "ba_9"})
