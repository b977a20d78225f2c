"""The console's account list reaches its rows through an index for every filter and search, and
never sorts: SQLite's ``EXPLAIN QUERY PLAN`` of each statement ``console_page`` runs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Connection

from gangway.core.keys import KeyPrincipal
from gangway.core.listing import Listing
from gangway.core.pagination import Cursor
from gangway.store.repos.accounts import AccountFilters, AccountRecord, AccountRepository
from gangway.store.sealing import Sealer
from gangway.store.uow import Store

TEST = KeyPrincipal("plat_1", False, key_id="t")
LIVE = KeyPrincipal("plat_1", True, key_id="t")
FILTERS = {
    "nothing": AccountFilters(),
    "closed": AccountFilters(closed=True),
    "country": AccountFilters(country="de"),
    "entity type": AccountFilters(entity_type="company"),
    "configuration": AccountFilters(configuration="recipient"),
    "past due": AccountFilters(past_due=True),
    "currently due": AccountFilters(currently_due=True),
    "pending verification": AccountFilters(pending_verification=True),
    "restricted": AccountFilters(restricted=True),
    "id": AccountFilters(search="acct_7"),
    "email": AccountFilters(search="Shop7@Example.com"),
    "name": AccountFilters(search="shop 7"),
    "past due in one country": AccountFilters(past_due=True, country="DE"),
    "everything": AccountFilters(
        country="US",
        entity_type="individual",
        configuration="merchant",
        past_due=True,
        currently_due=True,
        pending_verification=True,
        restricted=True,
    ),
}

EXPECTED_INDEX = {
    "nothing": "ix_accounts_listing",
    "closed": "ix_accounts_listing",
    "country": "ix_accounts_country",
    "entity type": "ix_accounts_entity_type",
    "configuration": "ix_accounts_listing",  # no index of its own: the newest-first walk filters
    "past due": "ix_accounts_past_due",
    "currently due": "ix_accounts_currently_due",
    "pending verification": "ix_accounts_pending",
    "restricted": "ix_accounts_restricted",
    "id": "sqlite_autoindex_accounts_1",
    "email": "ix_accounts_email",
    "name": "ix_accounts_name",
}
"""A single filter or search reads its own index (combinations: any of theirs)."""


def _seed(conn: Connection, sealer: Sealer) -> AccountRepository:
    repo = AccountRepository(conn, sealer, b"search")
    for n in range(300):
        country, entity = ("US", "individual") if n % 3 else ("DE", "company")
        repo.insert(
            AccountRecord(
                id=f"acct_{n}",
                platform_id="plat_1",
                livemode=n % 5 == 0,
                created_ms=1_000 + n // 2,
                updated_ms=1_000,
                closed=n % 11 == 0,
                document={
                    "display_name": f"Shop {n}",
                    "contact_email": f"shop{n}@example.com",
                    "identity": {"country": country.lower(), "entity_type": entity},
                    "configuration": {"merchant": {}} if n % 2 else {"recipient": {}},
                },
                listing=Listing(
                    currently_due=n % 2 == 0,
                    past_due=n % 4 == 0,
                    pending_verification=n % 7 == 0,
                    restricted=n % 6 == 0,
                    fully_active=False,
                ),
            )
        )
    return repo


def _plan(conn: Connection, repo: AccountRepository, filters: AccountFilters, **kw: object) -> str:
    query = repo.console_query(TEST, filters, limit=50, **kw)  # type: ignore[arg-type]
    assert query is not None
    compiled = query.compile(dialect=conn.dialect)
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize("direction", [None, "next", "prev"])
def test_every_filter_reads_an_index_and_never_sorts(
    store: Store, name: str, direction: str | None
) -> None:
    sealer = Sealer(b"k" * 32)
    with store.database.transaction(write=True) as conn:
        repo = _seed(conn, sealer)
        cursor = Cursor(1_100, "acct_200", direction) if direction else None  # type: ignore[arg-type]
        plan = _plan(conn, repo, FILTERS[name], cursor=cursor)
    assert plan.startswith("SEARCH accounts USING "), plan  # an index seek, no table scan
    assert "SCAN" not in plan, plan
    if name in EXPECTED_INDEX:
        assert f"USING INDEX {EXPECTED_INDEX[name]} (" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_the_filters_narrow_and_pages_meet(store: Store) -> None:
    """The same statements, run: each filter keeps only matching rows of this mode, and paging
    forward then back returns to the same rows."""
    sealer = Sealer(b"k" * 32)
    with store.database.transaction(write=True) as conn:
        repo = _seed(conn, sealer)
        first = repo.console_page(TEST, AccountFilters(past_due=True, country="us"), limit=10)
        assert len(first.accounts) == 10 and first.older is not None and first.newer is None
        for record in first.accounts:
            number = int(record.id.removeprefix("acct_"))
            assert number % 4 == 0 and number % 3 and number % 5 and number % 11
        second = repo.console_page(
            TEST, AccountFilters(past_due=True, country="us"), limit=10, cursor=first.older
        )
        assert not {r.id for r in second.accounts} & {r.id for r in first.accounts}
        assert second.newer is not None
        back = repo.console_page(
            TEST, AccountFilters(past_due=True, country="us"), limit=10, cursor=second.newer
        )
        assert [r.id for r in back.accounts] == [r.id for r in first.accounts]
        found = repo.console_page(TEST, AccountFilters(search="  SHOP 8 "), limit=10)
        assert [r.id for r in found.accounts] == ["acct_8"]
        assert repo.console_page(LIVE, AccountFilters(search="shop 8"), limit=10).accounts == []
        assert repo.console_page(TEST, replace(AccountFilters(), configuration="x"), limit=5) == (
            repo.console_page(TEST, AccountFilters(search="acct_none"), limit=5)
        )
