"""Prebuilt SELECTs run straight on the driver cursor, for the few reads on every request.

SQLAlchemy's per-execute machinery (cache key, context, result processing) costs about 30 us,
more than SQLite takes to answer a primary-key lookup. A ``DriverQuery`` compiles its statement
once per dialect (so SQLite's ``?`` and psycopg's ``%(name)s`` styles both work) and returns
plain named tuples, with booleans normalised (SQLite stores them as 0/1). It runs inside the
transaction the unit of work already began, so it sees the same snapshot as everything else.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Boolean, Connection, Select

__all__ = ["DriverQuery"]


class DriverQuery:
    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._columns = [str(column.key) for column in statement.selected_columns]
        self._booleans = [
            i
            for i, column in enumerate(statement.selected_columns)
            if isinstance(column.type, Boolean)
        ]
        self._row = namedtuple("Row", self._columns)  # type: ignore[misc]  # dynamic fields
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def _sql(self, conn: Connection) -> tuple[str, tuple[str, ...] | None]:
        dialect = conn.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            statement = self._statement.compile(dialect=dialect)
            order = (
                tuple(statement.positiontup)
                if dialect.positional and statement.positiontup
                else None
            )
            compiled = self._compiled[dialect.name] = (str(statement), order)
        return compiled

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        sql, order = self._sql(conn)
        bound: Any = tuple(params[name] for name in order) if order is not None else dict(params)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [self._make(row) for row in rows]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Any | None:
        rows = self.all(conn, params)
        return rows[0] if rows else None

    def _make(self, values: Any) -> Any:
        if self._booleans:
            values = list(values)
            for i in self._booleans:
                if values[i] is not None:
                    values[i] = bool(values[i])
        return self._row(*values)
