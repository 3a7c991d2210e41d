"""nbgrader cell metadata (schema version 3), built in one place so nobody edits it by hand."""

from __future__ import annotations

from typing import Any

import nbformat

from kurskit.course.typed_asserts import typed_asserts

NBGRADER_SCHEMA_VERSION = 3
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
#: nbgrader's hidden region, in test cells of nbgrader courses not made by kurskit (kurskit's
#: own hidden tests never enter a notebook: see `kurskit.course.hidden_tests`).
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def _meta(
    grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "solution": solution,
        "locked": locked,
        "task": False,
        "grade_id": grade_id,
        "schema_version": NBGRADER_SCHEMA_VERSION,
    }
    if grade:
        meta["points"] = points if points is not None else 0.0
    return meta


def read_only(cell: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """A copy of a cell learners cannot edit (its checksum is verified when grading)."""
    copy = nbformat.from_dict(cell)
    copy.metadata["nbgrader"] = _meta(grade_id, grade=False, solution=False, locked=True)
    copy.metadata.setdefault("deletable", False)
    copy.metadata.setdefault("editable", False)
    return copy


def answer_cell(grade_id: str, solution: str) -> nbformat.NotebookNode:
    """An autograded answer cell; the solution region is replaced by a stub on release."""
    source = f"{BEGIN_SOLUTION}\n{solution.rstrip()}\n{END_SOLUTION}"
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = _meta(grade_id, grade=False, solution=True, locked=False)
    return cell


def tests_cell(grade_id: str, visible: str, points: float, note: str = "") -> nbformat.NotebookNode:
    """A locked test cell worth `points` with the visible tests, and `note` as a comment
    (that more tests run when grading: hidden tests never enter a notebook).

    Each `assert a == b` is rewritten to compare types as well as values, so an object that
    claims to equal everything does not pass."""
    parts = [f"# {note}"] if note else []
    if visible.strip():
        parts.append(typed_asserts(visible).rstrip())
    cell = nbformat.v4.new_code_cell("\n".join(parts) or "pass")
    cell.metadata["nbgrader"] = _meta(
        grade_id, grade=True, solution=False, locked=True, points=points
    )
    return cell


def scored_question_cell(
    cell: nbformat.NotebookNode, grade_id: str, points: float
) -> nbformat.NotebookNode:
    """A locked question cell worth `points`; kurskit's autograder scores it from the store."""
    copy = read_only(cell, grade_id)
    copy.metadata["nbgrader"] = _meta(
        grade_id, grade=True, solution=False, locked=True, points=points
    )
    return copy


def manual_answer_cell(grade_id: str, points: float) -> nbformat.NotebookNode:
    """A Markdown answer cell graded by hand in the formgrader."""
    cell = nbformat.v4.new_markdown_cell("")
    cell.metadata["nbgrader"] = _meta(
        grade_id, grade=True, solution=True, locked=False, points=points
    )
    return cell
