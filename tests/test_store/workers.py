"""Writer processes for the concurrency and kill -9 tests (run with multiprocessing or -m)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from kurskit.store import Answer, open_store
from kurskit.store.schema import answers
from kurskit.store.sql import SqlAnswerStore

QUESTIONS = ("q1", "q2")


def keys(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{n}" for n in range(count)]


def acknowledged(path: Path) -> list[str]:
    """Keys in an acknowledgement file; a last line cut short by a kill does not count."""
    if not path.exists():
        return []
    return path.read_text("utf-8").split("\n")[:-1]


def write(url: str, user: str, prefix: str, count: int, acks: Path, retries: bool = True) -> None:
    """Send `count` answers (every other one twice), skipping acknowledged ones; log each ack."""
    store = open_store(url)
    learner = store.pseudonym(user)
    done = set(acknowledged(acks))
    with acks.open("a", encoding="utf-8", buffering=1) as log:
        for n, key in enumerate(keys(prefix, count)):
            if key in done:
                continue
            for _ in range(2 if retries and n % 2 else 1):
                stored = store.record(
                    Answer(
                        course="demo",
                        module="test.ipynb",
                        question_id=QUESTIONS[n % len(QUESTIONS)],
                        learner=learner,
                        response={"key": key},
                        score=1.0,
                        max_score=1.0,
                        correct=True,
                        status="scored",
                        idempotency_key=key,
                    )
                )
                assert stored.response == {"key": key}
            log.write(key + "\n")
    store.close()


def hold(url: str) -> None:
    """Insert a row inside a write transaction, say so, and wait to be killed."""
    store = open_store(url)
    assert isinstance(store, SqlAnswerStore)
    with store.engine.connect() as connection:
        connection.execute(
            answers.insert().values(
                course="demo",
                module="m",
                question_id="q",
                learner="p-dead",
                attempt=1,
                response="null",
                max_score=1.0,
                status="scored",
                idempotency_key="half-done",
                timestamp=dt.datetime.now(dt.UTC),
            )
        )
        print("holding", flush=True)
        time.sleep(120)


if __name__ == "__main__":
    command, url, *rest = sys.argv[1:]
    if command == "write":
        write(url, rest[0], rest[1], int(rest[2]), Path(rest[3]))
    elif command == "hold":
        hold(url)
