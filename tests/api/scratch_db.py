"""A PostgreSQL database of one's own, for tests whose servers must not share the session's
database (its server's delivery worker would claim their deliveries on its own schedule)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

__all__ = ["scratch_postgres"]


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """Created on the configured server and dropped afterwards; skips (or fails, when
    ``GANGWAY_REQUIRE_POSTGRES=1``) without one."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("GANGWAY_REQUIRE_POSTGRES=1 but GANGWAY_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tier: set GANGWAY_TEST_POSTGRES_URL to run it")
    name = f"gangway_hooks_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL tier required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
