"""Triggers and the sweep record the events of what they change, with the right cause."""

from __future__ import annotations

from typing import Any

from gangway.core.keys import KeyPrincipal
from gangway.requirements import load_rules
from gangway.services import accounts, timeline
from gangway.services.context import Call
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
DAY = 86_400_000
T0 = 1_795_000_000_000


def call(now: int) -> Call:
    return Call(principal=PRINCIPAL, request_id="req_test", clock=lambda: now, idempotency_key="k1")


def types(store: Store, account_id: str) -> list[tuple[str, Any]]:
    with store.unit_of_work(write=False) as uow:
        return [(e.type, e.payload["reason"]) for e in uow.events.for_object(PRINCIPAL, account_id)]


def test_trigger_and_block_record_their_events(store: Store) -> None:
    rules = load_rules()
    params = {
        "contact_email": "a@b.co",
        "identity": {"country": "us", "entity_type": "individual"},
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    }
    with store.unit_of_work(write=True) as uow:
        record, _ = accounts.build(call(T0), params, rules)
        accounts.add(uow, call(T0), record, rules)
    assert [t for t, _ in types(store, record.id)] == ["v2.core.account.created"]

    with store.unit_of_work(write=True) as uow:
        fresh = uow.accounts.get(PRINCIPAL, record.id)
        assert fresh is not None
        timeline.trigger(uow, fresh, "next_requirements", rules, T0 + 1000, call(T0).reason())
    after_trigger = types(store, record.id)[1:]
    assert ("v2.core.account[requirements].updated", call(T0).reason()) in after_trigger
    assert after_trigger[-1][0] == "v2.core.account.updated"


def test_the_sweep_records_deadlines_with_no_request(store: Store) -> None:
    rules = load_rules()
    params = {
        "contact_email": "a@b.co",
        "identity": {"country": "us", "entity_type": "individual"},
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    }
    with store.unit_of_work(write=True) as uow:
        record, _ = accounts.build(call(T0), params, rules)
        accounts.add(uow, call(T0), record, rules)
    assert timeline.sweep(store, rules, "plat_1", False, T0 + 15 * DAY) == 0  # nothing due yet
    assert timeline.sweep(store, rules, "plat_1", False, T0 + 17 * DAY) == 1  # day 16 passed
    swept = types(store, record.id)[1:]
    assert ("v2.core.account[requirements].updated", None) in swept
    with store.unit_of_work(write=False) as uow:
        stored = uow.accounts.get(PRINCIPAL, record.id)
    assert stored is not None and stored.next_change_ms == T0 + 30 * DAY  # the next deadline
