"""Fill in the console's listing columns of accounts stored before they existed.

New and saved accounts get them with every evaluation (``timeline.settle``, ``accounts.build``);
this runs once at start-up, in batches, for rows an older Gangway wrote. It evaluates each
account as of its last evaluation, so the flags say what the API said then; the next change
(a deadline, a write) brings them forward as usual. No event is recorded: nothing changed.
"""

from __future__ import annotations

from gangway.core.listing import listing_of
from gangway.requirements import RuleBook
from gangway.services import timeline, verifications
from gangway.store.uow import Store

__all__ = ["fill_missing"]

_BATCH = 200


def fill_missing(store: Store, rules: RuleBook) -> int:
    """Returns how many accounts were filled in."""
    done = 0
    while True:
        with store.unit_of_work(write=True) as uow:
            batch = uow.accounts.unlisted(_BATCH)
            for record in batch:
                at_ms = record.evaluated_ms or record.created_ms
                verdicts = verifications.verdicts(uow.verifications.of_account(record.id))
                persons = timeline.persons_of(uow, record)
                evaluation = timeline.evaluate_record(
                    record, persons, rules, at_ms, verdicts=verdicts
                )
                record.listing = listing_of(evaluation)
                uow.accounts.save(record)
        done += len(batch)
        if len(batch) < _BATCH:
            return done
