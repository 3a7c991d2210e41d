"""The answer store on SQLAlchemy Core: one implementation for SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Float,
    Insert,
    String,
    Text,
    bindparam,
    delete,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from kurskit.store.driver import DriverStatement
from kurskit.store.engine import make_engine, show_url
from kurskit.store.errors import IdempotencyConflictError, StoreError
from kurskit.store.migrate import upgrade
from kurskit.store.periods import open_period_of
from kurskit.store.records import (
    ANSWER_COLUMNS,
    Answer,
    AnswerStore,
    ForgetReport,
    StoredAnswer,
)
from kurskit.store.schema import SECRET_KEY, answers, feedback_releases, meta
from kurskit.store.settings import load_settings
from kurskit.store.times import as_utc, utc_now

#: What `pseudonym` returns: p- and 16 hex digits (64 bits of a keyed SHA-256 hash).
PSEUDONYM_PATTERN = re.compile(r"p-[0-9a-f]{16}")
#: Concurrent writers on PostgreSQL may pick the same attempt number; the loser tries again.
_ATTEMPT_RETRIES = 20
_PAGE = 1000
_IDENTITY = ("course", "module", "question_id", "learner")
ATTEMPT_CONSTRAINT = "uq_answers_course_module_question_id_learner_attempt"


def open_store(url: str | None = None) -> AnswerStore:
    """Open (creating and migrating when needed) the store at `url`, or the configured one."""
    return SqlAnswerStore.open(url)


class SqlAnswerStore:
    """`AnswerStore` on SQLite or PostgreSQL; connection pools are per instance (per process)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._secret: bytes | None = None
        columns = list(answers.c)
        self._insert = DriverStatement(
            _insert_next_attempt(engine.dialect.name), engine.dialect, columns
        )
        self._by_key = DriverStatement(_BY_KEY, engine.dialect, columns)

    @classmethod
    def open(cls, url: str | None = None) -> SqlAnswerStore:
        """Open the store at `url` (default: from the settings) and apply missing migrations."""
        url = url or load_settings().url
        engine = make_engine(url)
        try:
            upgrade(engine)
        except DBAPIError as error:
            engine.dispose()
            raise StoreError(_unreachable(engine, error)) from None
        return cls(engine)

    @property
    def url(self) -> str:
        """The store's URL with any password hidden."""
        return show_url(self.engine.url)

    def close(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()

    # --- answers ---------------------------------------------------------------------------

    def record(self, answer: Answer) -> StoredAnswer:
        """Store an answer atomically; the same idempotency key again returns the first record.

        A retry is answered by a read, without the write lock. A new answer is one short
        write transaction whose single statement numbers the attempt (the learner's highest
        for the question, plus one) and inserts the row.
        """
        values = _values(answer)
        key = {"key": answer.idempotency_key}
        dbapi = self.engine.dialect.loaded_dbapi
        for _ in range(_ATTEMPT_RETRIES):
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                if found := self._by_key.rows(cursor, key):
                    return _same_answer(found[0], answer)
                inserted = self._insert.rows(cursor, values)
                if not inserted:  # another process stored this key since the read
                    found = self._by_key.rows(cursor, key)
                connection.commit()
                return _stored(inserted[0]) if inserted else _same_answer(found[0], answer)
            except dbapi.IntegrityError as error:
                connection.rollback()
                if not _attempt_taken(error):
                    raise StoreError(f"the store {self.url} refused an answer: {error}") from error
                # PostgreSQL: a concurrent answer took this attempt number; number it again
            except dbapi.Error as error:
                connection.rollback()
                raise StoreError(f"could not store an answer in {self.url}: {error}") from error
            finally:
                connection.close()
        raise StoreError(
            f"could not number the attempt of {answer.idempotency_key} after "
            f"{_ATTEMPT_RETRIES} tries; too many concurrent answers to one question"
        )

    def history(
        self, *, course: str, module: str, question_id: str, learner: str
    ) -> list[StoredAnswer]:
        """One learner's answers to one question, oldest first."""
        query = (
            select(answers)
            .where(
                answers.c.course == course,
                answers.c.module == module,
                answers.c.question_id == question_id,
                answers.c.learner == learner,
            )
            .order_by(answers.c.attempt)
        )
        with self.engine.connect() as connection:
            return [_stored(row._mapping) for row in connection.execute(query)]

    def answers(
        self, *, course: str | None = None, learner: str | None = None
    ) -> Iterator[StoredAnswer]:
        """Every stored answer, optionally of one course or learner, in storage order.

        Read a page at a time, so no transaction stays open while the caller works.
        """
        query = select(answers).order_by(answers.c.id).limit(_PAGE)
        if course is not None:
            query = query.where(answers.c.course == course)
        if learner is not None:
            query = query.where(answers.c.learner == learner)
        last = 0
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(query.where(answers.c.id > last)).all()
            yield from (_stored(row._mapping) for row in rows)
            if len(rows) < _PAGE:
                return
            last = rows[-1].id

    def count(self) -> int:
        """How many answers are stored."""
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(answers)) or 0)

    # --- learners --------------------------------------------------------------------------

    def pseudonym(self, user: str) -> str:
        """The stable pseudonym of a user name in this store (a keyed hash, not reversible)."""
        name = unicodedata.normalize("NFC", user.strip())
        if not name:
            raise ValueError("a user name cannot be empty")
        digest = hmac.new(self._pseudonym_secret(), name.encode("utf-8"), hashlib.sha256)
        return "p-" + digest.hexdigest()[:16]

    def forget(self, learner: str) -> ForgetReport:
        """Delete everything kept about a learner, given as user name or pseudonym."""
        pseudonym = learner if PSEUDONYM_PATTERN.fullmatch(learner) else self.pseudonym(learner)
        with self.engine.begin() as connection:
            deleted = connection.execute(delete(answers).where(answers.c.learner == pseudonym))
        if self.engine.dialect.name == "sqlite":
            # Deleted rows are overwritten (secure_delete); also empty the write-ahead log,
            # which still holds the old pages until a checkpoint.
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return ForgetReport(learner=pseudonym, answers=deleted.rowcount)

    def _pseudonym_secret(self) -> bytes:
        if self._secret is None:
            with self.engine.connect() as connection:
                value = connection.scalar(select(meta.c.value).where(meta.c.key == SECRET_KEY))
            if value is None:
                raise StoreError(f"the store {self.url} has no pseudonym secret; it is damaged")
            self._secret = bytes.fromhex(value)
        return self._secret

    # --- feedback --------------------------------------------------------------------------

    def release_feedback(self, *, course: str, module: str) -> None:
        """Let learners see scores and correctness for a graded module (idempotent)."""
        insert = _dialect_insert(self.engine.dialect.name)(feedback_releases)
        with self.engine.begin() as connection:
            connection.execute(
                insert.values(
                    course=course, module=module, released_at=utc_now()
                ).on_conflict_do_nothing()
            )

    def feedback_released(self, *, course: str, module: str) -> bool:
        """Whether `release_feedback` was called for this module."""
        query = select(feedback_releases.c.course).where(
            feedback_releases.c.course == course, feedback_releases.c.module == module
        )
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def keep_question(self, *, course: str, module: str, spec: Mapping[str, Any]) -> None:
        """Keep a question asked on the spot (the same question twice is kept once)."""
        key = kept_question_key(course, str(spec["id"]))
        value = json.dumps({"course": course, "module": module, "spec": dict(spec)})
        insert = _dialect_insert(self.engine.dialect.name)(meta)
        with self.engine.begin() as connection:
            connection.execute(insert.values(key=key, value=value).on_conflict_do_nothing())

    def kept_questions(self, course: str) -> list[tuple[str, dict[str, Any]]]:
        """(module, spec) of every question kept for `course`."""
        query = select(meta.c.value).where(meta.c.key.startswith(KEPT_QUESTION_PREFIX))
        with self.engine.connect() as connection:
            kept = [json.loads(value) for value in connection.scalars(query)]
        return [(k["module"], k["spec"]) for k in kept if k.get("course") == course]


