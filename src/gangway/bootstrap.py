"""First start on an empty data dir: make the directory, the encryption key, the schema, a platform
and a first test key, without asking anything.

Everything Gangway keeps in the data dir is private to its user: the directory is made 0700, and
every file in it 0600 (the SQLite database is made before SQLite opens it, because SQLite gives
its ``-wal`` and ``-shm`` files the database file's mode). A file an older version left readable
to others is tightened on start, with a notice; an existing directory others can enter is left
as it is (the operator chose it), with a warning.
"""

from __future__ import annotations

import hmac
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gangway.core.clock import SystemClock
from gangway.core.ids import new_id
from gangway.core.keys import ApiKey, new_secret_key
from gangway.services import tenancy
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.migrate import SCHEMA_LOCK, upgrade
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer, decode_key, load_or_create_key
from gangway.store.uow import Store, UnitOfWork

__all__ = [
    "FIRST_KEY_FILE",
    "Prepared",
    "create_key",
    "fingerprint_secret_for",
    "operator_work",
    "page_token_secret_for",
    "prepare",
    "sealer_for",
]

FIRST_KEY_FILE = "test_secret_key"
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".write-lock")


@dataclass(frozen=True)
class Prepared:
    platform_id: str
    first_test_key: str | None
    """The secret of the key made on first start, re-read from the data dir on later starts."""
    key_file: Path
    """Where the first start's test key is kept."""
    created_first_key: bool = False
    """Whether this start made the first key (the banner shows a secret only then)."""
    notices: tuple[str, ...] = field(default=())
    """What was tightened, or should be, among the data dir's permissions."""


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
    notices = _private_data_dir(settings.data_dir)
    sealer_for(settings)  # creates the key file on first start
    url = settings.resolved_database_url()
    notices += _private_sqlite_files(url)
    key_file = settings.data_dir / FIRST_KEY_FILE
    notices += _tighten(key_file) + _tighten(settings.data_dir / "encryption.key")
    database = Database(url)
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
        if first_key is not None:
            _write_private(key_file, first_key.secret)
        secret = key_file.read_text().strip() if key_file.exists() else None
        return Prepared(
            platform_id=platform_id,
            first_test_key=secret,
            key_file=key_file,
            created_first_key=first_key is not None,
            notices=notices,
        )
    finally:
        database.dispose()


@contextmanager
def operator_work(settings: Settings) -> Iterator[UnitOfWork]:
    """One write unit of work for an operator's command (``gangway keys``, ``platforms``,
    ``admin-tokens``), on a prepared database."""
    prepare(settings)
    database = Database(settings.resolved_database_url())
    try:
        store = Store(database, sealer_for(settings), fingerprint_secret_for(settings))
        with store.unit_of_work(write=True) as uow:
            yield uow
    finally:
        database.dispose()


def create_key(settings: Settings, *, livemode: bool, platform_id: str | None = None) -> str:
    """A new secret key for ``platform_id`` (the default platform when ``None``); only its
    digest is stored."""
    with operator_work(settings) as uow:
        created = tenancy.create_key(
            uow, platform_id=platform_id, livemode=livemode, now_ms=SystemClock().now_ms()
        )
    return created.secret


def _private_data_dir(data_dir: Path) -> tuple[str, ...]:
    if not data_dir.exists():
        data_dir.mkdir(parents=True, mode=0o700)
        data_dir.chmod(0o700)  # mkdir's mode is masked by the umask
        return ()
    mode = stat.S_IMODE(data_dir.stat().st_mode)
    if mode & 0o077:
        return (
            f"the data directory {data_dir} is open to other users (mode {mode:04o}); "
            f"`chmod 700 {data_dir}` makes it private",
        )
    return ()


def _private_sqlite_files(url: str) -> tuple[str, ...]:
    """Creates the database file 0600 before SQLite does, and tightens an older, looser one and
    its companions."""
    if not url.startswith("sqlite"):
        return ()
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:" or path.startswith("file:"):
        return ()
    database = Path(path)
    database.parent.mkdir(parents=True, exist_ok=True)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    notices: tuple[str, ...] = ()
    for suffix in _SQLITE_SUFFIXES:
        notices += _tighten(Path(str(database) + suffix))
    return notices


def _tighten(path: Path) -> tuple[str, ...]:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return ()
    if not mode & 0o077:
        return ()
    path.chmod(0o600)
    return (f"{path} was readable by other users (mode {mode:04o}); it is now 0600",)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
