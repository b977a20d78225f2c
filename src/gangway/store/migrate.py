"""Schema migrations, run in-process: ``gangway db upgrade`` and every ``gangway serve`` start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

__all__ = ["SCHEMA_LOCK", "upgrade"]

SCHEMA_LOCK = 727274001
"""PostgreSQL advisory lock held by whoever changes the schema or seeds the first platform."""

_SCRIPTS = Path(__file__).parent / "migrations"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe to run from several processes at once on PostgreSQL
    (the migration runs in one transaction holding an advisory lock)."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
