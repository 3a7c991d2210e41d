"""The one exception the answer store raises for problems a person has to fix."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says which store and what to check."""


class IdempotencyConflictError(StoreError):
    """An idempotency key already names a different learner's or question's answer."""
