"""Hostile submissions, all graded in one parallel run next to honest ones: each is scored 0
or flagged with a reason, within its limits, and nobody else's grading is disturbed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from kurskit.grading.autograde import AutogradeOptions, autograde
from kurskit.grading.execution import RunLimits
from kurskit.grading.export import export_grades
from kurskit.grading.reports import SubmissionReport
from kurskit.grading.widget_scores import WidgetScorer
from kurskit.sandbox import Limits
from kurskit.store.sql import open_store
from tests.test_grading.submissions import (
    CORRECT,
    TESTS_ID,
    answer_widgets,
    cell_by_id,
    code_points,
    released_course,
    submit,
)
from tests.test_grading.submissions import reasons as said

pytestmark = pytest.mark.slow
Graded = tuple[Path, dict[str, SubmissionReport]]


def _edit_tests(notebook: nbformat.NotebookNode) -> None:
    cell_by_id(notebook, TESTS_ID).source = "assert True"


def _delete_tests(notebook: nbformat.NotebookNode) -> None:
    notebook.cells.remove(cell_by_id(notebook, TESTS_ID))


def _delete_setup(notebook: nbformat.NotebookNode) -> None:
    notebook.cells = [c for c in notebook.cells if "load_ext" not in c.source]


def _forge(notebook: nbformat.NotebookNode) -> None:
    answer = cell_by_id(notebook, "prov-kod-answer")
    answer.metadata.nbgrader.update({"grade": True, "points": 100.0, "locked": True})
    cell_by_id(notebook, "prov-val").metadata.nbgrader["points"] = 100.0


def hostile_answers(root: Path, outside: Path) -> dict[str, str]:
    source = root / "source" / "prov" / "prov.ipynb"
    return {
        "loop": "while True:\n    pass\n",
        "memory": CORRECT + "hog = bytearray(8 << 30)\n",
        "forkbomb": (
            "import os, time\n"
            "for _ in range(10000):\n"
            "    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.01)\n"
        ),
        "flood": "while True:\n    print('x' * 10000)\n",
        "reader": (
            f"text = open({str(source)!r}).read()\n"
            "def f():\n    return 'SECRET_SOLUTION' if 'SECRET_' + 'HIDDEN' in text else ''\n"
        ),
        "writer": CORRECT + f"open({str(outside / 'pwned.txt')!r}, 'w').write('x')\n",
        "parricide": CORRECT + "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
        "groupkill": CORRECT + "import os, signal\nos.killpg(0, signal.SIGKILL)\n",
        "exiter": "import os\nos._exit(3)\n",
        "raiser": CORRECT + "raise ValueError('oops')\n",
        "badoutput": CORRECT
        + "from IPython.display import publish_display_data\n"
        + "publish_display_data({'text/plain': 5})\n",
        "liar": (
            "class Sly(str):\n    def __eq__(self, other):\n        return True\n"
            "    __hash__ = str.__hash__\n\ndef f():\n    return Sly('nej')\n"
        ),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    base = tmp_path_factory.mktemp("hostile")
    root = released_course(base)
    outside = base / "outside"
    outside.mkdir()
    for student, answer in hostile_answers(root, outside).items():
        submit(root, student, answer)
    submit(root, "ada")  # honest and right
    submit(root, "ben", 'def f():\n    return "nej"\n')  # honest and wrong
    submit(root, "editor", edit=_edit_tests)
    submit(root, "deleter", 'def f():\n    return "nej"\n', edit=_delete_tests)
    submit(root, "nosetup", edit=_delete_setup)
    submit(root, "forger", edit=_forge)
    submit(root, "garbled", raw='{"cells": [ this is not json')
    store = open_store()
    answer_widgets(store, "ada", {"prov-val": "b", "prov-text": "nej", "prov-tal": 4242.4242})
    options = AutogradeOptions(
        jobs=2,
        limits=Limits(memory_bytes=1 << 30, processes=64),
        run=RunLimits(wall_seconds=15, output_bytes=1 << 20),
    )
    reports = autograde(root, "prov", options, WidgetScorer(root, store))
    store.close()
    return root, {report.student: report for report in reports}


def reasons(graded: Graded, student: str) -> str:
    return said(graded[1], student)


def test_every_submission_is_accounted_for(graded: Graded) -> None:
    root, reports = graded
    submitted = {p.name for p in (root / "submitted").iterdir()}
    assert set(reports) == submitted
    export = export_grades(root)
    for student in submitted:
        assert f"prov,{student}," in export
    assert "ungraded" not in export


def test_honest_submissions_are_graded_right(graded: Graded) -> None:
    root, reports = graded
    assert reports["ada"].status == "graded" and reports["ada"].reasons == []
    assert code_points(root, "ada") == 1.0
    # Widget questions scored from the store: prov-val right, prov-text wrong, prov-tal right.
    assert (reports["ada"].score, reports["ada"].max_score) == (3.0, 4.0)
    assert code_points(root, "ben") == 0.0 and reports["ben"].status == "graded"


def test_infinite_loop_is_stopped_at_the_time_limit(graded: Graded) -> None:
    assert code_points(graded[0], "loop") == 0.0
    assert "time limit of 15 s exceeded" in reasons(graded, "loop")


def test_memory_bomb_fails_within_the_memory_limit(graded: Graded) -> None:
    assert code_points(graded[0], "memory") == 0.0
    assert "MemoryError" in reasons(graded, "memory")


def test_fork_bomb_is_contained_and_killed(graded: Graded) -> None:
    assert code_points(graded[0], "forkbomb") == 0.0
    assert graded[1]["forkbomb"].status == "flagged"
    # Every kernel ran from a folder named kurskit-grade-…; none of them, nor any copy the
    # bomb forked, may outlive grading.
    survivors = [
        path.name
        for path in Path("/proc").iterdir()
        if path.name.isdigit() and "kurskit-grade-" in _cmdline(path.name)
    ]
    assert survivors == []


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def test_output_flood_is_cut_off(graded: Graded) -> None:
    root = graded[0]
    assert code_points(root, "flood") == 0.0
    # Either the output limit stops it, or the kernel's memory limit does first (output the
    # grader has not read yet is buffered in the kernel): both end it with a reason.
    found = reasons(graded, "flood")
    assert "printed more than 1 MB of output" in found or "raised MemoryError" in found
    assert (root / "autograded" / "flood" / "prov" / "prov.ipynb").stat().st_size < 3 << 20


def test_edited_test_cell_is_restored_and_flagged(graded: Graded) -> None:
    assert code_points(graded[0], "editor") == 1.0  # the real tests ran, and passed
    assert f"cell {TESTS_ID}: this locked cell was edited" in reasons(graded, "editor")


def test_deleted_test_cell_is_put_back_and_flagged(graded: Graded) -> None:
    assert code_points(graded[0], "deleter") == 0.0  # the real tests ran, and failed
    assert f"cell {TESTS_ID}: this locked cell was deleted" in reasons(graded, "deleter")


def test_deleted_setup_cell_is_detected(graded: Graded) -> None:
    assert "this locked cell was deleted" in reasons(graded, "nosetup")
    assert code_points(graded[0], "nosetup") == 1.0


def test_forged_metadata_is_undone(graded: Graded) -> None:
    root, reports = graded
    assert "grading metadata was changed" in reasons(graded, "forger")
    assert reports["forger"].max_score == 4.0
    assert code_points(root, "forger") == 1.0


def test_invalid_json_scores_zero_with_the_reason(graded: Graded) -> None:
    root, reports = graded
    assert reports["garbled"].score == 0.0 and reports["garbled"].unreadable
    assert "not valid JSON" in reasons(graded, "garbled")
    assert code_points(root, "garbled") == 0.0


def test_reading_the_instructors_files_fails(graded: Graded) -> None:
    root = graded[0]
    assert code_points(root, "reader") == 0.0
    found = reasons(graded, "reader")
    assert "answer prov-kod-answer raised FileNotFoundError" in found or "PermissionError" in found
    graded_notebook = nbformat.read(root / "autograded" / "reader" / "prov" / "prov.ipynb", 4)
    answer = cell_by_id(graded_notebook, "prov-kod-answer")
    assert "SECRET_HIDDEN" not in str(answer.outputs)


def test_writing_outside_its_folder_fails(graded: Graded) -> None:
    root = graded[0]
    assert not (root.parent.parent / "outside" / "pwned.txt").exists()
    assert code_points(root, "writer") == 0.0
    assert "the answer cell prov-kod-answer raised" in reasons(graded, "writer")


def test_killing_the_parent_harms_only_that_submission(graded: Graded) -> None:
    # The kernel's parent is the sandbox's init: the signal is refused or kills only the
    # sandbox; either way this submission scores 0 with a reason and the others are graded.
    for student in ("parricide", "groupkill"):
        assert code_points(graded[0], student) == 0.0
        found = reasons(graded, student)
        assert "PermissionError" in found or "kernel died" in found


def test_a_dead_kernel_is_never_a_silent_zero(graded: Graded) -> None:
    assert code_points(graded[0], "exiter") == 0.0
    assert "the kernel died (the code exited, crashed, or ran out of memory, exit status 3)" in (
        reasons(graded, "exiter")
    )
    assert f"cell {TESTS_ID} did not run" in reasons(graded, "exiter")
    assert "cell prov-val did not run" not in reasons(graded, "exiter")  # scored from the store


def test_an_error_in_the_answer_cell_costs_the_exercise(graded: Graded) -> None:
    assert code_points(graded[0], "raiser") == 0.0
    assert "raised ValueError, so this test scores 0" in reasons(graded, "raiser")


def test_an_object_equal_to_everything_fails_the_tests(graded: Graded) -> None:
    assert code_points(graded[0], "liar") == 0.0


def test_output_that_breaks_the_notebook_format_is_reported(graded: Graded) -> None:
    assert code_points(graded[0], "badoutput") == 0.0
    assert "grading stopped: NotebookValidationError" in reasons(graded, "badoutput")
