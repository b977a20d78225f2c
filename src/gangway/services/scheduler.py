"""The deadline scheduler: one pass over every platform, live mode on real time and test mode on
each platform's clock. ``gangway serve`` runs it every second; ``gangway worker`` runs it alone
for deployments with several processes. Each pass reads only due accounts (an index range), and
on PostgreSQL rows another worker holds are skipped, so one process acts on a given deadline."""

from __future__ import annotations

from gangway.requirements import RuleBook
from gangway.services import timeline
from gangway.services.clocks import Clocks
from gangway.store.uow import Store

__all__ = ["sweep_all"]


def sweep_all(store: Store, rules: RuleBook, clocks: Clocks) -> int:
    """Process every change that is due now; returns how many account changes were processed."""
    with store.unit_of_work(write=False) as uow:
        platform_ids = uow.keys.platform_ids()
    processed = 0
    for platform_id in platform_ids:
        processed += timeline.sweep(store, rules, platform_id, True, clocks.real_ms())
        with store.unit_of_work(write=False) as uow:
            test_now = clocks.test_now_ms(platform_id, uow)
        processed += timeline.sweep(store, rules, platform_id, False, test_now)
    return processed