#: Meta keys of questions asked on the spot start with this, then a hash of course and id.
KEPT_QUESTION_PREFIX = "question:"


def kept_question_key(course: str, question_id: str) -> str:
    """The meta key of a kept question (hashed: course and id may be long together)."""
    digest = hashlib.sha256(f"{course}\n{question_id}".encode()).hexdigest()[:40]
    return f"{KEPT_QUESTION_PREFIX}{digest}"


def _dialect_insert(dialect: str) -> Any:
    if dialect == "sqlite":
        return sqlite.insert
    if dialect == "postgresql":
        return postgresql.insert
    raise StoreError(f"unsupported database '{dialect}'")


def _insert_next_attempt(dialect: str) -> Insert:
    """INSERT … SELECT max(attempt) + 1 … ON CONFLICT (idempotency_key) DO NOTHING RETURNING."""
    same_question = (
        answers.c.course == bindparam("course"),
        answers.c.module == bindparam("module"),
        answers.c.question_id == bindparam("question_id"),
        answers.c.learner == bindparam("learner"),
    )
    row = select(
        bindparam("course", type_=String),
        bindparam("module", type_=String),
        bindparam("question_id", type_=String),
        bindparam("learner", type_=String),
        func.coalesce(func.max(answers.c.attempt), literal_column("0")) + literal_column("1"),
        bindparam("response", type_=Text),
        bindparam("score", type_=Float),
        bindparam("max_score", type_=Float),
        bindparam("correct", type_=Boolean),
        bindparam("status", type_=String),
        bindparam("timestamp", type_=DateTime(timezone=True)),
        bindparam("idempotency_key", type_=String),
        open_period_of(bindparam("course", type_=String)),
    ).where(*same_question)
    columns = list(ANSWER_COLUMNS)
    statement: Insert = (
        _dialect_insert(dialect)(answers)
        .from_select(columns, row)
        .on_conflict_do_nothing(index_elements=[answers.c.idempotency_key])
        .returning(*answers.c)
    )
    return statement


