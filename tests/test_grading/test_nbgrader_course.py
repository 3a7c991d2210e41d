"""kurskit's autograder and export on an nbgrader course kurskit did not generate: nbgrader's own
documentation course (nbgrader_ps1/, see its NOTICE.md), graded by plain nbgrader and by
kurskit, with the same scores."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.grading.steps import run_nbgrader

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "nbgrader_ps1"
ASSIGNMENT = "ps1"
#: Seconds a cell may run, for both graders (nbgrader's default is 30).
CELL_SECONDS = 5
#: The learners beside the documentation's bitdiddle and hacker: what each changes in the
#: answer cell `squares` of problem1 (None: every answer cell gets the instructor's solution).
LEARNERS: dict[str, str | None] = {
    "correct": None,
    "empty": "",  # the released notebooks, unchanged
    "syntax": "def squares(n:\n    return []\n",
    "looping": "while True:\n    pass\n",
}
HONEST = ("bitdiddle", "hacker", "correct", "empty", "syntax")

Grades = dict[tuple[str, str, str], tuple[float | None, bool, float]]


def grade_id(cell: nbformat.NotebookNode) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def solutions(root: Path, notebook: str) -> dict[str, str]:
    """The instructor's source of each answer cell of a notebook, by grade id."""
    source = nbformat.read(root / "source" / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    return {
        grade_id(cell): cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def add_learner(root: Path, name: str, squares: str | None) -> None:
    """A learner's submission made from the released notebooks."""
    folder = root / "submitted" / name / ASSIGNMENT
    shutil.copytree(root / "release" / ASSIGNMENT, folder)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC", "utf-8")
    for path in folder.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        answers = solutions(root, path.stem)
        for cell in notebook.cells:
            if squares is None and grade_id(cell) in answers:
                cell.source = answers[grade_id(cell)]
            elif squares and grade_id(cell) == "squares":
                cell.source = squares
        nbformat.write(notebook, path)


def course_root(folder: Path) -> Path:
    """The documentation course with its learner version generated and six submissions."""
    root = folder / "course101"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("LICENSE", "*.md", "*.toml"))
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"c.Execute.timeout = {CELL_SECONDS}\n")
    run_nbgrader(["generate_assignment", ASSIGNMENT], cwd=root)
    for name, squares in LEARNERS.items():
        add_learner(root, name, squares)
    return root


def gradebook_grades(root: Path) -> Grades:
    """(learner, notebook, grade cell) → (auto score, needs manual grading, score)."""
    found: Grades = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "course101") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    found[(submission.student_id, notebook.name, grade.name)] = (
                        grade.auto_score,
                        bool(grade.needs_manual_grade),
                        float(grade.score),
                    )
    return found


def of(grades: Grades, learners: Callable[[str], bool]) -> Grades:
    return {key: value for key, value in grades.items() if learners(key[0])}


def test_any_nbgrader_course_grades_as_plain_nbgrader(tmp_path: Path) -> None:
    ours = course_root(tmp_path / "kurskit")
    plain = tmp_path / "plain" / "course101"
    shutil.copytree(ours, plain)
    run_nbgrader(["autograde", ASSIGNMENT], cwd=plain)
    # The command line, as an instructor runs it, naming the course by its root.
    graded = subprocess.run(
        [Path(sys.executable).parent / "kurskit", "grade", "autograde", ours, ASSIGNMENT],
        capture_output=True,
        text=True,
        check=False,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "SAWarning" not in graded.stdout + graded.stderr

    theirs, mine = gradebook_grades(plain), gradebook_grades(ours)
    assert set(mine) == set(theirs)
    assert {key[0] for key in mine} == {*HONEST, "looping"}
    honest = of(mine, lambda learner: learner in HONEST)
    assert honest == of(theirs, lambda learner: learner in HONEST)
    # Hand-graded cells wait for a person in both; code cells pass or fail alike.
    assert all(needs for auto, needs, _ in honest.values() if auto is None)
    code = {k: v[0] for k, v in honest.items() if k[1] == "problem1" and v[0] is not None}
    assert code[("correct", "problem1", "correct_squares")] == 1.0
    assert code[("empty", "problem1", "correct_squares")] == 0.0
    assert code[("syntax", "problem1", "squares_invalid_input")] == 0.0
    assert code[("hacker", "problem1", "correct_squares")] == 1.0
    # The looping answer: nbgrader interrupts the cell after CELL_SECONDS and runs on, so its
    # tests fail for want of `squares`; kurskit stops the cell as nbgrader does (its executor
    # and limit) and scores the same, flagging the submission with the cell that timed out.
    looping = of(mine, lambda learner: learner == "looping")
    assert looping == of(theirs, lambda learner: learner == "looping")
    assert looping[("looping", "problem1", "correct_squares")][2] == 0.0
    assert "CellTimeoutError" in (plain / "autograded/looping/ps1/problem1.ipynb").read_text()

    exported = CliRunner().invoke(app, ["grade", "export", str(ours)])
    assert exported.exit_code == 0, exported.output
    with (ours / "grades.csv").open(encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {*HONEST, "looping"}
    for learner, row in rows.items():
        total = sum(score for key, (_, _, score) in theirs.items() if key[0] == learner)
        assert float(row["score"]) == pytest.approx(total), learner
        assert row["needs_manual_grade"] == "yes"
    assert rows["looping"]["status"] == "flagged"
    assert f"cell squares: time limit of {CELL_SECONDS} s exceeded" in rows["looping"]["reasons"]
    assert rows["correct"]["status"] == "graded" and float(rows["correct"]["score"]) == 3.0
