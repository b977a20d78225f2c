"""Bank account writes record v1 ``account.external_account.*`` snapshot events, the hosted form's
too, and an old single ``external_account`` reads as the one default entry."""

from __future__ import annotations

from typing import Any

import pytest

from gangway.core.errors import InvalidRequest
from gangway.core.keys import KeyPrincipal
from gangway.requirements import RuleBook, load_rules
from gangway.services import accounts, external_accounts
from gangway.services.context import Call
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
T0 = 1_795_000_000_000
BANK = {
    "country": "US",
    "currency": "usd",
    "account_number": "000123456789",
    "routing_number": "110000000",
    "account_holder_name": "Jenny Rosen",
}


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return load_rules()


def call() -> Call:
    return Call(principal=PRINCIPAL, request_id="req_1", clock=lambda: T0, idempotency_key="k1")


def new_account(store: Store, rules: RuleBook) -> str:
    params = {
        "contact_email": "a@b.co",
        "identity": {"country": "us", "entity_type": "individual"},
        "configuration": {
            "recipient": {
                "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
            }
        },
    }
    with store.unit_of_work(write=True) as uow:
        record, _ = accounts.build(call(), params, rules)
        accounts.add(uow, call(), record, rules)
    return record.id


def v1_events(store: Store, object_id: str) -> list[dict[str, Any]]:
    with store.unit_of_work(write=False) as uow:
        found = uow.events.for_object(PRINCIPAL, object_id, api="v1")
    return [{"type": e.type, **e.payload} for e in found]


def bank(store: Store, **changes: str) -> dict[str, Any]:
    with store.unit_of_work(write=False) as uow:
        return external_accounts.bank_from_params(
            {**BANK, **changes}, livemode=False, secret=uow.fingerprint_secret, param="x"
        )


def test_create_update_delete_record_snapshot_events(store: Store, rules: RuleBook) -> None:
    account_id = new_account(store, rules)
    new = bank(store)
    with store.unit_of_work(write=True) as uow:
        _, first = external_accounts.add(uow, call(), account_id, new, rules)
    with store.unit_of_work(write=True) as uow:
        external_accounts.update(
            uow, call(), account_id, first["id"], {"metadata": {"a": "b"}}, rules
        )
    with store.unit_of_work(write=True) as uow:
        external_accounts.delete(uow, call(), account_id, first["id"], rules)
    events = v1_events(store, first["id"])
    assert [e["type"] for e in events] == [
        "account.external_account.created",
        "account.external_account.updated",
        "account.external_account.deleted",
    ]
    created = events[0]["data"]["object"]
    assert created["object"] == "bank_account" and created["last4"] == "6789"
    assert "account_number" not in created and events[0]["context"] == account_id
    assert events[1]["data"]["previous_attributes"] == {"metadata": {}}
    assert events[0]["request"] == {"id": "req_1", "idempotency_key": "k1"}


def test_the_hosted_form_replaces_the_default_and_records_events(
    store: Store, rules: RuleBook
) -> None:
    account_id = new_account(store, rules)
    form = {
        "object": "bank_account",
        "country": "us",
        "account_holder_name": "J",
        "routing_number": "110000000",
        "account_number": "000123456789",
        "last4": "6789",
    }
    for number in ("000123456789", "000999999991"):
        with store.unit_of_work(write=True) as uow:
            accounts.set_external_account(
                uow, call(), account_id, {**form, "account_number": number}, rules
            )
    with store.unit_of_work(write=False) as uow:
        record = accounts.retrieve(uow, call(), account_id)
        (kept,) = external_accounts.entries(record, uow.fingerprint_secret)
        evaluation = accounts.evaluation(uow, record, rules, T0)
    assert kept["last4"] == "9991" and kept["default_for_currency"] is True
    assert kept["currency"] == "usd"
    due = [e["description"] for e in evaluation.requirements["entries"]]
    assert "external_account" not in due
    types = [e["type"] for e in v1_events(store, kept["id"])]
    assert types == ["account.external_account.created"]


def test_an_old_single_external_account_reads_as_the_default_entry(
    store: Store, rules: RuleBook
) -> None:
    account_id = new_account(store, rules)
    legacy = {
        "object": "bank_account",
        "country": "us",
        "account_holder_name": "J",
        "routing_number": "110000000",
        "account_number": "000123456789",
        "last4": "6789",
    }
    with store.unit_of_work(write=True) as uow:
        record = uow.accounts.get(PRINCIPAL, account_id, for_update=True)
        assert record is not None
        record.document = {**record.document, "external_account": legacy}
        record.requirements = None  # a row that old predates stored requirements too
        uow.accounts.save(record)
    with store.unit_of_work(write=False) as uow:
        record = accounts.retrieve(uow, call(), account_id)
        (entry,) = external_accounts.entries(record, uow.fingerprint_secret)
        evaluation = accounts.evaluation(uow, record, rules, T0)
    assert entry["default_for_currency"] is True and entry["last4"] == "6789"
    assert entry["id"].startswith("ba_") and entry["fingerprint"]
    assert "external_account" not in [e["description"] for e in evaluation.requirements["entries"]]
    new = bank(store)
    with store.unit_of_work(write=True) as uow:  # a second in usd: the old one stays default
        _, second = external_accounts.add(uow, call(), account_id, new, rules)
    with store.unit_of_work(write=False) as uow:
        record = accounts.retrieve(uow, call(), account_id)
    stored = record.document["external_accounts"]
    assert "external_account" not in record.document
    assert [(e["id"], e["default_for_currency"]) for e in stored] == [
        (entry["id"], True),
        (second["id"], False),
    ]
    with store.unit_of_work(write=True) as uow, pytest.raises(InvalidRequest) as excinfo:
        external_accounts.delete(uow, call(), account_id, entry["id"], rules)
    assert "cannot delete the default" in excinfo.value.message
