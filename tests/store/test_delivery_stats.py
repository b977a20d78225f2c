"""What the console's deliveries pages read: a window's attempt statistics per destination
(nearest-rank p50 and p99 computed in the database), the pending backlog, a status filter on a
destination's deliveries, and an event's deliveries; one platform's mode at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gangway.core.keys import KeyPrincipal
from gangway.services import destinations
from gangway.services.context import Call
from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.repos.events import EventRecord
from gangway.store.repos.keys import KeyRepository
from gangway.store.repos.webhooks import Attempt
from gangway.store.sealing import Sealer
from gangway.store.uow import Store
from tests.conftest import scratch_postgres

T0 = 1_795_000_000_000
TEST = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
LIVE = KeyPrincipal(platform_id="plat_1", livemode=True, key_id="key_2")
TYPE = "v2.core.account.created"


@pytest.fixture(params=["sqlite", "postgres"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Both backends: the percentiles are window functions in each one's SQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("store")
        return
    with scratch_postgres("gangway_stats") as url:
        database = Database(url)
        upgrade(database.engine)
        with database.transaction(write=True) as conn:
            KeyRepository(conn).add_platform("plat_1", "Test", 0)
        yield Store(database, Sealer(b"k" * 32), b"fingerprints")
        database.dispose()


def _destination(store: Store, principal: KeyPrincipal, url: str) -> str:
    call = Call(principal=principal, request_id="req_test", clock=lambda: T0)
    params = {
        "name": "d",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": [TYPE],
        "webhook_endpoint": {"url": url},
    }
    with store.unit_of_work(write=True) as uow:
        return destinations.create(uow, call, params).id


def _events(store: Store, principal: KeyPrincipal, count: int) -> list[str]:
    ids = [f"evt_{principal.livemode}_{n}" for n in range(count)]
    with store.unit_of_work(write=True) as uow:
        for n, event_id in enumerate(ids):
            uow.events.add(
                EventRecord(
                    id=event_id,
                    platform_id="plat_1",
                    livemode=principal.livemode,
                    type=TYPE,
                    created_ms=T0 + n,
                    object_id="acct_1",
                    payload={"context": "acct_1", "related_object": None, "reason": None},
                )
            )
    return ids


def _attempt(
    store: Store, destination: str, event_id: str, *, at: int, latency: int, code: int
) -> None:
    with store.unit_of_work(write=True) as uow:
        (delivery,) = [
            d
            for d in uow.webhooks.deliveries_page(destination, limit=1000, cursor=None)[0]
            if d.event_id == event_id
        ]
        attempt = Attempt(f"dlat_{delivery.id}_{at}", delivery.id, at, code, None, latency, None)
        status = "succeeded" if code < 300 else "failed"
        uow.webhooks.record_attempts([(attempt, status, None)], at)


def test_a_windows_rates_and_percentiles_per_destination(both: Store) -> None:
    store = both
    busy = _destination(store, TEST, "http://127.0.0.1:9/busy")
    quiet = _destination(store, TEST, "http://127.0.0.1:9/quiet")
    live = _destination(store, LIVE, "https://hooks.invalid/live")
    events = _events(store, TEST, 100)
    live_events = _events(store, LIVE, 1)
    for n, event_id in enumerate(events):  # latencies 100..1 ms, every fourth one a 500
        _attempt(
            store, busy, event_id, at=T0 + 10_000 + n, latency=100 - n, code=500 if n % 4 else 200
        )
    _attempt(store, quiet, events[0], at=T0, latency=5000, code=200)  # before the window
    _attempt(store, live, live_events[0], at=T0 + 20_000, latency=7, code=200)
    with store.unit_of_work(write=False) as uow:
        stats = uow.webhooks.stats_since("plat_1", False, T0 + 10_000)
        everything = uow.webhooks.stats_since("plat_1", False, 0)
        live_stats = uow.webhooks.stats_since("plat_1", True, 0)
        backlog = uow.webhooks.backlog([busy, quiet])
    assert set(stats) == {busy}  # quiet's one attempt is older than the window
    window = stats[busy]
    assert (window.attempts, window.succeeded) == (100, 25)
    assert window.success_rate == 0.25
    assert (window.p50_ms, window.p99_ms) == (50, 99)  # nearest rank of 1..100
    assert everything[quiet].attempts == 1 and everything[quiet].p99_ms == 5000
    assert set(live_stats) == {live} and live_stats[live].p50_ms == 7
    assert backlog == {quiet: 99}  # every busy delivery was tried; quiet's others still owed


def test_status_filter_and_an_events_deliveries(both: Store) -> None:
    store = both
    first = _destination(store, TEST, "http://127.0.0.1:9/a")
    second = _destination(store, TEST, "http://127.0.0.1:9/b")
    events = _events(store, TEST, 3)
    _attempt(store, first, events[0], at=T0 + 1, latency=1, code=200)
    _attempt(store, first, events[1], at=T0 + 2, latency=1, code=500)
    with store.unit_of_work(write=False) as uow:
        pages = {
            status: [
                d.event_id
                for d in uow.webhooks.deliveries_page(first, limit=10, cursor=None, status=status)[
                    0
                ]
            ]
            for status in ("pending", "succeeded", "failed")
        }
        owed = uow.webhooks.event_deliveries("plat_1", False, events[0])
        in_live = uow.webhooks.event_deliveries("plat_1", True, events[0])
        types = uow.webhooks.event_types("plat_1", False, [events[0], "evt_nope"])
    assert pages == {"pending": [events[2]], "succeeded": [events[0]], "failed": [events[1]]}
    assert sorted(d.destination_id for d in owed) == sorted([first, second])
    assert in_live == []
    assert types == {events[0]: TYPE}
