"""Build an nbgrader course root for the Swedish test course and put learners' submissions
straight into submitted/ (the exchange is exercised by the flow test)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.course.scoring import Result
from kurskit.grading.reports import SubmissionReport
from kurskit.store.records import AnswerStore
from kurskit.store.sink import LocalSink
from tests.swedish_course import make_courses

ANSWER_ID = "prov-kod-answer"
TESTS_ID = "prov-kod-tests"
CORRECT = 'def f():\n    return "SECRET_SOLUTION"\n'


def released_course(folder: Path) -> Path:
    """Generate and release the course `hemligt`; its nbgrader course root."""
    courses = make_courses(folder / "courses")
    grading = folder / "grading"
    runner = CliRunner()
    for arguments in (
        ["generate", str(courses / "hemligt")],
        ["release", "hemligt", "prov"],
    ):
        result = runner.invoke(app, ["grade", *arguments, "--grading", str(grading)])
        assert result.exit_code == 0, result.output
    return grading / "hemligt"


def cell_by_id(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    [cell] = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return cell


def submit(
    root: Path,
    student: str,
    answer: str = CORRECT,
    *,
    edit: object = None,
    raw: str | None = None,
    when: str = "2026-11-20 10:00:00.000000 UTC",
) -> None:
    """Write a learner's submission: the released notebook with `answer` in the answer cell,
    then `edit(notebook)` if given; or `raw` text instead of a notebook."""
    folder = root / "submitted" / student / "prov"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(when, "utf-8")
    if raw is not None:
        (folder / "prov.ipynb").write_text(raw, "utf-8")
        return
    notebook = nbformat.read(root / "release" / "prov" / "prov.ipynb", as_version=4)
    cell_by_id(notebook, ANSWER_ID).source = answer
    if callable(edit):
        edit(notebook)
    (folder / "prov.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), "utf-8")


def answer_widgets(
    store: AnswerStore, learner: str, answers: dict[str, object], module: str = "prov.md"
) -> None:
    """Store a learner's graded widget answers in the course `hemligt`, as the widget does."""
    sink = LocalSink(store, user=learner)
    for question, response in answers.items():
        sink.submit(
            course="hemligt",
            module=module,
            question_id=question,
            response=response,
            result=Result(None, 1.0, None, status="pending"),
            idempotency_key=f"{learner}-{question}",
        )


def code_points(root: Path, student: str) -> float:
    """The points a learner's code exercise earned, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "hemligt") as gradebook:
        return float(gradebook.find_grade(TESTS_ID, "prov", "prov", student).score)


def reasons(reports: dict[str, SubmissionReport], student: str) -> str:
    """Everything a learner's report says, flags and failures, in one line."""
    report = reports[student]
    return " | ".join(report.reasons + report.failures)
