"""The local answer sink: widgets submit here, the learner comes from the running context."""

from __future__ import annotations

import threading
from typing import Any

from kurskit.course.scoring import Result
from kurskit.store.identity import current_user
from kurskit.store.records import Answer, AnswerSink, AnswerStore, StoredAnswer


class LocalSink:
    """An `AnswerSink` writing straight to a store, as the current (or given) user."""

    def __init__(self, store: AnswerStore, user: str | None = None) -> None:
        self.store = store
        self.user = user or current_user()
        self.learner = store.pseudonym(self.user)

    def submit(
        self,
        *,
        course: str,
        module: str,
        question_id: str,
        response: Any,
        result: Result,
        idempotency_key: str,
    ) -> StoredAnswer:
        """Store the learner's answer with its result; the same key again stores nothing new."""
        return self.store.record(
            Answer(
                course=course,
                module=module,
                question_id=question_id,
                learner=self.learner,
                response=response,
                score=result.score,
                max_score=result.max,
                correct=result.correct,
                status=result.status,
                idempotency_key=idempotency_key,
            )
        )

    def my_answers(self, *, course: str, module: str, question_id: str) -> list[StoredAnswer]:
        """This learner's earlier answers to one question, oldest first."""
        return self.store.history(
            course=course, module=module, question_id=question_id, learner=self.learner
        )

    def feedback_released(self, *, course: str, module: str) -> bool:
        """Whether the instructor has released scores and correctness for a graded module."""
        return self.store.feedback_released(course=course, module=module)


_sinks: dict[tuple[str, str], LocalSink] = {}
_lock = threading.Lock()


def default_sink() -> AnswerSink:
    """A `LocalSink` on the configured store (`open_store()`), shared within the process."""
    from kurskit.store.settings import load_settings
    from kurskit.store.sql import open_store

    key = (load_settings().url, current_user())
    with _lock:
        if key not in _sinks:
            _sinks[key] = LocalSink(open_store(key[0]), key[1])
        return _sinks[key]
