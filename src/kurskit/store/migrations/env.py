"""Alembic environment: migrates the connection kurskit passes in, or the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kurskit.store.engine import begin_immediate, make_engine
from kurskit.store.schema import metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite changes tables by copying them
        transactional_ddl=True,  # kurskit's SQLite connections do run DDL in transactions
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        context.configure(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    # A developer's `alembic revision --autogenerate` against a URL.
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as own:
            begin_immediate(own)
            run(own)
    finally:
        engine.dispose()


main()
