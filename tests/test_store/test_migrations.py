"""Alembic migrations: applied on first use, matching the tables the code uses, once only."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from kurskit.store import StoreError
from kurskit.store.engine import make_engine
from kurskit.store.migrate import alembic_config, current_revision, head_revision, upgrade
from kurskit.store.schema import SECRET_KEY, meta, metadata
from kurskit.store.sql import SqlAnswerStore


def test_a_fresh_database_is_migrated_on_first_use(store_url: str) -> None:
    engine = make_engine(store_url)
    with engine.connect() as connection:
        assert current_revision(connection) is None
    engine.dispose()
    store = SqlAnswerStore.open(store_url)
    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        tables = set(inspect(connection).get_table_names())
        secret = connection.scalar(select(meta.c.value).where(meta.c.key == SECRET_KEY))
    assert {"answers", "meta", "feedback_releases", "alembic_version"} <= tables
    assert secret is not None and len(bytes.fromhex(secret)) == 32
    store.close()


def test_the_migrations_build_exactly_the_tables_the_code_uses(store: SqlAnswerStore) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_opening_again_changes_nothing(store_url: str) -> None:
    first = SqlAnswerStore.open(store_url)
    name = first.pseudonym("alice")
    first.close()
    again = SqlAnswerStore.open(store_url)
    assert again.pseudonym("alice") == name  # the secret was not made again
    again.close()


def test_a_store_from_a_newer_kurskit_is_refused(store_url: str) -> None:
    SqlAnswerStore.open(store_url).close()
    engine = make_engine(store_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"revision 9999.*newer kurskit"):
        upgrade(engine)
    engine.dispose()


def test_downgrade_and_upgrade_again(store_url: str) -> None:
    SqlAnswerStore.open(store_url).close()
    engine = make_engine(store_url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    with engine.connect() as connection:
        assert "answers" not in inspect(connection).get_table_names()
    upgrade(engine)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    engine.dispose()
