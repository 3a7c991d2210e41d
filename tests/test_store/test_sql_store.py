"""The SQL answer store on SQLite and PostgreSQL: records, attempts, retries, reading back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kurskit.store import IdempotencyConflictError, StoreError, open_store
from kurskit.store import sql as sql_module
from kurskit.store.schema import answers as answers_table
from kurskit.store.sql import SqlAnswerStore
from tests.test_store.helpers import answer


def row_count(store: SqlAnswerStore) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(answers_table)) or 0)


def test_record_returns_what_was_stored(store: SqlAnswerStore) -> None:
    before = dt.datetime.now(dt.UTC)
    given = answer(
        response={"rating": 4, "comment": "Bra kurs – takk!"},
        score=None,
        correct=None,
        status="pending",
        max_score=0.0,
    )
    stored = store.record(given)
    assert stored.attempt == 1
    assert stored.response == {"rating": 4, "comment": "Bra kurs – takk!"}
    assert (stored.score, stored.correct, stored.status) == (None, None, "pending")
    assert stored.timestamp.tzinfo == dt.UTC
    assert before - dt.timedelta(seconds=1) <= stored.timestamp <= dt.datetime.now(dt.UTC)
    [read] = store.history(
        course="demo", module="lesson.md", question_id="q1", learner=given.learner
    )
    assert read == stored


@pytest.mark.parametrize("response", ["b", ["a", "c"], True, 3.5, {"rating": 5, "comment": ""}])
def test_responses_round_trip_as_json(store: SqlAnswerStore, response: object) -> None:
    stored = store.record(answer(response=response))
    assert next(store.answers()).response == response == stored.response


def test_same_key_twice_is_stored_once(store: SqlAnswerStore) -> None:
    first = store.record(answer(key="retry-1", response="a", score=0.0, correct=False))
    again = store.record(answer(key="retry-1", response="b"))  # a retry with other content
    assert again == first
    assert again.response == "a" and again.attempt == 1
    assert row_count(store) == 1


def test_a_key_for_another_question_is_refused(store: SqlAnswerStore) -> None:
    store.record(answer(key="shared", question_id="q1"))
    with pytest.raises(IdempotencyConflictError, match="shared"):
        store.record(answer(key="shared", question_id="q2"))
    with pytest.raises(IdempotencyConflictError):
        store.record(answer(key="shared", learner="p-0000000000000002"))
    assert row_count(store) == 1


def test_attempts_count_per_learner_and_question(store: SqlAnswerStore) -> None:
    alice, bob = "p-000000000000000a", "p-000000000000000b"
    numbers = [store.record(answer(learner=alice, question_id="q1")).attempt for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert store.record(answer(learner=alice, question_id="q2")).attempt == 1
    assert store.record(answer(learner=bob, question_id="q1")).attempt == 1
    assert store.record(answer(learner=alice, question_id="q1", module="other.md")).attempt == 1
    assert store.record(answer(learner=alice, question_id="q1", course="other")).attempt == 1
    assert store.record(answer(learner=alice, question_id="q1")).attempt == 4
    history = store.history(course="demo", module="lesson.md", question_id="q1", learner=alice)
    assert [a.attempt for a in history] == [1, 2, 3, 4]


def test_answers_filter_and_keep_storage_order(
    store: SqlAnswerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_module, "_PAGE", 2)  # read several pages
    keys = []
    for n in range(7):
        given = answer(course="a" if n % 2 else "b", learner=f"p-00000000000000{n % 3:02d}")
        keys.append(store.record(given).idempotency_key)
    assert [a.idempotency_key for a in store.answers()] == keys
    assert [a.idempotency_key for a in store.answers(course="a")] == keys[1::2]
    assert [a.idempotency_key for a in store.answers(learner="p-0000000000000000")] == keys[::3]
    assert list(store.answers(course="a", learner="p-0000000000000000")) == [
        a for a in store.answers() if a.course == "a" and a.learner == "p-0000000000000000"
    ]
    assert list(store.answers(course="none")) == []


def test_pseudonyms_are_stable_keyed_and_not_the_name(store_url: str) -> None:
    first = open_store(store_url)
    alice = first.pseudonym("alice")
    assert alice == first.pseudonym("alice") and alice != first.pseudonym("bob")
    assert alice.startswith("p-") and len(alice) == 18 and "alice" not in alice
    first.close()
    again = open_store(store_url)
    assert again.pseudonym("alice") == alice  # the secret lives in the database
    again.close()


def test_each_store_has_its_own_secret(sqlite_url: str) -> None:
    other = open_store(sqlite_url.replace("answers.sqlite", "other.sqlite"))
    this = open_store(sqlite_url)
    assert this.pseudonym("alice") != other.pseudonym("alice")
    this.close()
    other.close()


def test_forget_by_user_name_or_pseudonym(store: SqlAnswerStore) -> None:
    alice, bob = store.pseudonym("alice"), store.pseudonym("bob")
    for question in ("q1", "q2", "q1"):
        store.record(answer(learner=alice, question_id=question))
    store.record(answer(learner=bob))
    report = store.forget("alice")
    assert (report.learner, report.answers) == (alice, 3)
    assert [a.learner for a in store.answers()] == [bob]
    assert store.forget(bob).answers == 1
    assert store.forget(bob).answers == 0
    assert row_count(store) == 0


def test_forget_leaves_no_trace_in_the_sqlite_file(sqlite_url: str) -> None:
    store = SqlAnswerStore.open(sqlite_url)
    secret = "Mitt hemmelige svar om Oria"
    store.record(answer(learner=store.pseudonym("alice"), response=secret))
    store.forget("alice")
    store.close()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    files = [path, path.with_name(path.name + "-wal")]
    content = b"".join(f.read_bytes() for f in files if f.exists())
    assert secret.encode() not in content


def test_release_feedback_per_module(store: SqlAnswerStore) -> None:
    assert not store.feedback_released(course="demo", module="test.ipynb")
    store.release_feedback(course="demo", module="test.ipynb")
    store.release_feedback(course="demo", module="test.ipynb")  # twice is fine
    assert store.feedback_released(course="demo", module="test.ipynb")
    assert not store.feedback_released(course="demo", module="lesson.md")
    assert not store.feedback_released(course="other", module="test.ipynb")


def test_a_broken_answer_is_refused_with_the_reason(store: SqlAnswerStore) -> None:
    broken = answer(course=None)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match=r"refused an answer.*(NOT NULL|null value)"):
        store.record(broken)
    assert row_count(store) == 0
