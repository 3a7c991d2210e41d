"""One course's answer rows from the store as a DataFrame, read in one scan for a report."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import text

from kurskit.store.driver import DriverStatement
from kurskit.store.schema import answers
from kurskit.store.sql import SqlAnswerStore


def course_rows(
    store: SqlAnswerStore, course: str, columns: Sequence[str], where: str = ""
) -> pd.DataFrame:
    """The answer columns `columns` of every row of `course` (and `where`, an SQL condition on
    answer columns, when given), as plain Python values through the driver's own cursor."""
    # A report reads most of the course's rows: SQLite scans the table faster than it follows
    # the (course, …) index row by row.
    scan = " NOT INDEXED" if store.engine.dialect.name == "sqlite" else ""
    condition = f" AND {where}" if where else ""
    query = text(
        f"SELECT {', '.join(columns)} FROM {answers.name}{scan} WHERE course = :course{condition}"
    )
    statement = DriverStatement(query, store.engine.dialect, [answers.c[name] for name in columns])
    connection = store.engine.raw_connection()
    try:
        rows = statement.plain_rows(connection.cursor(), {"course": course})
    finally:
        connection.close()
    return pd.DataFrame(rows, columns=list(columns))


def sql_text(value: str) -> str:
    """A value as an SQL string literal, for names already checked against the course or store
    (question ids, period names) that a report puts in `where`."""
    return "'" + value.replace("'", "''") + "'"
