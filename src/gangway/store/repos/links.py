"""Account links, the browser sessions they start, and files uploaded in those sessions.

Links and sessions are found by the SHA-256 of a secret the browser holds (the URL token, the
session cookie); the secrets themselves are never stored, so a database dump opens no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, update

from gangway.store.sealing import Sealer
from gangway.store.tables import account_links, files, hosted_sessions

__all__ = ["FileRecord", "HostedSessionRecord", "LinkRecord", "LinkRepository"]


@dataclass(frozen=True)
class LinkRecord:
    token_hash: str
    platform_id: str
    livemode: bool
    account_id: str
    created_ms: int
    expires_ms: int
    redeemed_ms: int | None
    use_case: dict[str, Any]
    """The link's ``use_case`` as rendered on the wire (type and the chosen branch)."""


@dataclass
class HostedSessionRecord:
    id_hash: str
    link_hash: str
    account_id: str
    created_ms: int
    seen_ms: int
    ended_ms: int | None
    state: dict[str, Any]
    """Platform, mode, use case, CSRF secret, locale: everything the form needs between pages."""


@dataclass(frozen=True)
class FileRecord:
    id: str
    platform_id: str
    livemode: bool
    account_id: str
    purpose: str
    created_ms: int
    content_type: str
    content: bytes


class LinkRepository:
    def __init__(self, conn: Connection, sealer: Sealer) -> None:
        self._conn = conn
        self._sealer = sealer

    # links ---------------------------------------------------------------------------------
    def add_link(self, link: LinkRecord) -> None:
        self._conn.execute(
            insert(account_links).values(
                token_hash=link.token_hash,
                platform_id=link.platform_id,
                livemode=link.livemode,
                account_id=link.account_id,
                created_ms=link.created_ms,
                expires_ms=link.expires_ms,
                redeemed_ms=None,
                sealed=self._sealer.seal(orjson.dumps(link.use_case), link.token_hash),
            )
        )

    def link(self, token_hash: str) -> LinkRecord | None:
        row = self._conn.execute(
            select(account_links).where(account_links.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return LinkRecord(
            token_hash=row.token_hash,
            platform_id=row.platform_id,
            livemode=row.livemode,
            account_id=row.account_id,
            created_ms=row.created_ms,
            expires_ms=row.expires_ms,
            redeemed_ms=row.redeemed_ms,
            use_case=orjson.loads(self._sealer.open(row.sealed, row.token_hash)),
        )

    def redeem(self, token_hash: str, now_ms: int) -> bool:
        """Mark the link used if it is unused and unexpired: one conditional UPDATE, so of many
        concurrent visits exactly one sees ``True``."""
        result = self._conn.execute(
            update(account_links)
            .where(
                account_links.c.token_hash == token_hash,
                account_links.c.redeemed_ms.is_(None),
                account_links.c.expires_ms > now_ms,
            )
            .values(redeemed_ms=now_ms)
        )
        return bool(result.rowcount)

    # sessions ------------------------------------------------------------------------------
    def add_session(self, session: HostedSessionRecord) -> None:
        self._conn.execute(
            insert(hosted_sessions).values(
                id_hash=session.id_hash,
                link_hash=session.link_hash,
                account_id=session.account_id,
                created_ms=session.created_ms,
                seen_ms=session.seen_ms,
                ended_ms=session.ended_ms,
                sealed=self._sealer.seal(orjson.dumps(session.state), session.id_hash),
            )
        )

    def session(self, id_hash: str) -> HostedSessionRecord | None:
        row = self._conn.execute(
            select(hosted_sessions).where(hosted_sessions.c.id_hash == id_hash)
        ).first()
        if row is None:
            return None
        return HostedSessionRecord(
            id_hash=row.id_hash,
            link_hash=row.link_hash,
            account_id=row.account_id,
            created_ms=row.created_ms,
            seen_ms=row.seen_ms,
            ended_ms=row.ended_ms,
            state=orjson.loads(self._sealer.open(row.sealed, row.id_hash)),
        )

    def save_session(self, session: HostedSessionRecord) -> None:
        self._conn.execute(
            update(hosted_sessions)
            .where(hosted_sessions.c.id_hash == session.id_hash)
            .values(
                seen_ms=session.seen_ms,
                ended_ms=session.ended_ms,
                sealed=self._sealer.seal(orjson.dumps(session.state), session.id_hash),
            )
        )

    def end_session(self, id_hash: str, now_ms: int) -> bool:
        """End a live session; ``False`` when it had already ended (a double submit)."""
        result = self._conn.execute(
            update(hosted_sessions)
            .where(hosted_sessions.c.id_hash == id_hash, hosted_sessions.c.ended_ms.is_(None))
            .values(ended_ms=now_ms)
        )
        return bool(result.rowcount)

    # files ---------------------------------------------------------------------------------
    def add_file(self, file: FileRecord) -> None:
        envelope = orjson.dumps({"content_type": file.content_type}) + b"\n" + file.content
        self._conn.execute(
            insert(files).values(
                id=file.id,
                platform_id=file.platform_id,
                livemode=file.livemode,
                account_id=file.account_id,
                purpose=file.purpose,
                created_ms=file.created_ms,
                size=len(file.content),
                sealed=self._sealer.seal(envelope, file.id),
            )
        )

    def file(self, file_id: str, account_id: str) -> FileRecord | None:
        row = self._conn.execute(
            select(files).where(files.c.id == file_id, files.c.account_id == account_id)
        ).first()
        if row is None:
            return None
        header, _, content = self._sealer.open(row.sealed, row.id).partition(b"\n")
        return FileRecord(
            id=row.id,
            platform_id=row.platform_id,
            livemode=row.livemode,
            account_id=row.account_id,
            purpose=row.purpose,
            created_ms=row.created_ms,
            content_type=str(orjson.loads(header)["content_type"]),
            content=content,
        )

    def file_of(self, file_id: str, platform_id: str, livemode: bool) -> FileRecord | None:
        """A file by id, only if it belongs to that platform and mode (the operator console)."""
        row = self._conn.execute(
            select(files.c.account_id).where(
                files.c.id == file_id,
                files.c.platform_id == platform_id,
                files.c.livemode == livemode,
            )
        ).first()
        return self.file(file_id, row.account_id) if row is not None else None

    # the console ---------------------------------------------------------------------------
    def of_account(self, account_id: str, limit: int) -> list[LinkRecord]:
        """An account's links, newest first (the operator console's account page)."""
        rows = self._conn.execute(
            select(account_links)
            .where(account_links.c.account_id == account_id)
            .order_by(account_links.c.created_ms.desc(), account_links.c.token_hash)
            .limit(limit)
        ).all()
        return [
            LinkRecord(
                token_hash=row.token_hash,
                platform_id=row.platform_id,
                livemode=row.livemode,
                account_id=row.account_id,
                created_ms=row.created_ms,
                expires_ms=row.expires_ms,
                redeemed_ms=row.redeemed_ms,
                use_case=orjson.loads(self._sealer.open(row.sealed, row.token_hash)),
            )
            for row in rows
        ]
