"""Core statements compiled once by SQLAlchemy and run on the driver's cursor: the hot path."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any] | None


class DriverStatement:
    """A Core statement compiled for one dialect, executed with a DBAPI cursor.

    For a one-row statement SQLAlchemy's work per execution (cache lookup, execution
    context, result objects) costs more than SQLite's own; `record()` runs twice per answer,
    under the write lock, so it skips that work. SQL, parameter order and the types' bind and
    result processors all still come from SQLAlchemy.
    """

    def __init__(
        self, statement: ClauseElement, dialect: Dialect, columns: Sequence[Column[Any]]
    ) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.order = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.binds: dict[str, Processor] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        self.dialect = dialect
        self.columns = list(columns)
        self.names = [column.name for column in columns]
        self.results: list[Processor] | None = None  # from the first result's column types

    def params(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """Driver parameters from values by bind name, processed as SQLAlchemy would."""
        processed = {
            name: values[name] if process is None else process(values[name])
            for name, process in self.binds.items()
        }
        if self.order is None:
            return processed
        return [processed[name] for name in self.order]

    def rows(self, cursor: Any, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Execute and return every row as a dict of processed column values."""
        cursor.execute(self.sql, self.params(values))
        if self.results is None:
            self.results = [
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, described[1])
                for column, described in zip(self.columns, cursor.description, strict=True)
            ]
        return [
            {
                name: value if process is None else process(value)
                for name, process, value in zip(self.names, self.results, raw, strict=True)
            }
            for raw in cursor.fetchall()  # all: the statement must finish before COMMIT
        ]

    def plain_rows(self, cursor: Any, values: Mapping[str, Any]) -> list[Any]:
        """Execute and return the driver's rows as they come, for bulk reads of columns whose
        values need no processing (text, integers): SQLAlchemy's per-value work is skipped."""
        cursor.execute(self.sql, self.params(values))
        return list(cursor.fetchall())
