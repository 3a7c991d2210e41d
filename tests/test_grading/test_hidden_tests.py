"""Hidden tests run outside the learner's kernel: learners who try to read or bend them, graded
in one parallel run through real nbgrader feedback, neither see them nor change a verdict;
a test cut off by a dying kernel or a time limit never earns its points."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.grading.autograde import AutogradeOptions, autograde
from kurskit.grading.execution import RunLimits
from kurskit.grading.reports import SubmissionReport
from kurskit.grading.widget_scores import WidgetScorer
from kurskit.store.sql import open_store
from tests.test_grading.submissions import (
    ANSWER_ID,
    CORRECT,
    TESTS_ID,
    answer_widgets,
    cell_by_id,
    code_points,
    reasons,
    released_course,
    submit,
)

pytestmark = pytest.mark.slow
Graded = tuple[Path, dict[str, SubmissionReport]]
#: The wrong answer every cheat hides behind: it passes the visible test (a str), never the
#: hidden one (which expects "SECRET_SOLUTION").
WRONG = 'def f():\n    return "nej"\n'
CELL_SECONDS = 4

CHEATS = {
    "printin": WRONG,  # plus a last cell printing the kernel's whole history
    "prerun": (
        "ip = get_ipython()\n"
        "seen = []\n"
        "ip.events.register('pre_run_cell', lambda info: seen.append(info.raw_cell))\n"
        "ip.events.register('pre_execute', lambda: seen.append(str(ip.user_ns.get('_i'))))\n"
        + WRONG
    ),
    "equal": "import kurskit.testing\nkurskit.testing.equal = lambda a, b: True\n" + WRONG,
    "builtins": (
        "import builtins\n"
        "class Never(Exception):\n    pass\n"
        "builtins.AssertionError = Never\n"
        "builtins.isinstance = lambda *args: True\n" + WRONG
    ),
    "transformer": (
        "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n" + WRONG
    ),
    "liar": (
        "class Sly(str):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = str.__hash__\n\ndef f():\n    return Sly('nej')\n"
    ),
    "eqmeta": (
        "class Meta(type):\n    def __eq__(cls, other):\n        return True\n"
        "    __hash__ = type.__hash__\n"
        "class Weird(metaclass=Meta):\n    pass\n\ndef f():\n    return Weird()\n"
    ),
}


def _print_history(notebook: nbformat.NotebookNode) -> None:
    notebook.cells.append(nbformat.v4.new_code_cell("print(In)\nprint(Out)\nprint(seen)"))


def _history_without_seen(notebook: nbformat.NotebookNode) -> None:
    notebook.cells.append(nbformat.v4.new_code_cell("print(In)\nprint(Out)"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    base = tmp_path_factory.mktemp("hidden")
    root = released_course(base)
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"c.Execute.timeout = {CELL_SECONDS}\n")
    for student, answer in CHEATS.items():
        edit = _print_history if student == "prerun" else _history_without_seen
        submit(root, student, answer, edit=edit)
    submit(root, "ada")  # honest and right
    submit(root, "ben", WRONG)  # honest, passes the visible test only
    # The kernel dies while the (visible) test cell calls the answer: never full points.
    submit(root, "dies", "import os\ndef f():\n    os._exit(1)\n")
    # Passes the visible test, then dies when the hidden test calls it.
    submit(
        root,
        "dieslater",
        "calls = []\ndef f():\n    calls.append(1)\n"
        "    if len(calls) > 1:\n        import os\n        os._exit(1)\n    return 'x'\n",
    )
    # An answer cell stopped by the per-cell time limit.
    submit(root, "slow", "import time\ntime.sleep(60)\n" + CORRECT)
    # A notebook that is not JSON: its widget answers in the store still count.
    submit(root, "broken", raw='{"cells": [ this is not json')
    store = open_store()
    for student in ("ada", "broken"):
        answer_widgets(store, student, {"prov-val": "b", "prov-text": "nej", "prov-tal": 4242.4242})
    options = AutogradeOptions(jobs=2, run=RunLimits(wall_seconds=40))
    reports = autograde(root, "prov", options, WidgetScorer(root, store))
    store.close()
    result = CliRunner().invoke(
        app, ["grade", "feedback", "hemligt", "prov", "--grading", str(root.parent)]
    )
    assert result.exit_code == 0, result.output
    return root, {report.student: report for report in reports}


def said(graded: Graded, student: str) -> str:
    return reasons(graded[1], student)


def test_honest_learners_are_graded_by_the_hidden_tests(graded: Graded) -> None:
    root, reports = graded
    assert code_points(root, "ada") == 1.0 and reports["ada"].status == "graded"
    assert code_points(root, "ben") == 0.0 and reports["ben"].status == "graded"
    assert f"test {TESTS_ID} failed: a hidden test failed" in said(graded, "ben")


@pytest.mark.parametrize("student", sorted(CHEATS))
def test_no_cheat_changes_a_hidden_verdict(graded: Graded, student: str) -> None:
    assert code_points(graded[0], student) == 0.0, said(graded, student)


def test_no_file_a_learner_submits_or_gets_back_holds_hidden_tests(graded: Graded) -> None:
    root = graded[0]
    files = [
        *root.glob("submitted/*/prov/*.ipynb"),
        *root.glob("autograded/*/prov/*.ipynb"),
        *root.glob("feedback/*/prov/*.html"),
        *root.glob("release/prov/*.ipynb"),
    ]
    assert len(files) > 3 * len(CHEATS)
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        assert "SECRET_HIDDEN" not in text, path
        learner = path.relative_to(root).parts[1]
        if learner not in ("ada", "slow", "prov"):  # they wrote the right answer themselves
            assert "SECRET_SOLUTION" not in text, path


def test_history_and_hooks_never_see_a_hidden_test(graded: Graded) -> None:
    root = graded[0]
    for student in ("printin", "prerun"):
        notebook = nbformat.read(root / "autograded" / student / "prov" / "prov.ipynb", 4)
        printed = "".join(output.get("text", "") for output in notebook.cells[-1].outputs)
        assert "def f" in printed  # the history was printed: the learner's own cells
        assert "kernel_calls" not in printed and "__kurskit_reply__" not in printed
        assert "SECRET" not in printed


def test_a_test_cut_off_by_a_dying_kernel_scores_zero_and_is_flagged(graded: Graded) -> None:
    root, reports = graded
    assert code_points(root, "dies") == 0.0
    assert reports["dies"].status == "flagged"
    assert f"test {TESTS_ID} was cut off, scored 0" in said(graded, "dies")
    assert code_points(root, "dieslater") == 0.0
    assert reports["dieslater"].status == "flagged"
    assert "the kernel died while f was running" in said(graded, "dieslater")


def test_flagged_work_links_to_the_formgrader(graded: Graded) -> None:
    from nbgrader.api import Gradebook

    from kurskit.grading.review import flagged

    root = graded[0]
    [dies] = [item for item in flagged(root, "prov") if item.report.student == "dies"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "hemligt") as gradebook:
        notebook = gradebook.find_submission_notebook("prov", "prov", "dies")
        assert dies.formgrader == (f"formgrader/submissions/{notebook.id}/",)


def test_a_cell_time_limit_says_so(graded: Graded) -> None:
    root = graded[0]
    assert code_points(root, "slow") == 0.0
    assert f"time limit of {CELL_SECONDS} s exceeded" in said(graded, "slow")
    assert "KeyboardInterrupt" not in said(graded, "slow")
    notebook = nbformat.read(root / "autograded" / "slow" / "prov" / "prov.ipynb", 4)
    errors = [o for o in cell_by_id(notebook, ANSWER_ID).outputs if o.output_type == "error"]
    assert [o.ename for o in errors] == ["TimeLimit"]


def test_an_unreadable_notebook_keeps_its_widget_points_and_gets_feedback(graded: Graded) -> None:
    root, reports = graded
    broken, ada = reports["broken"], reports["ada"]
    assert broken.unreadable and "not valid JSON" in said(graded, "broken")
    assert code_points(root, "broken") == 0.0
    assert broken.score == ada.score - 1.0 == 2.0  # both widget answers right, no code point
    feedback = root / "feedback" / "broken" / "prov" / "prov.html"
    text = feedback.read_text("utf-8")
    assert re.search(r"could not be graded: .*not valid JSON", text)
