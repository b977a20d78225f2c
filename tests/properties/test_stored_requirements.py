"""Stored requirements never differ from freshly computed ones, along random journeys.

The journeys of ``test_requirement_invariants`` (creates, updates to magic and ordinary
values, persons, triggers, clock moves by seconds, days and to the next change), with one more
check after every step: for every account, what it stores (``AccountRecord.requirements``,
written by whoever evaluated it and sealed in its row) is fresh at the machine's "now" when the
account is open (the sweep and every write keep it so), and whenever it is fresh it equals the
engine run on the stored facts at that instant: the engine's requirements, future requirements,
capability statuses and next change, and the wire-shaped requirements a retrieve places in its
response. ``accounts.requirements`` (what every reader renders) returns the stored value then.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from gangway.api.render import wire_requirements
from gangway.core.stored_requirements import StoredRequirements
from gangway.requirements import load_rules
from gangway.services import accounts, timeline, verifications
from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.sealing import Sealer
from gangway.store.uow import Store
from tests.properties.test_requirement_invariants import JOURNEY_SETTINGS, Journeys, Sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    directory: Path = tmp_path_factory.mktemp("stored")
    database = Database(f"sqlite:///{directory / 'g.db'}")
    upgrade(database.engine)
    try:
        yield Sandbox(Store(database, Sealer(b"k" * 32)), load_rules(), itertools.count(1))
    finally:
        database.dispose()


class StoredJourneys(Journeys):
    @invariant()
    def stored_is_fresh_and_right(self) -> None:
        key = timeline.stored_key(self.rules)
        with self.store.unit_of_work(write=False) as uow:
            for account in self.accounts:
                record = uow.accounts.get(self.principal, account.id)
                assert record is not None
                stored = record.requirements
                assert stored is not None, "an account with nothing stored"
                assert stored.key == key
                if not record.closed:
                    assert stored.is_fresh(key, self.now), (
                        "stored requirements out of date for an open account",
                        stored.evaluated_ms,
                        stored.next_change_ms,
                        self.now,
                    )
                if not stored.is_fresh(key, self.now):
                    continue
                people = timeline.persons_of(uow, record)
                verdicts = verifications.verdicts(uow.verifications.of_account(record.id))
                fresh = timeline.evaluate_record(
                    record, people, self.rules, self.now, verdicts=verdicts
                )
                assert stored.raw == {
                    "requirements": fresh.requirements,
                    "future_requirements": fresh.future_requirements,
                }
                assert stored.capabilities == fresh.capabilities
                assert stored.next_change_ms == fresh.next_change_ms
                assert stored.wire == wire_requirements(fresh)
                read = accounts.requirements(uow, record, self.rules, self.now)
                assert isinstance(read, StoredRequirements)


STORED_SETTINGS = settings(JOURNEY_SETTINGS, max_examples=30)


def test_stored_requirements_equal_fresh_ones_after_every_step(sandbox: Sandbox) -> None:
    run_state_machine_as_test(lambda: StoredJourneys(sandbox), settings=STORED_SETTINGS)
