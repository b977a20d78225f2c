"""The PostgreSQL tier: each test module gets databases of its own on the configured server.

``postgres_database`` (tests/conftest.py) decides whether the tier runs: it skips without
``GANGWAY_TEST_POSTGRES_URL`` and fails under ``GANGWAY_REQUIRE_POSTGRES=1``. The fixtures here
build on it, so they skip and fail the same way, and make further scratch databases so that a
test about a fresh database really starts from an empty one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server ``server_url`` points at, dropped afterwards."""
    name = f"gangway_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield (
                sa.engine.make_url(server_url)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture()
def fresh_postgres(postgres_database: str) -> Iterator[str]:
    """An empty database for one test."""
    with scratch_database(postgres_database) as url:
        yield url


@pytest.fixture(scope="module")
def module_postgres(postgres_database: str) -> Iterator[str]:
    """An empty database shared by one module's tests."""
    with scratch_database(postgres_database) as url:
        yield url
