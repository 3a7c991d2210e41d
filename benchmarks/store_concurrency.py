"""Many writers, retries and kill -9 against one SQLite store: nothing lost, nothing doubled.

50 processes each send 200 answers (20 questions x 10 attempts) to a fresh store in a temporary
folder, and re-send every other answer with the same idempotency key, as a client does when it
missed an acknowledgement. Some writers are killed (SIGKILL) mid-run and restarted; a restarted
writer re-sends every answer whose acknowledgement it has not recorded. Each writer appends the
key of every acknowledged answer to its own file right after `record()` returns.

At the end the rows are counted and compared with the acknowledgements. The baseline, measured
in the same run, is one process writing the same answers through one store without retries.

    .venv/bin/python benchmarks/store_concurrency.py [--writers 50] [--answers 200] [--kill 10]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path

from kurskit.store import Answer, open_store

COURSE = "bench"
MODULE = "test.md"
QUESTIONS = 20


@dataclass(frozen=True)
class Send:
    key: str
    question: str
    payload: dict[str, int]


def unique_answers(writer: int, answers: int) -> list[Send]:
    """One writer's answers: `answers` of them over 20 questions, so attempts go up to 10."""
    return [
        Send(f"w{writer}-a{n}", f"q{n % QUESTIONS}", {"writer": writer, "n": n})
        for n in range(answers)
    ]


def plan(writer: int, answers: int) -> list[Send]:
    """What one writer sends, in order: each answer, and every other one again (a retry)."""
    unique = unique_answers(writer, answers)
    sends: list[Send] = []
    for n, send in enumerate(unique):
        sends.append(send)
        if n % 2 == 1:
            sends.append(unique[n - 1] if n % 4 == 1 else send)
    return sends


def acked(path: Path) -> list[str]:
    """Keys in an acknowledgement file; a line cut short by a kill does not count."""
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    lines = text.split("\n")
    return lines[:-1]  # the last piece is "" or a line the writer had not finished


def write(url: str, writer: int, answers: int, acks: Path, go: Event | None) -> None:
    """One writer process: send the plan, skipping answers already acknowledged (a restart)."""
    store = open_store(url)
    learner = store.pseudonym(f"learner-{writer}")
    done = set(acked(acks))
    if go is not None:
        go.wait()
    with acks.open("a", encoding="utf-8", buffering=1) as log:
        for send in plan(writer, answers):
            if send.key in done:
                continue
            stored = store.record(
                Answer(
                    course=COURSE,
                    module=MODULE,
                    question_id=send.question,
                    learner=learner,
                    response=send.payload,
                    score=1.0,
                    max_score=1.0,
                    correct=True,
                    status="scored",
                    idempotency_key=send.key,
                )
            )
            assert stored.idempotency_key == send.key and stored.response == send.payload
            log.write(send.key + "\n")  # line-buffered: on its way to the file at once
    store.close()


