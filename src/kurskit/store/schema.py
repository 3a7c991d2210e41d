"""The store's tables as SQLAlchemy Core metadata; migrations create them, queries use them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

# Constraint names are fixed so migrations can refer to them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: SQLite only numbers rows itself for INTEGER PRIMARY KEY; elsewhere 64 bits.
RowId = BigInteger().with_variant(Integer(), "sqlite")

answers = Table(
    "answers",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("course", String(100), nullable=False),
    Column("module", String(200), nullable=False),
    Column("question_id", String(100), nullable=False),
    Column("learner", String(100), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("response", Text, nullable=False),  # JSON text
    Column("score", Float, nullable=True),  # None while pending
    Column("max_score", Float, nullable=False),
    Column("correct", Boolean, nullable=True),  # None when there is no right answer
    Column("status", String(16), nullable=False),
    Column("timestamp", DateTime(timezone=True), nullable=False),  # UTC
    Column("idempotency_key", String(200), nullable=False),
    Column("period", String(60), nullable=True),  # the course's open period when stored
    UniqueConstraint("idempotency_key"),
    UniqueConstraint("course", "module", "question_id", "learner", "attempt"),
    Index(None, "learner"),
)

#: Collection periods of a course (e.g. 2026-høst): at most one open at a time per course.
periods = Table(
    "periods",
    metadata,
    Column("course", String(100), primary_key=True),
    Column("name", String(60), primary_key=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),  # None while open
    # At most one open period per course, even when two coordinators open one at once.
    Index(
        "ix_periods_one_open",
        "course",
        unique=True,
        sqlite_where=text("closed_at IS NULL"),
        postgresql_where=text("closed_at IS NULL"),
    ),
)

#: Facts about the store itself, e.g. the pseudonym secret made with the database.
meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Graded modules whose scores and correctness learners may now see.
feedback_releases = Table(
    "feedback_releases",
    metadata,
    Column("course", String(100), primary_key=True),
    Column("module", String(200), primary_key=True),
    Column("released_at", DateTime(timezone=True), nullable=False),
)

SECRET_KEY = "pseudonym_secret"
