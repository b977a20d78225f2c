"""Keyset pagination over (created_ms, id), newest first, shared by every v2 list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Table, and_, or_, select

from gangway.core.pagination import Cursor

__all__ = ["Page", "created_bounds", "keyset_page"]


@dataclass(frozen=True)
class Page:
    rows: Sequence[Row[Any]]
    next_cursor: Cursor | None
    prev_cursor: Cursor | None


def created_bounds(column: Any, created: dict[str, int] | None) -> list[ColumnElement[bool]]:
    """``{"gt"|"gte"|"lt"|"lte": ms}`` as conditions on ``column``."""
    conditions = {
        "gt": column.__gt__,
        "gte": column.__ge__,
        "lt": column.__lt__,
        "lte": column.__le__,
    }
    return [conditions[op](bound) for op, bound in (created or {}).items()]


def keyset_page(
    conn: Connection,
    table: Table,
    where: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    cursor: Cursor | None,
) -> Page:
    created, ident = table.c.created_ms, table.c.id
    query = select(table).where(*where)
    backwards = cursor is not None and cursor.direction == "prev"
    if cursor is not None:
        if backwards:  # rows newer than the cursor, nearest first
            query = query.where(
                or_(
                    created > cursor.created_ms,
                    and_(created == cursor.created_ms, ident > cursor.id),
                )
            ).order_by(created.asc(), ident.asc())
        else:
            query = query.where(
                or_(
                    created < cursor.created_ms,
                    and_(created == cursor.created_ms, ident < cursor.id),
                )
            ).order_by(created.desc(), ident.desc())
    else:
        query = query.order_by(created.desc(), ident.desc())
    fetched = list(conn.execute(query.limit(limit + 1)).all())
    more = len(fetched) > limit
    rows = fetched[:limit]
    if backwards:
        rows.reverse()
    if not rows:
        return Page(rows=rows, next_cursor=None, prev_cursor=None)
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_prev = (cursor is not None) if not backwards else more
    return Page(
        rows=rows,
        next_cursor=Cursor(last.created_ms, last.id, "next") if has_next else None,
        prev_cursor=Cursor(first.created_ms, first.id, "prev") if has_prev else None,
    )
