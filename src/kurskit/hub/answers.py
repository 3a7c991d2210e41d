"""What the answers service does with a request, apart from HTTP: score, limit, store, redact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TextIO, cast

from kurskit.course.scoring import score
from kurskit.hub.keys import AnswerKeys, KeyedQuestion
from kurskit.store.errors import IdempotencyConflictError
from kurskit.store.export import ExportFormat, export_answers
from kurskit.store.records import Answer, AnswerStore, ForgetReport, StoredAnswer, answer_record

#: The longest idempotency key a client may send (widgets send 32 hex digits).
MAX_KEY_LENGTH = 128


@dataclass(frozen=True)
class RefusedError(Exception):
    """A request the service refuses: an HTTP status and words for the learner."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


class AnswerDesk:
    """The store as the service uses it for hub users: learners only ever reach their own
    answers, under the pseudonym of the name the hub vouched for."""

    def __init__(self, store: AnswerStore, keys: AnswerKeys) -> None:
        self.store = store
        self.keys = keys

    # --- a learner's own answers ------------------------------------------------------------

    def submit(self, user: str, request: Mapping[str, Any]) -> dict[str, Any]:
        """Score and store `user`'s answer; a retry with the same key returns the first record."""
        course = _text(request, "course")
        question = self._question(course, _text(request, "question_id"))
        key = _text(request, "idempotency_key")
        if len(key) > MAX_KEY_LENGTH:
            raise RefusedError(400, f"idempotency_key is longer than {MAX_KEY_LENGTH} characters")
        if "response" not in request:
            raise RefusedError(400, "the request has no response")
        learner = self.store.pseudonym(user)
        stored_key = f"{learner}/{key}"  # a key is one learner's: nobody can collide with it
        spec = question.spec
        earlier = self.store.history(
            course=course, module=question.module, question_id=spec.id, learner=learner
        )
        if retry := next((a for a in earlier if a.idempotency_key == stored_key), None):
            return self._shown(retry, question)
        if spec.attempts is not None and len(earlier) >= spec.attempts:
            raise RefusedError(409, f"no attempts left: all {spec.attempts} are used")
        if spec.graded and self.store.feedback_released(course=course, module=question.module):
            # Once scores are out, a new answer would be checked against the key at once.
            raise RefusedError(409, "this test is closed: its results have been released")
        result = score(spec, request["response"])
        if result.status == "invalid":
            raise RefusedError(400, f"not an answer to this question: {result.reason}")
        try:
            stored = self.store.record(
                Answer(
                    course=course,
                    module=question.module,
                    question_id=spec.id,
                    learner=learner,
                    response=request["response"],
                    score=result.score,
                    max_score=result.max,
                    correct=result.correct,
                    status=result.status,
                    idempotency_key=stored_key,
                )
            )
        except IdempotencyConflictError:
            raise RefusedError(409, "this idempotency key names another answer") from None
        return self._shown(stored, question)

    def history(self, user: str, course: str, question_id: str) -> list[dict[str, Any]]:
        """`user`'s answers to one question, oldest first, as the learner may see them."""
        question = self._question(course, question_id)
        answers = self.store.history(
            course=course,
            module=question.module,
            question_id=question_id,
            learner=self.store.pseudonym(user),
        )
        return [self._shown(answer, question) for answer in answers]

    def released(self, course: str, module: str) -> bool:
        """Whether scores of a module (named by its file in any edition) are released."""
        source = self.keys.module(course, module)
        return source is not None and self.store.feedback_released(course=course, module=source)

    # --- instructors and admins -------------------------------------------------------------

    def answers_of(self, course: str, users: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Every answer of each named user in one course, with scores (instructor view)."""
        return {
            user: [
                answer_record(answer)
                for answer in self.store.answers(course=course, learner=self.store.pseudonym(user))
            ]
            for user in users
        }

    def export(
        self, out: TextIO, course: str, users: Iterable[str] | None, *, format: ExportFormat
    ) -> int:
        """Export a course's answers (of the named users, or of everyone) as the store does."""
        store: AnswerStore = self.store
        if users is not None:
            only = {self.store.pseudonym(user) for user in users}
            store = cast(AnswerStore, _OnlyLearners(self.store, only))
        return export_answers(store, out, format=format, course=course)

    def release(self, course: str, module: str) -> str:
        """Release the scores of a module; returns the module's file in the course source."""
        source = self.keys.module(course, module)
        if source is None:
            raise RefusedError(404, f"the course {course!r} has no module {module!r}")
        self.store.release_feedback(course=course, module=source)
        return source

    def forget(self, user: str) -> ForgetReport:
        """Delete everything kept about a user."""
        return self.store.forget(user)

    # --- helpers ----------------------------------------------------------------------------

    def _question(self, course: str, question_id: str) -> KeyedQuestion:
        question = self.keys.question(course, question_id)
        if question is None:
            raise RefusedError(404, f"the course {course!r} has no question {question_id!r}")
        return question

    def _shown(self, answer: StoredAnswer, question: KeyedQuestion) -> dict[str, Any]:
        """The record a learner gets: their own key back, graded verdicts only once released."""
        shown = replace(answer, idempotency_key=answer.idempotency_key.partition("/")[2])
        hidden = question.spec.graded and not self.store.feedback_released(
            course=answer.course, module=question.module
        )
        if hidden:
            shown = replace(shown, score=None, correct=None, status="pending")
        return answer_record(shown)


class _OnlyLearners:
    """The store, as far as an export reads it, with only some learners' answers."""

    def __init__(self, store: AnswerStore, learners: set[str]) -> None:
        self._store = store
        self._learners = learners

    def answers(self, *, course: str | None = None, learner: str | None = None) -> Any:
        return (
            answer
            for answer in self._store.answers(course=course, learner=learner)
            if answer.learner in self._learners
        )

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"an instructor's export does not use {name}")


def _text(request: Mapping[str, Any], name: str) -> str:
    value = request.get(name)
    if not isinstance(value, str) or not value:
        raise RefusedError(400, f"the request needs {name} (text)")
    return value
