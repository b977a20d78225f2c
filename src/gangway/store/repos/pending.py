"""What a test clock's move would reach: the accounts whose next change falls by a time.

Read-only and separate from ``AccountRepository.due`` (which the sweep uses, and which locks the
rows on PostgreSQL): the console's clock preview only counts and lists.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from gangway.store.tables import accounts

__all__ = ["changes_by"]


def changes_by(
    conn: Connection, platform_id: str, livemode: bool, by_ms: int, limit: int
) -> tuple[int, list[str]]:
    """How many open accounts of this platform and mode change by ``by_ms``, and the ids of
    the first ``limit`` of them, soonest first."""
    where = (
        accounts.c.platform_id == platform_id,
        accounts.c.livemode == livemode,
        accounts.c.closed.is_(False),
        accounts.c.next_change_ms.is_not(None),
        accounts.c.next_change_ms <= by_ms,
    )
    count = conn.execute(select(func.count()).select_from(accounts).where(*where)).scalar()
    rows = conn.execute(
        select(accounts.c.id)
        .where(*where)
        .order_by(accounts.c.next_change_ms, accounts.c.id)
        .limit(limit)
    ).all()
    return int(count or 0), [str(row.id) for row in rows]
