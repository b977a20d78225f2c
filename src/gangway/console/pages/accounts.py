"""The accounts list of one platform's mode: search, filters and keyset paging.

Every filter is a GET parameter, so a filtered list is a URL to share. The page reads one
keyset page through ``AccountRepository.console_page`` (an index per filter, no sort, no
count of the whole table): the number shown is the number on this page. ``?after=`` and
``?before=`` carry ``<created_ms>.<account id>`` of the row a page continues from; anything
else there, or a filter value the list does not know, is a 400 with the reason on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.routing import Route

from gangway.console import web
from gangway.console.guard import Console, Screen
from gangway.core.pagination import Cursor
from gangway.hosted import i18n
from gangway.hosted.i18n import N_
from gangway.store.repos.accounts import AccountFilters, AccountRecord

__all__ = ["routes"]

PAGE_SIZE = 50
MAX_SEARCH = 320
ENTITY_TYPES = (
    ("individual", N_("Individual")),
    ("company", N_("Company")),
    ("non_profit", N_("Non-profit")),
    ("government_entity", N_("Government entity")),
)
CONFIGURATIONS = (
    ("customer", N_("Customer")),
    ("merchant", N_("Merchant")),
    ("recipient", N_("Recipient")),
)
FLAGS = (
    ("past_due", N_("Past due")),
    ("currently_due", N_("Currently due")),
    ("pending_verification", N_("Pending verification")),
    ("restricted", N_("Restricted capability")),
    ("closed", N_("Closed")),
)
_CURSOR = re.compile(r"^(\d{1,15})\.(acct_[A-Za-z0-9_]{1,60})$")
_CHECKED = ("1", "on", "true")


class BadQuery(Exception):
    """A query parameter the list cannot use; ``text`` says which, for the page."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class ListQuery:
    filters: AccountFilters
    cursor: Cursor | None


def routes(console: Console) -> list[Route]:
    return [
        Route(
            "/console/{platform}/{mode}/accounts",
            console.page("read")(accounts),
            methods=["GET"],
        ),
    ]


async def accounts(screen: Screen) -> Response:
    assert screen.scope is not None
    principal = screen.scope.principal
    countries = _countries(screen)
    params = screen.request.query_params
    try:
        wanted = _parse(params, {code for code, _ in countries})
    except BadQuery as bad:
        return _render(screen, countries, params, status=400, error=bad.text)
    rows = _Rows(screen.locale, dict(countries))
    page = await screen.work(
        lambda uow: uow.accounts.console_page(
            principal, wanted.filters, limit=PAGE_SIZE, cursor=wanted.cursor
        )
    )
    return _render(
        screen,
        countries,
        params,
        rows=[rows.row(record) for record in page.accounts],
        newer=_token(page.newer),
        older=_token(page.older),
        filtered=wanted.filters != AccountFilters(),
    )


def _render(
    screen: Screen,
    countries: list[tuple[str, str]],
    params: QueryParams,
    *,
    status: int = 200,
    error: str | None = None,
    rows: list[dict[str, Any]] | None = None,
    newer: str | None = None,
    older: str | None = None,
    filtered: bool = False,
) -> Response:
    shown = {name: params.get(name, "") for name in _FORM_FIELDS}
    base = {k: v for k, v in shown.items() if v}
    return screen.render(
        "accounts.html",
        status,
        section="accounts",
        title=N_("Accounts"),
        error=error,
        rows=rows or [],
        shown=shown,
        countries=countries,
        entity_types=ENTITY_TYPES,
        configurations=CONFIGURATIONS,
        flags=FLAGS,
        newer_url=web.query_with(base, before=newer) if newer else None,
        older_url=web.query_with(base, after=older) if older else None,
        filtered=filtered,
        paged=bool(params.get("after") or params.get("before")),
    )


_FORM_FIELDS = ("q", "country", "entity_type", "configuration", *(name for name, _ in FLAGS))


