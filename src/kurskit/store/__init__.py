"""The answer store: answer records, SQLite (default) or PostgreSQL, the learner sink, export."""

from kurskit.store.errors import IdempotencyConflictError, StoreError
from kurskit.store.identity import current_user
from kurskit.store.records import Answer, AnswerSink, AnswerStore, ForgetReport, StoredAnswer
from kurskit.store.settings import StoreSettings, load_settings
from kurskit.store.sink import LocalSink, default_sink
from kurskit.store.sql import SqlAnswerStore, open_store

__all__ = [
    "Answer",
    "AnswerSink",
    "AnswerStore",
    "ForgetReport",
    "IdempotencyConflictError",
    "LocalSink",
    "SqlAnswerStore",
    "StoreError",
    "StoreSettings",
    "StoredAnswer",
    "current_user",
    "default_sink",
    "load_settings",
    "open_store",
]
