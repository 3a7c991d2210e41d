"""What kurskit adds to an executed notebook before nbgrader saves its grades: an explicit
error on every test that did not really pass (so nbgrader scores it 0 and the learner's
feedback says why), and the scores of widget questions from the answer store.

nbgrader scores a test cell by its outputs alone: no error means full points. So a test cell
that never ran (its kernel died), one cut off in the middle, one whose hidden tests failed
(they run outside the notebook), and one that passed although the answer cell above it
raised would all get full points. Marking them with an error output fixes that, in the
notebook the instructor and the learner see, with nbgrader's own scoring.
"""

from __future__ import annotations

from typing import Any

import nbformat

from kurskit.course.cells import QUESTION_MAGIC
from kurskit.course.hidden_tests import Verdict

#: Error names a kernel gives a cell stopped by the per-cell time limit (nbgrader interrupts
#: the kernel, then records its own timeout error).
TIMEOUT_ERRORS = frozenset({"KeyboardInterrupt", "CellTimeoutError"})
HIDDEN_FAILED = "HiddenTestFailed"


def _nbgrader(cell: Any) -> dict[str, Any]:
    value = cell.get("metadata", {}).get("nbgrader", {})
    return value if isinstance(value, dict) else {}


def is_grade_cell(cell: Any) -> bool:
    """Whether nbgrader gives this cell points."""
    return bool(_nbgrader(cell).get("grade"))


def is_hand_graded(cell: Any) -> bool:
    """An answer cell that earns points by hand, in the formgrader."""
    meta = _nbgrader(cell)
    return bool(meta.get("grade") and meta.get("solution"))


def is_test_cell(cell: Any) -> bool:
    """A code cell whose outputs nbgrader scores: a test, not an answer or a widget."""
    return (
        cell.get("cell_type") == "code"
        and is_grade_cell(cell)
        and not is_hand_graded(cell)
        and not is_widget_question(cell)
    )


def is_widget_question(cell: Any) -> bool:
    """A graded question answered in a widget (scored from the store, never executed)."""
    return (
        is_grade_cell(cell)
        and cell.get("cell_type") == "code"
        and str(cell.get("source", "")).startswith(QUESTION_MAGIC)
    )


def _has_error(cell: Any) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return str(output.get("ename") or "an error")
    return None


def error_output(name: str, message: str) -> nbformat.NotebookNode:
    """An error output nbgrader scores as 0, readable in feedback."""
    return nbformat.v4.new_output(
        "error", ename=name, evalue=message, traceback=[f"{name}: {message}"]
    )


def mark_not_run(notebook: nbformat.NotebookNode, why: str) -> list[str]:
    """Give every test cell that did not finish an error saying why; their grade ids."""
    marked = []
    for cell in notebook.cells:
        if not is_test_cell(cell):
            continue
        if cell.get("execution_count") is None and not _has_error(cell):
            cell.outputs.append(error_output("NotRun", f"this test did not run: {why}"))
            marked.append(str(_nbgrader(cell).get("grade_id")))
    return marked


def mark_cut_off(notebook: nbformat.NotebookNode, index: int, why: str) -> str | None:
    """The cell that was running when the run stopped did not finish, whatever it printed:
    give it an error saying why; its grade id if it is a test (which then scores 0)."""
    cell = notebook.cells[index]
    if cell.cell_type != "code" or _has_error(cell):
        return None
    cell.outputs.append(error_output("NotFinished", f"this cell did not finish: {why}"))
    return str(_nbgrader(cell).get("grade_id")) if is_test_cell(cell) else None


def mark_timed_out(notebook: nbformat.NotebookNode, indices: list[int], seconds: int) -> list[str]:
    """Say "time limit exceeded" where a cell was stopped by the per-cell time limit (the
    kernel reports it as an interrupt); the reasons."""
    message = f"time limit of {seconds} s exceeded"
    reasons = []
    for index in indices:
        cell = notebook.cells[index]
        kept = [
            output
            for output in cell.get("outputs", [])
            if output.get("output_type") != "error" or output.get("ename") not in TIMEOUT_ERRORS
        ]
        cell.outputs = [*kept, error_output("TimeLimit", message)]
        reasons.append(f"cell {_nbgrader(cell).get('grade_id', index + 1)}: {message}")
    return reasons


def mark_hidden_tests(
    notebook: nbformat.NotebookNode, checked: set[str], verdicts: dict[str, Verdict]
) -> list[tuple[str, bool]]:
    """A test cell whose hidden tests failed or never ran gets an error saying why (never
    the tests themselves): the reasons, each with whether it needs a look (a lost kernel)."""
    reasons = []
    for cell in notebook.cells:
        grade_id = str(_nbgrader(cell).get("grade_id"))
        if grade_id not in checked or not is_test_cell(cell) or _has_error(cell):
            continue
        verdict = verdicts.get(grade_id)
        if verdict is not None and verdict.passed:
            continue
        reason = verdict.reason if verdict is not None else "the hidden tests did not run"
        cell.outputs.append(error_output(HIDDEN_FAILED, reason))
        lost = verdict is None or verdict.kernel_lost
        reasons.append((f"test {grade_id} failed: {reason}", lost))
    return reasons


def mark_failed_answers(notebook: nbformat.NotebookNode) -> list[str]:
    """Every test after an answer cell that raised, up to the next answer cell, scores 0
    even if it passed: the reasons."""
    reasons = []
    failed: tuple[str, str] | None = None
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        meta = _nbgrader(cell)
        if meta.get("solution") and not meta.get("grade"):  # an autograded answer
            ename = _has_error(cell)
            failed = (str(meta.get("grade_id")), ename) if ename else None
        elif is_test_cell(cell) and failed is not None and not _has_error(cell):
            answer, ename = failed
            message = f"the answer cell {answer} raised {ename}, so this test scores 0"
            cell.outputs.append(error_output("AnswerFailed", message))
            reasons.append(f"cell {meta.get('grade_id')}: {message}")
    return reasons


def failures(notebook: nbformat.NotebookNode) -> list[str]:
    """Each answer cell that raised and each test that failed, with the error's name."""
    found = []
    for cell in notebook.cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or is_widget_question(cell):
            continue
        ename = _has_error(cell)
        if not ename:
            continue
        if is_hand_graded(cell):
            found.append(f"answer {meta.get('grade_id')} (graded by hand) raised {ename}")
        elif meta.get("solution"):
            found.append(f"answer {meta.get('grade_id')} raised {ename}")
        elif meta.get("grade") and ename != HIDDEN_FAILED:  # those say why where marked
            found.append(f"test {meta.get('grade_id')} failed: {ename}")
    return found


def put_widget_score(cell: nbformat.NotebookNode, points: float, note: str) -> None:
    """Record a widget question's score the way nbgrader reads partial credit: a number."""
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=note + "\n"),
        nbformat.v4.new_output(
            "execute_result", data={"text/plain": repr(float(points))}, execution_count=None
        ),
    ]
