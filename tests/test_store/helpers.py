"""Small builders for the store tests."""

from __future__ import annotations

import itertools
from typing import Any

from kurskit.store.records import Answer

_keys = itertools.count()


def answer(
    *,
    learner: str = "p-0000000000000001",
    question_id: str = "q1",
    module: str = "lesson.md",
    course: str = "demo",
    response: Any = "b",
    score: float | None = 1.0,
    max_score: float = 1.0,
    correct: bool | None = True,
    status: str = "scored",
    key: str | None = None,
) -> Answer:
    """An answer with a fresh idempotency key unless one is given."""
    return Answer(
        course=course,
        module=module,
        question_id=question_id,
        learner=learner,
        response=response,
        score=score,
        max_score=max_score,
        correct=correct,
        status=status,
        idempotency_key=key if key is not None else f"key-{next(_keys)}",
    )