def concurrent_run(
    folder: Path, writers: int, answers: int, kill: int, seed: int
) -> tuple[float, int]:
    """Run the writers, killing and restarting `kill` of them; returns (seconds, kills)."""
    url = f"sqlite:///{folder / 'answers.sqlite'}"
    open_store(url).close()  # create and migrate before the clock starts
    (folder / "acks").mkdir()
    context = multiprocessing.get_context("fork")
    go = context.Event()
    rng = random.Random(seed)
    sends = len(plan(0, answers))
    victims = {
        w: rng.randrange(sends // 10, sends * 9 // 10) for w in rng.sample(range(writers), kill)
    }
    processes = {
        w: context.Process(target=write, args=(url, w, answers, ack_file(folder, w), go))
        for w in range(writers)
    }
    for process in processes.values():
        process.start()
    time.sleep(0.5)  # let every writer open the store before the clock starts
    started = time.perf_counter()
    go.set()
    killed = 0
    while victims:
        for w, after in list(victims.items()):
            if ack_count(folder, w) >= after or not processes[w].is_alive():
                if processes[w].is_alive():
                    os.kill(processes[w].pid or 0, signal.SIGKILL)
                    killed += 1
                processes[w].join()
                processes[w] = context.Process(
                    target=write, args=(url, w, answers, ack_file(folder, w), None)
                )
                processes[w].start()
                del victims[w]
        time.sleep(0.01)
    for w, process in processes.items():
        process.join()
        if process.exitcode != 0:
            sys.exit(f"writer {w} failed with exit code {process.exitcode}")
    return time.perf_counter() - started, killed


def ack_count(folder: Path, writer: int) -> int:
    """About how many acknowledgements a writer has made (from the file size, cheaply)."""
    try:
        return ack_file(folder, writer).stat().st_size // len(f"w{writer}-a100\n")
    except FileNotFoundError:
        return 0


def ack_file(folder: Path, writer: int) -> Path:
    return folder / "acks" / f"{writer}.log"


def baseline_run(folder: Path, writers: int, answers: int) -> float:
    """One process, one store, the same answers once each; returns seconds."""
    store = open_store(f"sqlite:///{folder / 'baseline.sqlite'}")
    learners = [store.pseudonym(f"learner-{w}") for w in range(writers)]
    records = [
        Answer(
            course=COURSE,
            module=MODULE,
            question_id=send.question,
            learner=learners[w],
            response=send.payload,
            score=1.0,
            max_score=1.0,
            correct=True,
            status="scored",
            idempotency_key=send.key,
        )
        for w in range(writers)
        for send in unique_answers(w, answers)
    ]
    started = time.perf_counter()
    for record in records:
        store.record(record)
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def rows(database: Path) -> Iterator[tuple[str, str, str, int, str]]:
    with sqlite3.connect(database) as connection:
        yield from connection.execute(
            "SELECT idempotency_key, learner, question_id, attempt, response FROM answers"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--answers", type=int, default=200, help="unique answers per writer")
    parser.add_argument("--kill", type=int, default=10, help="writers killed and restarted")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as tmp:
        folder = Path(tmp)
        seconds, killed = concurrent_run(folder, args.writers, args.answers, args.kill, args.seed)
        database = folder / "answers.sqlite"
        acknowledged = {k for w in range(args.writers) for k in acked(ack_file(folder, w))}
        stored = list(rows(database))
        keys = {row[0] for row in stored}
        payloads = [row[4] for row in stored]
        duplicated = len(payloads) - len(set(payloads))
        lost = len(acknowledged - keys)
        attempts: dict[tuple[str, str], list[int]] = {}
        for _, learner, question, attempt, _ in stored:
            attempts.setdefault((learner, question), []).append(attempt)
        gaps = sum(sorted(a) != list(range(1, len(a) + 1)) for a in attempts.values())
        with sqlite3.connect(database) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rate = len(acknowledged) / seconds
        base_seconds = baseline_run(folder, args.writers, args.answers)
        base_rate = args.writers * args.answers / base_seconds

    expected = args.writers * args.answers
    print(
        f"written={len(stored)} acknowledged={len(acknowledged)} lost={lost} "
        f"duplicated={duplicated} answers/s={rate:.0f}"
    )
    print(
        f"  {args.writers} writers, {len(plan(0, args.answers))} sends each "
        f"({expected} answers, {expected // 2} retries), {killed} killed with SIGKILL and "
        f"restarted, {seconds:.2f} s ({args.writers * len(plan(0, args.answers)) / seconds:.0f} "
        f"sends/s); attempt gaps={gaps}, integrity_check={integrity}"
    )
    print(
        f"baseline (1 process, 1 connection, no retries, no kills): answers/s={base_rate:.0f}; "
        f"ratio={rate / base_rate:.2f}"
    )
    ok = lost == 0 and duplicated == 0 and gaps == 0 and integrity == "ok"
    ok = ok and len(stored) == expected == len(acknowledged)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
