"""Deliveries are owed in the transaction that records the event, to the right destinations,
and expire with their events."""

from __future__ import annotations

import pytest

from gangway.core.keys import KeyPrincipal
from gangway.services import destinations
from gangway.services.context import Call
from gangway.store.repos.events import EventRecord
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
T0 = 1_795_000_000_000


def call(now: int = T0) -> Call:
    return Call(principal=PRINCIPAL, request_id="req_test", clock=lambda: now)


def destination(store: Store, events: list[str], sources: list[str] | None = None) -> str:
    params = {
        "name": "d",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": events,
        "webhook_endpoint": {"url": "http://127.0.0.1:9/hook"},
    }
    if sources is not None:
        params["events_from"] = sources
    with store.unit_of_work(write=True) as uow:
        return destinations.create(uow, call(), params).id


def event(type_: str, at: int = T0, context: str | None = "acct_1") -> EventRecord:
    return EventRecord(
        id=f"evt_{type_}_{at}_{context}",
        platform_id="plat_1",
        livemode=False,
        type=type_,
        created_ms=at,
        object_id="acct_1",
        payload={"context": context, "related_object": None, "reason": None, "data": None},
    )


def owed(store: Store) -> list[tuple[str, str]]:
    with store.unit_of_work(write=True) as uow:
        return sorted(
            (c.url, c.body.decode())
            for c in uow.webhooks.claim(T0 * 2, lease_ms=1, limit=100, skip_locked=False)
        )


def test_each_event_is_owed_to_the_destinations_that_want_it(store: Store) -> None:
    destination(store, ["v2.core.account[requirements].updated"])
    destination(store, ["v2.core.account.created"])
    destination(store, ["v2.core.account[requirements].updated"], ["@self"])
    woken: list[int] = []
    store.on_deliveries = lambda: woken.append(1)
    with store.unit_of_work(write=True) as uow:
        uow.events.add(event("v2.core.account[requirements].updated"))
    assert woken == [1]
    with store.unit_of_work(write=True) as uow:
        rows = uow.webhooks.claim(T0, lease_ms=1000, limit=10, skip_locked=False)
    assert len(rows) == 1  # not to the @self-only destination, nor to the other type
    assert '"type":"v2.core.account[requirements].updated"' in rows[0].body.decode()
    assert '"data"' not in rows[0].body.decode()  # thin
    with store.unit_of_work(write=True) as uow:  # leased: not claimable again until it expires
        assert uow.webhooks.claim(T0 + 999, lease_ms=1000, limit=10, skip_locked=False) == []
        assert len(uow.webhooks.claim(T0 + 1000, lease_ms=1000, limit=10, skip_locked=False)) == 1


def test_a_rolled_back_change_owes_nothing(store: Store) -> None:
    destination(store, ["v2.core.account.created"])
    woken: list[int] = []
    store.on_deliveries = lambda: woken.append(1)
    with pytest.raises(RuntimeError), store.unit_of_work(write=True) as uow:
        uow.events.add(event("v2.core.account.created"))
        raise RuntimeError("the change failed")
    assert woken == []
    assert owed(store) == []


def test_disabled_and_deleted_destinations_get_nothing_new(store: Store) -> None:
    paused = destination(store, ["v2.core.account.created"])
    gone = destination(store, ["v2.core.account.created"])
    with store.unit_of_work(write=True) as uow:
        uow.events.add(event("v2.core.account.created", T0))  # owed to both
        destinations.set_status(uow, call(), paused, enabled=False)
        destinations.delete(uow, call(), gone)
    with store.unit_of_work(write=True) as uow:
        uow.events.add(event("v2.core.account.created", T0 + 1))  # owed to neither
        assert uow.webhooks.claim(T0 * 2, lease_ms=1, limit=10, skip_locked=False) == []
    with store.unit_of_work(write=True) as uow:
        destinations.set_status(uow, call(), paused, enabled=True)
    assert len(owed(store)) == 1  # the paused destination's first delivery resumes


def test_events_expire_with_their_deliveries(store: Store) -> None:
    destination(store, ["v2.core.account.created"])
    with store.unit_of_work(write=True) as uow:
        uow.events.add(event("v2.core.account.created", T0))
        uow.events.add(event("v2.core.account.created", T0 + 10))
    with store.unit_of_work(write=True) as uow:
        assert uow.events.prune(before_ms=T0 + 5) == 1
    assert len(owed(store)) == 1
