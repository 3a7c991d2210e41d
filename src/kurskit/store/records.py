"""Answer records and the two interfaces around them: the store, and the sink widgets write to."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kurskit.course.scoring import Result

#: The idempotency key of an answer given in a live session (a webinar or in-person session)
#: starts with this, then the session id and the opening: `webinar:<session>:<n>:<key>`.
SESSION_KEY_PREFIX = "webinar:"


def session_of(idempotency_key: str) -> str | None:
    """The session an answer was given in (from its stored key), or None for self-study."""
    key = idempotency_key.partition("/")[2] or idempotency_key
    if not key.startswith(SESSION_KEY_PREFIX):
        return None
    return key[len(SESSION_KEY_PREFIX) :].split(":", 1)[0]


def session_id(module: str, today: dt.date | None = None) -> str:
    """The id answers of a session are tagged with: the date and the module's name."""
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", Path(module).with_suffix("").as_posix()).strip("-")
    return f"{(today or dt.date.today()).isoformat()}-{stem}"


@dataclass(frozen=True)
class Answer:
    """One submitted answer, before the store gives it an attempt number and a time."""

    course: str
    module: str
    question_id: str
    learner: str  # pseudonym, never a user name or e-mail
    response: Any  # JSON-serialisable, as given to score()
    score: float | None
    max_score: float
    correct: bool | None
    status: str  # Result.status: scored, pending or invalid
    idempotency_key: str  # the same key twice is stored once


@dataclass(frozen=True)
class StoredAnswer(Answer):
    """An answer as kept: numbered per (course, module, question, learner) from 1, timestamped."""

    attempt: int = 0
    timestamp: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    period: str | None = None  # the course's collection period open when it was stored


#: The fields of a stored answer in the order exports and the answer table list them.
ANSWER_COLUMNS: tuple[str, ...] = (
    "course",
    "module",
    "question_id",
    "learner",
    "attempt",
    "response",
    "score",
    "max_score",
    "correct",
    "status",
    "timestamp",
    "idempotency_key",
    "period",
)


def answer_record(answer: StoredAnswer) -> dict[str, Any]:
    """One answer as plain JSON data, in the export's column order."""
    record = {name: getattr(answer, name) for name in ANSWER_COLUMNS}
    record["timestamp"] = answer.timestamp.isoformat().replace("+00:00", "Z")
    return record


def answer_from_record(record: Mapping[str, Any]) -> StoredAnswer:
    """The inverse of `answer_record`: a stored answer from its plain JSON data."""
    values: dict[str, Any] = {name: record.get(name) for name in ANSWER_COLUMNS}
    values["timestamp"] = dt.datetime.fromisoformat(str(record["timestamp"]).replace("Z", "+00:00"))
    for name in ("score", "max_score"):
        values[name] = None if values[name] is None else float(values[name])
    return StoredAnswer(**values)


def latest_attempts(answers: Iterable[StoredAnswer]) -> dict[tuple[str, str], StoredAnswer]:
    """The one rule "the latest attempt counts": (module, question) → the answer with the
    highest attempt. A module is named by its path without suffix, so the course's `prov.md`
    and a learner's copy `prov.ipynb` (released or from the learner edition) are one module."""
    latest: dict[tuple[str, str], StoredAnswer] = {}
    for answer in answers:
        key = (str(Path(answer.module).with_suffix("")), answer.question_id)
        if key not in latest or answer.attempt > latest[key].attempt:
            latest[key] = answer
    return latest


@dataclass(frozen=True)
class ForgetReport:
    """What `forget` deleted for one learner."""

    learner: str
    answers: int
    other: dict[str, int] = field(default_factory=dict)


class AnswerStore(Protocol):
    """The instructor's side of the store: every learner's answers, pseudonyms, release and
    forgetting (SQLite by default, PostgreSQL by URL). Never in a learner's process on a hub."""

    def record(self, answer: Answer) -> StoredAnswer:
        """Store an answer atomically; the same idempotency key again returns the first record."""
        ...

    def history(
        self, *, course: str, module: str, question_id: str, learner: str
    ) -> list[StoredAnswer]:
        """One learner's answers to one question, oldest first."""
        ...

    def answers(
        self, *, course: str | None = None, learner: str | None = None
    ) -> Iterator[StoredAnswer]:
        """Every stored answer, optionally for one course or learner, in storage order."""
        ...

    def pseudonym(self, user: str) -> str:
        """The stable pseudonym of a user name in this store (a keyed hash, not reversible)."""
        ...

    def forget(self, learner: str) -> ForgetReport:
        """Delete everything kept about a learner (user name or pseudonym)."""
        ...

    def release_feedback(self, *, course: str, module: str) -> None:
        """Let learners see scores and correctness for a graded module."""
        ...

    def feedback_released(self, *, course: str, module: str) -> bool:
        """Whether `release_feedback` was called for this module."""
        ...

    def keep_question(self, *, course: str, module: str, spec: Mapping[str, Any]) -> None:
        """Keep a question asked on the spot (a quick poll in a session), so that reports can
        show its prompt and options: its spec holds no answer key."""
        ...

    def close(self) -> None:
        """Let go of the store's connections."""
        ...


class AnswerSink(Protocol):
    """The learner's side of the store: what a widget writes to. It names no learner (the
    learner comes from the context) and cannot read anyone else's answers.

    Outside a hub it is `LocalSink`, the local store as the OS user. On a hub it is
    `ServiceSink`, a client of the answers service holding only the learner's own hub token;
    the instructor's side, `AnswerStore`, then lives only in the service.
    """

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
        """Store the current learner's answer; the same key again stores nothing new."""
        ...

    def my_answers(self, *, course: str, module: str, question_id: str) -> list[StoredAnswer]:
        """The current learner's answers to one question, oldest first."""
        ...

    def feedback_released(self, *, course: str, module: str) -> bool:
        """Whether the learner may see scores and correctness of a graded module."""
        ...
