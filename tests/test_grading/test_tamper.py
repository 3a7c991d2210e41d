"""Restoring a submitted notebook to its released shape, and naming each forbidden change."""

from __future__ import annotations

import copy

import nbformat

from kurskit.grading.cells import answer_cell, read_only
from kurskit.grading.cells import tests_cell as make_tests_cell
from kurskit.grading.tamper import grade_id, restore


def released() -> nbformat.NotebookNode:
    setup = read_only(nbformat.v4.new_code_cell("import math"), "setup")
    answer = answer_cell("ex-answer", "x = 1")
    answer.source = "# YOUR CODE HERE"
    tests = make_tests_cell("ex-tests", "assert x == 1", 1.0)
    return nbformat.v4.new_notebook(cells=[setup, answer, tests])


def ids(notebook: nbformat.NotebookNode) -> list[str | None]:
    return [grade_id(cell) for cell in notebook.cells]


def test_an_honest_submission_comes_back_unchanged() -> None:
    submitted = copy.deepcopy(released())
    submitted.cells[1].source = "x = 1"
    out, found = restore(submitted, released())
    assert found == []
    assert [c.source for c in out.cells] == [c.source for c in submitted.cells]


def test_a_deleted_locked_cell_is_put_back_in_its_place() -> None:
    submitted = copy.deepcopy(released())
    del submitted.cells[0]
    out, found = restore(submitted, released())
    assert ids(out) == ["setup", "ex-answer", "ex-tests"]
    assert [str(f) for f in found] == [
        "cell setup: this locked cell was deleted; put back as released"
    ]


def test_learners_own_cells_stay_where_they_are() -> None:
    submitted = copy.deepcopy(released())
    submitted.cells.insert(2, nbformat.v4.new_code_cell("helper = 2"))
    out, found = restore(submitted, released())
    assert ids(out) == ["setup", "ex-answer", None, "ex-tests"]
    assert out.cells[2].source == "helper = 2" and found == []


def test_edited_tests_and_forged_points_are_undone() -> None:
    submitted = copy.deepcopy(released())
    submitted.cells[2].source = "assert True"
    submitted.cells[1].metadata.nbgrader.update({"grade": True, "points": 99.0})
    out, found = restore(submitted, released())
    assert out.cells[2].source == released().cells[2].source
    assert out.cells[1].metadata.nbgrader == released().cells[1].metadata.nbgrader
    assert {str(f) for f in found} == {
        "cell ex-tests: this locked cell was edited; restored as released",
        "cell ex-answer: its grading metadata was changed; restored",
    }


def test_a_copied_test_cell_runs_as_an_ordinary_cell_with_its_own_id() -> None:
    submitted = copy.deepcopy(released())
    submitted.cells.append(copy.deepcopy(submitted.cells[2]))
    out, found = restore(submitted, released())
    assert ids(out) == ["setup", "ex-answer", "ex-tests", None]
    assert len({cell.id for cell in out.cells}) == 4
    assert [str(f) for f in found] == [
        "cell ex-tests: a copy of this cell was added; it runs as an ordinary cell"
    ]
    nbformat.validate(out)


def test_a_deleted_answer_cell_comes_back_unanswered() -> None:
    submitted = copy.deepcopy(released())
    del submitted.cells[1]
    out, found = restore(submitted, released())
    assert out.cells[1].source == "# YOUR CODE HERE"
    assert "answer cell was deleted" in str(found[0])
