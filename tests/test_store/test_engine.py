"""Engines: SQLite pragmas, PostgreSQL by URL, and errors that say what to check."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurskit.store import StoreError, open_store
from kurskit.store.engine import make_engine, parse_url, show_url


def test_sqlite_runs_in_wal_with_a_busy_timeout(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    store.close()
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }
    engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 30000,
        "foreign_keys": 1,
    }


def test_in_memory_sqlite_works_for_one_process() -> None:
    store = open_store("sqlite://")
    assert store.pseudonym("alice").startswith("p-")
    store.close()


def test_postgresql_urls_use_psycopg() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert show_url("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


def test_unreachable_postgresql_says_where_and_what_to_check() -> None:
    with pytest.raises(StoreError) as error:
        open_store("postgresql://kurskit:hemmelig@127.0.0.1:1/kurs")
    message = str(error.value)
    assert "postgresql+psycopg://kurskit:***@127.0.0.1:1/kurs" in message
    assert "127.0.0.1:1" in message and "PostgreSQL runs" in message
    assert "hemmelig" not in message


def test_a_sqlite_path_that_cannot_be_a_folder_is_explained(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(
        StoreError, match=r"cannot open the answer store .*cannot create the folder"
    ):
        open_store(f"sqlite:///{tmp_path / 'file' / 'answers.sqlite'}")


def test_a_file_that_is_not_a_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "answers.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"answers\.sqlite: file is not a database; check"):
        open_store(f"sqlite:///{path}")


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "not a database URL"), ("mysql://u@h/db", "supports SQLite .* and PostgreSQL")],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)
