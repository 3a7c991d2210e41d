"""What kurskit adds to an executed notebook before nbgrader saves its grades: an explicit
error on every test that did not really pass (so nbgrader scores it 0 and the learner's
feedback says why), and the scores of widget questions from the answer store.

nbgrader scores a test cell by its outputs alone: no error means full points. So a test cell
that never ran (its kernel died) would get full points, and one that passed although the
answer cell above it raised would too. Marking them with an error output fixes both, in the
notebook the instructor and the learner see, with nbgrader's own scoring.
"""

from __future__ import annotations

from typing import Any

import nbformat

from kurskit.course.cells import QUESTION_MAGIC


def _nbgrader(cell: Any) -> dict[str, Any]:
    value = cell.get("metadata", {}).get("nbgrader", {})
    return value if isinstance(value, dict) else {}


def is_grade_cell(cell: Any) -> bool:
    """Whether nbgrader gives this cell points."""
    return bool(_nbgrader(cell).get("grade"))


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
        if cell.cell_type != "code" or not is_grade_cell(cell) or is_widget_question(cell):
            continue
        if cell.get("execution_count") is None and not _has_error(cell):
            cell.outputs.append(error_output("NotRun", f"this test did not run: {why}"))
            marked.append(str(_nbgrader(cell).get("grade_id")))
    return marked


def mark_failed_answers(notebook: nbformat.NotebookNode) -> list[str]:
    """A test after an answer cell that raised scores 0 even if it passed: the reasons."""
    reasons = []
    failed: tuple[str, str] | None = None
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        meta = _nbgrader(cell)
        if meta.get("solution") and not meta.get("grade"):
            ename = _has_error(cell)
            failed = (str(meta.get("grade_id")), ename) if ename else None
        elif is_grade_cell(cell) and not is_widget_question(cell) and failed is not None:
            answer, ename = failed
            if not _has_error(cell):
                message = f"the answer cell {answer} raised {ename}, so this exercise scores 0"
                cell.outputs.append(error_output("AnswerFailed", message))
                reasons.append(f"cell {meta.get('grade_id')}: {message}")
            failed = None
    return reasons


def failures(notebook: nbformat.NotebookNode) -> list[str]:
    """Each answer cell that raised and each test that failed, with the error's name."""
    found = []
    for cell in notebook.cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or is_widget_question(cell):
            continue
        ename = _has_error(cell)
        if ename and meta.get("solution") and not meta.get("grade"):
            found.append(f"answer {meta.get('grade_id')} raised {ename}")
        elif ename and meta.get("grade"):
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
