"""What the platform remembers about the accounts it created: one JSON file, replaced atomically.

A real platform keeps this in its own database next to its users. The example needs only enough
to mint a new link "with the same parameters" (the seed's refresh handling), to list accounts, and
to cache what the last ``v2.core.account[requirements].updated`` webhook said (with the ids of the
events it handled, since deliveries can repeat).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["MAX_EVENTS_KEPT", "MAX_LINKS_KEPT", "AccountRecord", "State", "write_private"]

MAX_LINKS_KEPT = 10
MAX_EVENTS_KEPT = 1000


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
    webhook: dict[str, Any] | None = None
    """The requirement summary from the newest requirements webhook: counts by deadline status,
    the event's id and ``created``, and when it was received."""


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

    def handled(self, event_id: str) -> bool:
        """Whether this event was already handled (a repeated delivery)."""
        with self._lock:
            return event_id in self._events()

    def record_event(
        self, event_id: str, account_id: str | None = None, summary: dict[str, Any] | None = None
    ) -> bool:
        """Mark the event handled and, for a known account, cache ``summary`` unless the cache
        already holds a newer event's. False if the event was handled before."""
        with self._lock:
            events = self._events()
            if event_id in events:
                return False
            records = self._read()
            record = records.get(account_id) if account_id else None
            if record is not None and summary is not None:
                cached = record.webhook
                if cached is None or _instant(cached["updated"]) <= _instant(summary["updated"]):
                    record.webhook = summary
            self._write(records, [*events, event_id][-MAX_EVENTS_KEPT:])
            return True

    def _document(self) -> dict[str, Any]:
        try:
            raw: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as exc:
            raise RuntimeError(
                f"{self.path} is not valid JSON; move it aside to start over"
            ) from exc
        return raw

    def _read(self) -> dict[str, AccountRecord]:
        raw = self._document().get("accounts", {})
        return {key: AccountRecord(**value) for key, value in raw.items()}

    def _events(self) -> list[str]:
        return list(self._document().get("events_handled", []))

    def _write(self, records: dict[str, AccountRecord], events: list[str] | None = None) -> None:
        # write a sibling file and rename it over the old one: a crash leaves either version whole
        document = {
            "accounts": {key: asdict(r) for key, r in records.items()},
            "events_handled": self._events() if events is None else events,
        }
        body = json.dumps(document, indent=2)
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


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def write_private(path: Path, body: str) -> None:
    """Owner-only (it holds a secret), written beside and renamed over the old file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".webhook-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
