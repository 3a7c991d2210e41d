"""One course's answer rows from the store as a DataFrame, read in one scan for a report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import Column, Text, text

from kurskit.store.driver import DriverStatement
from kurskit.store.schema import answers
from kurskit.store.sql import SqlAnswerStore


def course_rows(
    store: SqlAnswerStore,
    course: str,
    columns: Sequence[str],
    where: str = "",
    computed: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The answer columns `columns` of every row of `course` (and `where`, an SQL condition on
    answer columns, when given), as plain Python values through the driver's own cursor;
    `computed` adds columns worked out by the database (name → SQL expression), e.g. a value
    only where it is needed, so that the other rows cost no Python object."""
    # A report reads most of the course's rows: SQLite scans the table faster than it follows
    # the (course, …) index row by row.
    scan = " NOT INDEXED" if store.engine.dialect.name == "sqlite" else ""
    condition = f" AND {where}" if where else ""
    extra = dict(computed or {})
    selected = [*columns, *(f"{sql} AS {name}" for name, sql in extra.items())]
    query = text(
        f"SELECT {', '.join(selected)} FROM {answers.name}{scan} WHERE course = :course{condition}"
    )
    named = [answers.c[name] for name in columns] + [Column(name, Text) for name in extra]
    statement = DriverStatement(query, store.engine.dialect, named)
    connection = store.engine.raw_connection()
    try:
        rows = statement.plain_rows(connection.cursor(), {"course": course})
    finally:
        connection.close()
    return pd.DataFrame(rows, columns=[*columns, *extra])


def sql_text(value: str) -> str:
    """A value as an SQL string literal, for names already checked against the course or store
    (question ids, period names) that a report puts in `where`."""
    return "'" + value.replace("'", "''") + "'"
