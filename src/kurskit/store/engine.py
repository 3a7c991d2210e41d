"""SQLAlchemy engines for the store: SQLite tuned for many writers, PostgreSQL by URL."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from kurskit.store.errors import StoreError

#: How long a writer waits for another one's lock before giving up (seconds).
BUSY_TIMEOUT = 30.0
#: SQLite pragmas every connection runs; docs/store.md says why each.
SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA secure_delete = ON",
)


def parse_url(url: str) -> URL:
    """Parse a store URL; `postgresql://` means psycopg 3, the driver kurskit installs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"'{url}' is not a database URL; write e.g. sqlite:////srv/kurskit/answers.sqlite "
            "or postgresql://user@host/database"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def show_url(url: str | URL) -> str:
    """The URL as it may be printed: the password replaced by ***."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return str(url)
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """The engine for a store URL, with the per-backend settings kurskit relies on."""
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite" and parsed.drivername in ("sqlite", "sqlite+pysqlite"):
            return _sqlite_engine(parsed)
        if backend == "postgresql":
            return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as error:
        extra = " (pip install 'kurskit[postgres]')" if backend == "postgresql" else ""
        raise StoreError(f"no database driver for {show_url(parsed)}{extra}: {error}") from None
    raise StoreError(
        "the answer store supports SQLite (sqlite:///…) and PostgreSQL (postgresql://…), "
        f"not {show_url(parsed)}"
    )


def _sqlite_engine(url: URL) -> Engine:
    """SQLite in WAL mode where every write transaction begins with BEGIN IMMEDIATE.

    pysqlite's own transaction control does the BEGIN: with isolation_level IMMEDIATE it
    issues BEGIN IMMEDIATE, in C, right before the first INSERT, UPDATE or DELETE, so the
    write lock is taken at once (no deadlock upgrading a read lock) and held only until
    COMMIT. A lone SELECT runs in its own implicit read transaction and takes no write
    lock. Transactions that start with a read or DDL (migrations) say BEGIN IMMEDIATE
    themselves: `begin_immediate`.
    """
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT, "isolation_level": "IMMEDIATE"}
    if sys.version_info >= (3, 12):  # keep this transaction control when Python's default changes
        connect_args["autocommit"] = sqlite3.LEGACY_TRANSACTION_CONTROL
    in_memory = url.database in (None, "", ":memory:")
    if in_memory:
        # One shared connection, or every connection would see its own empty database.
        connect_args["check_same_thread"] = False
        engine = create_engine(url, poolclass=StaticPool, connect_args=connect_args)
    else:
        path = Path(url.database or "").expanduser()  # sqlite3 itself would not expand ~
        url = url.set(database=str(path))
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot open the answer store {show_url(url)}: cannot create the folder "
                f"{folder} ({error.strerror}); check the path and that it is writable"
            ) from None
        engine = create_engine(url, connect_args=connect_args)

    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
            if not in_memory:
                _use_wal(cursor)
        finally:
            cursor.close()

    event.listen(engine, "connect", on_connect)
    return engine


def begin_immediate(connection: Connection) -> None:
    """Take SQLite's write lock now, for a transaction that reads or changes the schema first."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the database to write-ahead logging (a lasting setting) if it is not yet."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode == "wal":
            return
        try:
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as error:  # another process switches it meanwhile
            if "locked" not in str(error):
                raise
        if mode == "wal":
            return
        if time.monotonic() > deadline:
            raise StoreError(
                f"cannot switch the SQLite store to write-ahead logging (journal mode stays "
                f"'{mode}'); keep the store on a local disk"
            )
        time.sleep(0.01)
