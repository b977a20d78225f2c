"""``gangway db upgrade`` on PostgreSQL: builds the schema the code describes, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gangway.store.tables import metadata
from tests.postgres.schema import head_revision, schema_differences, schema_snapshot

TABLES = {*metadata.tables, "alembic_version"}


def db_upgrade(database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "gangway.cli.main", "db", "upgrade"]
    return subprocess.run(
        [*args, "--database-url", database_url],
        capture_output=True,
        text=True,
        env={**os.environ, "GANGWAY_DATA_DIR": str(data_dir)},
        timeout=60,
    )


def _state(database_url: str) -> dict[str, Any]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return {
                "schema": schema_snapshot(conn),
                "version": conn.exec_driver_sql("SELECT version_num FROM alembic_version").all(),
                "platforms": conn.exec_driver_sql("SELECT id FROM platforms").all(),
                "keys": conn.exec_driver_sql("SELECT id, platform_id FROM api_keys").all(),
            }
    finally:
        engine.dispose()


def test_upgrade_creates_the_schema_and_a_second_run_changes_nothing(
    fresh_postgres: str, tmp_path: Path
) -> None:
    engine = sa.create_engine(fresh_postgres)
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    finally:
        engine.dispose()

    first = db_upgrade(fresh_postgres, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "database is up to date" in first.stderr
    after_first = _state(fresh_postgres)
    assert set(after_first["schema"]) == TABLES
    assert after_first["version"] == [(head_revision(),)]
    assert len(after_first["platforms"]) == 1
    assert len(after_first["keys"]) == 1
    assert (tmp_path / "test_secret_key").read_text().startswith("sk_test_")

    second = db_upgrade(fresh_postgres, tmp_path)
    assert second.returncode == 0, second.stderr
    assert _state(fresh_postgres) == after_first


def test_the_migrated_schema_matches_the_table_definitions(
    fresh_postgres: str, tmp_path: Path
) -> None:
    result = db_upgrade(fresh_postgres, tmp_path)
    assert result.returncode == 0, result.stderr
    assert schema_differences(fresh_postgres) == []


def test_the_comparison_sees_a_schema_that_drifted(fresh_postgres: str, tmp_path: Path) -> None:
    # The test above can fail: a migration that forgot an index or a column shows up here.
    result = db_upgrade(fresh_postgres, tmp_path)
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(fresh_postgres)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_accounts_due")
            conn.exec_driver_sql("ALTER TABLE persons ADD COLUMN extra TEXT")
    finally:
        engine.dispose()
    kinds = sorted(diff[0] for diff in schema_differences(fresh_postgres))
    assert kinds == ["add_index", "remove_column"]


def test_processes_upgrading_one_database_at_once_all_succeed_with_one_platform(
    fresh_postgres: str, tmp_path: Path
) -> None:
    args = [sys.executable, "-m", "gangway.cli.main", "db", "upgrade"]
    processes = [
        subprocess.Popen(
            [*args, "--database-url", fresh_postgres],
            env={**os.environ, "GANGWAY_DATA_DIR": str(tmp_path / f"node{i}")},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    state = _state(fresh_postgres)
    assert state["version"] == [(head_revision(),)]
    assert len(state["platforms"]) == 1
    assert {platform for _key, platform in state["keys"]} == {state["platforms"][0][0]}
    assert schema_differences(fresh_postgres) == []
