"""What the platform remembers about the accounts it created: one JSON file, replaced atomically.

A real platform keeps this in its own database next to its users. The example needs only enough
to mint a new link "with the same parameters" (the seed's refresh handling) and to list accounts.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MAX_LINKS_KEPT", "AccountRecord", "State"]

MAX_LINKS_KEPT = 10


@dataclass
class AccountRecord:
    """One connected account and the Account Link parameters the platform chose for it."""

    id: str
    display_name: str
    country: str
    entity_type: str | None
    configuration: str
    collection: str
    collection_options: dict[str, str]
    created: str
    links: list[dict[str, str]] = field(default_factory=list)
    """Links issued, newest last: use case, why, and times (never the single-use URL itself)."""


class State:
    """Accounts by id in ``<directory>/accounts.json``; safe for the threads of one process."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "accounts.json"
        self._lock = threading.Lock()

    def accounts(self) -> list[AccountRecord]:
        """Newest first."""
        with self._lock:
            records = self._read()
        return sorted(records.values(), key=lambda record: record.created, reverse=True)

    def get(self, account_id: str) -> AccountRecord | None:
        with self._lock:
            return self._read().get(account_id)

    def add(self, record: AccountRecord) -> None:
        with self._lock:
            records = self._read()
            records[record.id] = record
            self._write(records)

    def record_link(self, account_id: str, entry: dict[str, str]) -> None:
        with self._lock:
            records = self._read()
            record = records[account_id]
            record.links = [*record.links, entry][-MAX_LINKS_KEPT:]
            self._write(records)

    def _read(self) -> dict[str, AccountRecord]:
        try:
            raw: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as exc:
            raise RuntimeError(
                f"{self.path} is not valid JSON; move it aside to start over"
            ) from exc
        return {key: AccountRecord(**value) for key, value in raw.get("accounts", {}).items()}

    def _write(self, records: dict[str, AccountRecord]) -> None:
        # write a sibling file and rename it over the old one: a crash leaves either version whole
        body = json.dumps({"accounts": {key: asdict(r) for key, r in records.items()}}, indent=2)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".accounts-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
