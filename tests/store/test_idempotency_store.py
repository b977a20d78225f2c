"""Idempotency records on a real SQLite database: expiry, replacement, and the primary key."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from gangway.core.keys import KeyPrincipal
from gangway.store.repos.idempotency import StoredResponse
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")


def put(store: Store, fingerprint: str, *, now: int, not_before: int) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.idempotency.store(
            PRINCIPAL,
            "key-1",
            method="POST",
            path="/v2/core/accounts",
            response=StoredResponse(fingerprint, 200, b'{"id":"acct_1"}'),
            now_ms=now,
            not_before_ms=not_before,
        )


def find(store: Store, *, not_before: int) -> StoredResponse | None:
    with store.unit_of_work(write=False) as uow:
        return uow.idempotency.find(PRINCIPAL, "key-1", not_before_ms=not_before)


def test_a_live_key_replays_and_cannot_be_stored_twice(store: Store) -> None:
    put(store, "fp-a", now=1_000, not_before=0)
    found = find(store, not_before=0)
    assert found == StoredResponse("fp-a", 200, b'{"id":"acct_1"}')
    with pytest.raises(IntegrityError):
        put(store, "fp-b", now=2_000, not_before=0)


def test_an_expired_key_reads_as_absent_and_can_be_used_again(store: Store) -> None:
    put(store, "fp-a", now=1_000, not_before=0)
    assert find(store, not_before=5_000) is None  # expired: the read changes nothing
    assert find(store, not_before=0) is not None
    put(store, "fp-b", now=6_000, not_before=5_000)  # replaces the expired record
    assert find(store, not_before=5_000) == StoredResponse("fp-b", 200, b'{"id":"acct_1"}')


def test_keys_are_scoped_by_mode(store: Store) -> None:
    put(store, "fp-a", now=1_000, not_before=0)
    live = KeyPrincipal(platform_id="plat_1", livemode=True, key_id="key_2")
    with store.unit_of_work(write=False) as uow:
        assert uow.idempotency.find(live, "key-1", not_before_ms=0) is None


def test_an_expired_key_found_in_the_same_transaction_is_replaced(store: Store) -> None:
    put(store, "fp-a", now=1_000, not_before=0)
    with store.unit_of_work(write=True) as uow:
        assert uow.idempotency.find(PRINCIPAL, "key-1", not_before_ms=5_000) is None
        uow.idempotency.store(
            PRINCIPAL,
            "key-1",
            method="POST",
            path="/v2/core/accounts",
            response=StoredResponse("fp-c", 200, b"{}"),
            now_ms=6_000,
            not_before_ms=5_000,
        )
    assert find(store, not_before=5_000) == StoredResponse("fp-c", 200, b"{}")
