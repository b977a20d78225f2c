"""Alembic environment: the URL and connection come from ``gangway.store.migrate``, never a file."""

from __future__ import annotations

from alembic import context

from gangway.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through gangway.store.migrate.upgrade()")
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
