"""Prebuilt statements run straight on the driver cursor, for the few on every request.

SQLAlchemy's per-execute machinery (cache key, context, result processing) costs about 30 us,
more than SQLite takes to answer a primary-key lookup or append a row. A ``DriverStatement``
compiles once per dialect (so SQLite's ``?`` and psycopg's ``%(name)s`` styles both work), runs
inside the transaction the unit of work already began (so it sees the same snapshot and commits
with everything else), returns plain named tuples with booleans normalised (SQLite stores 0/1),
and raises SQLAlchemy's exception classes (``IntegrityError``, ``OperationalError``) like any
other statement, so error handling above it does not care which path ran.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, ClauseElement, Connection
from sqlalchemy.exc import DBAPIError

__all__ = ["DriverStatement"]


class DriverStatement:
    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        selected = list(getattr(statement, "selected_columns", ()))
        self._booleans = [
            i for i, column in enumerate(selected) if isinstance(column.type, Boolean)
        ]
        self._row = namedtuple("Row", [str(c.key) for c in selected]) if selected else None
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        rows = self._run(conn, params, fetch=True)
        return [self._make(row) for row in rows]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Any | None:
        rows = self.all(conn, params)
        return rows[0] if rows else None

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> None:
        self._run(conn, params, fetch=False)

    def execute_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """One ``executemany`` on the driver: SQLAlchemy's own builds each row's parameters in
        Python (about 6 us a row, measured recording delivery attempts)."""
        if not rows:
            return
        sql, order, fixed = self._sql(conn)
        if fixed:
            rows = [{**fixed, **row} for row in rows]
        bound: list[Any] = (
            [tuple(row[name] for name in order) for row in rows]
            if order is not None
            else [dict(row) for row in rows]
        )
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, bound)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                sql, bound, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
            ) from exc
        finally:
            cursor.close()

    def _run(self, conn: Connection, params: Mapping[str, Any], *, fetch: bool) -> list[Any]:
        sql, order, fixed = self._sql(conn)
        if fixed:
            params = {**fixed, **params}
        bound: Any = tuple(params[name] for name in order) if order is not None else dict(params)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            return list(cursor.fetchall()) if fetch else []
        except conn.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                sql, bound, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
            ) from exc
        finally:
            cursor.close()

    def _sql(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        """The SQL, its parameters' order (positional drivers) and the values the dialect bound
        itself (SQLite's ``OFFSET 0`` after a ``LIMIT``, say), which no caller passes."""
        dialect = conn.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            statement = self._statement.compile(dialect=dialect)
            positions = getattr(statement, "positiontup", None) or ()  # SQLCompiler's
            order = tuple(positions) if dialect.positional else None
            fixed = {name: value for name, value in statement.params.items() if value is not None}
            compiled = self._compiled[dialect.name] = (str(statement), order, fixed)
        return compiled

    def _make(self, values: Any) -> Any:
        if self._booleans:
            values = list(values)
            for i in self._booleans:
                if values[i] is not None:
                    values[i] = bool(values[i])
        if self._row is None:
            raise TypeError("only SELECT statements return rows")
        return self._row(*values)
