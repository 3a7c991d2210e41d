"""Assessment modules become nbgrader source assignments that real nbgrader releases safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kurskit.course import load_course
from kurskit.grading.generate import HIDDEN_TESTS_FILE, generate_assignments
from tests.swedish_course import SECRETS, make_courses


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    courses = make_courses(tmp_path / "courses")
    grading = tmp_path / "grading"
    assignments = generate_assignments(load_course(courses / "hemligt"), grading)
    assert [a.name for a in assignments] == ["prov"]
    return grading


def nbgrader_cells(notebook: nbformat.NotebookNode) -> dict[str, dict[str, object]]:
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in notebook.cells}


def test_source_assignment_has_the_right_nbgrader_cells(generated: Path) -> None:
    notebook = nbformat.read(generated / "source/prov/prov.ipynb", as_version=4)
    cells = nbgrader_cells(notebook)
    assert cells["prov-kod-answer"] == {
        "grade": False,
        "solution": True,
        "locked": False,
        "task": False,
        "grade_id": "prov-kod-answer",
        "schema_version": 3,
    }
    tests = cells["prov-kod-tests"]
    assert tests["grade"] is True and tests["locked"] is True and tests["points"] == 1.0
    assert cells["prov-val"]["locked"] is True  # choice questions: learner view, locked
    assert all(meta["schema_version"] == 3 for meta in cells.values())
    assert all(meta["locked"] for gid, meta in cells.items() if not gid.endswith("-answer"))
    source = nbformat.writes(notebook)
    assert "SECRET-OPTION-FEEDBACK" not in source  # keys of non-code questions never copied
    # Hidden tests never enter a notebook, not even the source: they run outside the kernel,
    # from the course root's kurskit/hidden_tests.json.
    assert "SECRET_HIDDEN" not in source and "BEGIN HIDDEN" not in source
    hidden = json.loads((generated / HIDDEN_TESTS_FILE).read_text("utf-8"))
    assert "SECRET_HIDDEN" in hidden["assignments"]["prov"]["prov-kod-tests"]["source"]
    assert hidden["assignments"]["prov"]["prov-kod-tests"]["timeout"] == 30
    assert "Fler tester, som du inte ser" in notebook.cells[-1].source  # the course's language
    config = (generated / "nbgrader_config.py").read_text("utf-8")
    assert "c.CourseDirectory.course_id = 'hemligt'" in config


@pytest.mark.slow
def test_real_nbgrader_releases_no_solution_and_no_hidden_test(generated: Path) -> None:
    bin_dir = Path(sys.executable).parent
    # nbgrader runs the `alembic` command for its gradebook, so the venv's bin must be on PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [bin_dir / "nbgrader", "generate_assignment", "prov", "--force"],
        cwd=generated,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    released = generated / "release" / "prov" / "prov.ipynb"
    text = released.read_text("utf-8")
    assert "YOUR CODE HERE" in text and "assert isinstance(f(), str)" in text
    leaks = [secret for secret in SECRETS if secret in text]
    assert leaks == []
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
