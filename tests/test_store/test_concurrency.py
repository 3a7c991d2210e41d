"""Several processes at once: attempts numbered without gaps, a fresh store opened together."""

from __future__ import annotations

import multiprocessing
import threading
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select, text

from kurskit.store import Answer, open_store
from kurskit.store.migrate import head_revision
from kurskit.store.schema import meta
from kurskit.store.sql import SqlAnswerStore
from tests.test_store import workers

# fork: the children inherit the imports; the tests open no store before forking.
context = multiprocessing.get_context("fork")


def run_all(processes: list[multiprocessing.process.BaseProcess]) -> None:
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0, f"a writer failed (exit code {process.exitcode})"


def test_concurrent_writers_one_learner_one_question(store_url: str, tmp_path: Path) -> None:
    """4 processes answer the same 2 questions as the same learner, resending half."""
    writers, count = 4, 40
    run_all(
        [
            context.Process(
                target=workers.write,
                args=(store_url, "alice", f"w{w}", count, tmp_path / f"{w}.acks"),
            )
            for w in range(writers)
        ]
    )
    store = SqlAnswerStore.open(store_url)
    stored = list(store.answers())
    store.close()
    acked = {k for w in range(writers) for k in workers.acknowledged(tmp_path / f"{w}.acks")}
    assert len(acked) == writers * count
    assert {a.idempotency_key for a in stored} == acked
    assert len(stored) == writers * count  # the resent half is not stored twice
    attempts: dict[str, list[int]] = defaultdict(list)
    for a in stored:
        attempts[a.question_id].append(a.attempt)
    for question, numbers in attempts.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), question


def _open_and_record(url: str, user: str, start: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    store = open_store(url)
    store.record(
        Answer(
            course="demo",
            module="m",
            question_id="q",
            learner=store.pseudonym(user),
            response=user,
            score=None,
            max_score=1.0,
            correct=None,
            status="pending",
            idempotency_key=user,
        )
    )
    store.close()


def test_fresh_store_opened_by_many_processes_at_once(store_url: str) -> None:
    start = context.Event()
    processes = [
        context.Process(target=_open_and_record, args=(store_url, f"user{n}", start))
        for n in range(6)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 6
    store = SqlAnswerStore.open(store_url)
    with store.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        secrets = connection.scalar(select(func.count()).select_from(meta))
    assert [row[0] for row in version] == [head_revision()]
    assert secrets == 1  # made once, by the one process that migrated
    assert sorted(a.response for a in store.answers()) == sorted(f"user{n}" for n in range(6))
    assert len({a.learner for a in store.answers()}) == 6
    store.close()


def test_threads_share_one_store(store: SqlAnswerStore) -> None:
    learner = store.pseudonym("alice")
    errors: list[BaseException] = []

    def send(thread: int) -> None:
        try:
            for n in range(50):
                given = Answer(
                    course="demo",
                    module="m",
                    question_id=f"q{n % 2}",
                    learner=learner,
                    response=n,
                    score=1.0,
                    max_score=1.0,
                    correct=True,
                    status="scored",
                    idempotency_key=f"t{thread}-{n}",
                )
                for _ in range(1 + n % 2):  # every other answer twice: a retry
                    store.record(given)
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    threads = [threading.Thread(target=send, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = list(store.answers())
    assert len(stored) == 4 * 50
    for question in ("q0", "q1"):
        numbers = sorted(a.attempt for a in stored if a.question_id == question)
        assert numbers == list(range(1, len(numbers) + 1))
