"""Accounts and their persons, stored as sealed documents with a few plain columns to find them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from gangway.core.accounts import applied_configurations
from gangway.core.keys import KeyPrincipal
from gangway.core.listing import LISTING_VERSION, Listing, blind_index, identity_facts
from gangway.core.pagination import Cursor
from gangway.core.stored_requirements import StoredRequirements
from gangway.store.fastpath import DriverStatement
from gangway.store.repos.paging import Page, created_bounds, keyset_page
from gangway.store.sealing import Sealer
from gangway.store.tables import (
    account_links,
    accounts,
    files,
    hosted_sessions,
    persons,
    tokens,
    verification_decisions,
    verifications,
)

__all__ = ["AccountFilters", "AccountRecord", "AccountRepository", "ConsolePage", "PersonRecord"]

CONFIGURATIONS = ("customer", "merchant", "recipient")
_FLAGS = ("past_due", "currently_due", "pending_verification", "restricted")

# Statements built once: building and cache-keying a select costs more than running it.
_GET = select(accounts).where(
    accounts.c.id == bindparam("account_id"),
    accounts.c.platform_id == bindparam("platform_id"),
    accounts.c.livemode == bindparam("livemode"),
)
_GET_FOR_UPDATE = _GET.with_for_update()
_FAST_GET = DriverStatement(_GET)
_FAST_GET_FOR_UPDATE = DriverStatement(_GET_FOR_UPDATE)
_INSERT = DriverStatement(insert(accounts))
_UPDATE = update(accounts).where(accounts.c.id == bindparam("account_id"))
_PERSON = select(persons).where(
    persons.c.id == bindparam("person_id"), persons.c.account_id == bindparam("account_id")
)
_PERSONS_OF = (
    select(persons)
    .where(persons.c.account_id == bindparam("account_id"))
    .order_by(persons.c.created_ms, persons.c.id)
)
_FAST_PERSONS_OF = DriverStatement(_PERSONS_OF)
_INSERT_PERSON = insert(persons)
_UPDATE_PERSON = update(persons).where(persons.c.id == bindparam("person_id"))
_DELETE_PERSON = delete(persons).where(persons.c.id == bindparam("person_id"))


@dataclass
class AccountRecord:
    id: str
    platform_id: str
    livemode: bool
    created_ms: int
    updated_ms: int
    closed: bool
    document: dict[str, Any]
    next_change_ms: int | None = None
    evaluated_ms: int | None = None
    """When requirements were last evaluated: the sweep compares then with now."""
    triggered_ms: int | None = None
    blocked_ms: int | None = None
    version: int = 1
    listing: Listing | None = None
    """The console's filter flags from the account's latest evaluation (``core.listing``); set
    by whoever evaluates, kept from the row by a save that did not."""
    requirements: StoredRequirements | None = None
    """The latest evaluation, as reads render it (``core.stored_requirements``); set, like
    ``listing``, by whoever evaluates and kept from the row by a save that did not. Sealed in
    the row, opened only when read."""

    def applied(self) -> list[str]:
        return applied_configurations(self.document)


@dataclass(frozen=True)
class AccountFilters:
    """What the console's account list narrows by; every field left empty matches everything.

    ``search`` is an account id (``acct_...``), an email (has ``@``) or an exact display name,
    each matched exactly (names and emails case- and whitespace-insensitively, through the
    blind indexes). ``closed`` lists closed accounts instead of open ones."""

    search: str = ""
    country: str | None = None
    entity_type: str | None = None
    configuration: str | None = None
    past_due: bool = False
    currently_due: bool = False
    pending_verification: bool = False
    restricted: bool = False
    closed: bool = False


@dataclass(frozen=True)
class ConsolePage:
    accounts: list[AccountRecord]
    newer: Cursor | None
    """Where the previous (newer) page starts, if there is one."""
    older: Cursor | None
    """Where the next (older) page starts, if there is one."""


@dataclass
class PersonRecord:
    id: str
    account_id: str
    created_ms: int
    updated_ms: int
    document: dict[str, Any] = field(default_factory=dict)


class AccountRepository:
    def __init__(self, conn: Connection, sealer: Sealer, search_secret: bytes = b"") -> None:
        self._conn = conn
        self._sealer = sealer
        self._search_secret = search_secret

    # accounts -----------------------------------------------------------------------------
    def get(
        self, principal: KeyPrincipal, account_id: str, *, for_update: bool = False
    ) -> AccountRecord | None:
        locking = for_update and self._conn.dialect.name == "postgresql"
        row = (_FAST_GET_FOR_UPDATE if locking else _FAST_GET).first(
            self._conn,
            {
                "account_id": account_id,
                "platform_id": principal.platform_id,
                "livemode": principal.livemode,
            },
        )
        return self._account(row) if row is not None else None

    def insert(self, record: AccountRecord) -> None:
        _INSERT.execute(self._conn, self._account_columns(record))

    def insert_many(self, records: list[AccountRecord]) -> None:
        """Many new accounts in one executemany (the console benchmark's loader): the very
        columns ``insert`` writes, sealed and indexed alike."""
        if records:
            self._conn.execute(insert(accounts), [self._account_columns(r) for r in records])

    def save(self, record: AccountRecord) -> AccountRecord:
        saved = replace(record, version=record.version + 1)
        columns = self._account_columns(saved)
        del columns["id"]
        self._conn.execute(_UPDATE, {**columns, "account_id": record.id})
        return saved

    def page(
        self,
        principal: KeyPrincipal,
        *,
        closed: bool,
        configurations: list[str],
        limit: int,
        cursor: Cursor | None,
        created: dict[str, int] | None = None,
    ) -> tuple[list[AccountRecord], Page]:
        """Newest first; ``created`` bounds are ``{"gt"|"gte"|"lt"|"lte": ms}``."""
        where = [
            accounts.c.platform_id == principal.platform_id,
            accounts.c.livemode == principal.livemode,
            accounts.c.closed == closed,
        ]
        where += [accounts.c[f"cfg_{name}"].is_(True) for name in configurations]
        where += created_bounds(accounts.c.created_ms, created)
        page = keyset_page(self._conn, accounts, where, limit=limit, cursor=cursor)
        return [self._account(row) for row in page.rows], page

    def console_page(
        self,
        principal: KeyPrincipal,
        filters: AccountFilters,
        *,
        limit: int,
        cursor: Cursor | None = None,
    ) -> ConsolePage:
        """One platform and mode's accounts, newest first, narrowed by ``filters``; a keyset
        page (``cursor``: "next" continues after it, "prev" ends before it) through the
        listing indexes, so a page costs the same on the first and the 50th page and never
        sorts the table (``tests/store/test_console_listing_plans.py`` checks the plans)."""
        query = self.console_query(principal, filters, limit=limit, cursor=cursor)
        if query is None:
            return ConsolePage([], None, None)
        fetched = list(self._conn.execute(query).all())
        more = len(fetched) > limit
        rows = fetched[:limit]
        backwards = cursor is not None and cursor.direction == "prev"
        if backwards:
            rows.reverse()
        if not rows:
            return ConsolePage([], None, None)
        first, last = rows[0], rows[-1]
        has_older = more if not backwards else True
        has_newer = more if backwards else cursor is not None
        return ConsolePage(
            [self._account(row) for row in rows],
            newer=Cursor(first.created_ms, first.id, "prev") if has_newer else None,
            older=Cursor(last.created_ms, last.id, "next") if has_older else None,
        )

    def console_query(
        self,
        principal: KeyPrincipal,
        filters: AccountFilters,
        *,
        limit: int,
        cursor: Cursor | None = None,
    ) -> Select[Any] | None:
        """The statement ``console_page`` runs (None: nothing can match), for its plan tests."""
        where: list[ColumnElement[bool]] = [
            accounts.c.platform_id == principal.platform_id,
            accounts.c.livemode == principal.livemode,
            accounts.c.closed == filters.closed,
        ]
        term = filters.search.strip()
        if term.startswith("acct_"):
            where.append(accounts.c.id == term)
        elif "@" in term:
            where.append(accounts.c.email_index == self.search_digest("email", term))
        elif term:
            where.append(accounts.c.name_index == self.search_digest("name", term))
        if filters.country:
            where.append(accounts.c.country == filters.country.upper())
        if filters.entity_type:
            where.append(accounts.c.entity_type == filters.entity_type)
        if filters.configuration:
            if filters.configuration not in CONFIGURATIONS:
                return None
            where.append(accounts.c[f"cfg_{filters.configuration}"] == true())
        for flag in _FLAGS:
            if getattr(filters, flag):
                where.append(accounts.c[flag] == true())
        created, ident = accounts.c.created_ms, accounts.c.id
        if cursor is not None and cursor.direction == "prev":  # newer than the cursor
            where += [
                created >= cursor.created_ms,
                or_(created > cursor.created_ms, ident > cursor.id),
            ]
            order = (created.asc(), ident.asc())
        else:
            if cursor is not None:
                where += [
                    created <= cursor.created_ms,
                    or_(created < cursor.created_ms, ident < cursor.id),
                ]
            order = (created.desc(), ident.desc())
        return select(accounts).where(*where).order_by(*order).limit(limit + 1)

    def stale_requirements(self, key: str, limit: int) -> list[AccountRecord]:
        """Accounts whose stored requirements were computed under another key (other rules)
        or never stored (rows from before they were), for the start-up fill."""
        column = accounts.c.requirements_key
        query = (
            select(accounts)
            .where(column.is_(None) | (column < key) | (column > key))
            .order_by(accounts.c.id)
            .limit(limit)
        )
        return [self._account(row) for row in self._conn.execute(query).all()]

    def unlisted(self, limit: int) -> list[AccountRecord]:
        """Accounts whose listing columns predate ``LISTING_VERSION`` (or the console)."""
        query = (
            select(accounts)
            .where((accounts.c.listed.is_(None)) | (accounts.c.listed < LISTING_VERSION))
            .limit(limit)
        )
        return [self._account(row) for row in self._conn.execute(query).all()]

    # the deadline sweep -------------------------------------------------------------------
    def due(self, platform_id: str, livemode: bool, now_ms: int, limit: int) -> list[AccountRecord]:
        """Open accounts whose requirements change by ``now_ms``, soonest first, through the
        (platform, mode, next change) index: the cost follows the due accounts, not all of
        them. On PostgreSQL the rows are locked and rows another worker holds are skipped, so
        one process acts on a given deadline."""
        query = (
            select(accounts)
            .where(
                accounts.c.platform_id == platform_id,
                accounts.c.livemode == livemode,
                accounts.c.next_change_ms <= now_ms,
                accounts.c.closed.is_(False),
            )
            .order_by(accounts.c.next_change_ms)
            .limit(limit)
        )
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [self._account(row) for row in self._conn.execute(query).all()]

    def soonest_change(
        self, platform_id: str, livemode: bool, *, after_ms: int | None = None
    ) -> int | None:
        """The earliest pending change of this platform and mode (strictly after ``after_ms``)."""
        query = select(func.min(accounts.c.next_change_ms)).where(
            accounts.c.platform_id == platform_id,
            accounts.c.livemode == livemode,
            accounts.c.closed.is_(False),
            accounts.c.next_change_ms.is_not(None),
        )
        if after_ms is not None:
            query = query.where(accounts.c.next_change_ms > after_ms)
        value = self._conn.execute(query).scalar()
        return int(value) if value is not None else None

    def delete_mode(self, platform_id: str, livemode: bool) -> int:
        """Every account of a platform's mode, with everything hanging off it (test sandbox reset)."""
        owned = select(accounts.c.id).where(
            accounts.c.platform_id == platform_id, accounts.c.livemode == livemode
        )
        checked = select(verifications.c.id).where(verifications.c.account_id.in_(owned))
        self._conn.execute(
            delete(verification_decisions).where(
                verification_decisions.c.verification_id.in_(checked)
            )
        )
        self._conn.execute(delete(verifications).where(verifications.c.account_id.in_(owned)))
        self._conn.execute(delete(persons).where(persons.c.account_id.in_(owned)))
        self._conn.execute(delete(hosted_sessions).where(hosted_sessions.c.account_id.in_(owned)))
        self._conn.execute(delete(account_links).where(account_links.c.account_id.in_(owned)))
        self._conn.execute(delete(files).where(files.c.account_id.in_(owned)))
        self._conn.execute(
            delete(tokens).where(tokens.c.platform_id == platform_id, tokens.c.livemode == livemode)
        )
        result = self._conn.execute(
            delete(accounts).where(
                accounts.c.platform_id == platform_id, accounts.c.livemode == livemode
            )
        )
        return int(result.rowcount or 0)

    # persons ------------------------------------------------------------------------------
    def get_person(self, account_id: str, person_id: str) -> PersonRecord | None:
        row = self._conn.execute(
            _PERSON, {"person_id": person_id, "account_id": account_id}
        ).first()
        return self._person(row) if row is not None else None

    def persons_of(self, account_id: str) -> list[PersonRecord]:
        rows = _FAST_PERSONS_OF.all(self._conn, {"account_id": account_id})
        return [self._person(row) for row in rows]

    def insert_person(self, record: PersonRecord) -> None:
        self._conn.execute(_INSERT_PERSON, self._person_columns(record))

    def save_person(self, record: PersonRecord) -> None:
        columns = self._person_columns(record)
        del columns["id"]
        self._conn.execute(_UPDATE_PERSON, {**columns, "person_id": record.id})

    def delete_person(self, person_id: str) -> None:
        self._conn.execute(_DELETE_PERSON, {"person_id": person_id})

    def page_persons(
        self, account_id: str, *, limit: int, cursor: Cursor | None
    ) -> tuple[list[PersonRecord], Page]:
        page = keyset_page(
            self._conn, persons, [persons.c.account_id == account_id], limit=limit, cursor=cursor
        )
        return [self._person(row) for row in page.rows], page

    # (de)serialisation ---------------------------------------------------------------------
    def _account(self, row: Any) -> AccountRecord:
        return AccountRecord(
            id=row.id,
            platform_id=row.platform_id,
            livemode=row.livemode,
            created_ms=row.created_ms,
            updated_ms=row.updated_ms,
            closed=row.closed,
            document=orjson.loads(self._sealer.open(row.sealed, row.id)),
            next_change_ms=row.next_change_ms,
            evaluated_ms=row.evaluated_ms,
            triggered_ms=row.triggered_ms,
            blocked_ms=row.blocked_ms,
            version=row.version,
            listing=_listing(row),
            requirements=self._stored_requirements(row),
        )

    def _stored_requirements(self, row: Any) -> StoredRequirements | None:
        sealed, bound = row.requirements_sealed, _requirements_bound(row.id)
        if sealed is None:
            return None
        return StoredRequirements.sealed(sealed, lambda blob: self._sealer.open(blob, bound))

    def _account_columns(self, record: AccountRecord) -> dict[str, Any]:
        applied = set(record.applied())
        return {
            "id": record.id,
            "platform_id": record.platform_id,
            "livemode": record.livemode,
            "created_ms": record.created_ms,
            "updated_ms": record.updated_ms,
            "closed": record.closed,
            "cfg_customer": "customer" in applied,
            "cfg_merchant": "merchant" in applied,
            "cfg_recipient": "recipient" in applied,
            "next_change_ms": record.next_change_ms,
            "evaluated_ms": record.evaluated_ms,
            "triggered_ms": record.triggered_ms,
            "blocked_ms": record.blocked_ms,
            "version": record.version,
            "sealed": self._sealer.seal(orjson.dumps(record.document), record.id),
            **self._listing_columns(record),
            **self._requirements_columns(record),
        }

    def _requirements_columns(self, record: AccountRecord) -> dict[str, Any]:
        stored = record.requirements
        if stored is None:
            return {"requirements_key": None, "requirements_sealed": None}
        bound = _requirements_bound(record.id)
        return {
            "requirements_key": stored.key,
            "requirements_sealed": stored.seal(lambda plain: self._sealer.seal(plain, bound)),
        }

    def _listing_columns(self, record: AccountRecord) -> dict[str, Any]:
        document = record.document
        country, entity_type = identity_facts(document)
        listing = record.listing
        return {
            "listed": LISTING_VERSION if listing is not None else None,
            "country": country,
            "entity_type": entity_type,
            "currently_due": listing.currently_due if listing else None,
            "past_due": listing.past_due if listing else None,
            "pending_verification": listing.pending_verification if listing else None,
            "restricted": listing.restricted if listing else None,
            "fully_active": listing.fully_active if listing else None,
            "email_index": blind_index(self._search_secret, "email", document.get("contact_email")),
            "name_index": blind_index(self._search_secret, "name", document.get("display_name")),
        }

    def search_digest(self, kind: str, value: str) -> str | None:
        """The blind index a search for ``value`` looks up (``kind``: email or name)."""
        return blind_index(self._search_secret, kind, value)

    def _person(self, row: Any) -> PersonRecord:
        return PersonRecord(
            id=row.id,
            account_id=row.account_id,
            created_ms=row.created_ms,
            updated_ms=row.updated_ms,
            document=orjson.loads(self._sealer.open(row.sealed, row.id)),
        )

    def _person_columns(self, record: PersonRecord) -> dict[str, Any]:
        return {
            "id": record.id,
            "account_id": record.account_id,
            "created_ms": record.created_ms,
            "updated_ms": record.updated_ms,
            "sealed": self._sealer.seal(orjson.dumps(record.document), record.id),
        }


def _requirements_bound(account_id: str) -> str:
    """The stored requirements' associated data: the row, and which of its sealed columns, so
    neither the document's blob nor another row's opens in their place."""
    return account_id + "#requirements"


def _listing(row: Any) -> Listing | None:
    if row.listed is None:
        return None
    return Listing(
        currently_due=bool(row.currently_due),
        past_due=bool(row.past_due),
        pending_verification=bool(row.pending_verification),
        restricted=bool(row.restricted),
        fully_active=bool(row.fully_active),
    )
