"""Insight fixtures: the store tests' fresh store URL on SQLite and a real PostgreSQL."""

from tests.test_store.conftest import postgres, store_url  # noqa: F401 (fixtures)
