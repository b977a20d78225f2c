"""Bring stored requirements up to the loaded rules, once, at start-up.

Every write stores the account's evaluation (``timeline.settle``, ``accounts.build``), and reads
render it while it is fresh (``accounts.requirements``). After a rule-file change (or an engine,
SDK-shape or wire-form change: ``timeline.stored_key``), and for rows an older Gangway wrote
before the column existed, what is stored no longer counts: reads stay correct by evaluating,
but every read pays for it.

Why re-evaluate in batches at start-up rather than mark them stale and evaluate lazily: a read
stores nothing (it runs in a read transaction, and SQLite readers never take the write lock),
so "lazily once" would really mean "on every read until the account is next written", which
for a quiet account is forever. One pass at start-up, in short transactions of ``_BATCH``
accounts (as ``listing.fill_missing`` does), restores the cheap read for all of them, and a
server started twice with the same rules finds nothing to do (one indexed query).

Each account is evaluated as of its last evaluation (``evaluated_ms``), as if it had been last
evaluated under these rules: no event is recorded (nothing the account did changed), and its
wake-up (``next_change_ms``) and console flags follow the new rules, so the sweep brings it
forward at the rules' own next change and records those events then.
"""

from __future__ import annotations

from gangway.requirements import RuleBook
from gangway.services import timeline
from gangway.store.uow import Store

__all__ = ["fill_stale"]

_BATCH = 200


def fill_stale(store: Store, rules: RuleBook) -> int:
    """Re-evaluate and store every account stored under another key; returns how many."""
    key = timeline.stored_key(rules)
    done = 0
    while True:
        with store.unit_of_work(write=True) as uow:
            batch = uow.accounts.stale_requirements(key, _BATCH)
            for record in batch:
                timeline.restore(uow, record, rules, record.evaluated_ms or record.created_ms)
        done += len(batch)
        if len(batch) < _BATCH:
            return done
