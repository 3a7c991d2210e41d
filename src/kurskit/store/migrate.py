"""Bring a store's schema up to date with the Alembic migrations shipped in the package."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from kurskit.store.engine import begin_immediate, show_url
from kurskit.store.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
#: Key of the PostgreSQL advisory lock that lets one process migrate at a time.
LOCK_KEY = 0x6B75_7273  # "kurs"


def alembic_config(connection: Connection | None = None, *, url: str | None = None) -> Config:
    """An Alembic config built in code (no alembic.ini), using `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with this kurskit."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the store has no migrations"
    return head


def current_revision(connection: Connection) -> str | None:
    """The migration a database is at (None for a fresh database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Apply missing migrations; safe when several processes open a fresh store at once.

    The check is a plain read; only a store that needs migrating is locked (SQLite: an
    IMMEDIATE transaction, PostgreSQL: an advisory lock), and the check is repeated under
    the lock, so a process that waited finds the work done.
    """
    head = head_revision()
    with engine.connect() as connection:
        if _known(current_revision(connection), engine.url) == head:
            return
    with engine.begin() as connection:
        begin_immediate(connection)
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        if _known(current_revision(connection), engine.url) != head:
            command.upgrade(alembic_config(connection), "head")


@functools.cache
def _revisions() -> frozenset[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    return frozenset(script.revision for script in scripts.walk_revisions())


def _known(revision: str | None, url: URL) -> str | None:
    if revision is not None and revision not in _revisions():
        raise StoreError(
            f"the store {show_url(url)} is at schema revision {revision}, which this kurskit "
            "does not know: a newer kurskit wrote it; upgrade kurskit"
        )
    return revision
