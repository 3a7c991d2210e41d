"""Store fixtures: every store test runs on SQLite and on a real throwaway PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kurskit.store.sql import SqlAnswerStore
from tests.test_store.postgres import Server, find_bin, running_server

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """One PostgreSQL server for the session; stopped at the end."""
    bin_dir = find_bin()
    if bin_dir is None:  # `make setup` installs it, so a missing server is a broken setup
        pytest.fail("PostgreSQL is not installed: run `make setup` (Debian package postgresql)")
    with running_server(bin_dir) as server:
        yield server


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty store, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'answers.sqlite'}"
        return
    server: Server = request.getfixturevalue("postgres")
    with server.database() as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[SqlAnswerStore]:
    """A fresh store, once per backend."""
    opened = SqlAnswerStore.open(store_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'answers.sqlite'}"
