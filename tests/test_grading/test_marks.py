"""What the grader marks on an executed notebook before nbgrader scores it: tests of an answer
that raised, tests that never ran or were cut off, hand-graded answers left alone."""

from __future__ import annotations

from typing import Any

import nbformat

from kurskit.course.hidden_tests import Verdict
from kurskit.grading.marks import (
    error_output,
    failures,
    mark_cut_off,
    mark_failed_answers,
    mark_hidden_tests,
    mark_not_run,
    mark_timed_out,
)


def _cell(grade_id: str, *, grade: bool, solution: bool, ran: bool = True, error: str = "") -> Any:
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {
        "grade_id": grade_id, "grade": grade, "solution": solution, "locked": not solution,
        "points": 1.0 if grade else None,
    }  # fmt: skip
    cell.execution_count = 1 if ran else None
    if error:
        cell.outputs = [error_output(error, "boom")]
    return cell


def _notebook(*cells: Any) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def _errors(cell: Any) -> list[str]:
    return [output.ename for output in cell.outputs if output.output_type == "error"]


def test_every_test_of_an_answer_that_raised_scores_zero() -> None:
    notebook = _notebook(
        _cell("a1", grade=False, solution=True, error="ValueError"),
        _cell("t1", grade=True, solution=False),
        _cell("t2", grade=True, solution=False),
        _cell("a2", grade=False, solution=True),
        _cell("t3", grade=True, solution=False),
    )
    reasons = mark_failed_answers(notebook)
    expected = [["ValueError"], ["AnswerFailed"], ["AnswerFailed"], [], []]
    assert [_errors(c) for c in notebook.cells] == expected
    assert len(reasons) == 2 and all("a1 raised ValueError" in reason for reason in reasons)


def test_a_hand_graded_answer_is_not_a_test() -> None:
    manual = _cell("essay", grade=True, solution=True, ran=False, error="NameError")
    untouched = _cell("essay2", grade=True, solution=True, ran=False)
    notebook = _notebook(manual, untouched, _cell("t", grade=True, solution=False, ran=False))
    assert mark_not_run(notebook, "the kernel died") == ["t"]
    assert _errors(untouched) == []
    assert failures(notebook) == [
        "answer essay (graded by hand) raised NameError",
        "test t failed: NotRun",
    ]


def test_the_cell_running_when_the_kernel_died_scores_zero() -> None:
    test = _cell("t", grade=True, solution=False)  # it ran (has a count) but never finished
    notebook = _notebook(_cell("a", grade=False, solution=True), test)
    assert mark_cut_off(notebook, 1, "the kernel died") == "t"
    assert _errors(test) == ["NotFinished"]
    assert mark_cut_off(notebook, 0, "the kernel died") is None  # an answer: no test id


def test_a_time_limit_is_called_a_time_limit() -> None:
    answer = _cell("a", grade=False, solution=True, error="KeyboardInterrupt")
    notebook = _notebook(answer)
    assert mark_timed_out(notebook, [0], 30) == ["cell a: time limit of 30 s exceeded"]
    assert _errors(answer) == ["TimeLimit"]
    assert answer.outputs[-1].evalue == "time limit of 30 s exceeded"


def test_hidden_verdicts_mark_their_test_cells() -> None:
    passed, failed, lost, missing = (
        _cell(name, grade=True, solution=False) for name in ("p", "f", "l", "m")
    )
    notebook = _notebook(passed, failed, lost, missing)
    verdicts = {
        "p": Verdict(True),
        "f": Verdict(False, "a hidden test failed: sorted"),
        "l": Verdict(False, "the kernel died while f was running", kernel_lost=True),
    }
    found = mark_hidden_tests(notebook, {"p", "f", "l", "m"}, verdicts)
    assert found == [
        ("test f failed: a hidden test failed: sorted", False),
        ("test l failed: the kernel died while f was running", True),
        ("test m failed: the hidden tests did not run", True),
    ]
    assert [_errors(c) for c in notebook.cells] == [[], *[["HiddenTestFailed"]] * 3]
    assert failures(notebook) == []  # each says why where it was marked
