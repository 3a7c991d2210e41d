"""kill -9: a writer killed mid-run leaves a consistent store with every acknowledged answer."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kurskit.store.sql import SqlAnswerStore
from tests.test_store import workers
from tests.test_store.helpers import answer

ROOT = Path(__file__).resolve().parents[2]


def worker(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_store.workers", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_for_acks(process: subprocess.Popen[str], acks: Path, count: int) -> None:
    """Wait until the writer has acknowledged `count` answers (or has ended)."""
    deadline = time.monotonic() + 60
    while len(workers.acknowledged(acks)) < count and process.poll() is None:
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def integrity(url: str) -> str:
    if not url.startswith("sqlite"):
        return "ok"
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.slow
def test_writer_killed_mid_run_loses_no_acknowledged_answer(store_url: str, tmp_path: Path) -> None:
    acks, count = tmp_path / "acks", 300
    for kill_after in (20, 90, 160):
        process = worker("write", store_url, "alice", "k", str(count), str(acks))
        wait_for_acks(process, acks, kill_after)
        assert process.poll() is None, "the writer ended before it was killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert integrity(store_url) == "ok"
        store = SqlAnswerStore.open(store_url)
        stored = {a.idempotency_key for a in store.answers()}
        store.close()
        acked = set(workers.acknowledged(acks))
        assert acked <= stored, f"lost: {sorted(acked - stored)[:5]}"
        # At most the answer in flight is stored without its acknowledgement.
        assert len(stored - acked) <= 1
    finisher = worker("write", store_url, "alice", "k", str(count), str(acks))
    assert finisher.wait(timeout=120) == 0
    store = SqlAnswerStore.open(store_url)
    stored_answers = list(store.answers())
    store.close()
    assert sorted(a.idempotency_key for a in stored_answers) == sorted(workers.keys("k", count))
    for question in workers.QUESTIONS:
        numbers = sorted(a.attempt for a in stored_answers if a.question_id == question)
        assert numbers == list(range(1, len(numbers) + 1))
    assert integrity(store_url) == "ok"


def test_kill_inside_a_write_transaction_leaves_nothing_half_done(store_url: str) -> None:
    store = SqlAnswerStore.open(store_url)
    store.record(answer(key="before"))
    store.close()
    holder = worker("hold", store_url)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"  # inside BEGIN … INSERT, no COMMIT
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert integrity(store_url) == "ok"
    store = SqlAnswerStore.open(store_url)
    started = time.monotonic()
    store.record(answer(key="after"))  # the dead writer's lock is gone at once
    assert time.monotonic() - started < 5
    assert [a.idempotency_key for a in store.answers()] == ["before", "after"]
    store.close()