def _parse(params: QueryParams, countries: set[str]) -> ListQuery:
    search = params.get("q", "").strip()
    if len(search) > MAX_SEARCH:
        raise BadQuery(N_("The search is too long. Search by account id, email or exact name."))
    country = params.get("country", "").strip().upper() or None
    if country is not None and country not in countries:
        raise BadQuery(N_("Choose a country from the list."))
    entity_type = params.get("entity_type", "") or None
    if entity_type is not None and entity_type not in dict(ENTITY_TYPES):
        raise BadQuery(N_("Choose an entity type from the list."))
    configuration = params.get("configuration", "") or None
    if configuration is not None and configuration not in dict(CONFIGURATIONS):
        raise BadQuery(N_("Choose a configuration from the list."))
    flags: dict[str, bool] = {}
    for name, _ in FLAGS:
        value = params.get(name, "")
        if value not in ("", *_CHECKED):
            raise BadQuery(N_("A filter box has a value this list does not know. Start over."))
        flags[name] = value in _CHECKED
    after, before = params.get("after"), params.get("before")
    if after is not None and before is not None:
        raise BadQuery(N_("This page address is not valid. Go back to the first page."))
    cursor = _cursor(after, "next") if after is not None else None
    if before is not None:
        cursor = _cursor(before, "prev")
    return ListQuery(
        AccountFilters(
            search=search,
            country=country,
            entity_type=entity_type,
            configuration=configuration,
            **flags,
        ),
        cursor,
    )


def _cursor(raw: str, direction: str) -> Cursor:
    found = _CURSOR.match(raw)
    if found is None:
        raise BadQuery(N_("This page address is not valid. Go back to the first page."))
    return Cursor(int(found.group(1)), found.group(2), "next" if direction == "next" else "prev")


def _token(cursor: Cursor | None) -> str | None:
    return f"{cursor.created_ms}.{cursor.id}" if cursor is not None else None


def _countries(screen: Screen) -> list[tuple[str, str]]:
    """Every country a rule file ships, named in the operator's language, in its order."""
    names = i18n.babel_locale(screen.locale).territories
    codes = [code.upper() for code in screen.console.rules.countries]
    return sorted(((code, str(names.get(code, code))) for code in codes), key=lambda c: c[1])


class _Rows:
    """Turns records into table rows with their text already in the operator's language: a
    page of 50 rows costs one lookup per label, not a template call per cell."""

    def __init__(self, locale: str, countries: dict[str, str]) -> None:
        helpers = web.helpers(locale)
        self._ = helpers["_"]
        self.when = helpers["when"]
        self.iso = helpers["iso"]
        self.countries = countries
        self.labels = {
            code: self._(label)
            for code, label in (*ENTITY_TYPES, *CONFIGURATIONS, *FLAGS, *_BADGES)
        }

    def row(self, record: AccountRecord) -> dict[str, Any]:
        document = record.document
        identity = document.get("identity") or {}
        country = identity.get("country")
        code = country.upper() if isinstance(country, str) else None
        entity = identity.get("entity_type")
        labels = self.labels
        return {
            "id": record.id,
            "name": document.get("display_name") or "",
            "country": self.countries.get(code, code) if code else "—",
            "entity_type": labels.get(entity, "—") if isinstance(entity, str) else "—",
            "configurations": ", ".join(labels.get(c, c) for c in record.applied()) or "—",
            "flags": [(css, labels[code]) for code, css in _flags(record)],
            "created": self.when(record.created_ms),
            "created_iso": self.iso(record.created_ms),
        }


_BADGES = (("restricted_badge", N_("Restricted")), ("active", N_("Active")))


def _flags(record: AccountRecord) -> list[tuple[str, str]]:
    """(label code, badge class) of what the row shows about the account's state."""
    listing = record.listing
    flags = [("closed", "closed")] if record.closed else []
    if listing is not None:
        if listing.past_due:
            flags.append(("past_due", "past_due"))
        elif listing.currently_due:
            flags.append(("currently_due", "currently_due"))
        if listing.pending_verification:
            flags.append(("pending_verification", "stripe"))
        if listing.restricted:
            flags.append(("restricted_badge", "restricted"))
        if listing.fully_active:
            flags.append(("active", "active"))
    return flags
