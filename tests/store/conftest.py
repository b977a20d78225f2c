"""The store tier: services and repositories on a fresh SQLite database, no HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer
from gangway.store.uow import Store


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """A migrated database with one platform, ``plat_1``."""
    database = Database(f"sqlite:///{tmp_path / 'g.db'}")
    upgrade(database.engine)
    with database.transaction(write=True) as conn:
        KeyRepository(conn).add_platform("plat_1", "Test", 0)
    yield Store(database, Sealer(b"k" * 32), b"fingerprints")
    database.dispose()
