"""First start on an empty data dir: make the directory, the encryption key, the schema, a platform
and a first test key, without asking anything."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from gangway.core.clock import SystemClock
from gangway.core.ids import new_id
from gangway.core.keys import ApiKey, new_secret_key
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.migrate import SCHEMA_LOCK, upgrade
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer, decode_key, load_or_create_key

__all__ = [
    "Prepared",
    "create_key",
    "fingerprint_secret_for",
    "page_token_secret_for",
    "prepare",
    "sealer_for",
]

FIRST_KEY_FILE = "test_secret_key"


@dataclass(frozen=True)
class Prepared:
    platform_id: str
    first_test_key: str | None
    """The secret of the key made on first start, re-read from the data dir on later starts."""


def sealer_for(settings: Settings) -> Sealer:
    return Sealer(_encryption_key(settings))


def fingerprint_secret_for(settings: Settings) -> bytes:
    """Derived from the encryption key (a different key for a different use): the database
    holds neither."""
    return hmac.new(
        _encryption_key(settings), b"gangway verification fingerprints", "sha256"
    ).digest()


def page_token_secret_for(settings: Settings) -> bytes:
    """The key that signs v2 page tokens (``core.pagination``): derived from the encryption
    key with a label of its own, so every process of a deployment shares it and no other use
    of the key can produce a token's HMAC."""
    return hmac.new(_encryption_key(settings), b"gangway page tokens", "sha256").digest()


def _encryption_key(settings: Settings) -> bytes:
    if settings.encryption_key is not None:
        return decode_key(settings.encryption_key.get_secret_value())
    return load_or_create_key(settings.data_dir / "encryption.key")


def prepare(settings: Settings) -> Prepared:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    sealer_for(settings)  # creates the key file on first start
    database = Database(settings.resolved_database_url())
    try:
        upgrade(database.engine)
        with database.transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":  # nodes starting together seed one platform
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
            keys = KeyRepository(conn)
            platform_id = keys.default_platform()
            first_key: ApiKey | None = None
            if platform_id is None:
                now = SystemClock().now_ms()
                platform_id = new_id("plat")
                keys.add_platform(platform_id, "Default platform", now)
                first_key = new_secret_key(livemode=False)
                keys.add_key(new_id("key"), platform_id, first_key, now)
        key_file = settings.data_dir / FIRST_KEY_FILE
        if first_key is not None:
            _write_private(key_file, first_key.secret)
        secret = key_file.read_text().strip() if key_file.exists() else None
        return Prepared(platform_id=platform_id, first_test_key=secret)
    finally:
        database.dispose()


def create_key(settings: Settings, *, livemode: bool) -> str:
    """A new secret key for the default platform; only its digest is stored."""
    prepared = prepare(settings)
    database = Database(settings.resolved_database_url())
    try:
        key = new_secret_key(livemode=livemode)
        with database.transaction(write=True) as conn:
            KeyRepository(conn).add_key(
                new_id("key"), prepared.platform_id, key, SystemClock().now_ms()
            )
        return key.secret
    finally:
        database.dispose()


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
