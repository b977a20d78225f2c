"""Compare a migrated database with ``gangway.store.tables.metadata``, as autogenerate would."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gangway.store.tables import metadata

__all__ = ["schema_differences", "schema_snapshot"]


def schema_differences(database_url: str) -> list[Any]:
    """What ``alembic revision --autogenerate`` would put in a new migration: nothing, if the
    migrations and the table definitions agree."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def schema_snapshot(conn: sa.Connection) -> dict[str, Any]:
    """Tables with their columns, keys and indexes, as plain data that compares with ``==``."""
    inspector = sa.inspect(conn)
    return {
        table: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table),
            "foreign_keys": inspector.get_foreign_keys(table),
            "unique": inspector.get_unique_constraints(table),
            "indexes": sorted(inspector.get_indexes(table), key=lambda ix: str(ix["name"])),
        }
        for table in sorted(inspector.get_table_names())
    }


def head_revision() -> str:
    """The newest migration, read from the scripts (so new migrations need no test edits)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import gangway.store.migrate as migrate

    config = Config()
    config.set_main_option("script_location", str(migrate._SCRIPTS))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head
