"""kurskit's parallel autograder against plain nbgrader on the same submissions, and regrading
one learner or only new submissions without touching the others."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from kurskit.grading.autograde import AutogradeOptions, autograde
from kurskit.grading.steps import run_nbgrader
from tests.test_grading.submissions import TESTS_ID, released_course, submit

pytestmark = pytest.mark.slow

HONEST = {
    "ada": 'def f():\n    return "SECRET_SOLUTION"\n',
    "ben": 'def f():\n    return "nej"\n',  # passes the visible test only
    "cia": "def f():\n    return 42\n",  # fails both
    "dan": "def f(:\n",  # syntax error
    "eva": "# YOUR CODE HERE\n",  # nothing written
    "fia": 'import time\ntime.sleep(2)\ndef f():\n    return "SECRET_SOLUTION"\n',  # slow
}


def grades(root: Path) -> dict[tuple[str, str], float]:
    """(student, grade cell) → score, for every grade in the gradebook."""
    found = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "hemligt") as gradebook:
        for student in HONEST:
            submission = gradebook.find_submission_notebook("prov", "prov", student)
            for grade in submission.grades:
                found[(student, grade.name)] = float(grade.score)
    return found


def test_parallel_scores_equal_sequential_nbgrader(tmp_path: Path) -> None:
    root = released_course(tmp_path / "kurskit")
    for student, answer in HONEST.items():
        submit(root, student, answer)
    plain = tmp_path / "plain"
    shutil.copytree(root.parent, plain)
    # The copied config names its own folder as the root, so nbgrader grades the copy.
    run_nbgrader(["autograde", "prov", "--force"], cwd=plain / "hemligt")
    reports = autograde(root, "prov", AutogradeOptions(jobs=2))

    assert [r.student for r in reports] == sorted(HONEST)
    ours, theirs = grades(root), grades(plain / "hemligt")
    code = {key for key in ours if key[1] == TESTS_ID}
    assert len(code) == len(HONEST)
    # Hidden tests run only in kurskit's grader, outside the kernel: plain nbgrader runs the
    # visible tests alone, so it agrees on every learner except the one only hidden tests fail.
    same = {key for key in code if key[0] != "ben"}
    assert {k: ours[k] for k in same} == {k: theirs[k] for k in same}
    assert (ours[("ben", TESTS_ID)], theirs[("ben", TESTS_ID)]) == (0.0, 1.0)
    assert {student: ours[(student, TESTS_ID)] for student in HONEST} == {
        "ada": 1.0,
        "ben": 0.0,
        "cia": 0.0,
        "dan": 0.0,
        "eva": 0.0,
        "fia": 1.0,
    }
    # Widget questions: kurskit scores them from the store (no answers here, so 0 each),
    # while plain nbgrader gives full points to any grade cell that runs without an error.
    assert ours[("ada", "prov-val")] == 0.0
    assert theirs[("ada", "prov-val")] == 1.0


def test_regrade_one_learner_or_only_new(tmp_path: Path) -> None:
    root = released_course(tmp_path)
    for student in ("ada", "ben", "cia"):
        submit(root, student, HONEST[student])
    first = {r.student: r for r in autograde(root, "prov", AutogradeOptions(jobs=2))}
    ada_graded = root / "autograded" / "ada" / "prov" / "prov.ipynb"
    ada_stamp = ada_graded.stat().st_mtime_ns
    assert first["ben"].score == 0.0

    submit(root, "ben", HONEST["ada"], when="2026-11-21 09:00:00.000000 UTC")
    again = autograde(root, "prov", AutogradeOptions(jobs=2, students=("ben",)))
    assert [(r.student, r.score) for r in again] == [("ben", 1.0)]
    assert ada_graded.stat().st_mtime_ns == ada_stamp

    assert autograde(root, "prov", AutogradeOptions(only_new=True)) == []
    submit(root, "cia", HONEST["ada"], when="2026-11-22 08:00:00.000000 UTC")
    new = autograde(root, "prov", AutogradeOptions(only_new=True))
    assert [(r.student, r.score) for r in new] == [("cia", 1.0)]
    assert ada_graded.stat().st_mtime_ns == ada_stamp


def test_unknown_assignment_is_a_clear_error(tmp_path: Path) -> None:
    root = released_course(tmp_path)
    with pytest.raises(ValueError, match="nope is not in the gradebook"):
        autograde(root, "nope")


def test_a_message_failing_its_signature_is_dropped_and_counted() -> None:
    from jupyter_client.session import Session

    from kurskit.grading.execution import IGNORED, checked_deserialize

    grader, forger = Session(key=b"the grader's key"), Session(key=b"another key")
    honest = grader.serialize(grader.msg("stream", {"name": "stdout", "text": "hi"}))
    forged = forger.serialize(forger.msg("stream", {"name": "stdout", "text": "x" * 500}))
    spent: list[int] = []
    deserialize = checked_deserialize(grader.deserialize, spent.append)
    # serialize() puts the routing delimiter first; deserialize takes what follows it.
    assert deserialize(honest[1:])["content"]["text"] == "hi"
    assert deserialize(forged[1:]) == IGNORED
    assert spent and spent[0] > 500


def test_the_grading_client_drops_forged_messages_in_a_real_run() -> None:
    """The check is installed on the client nbconvert's executor really uses (its sync entry
    points bypass nbclient's async overrides unless they are routed to them)."""
    from traitlets.config import Config

    from kurskit.grading.execution import GuardedExecute
    from kurskit.grading.kernels import start_kernel
    from kurskit.sandbox import Limits

    kernel = start_kernel(Limits(), ["--HistoryManager.hist_file=:memory:"], {})
    executor = GuardedExecute(kernel, 1 << 20, config=Config())
    try:
        executor.km = kernel.manager
        with executor.setup_kernel():
            assert executor.kc is not None
            assert getattr(executor.kc.session.deserialize, "kurskit_checked", False)
    finally:
        kernel.close()