def _values(answer: Answer) -> dict[str, Any]:
    return {
        "course": answer.course,
        "module": answer.module,
        "question_id": answer.question_id,
        "learner": answer.learner,
        "response": json.dumps(answer.response, ensure_ascii=False),
        "score": answer.score,
        "max_score": answer.max_score,
        "correct": answer.correct,
        "status": answer.status,
        "timestamp": utc_now(),
        "idempotency_key": answer.idempotency_key,
    }


_BY_KEY = select(answers).where(answers.c.idempotency_key == bindparam("key"))


def _attempt_taken(error: Exception) -> bool:
    """Whether a unique violation is about the attempt number (SQLite and PostgreSQL words)."""
    text = str(error)
    return "answers.attempt" in text or ATTEMPT_CONSTRAINT in text


def _same_answer(row: Mapping[Any, Any], answer: Answer) -> StoredAnswer:
    """The stored answer for a repeated key, if it is that learner's answer to that question."""
    stored = _stored(row)
    if any(getattr(stored, name) != getattr(answer, name) for name in _IDENTITY):
        raise IdempotencyConflictError(
            f"the idempotency key {answer.idempotency_key!r} already names another answer "
            f"({stored.course}/{stored.module}/{stored.question_id}); use a fresh key per answer"
        )
    return stored


def _stored(row: Mapping[Any, Any]) -> StoredAnswer:
    timestamp = as_utc(row["timestamp"])
    score = row["score"]
    return StoredAnswer(
        course=row["course"],
        module=row["module"],
        question_id=row["question_id"],
        learner=row["learner"],
        response=json.loads(row["response"]),
        score=None if score is None else float(score),
        max_score=float(row["max_score"]),
        correct=None if row["correct"] is None else bool(row["correct"]),
        status=row["status"],
        idempotency_key=row["idempotency_key"],
        attempt=int(row["attempt"]),
        timestamp=timestamp,
        period=row["period"],
    )


def _unreachable(engine: Engine, error: DBAPIError) -> str:
    url = show_url(engine.url)
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    if engine.dialect.name == "postgresql":
        where = f"{engine.url.host or 'the local socket'}:{engine.url.port or 5432}"
        check = (
            f"check that PostgreSQL runs and accepts connections at {where}, that the user, "
            f"password and database '{engine.url.database}' are right, and that this machine "
            "may connect (pg_hba.conf)"
        )
    else:
        check = (
            "check that the path is right, that it is a kurskit store, and that its folder "
            "is writable and on a local disk"
        )
    return f"cannot open the answer store {url}: {reason}; {check}"
