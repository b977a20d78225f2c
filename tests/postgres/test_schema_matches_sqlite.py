"""The SQLite schema that migrations build matches the table definitions (no server needed)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.tables import metadata
from tests.postgres.schema import head_revision, schema_differences, schema_snapshot


def _migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gangway.db'}"
    database = Database(url)
    try:
        upgrade(database.engine)
    finally:
        database.dispose()
    return url


def test_the_migrated_sqlite_schema_matches_the_table_definitions(tmp_path: Path) -> None:
    assert schema_differences(_migrated(tmp_path)) == []


def test_upgrading_sqlite_twice_changes_nothing(tmp_path: Path) -> None:
    url = _migrated(tmp_path)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            before = schema_snapshot(conn)
        upgrade(engine)
        with engine.connect() as conn:
            assert schema_snapshot(conn) == before
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
                (head_revision(),)
            ]
    finally:
        engine.dispose()


def test_the_comparison_sees_a_sqlite_schema_that_drifted(tmp_path: Path) -> None:
    url = _migrated(tmp_path)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_persons_account_listing")
            conn.exec_driver_sql("ALTER TABLE accounts ADD COLUMN extra TEXT")
    finally:
        engine.dispose()
    kinds = sorted(diff[0] for diff in schema_differences(url))
    assert kinds == ["add_index", "remove_column"]


def test_an_empty_database_differs_by_every_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    added = {diff[1].name for diff in schema_differences(url) if diff[0] == "add_table"}
    assert added == set(metadata.tables)
