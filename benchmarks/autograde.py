"""Benchmark: autograding 60 honest submissions and 8 cheats of the bundled course's assessment.

Measured in one run, on one generated and released copy of courses/kildekritikk:
  baseline  plain `nbgrader autograde` (sequential, a fresh kernel per submission, the
            hidden tests in nbgrader's hidden region of the test cell, run in the kernel);
  kurskit   `kurskit grade autograde` (parallel, sandboxed kernels started ahead, hidden
            tests run outside the kernel).
Both are fresh processes grading identical copies of the same 68 submissions: correct,
partly right, wrong, failing, unanswered, 3 slow ones, and 8 cheats that hide a wrong answer
(one that passes the visible test) behind a trick: print(In), a pre_run_cell hook, a patched
`equal`, patched builtins, an input transformer, an `__eq__` liar, a function that exits the
kernel on the hidden inputs, a deleted test cell. Targets: kurskit ≥ 3.0 × faster, every
honest code score the same as plain nbgrader's (widget questions are scored from the answer
store by kurskit only, so they are left out), and every cheat scores 0 on the exercise or is
flagged. The last line reads
  nbgrader_s=… kurskit_s=… ratio=… agree=N/N cheats_scored_0=K/K

Run: .venv/bin/python benchmarks/autograde.py [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from kurskit import api
from kurskit.course.typed_asserts import typed_asserts
from kurskit.grading.cells import BEGIN_HIDDEN, END_HIDDEN
from kurskit.grading.generate import HIDDEN_TESTS_FILE
from kurskit.grading.reports import read_reports
from kurskit.grading.steps import nbgrader_environment, run_nbgrader

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ASSIGNMENT = "04-prove"
ANSWER = "prove-kode-dubletter-answer"
TESTS = "prove-kode-dubletter-tests"

RIGHT = """def fjern_dubletter(treff):
    sett = set()
    unike = []
    for t in treff:
        nokkel = t["tittel"].strip().lower()
        if nokkel not in sett:
            sett.add(nokkel)
            unike.append(t)
    return unike
"""
#: (how many, answer): 60 submissions in all.
ANSWERS: list[tuple[int, str]] = [
    (30, RIGHT),
    (6, RIGHT.replace(".strip()", "")),  # partly right: passes some cases, fails the visible test
    (6, RIGHT.replace("return unike", "return tuple(unike)")),  # wrong type
    (5, RIGHT.replace('t["tittel"]', 't["title"]')),  # KeyError
    (4, "# YOUR CODE HERE\nraise NotImplementedError()\n"),  # unanswered
    (3, RIGHT.replace("unike.append(t)", "unike.insert(0, t)")),  # wrong order
    (3, "def fjern_dubletter(treff)\n    return treff\n"),  # syntax error
    (3, "import time\ntime.sleep(3)\n" + RIGHT),  # slow
]
#: Passes the visible test (it drops the third, "Oria" hit), fails the hidden ones.
SLY = 'def fjern_dubletter(treff):\n    return [t for t in treff if t["kilde"] != "Oria"]\n'
HISTORY = "print(In)\nprint(Out)\n"
#: cheat → (answer, code of a cell the learner adds at the end, or None to delete the tests).
CHEATS: dict[str, tuple[str, str | None]] = {
    "printin": (SLY, HISTORY),
    "prerun": (
        "seen = []\nget_ipython().events.register('pre_run_cell', "
        "lambda info: seen.append(info.raw_cell))\n" + SLY,
        "print(seen)\n",
    ),
    "equal": ("import kurskit.testing\nkurskit.testing.equal = lambda a, b: True\n" + SLY, ""),
    "builtins": (
        "import builtins\nclass Never(Exception):\n    pass\n"
        "builtins.AssertionError = Never\n" + SLY,
        "",
    ),
    "transformer": (
        SLY + "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n",
        "",
    ),
    "liar": (
        "class Sly(list):\n    def __eq__(self, other):\n        return True\n"
        "def fjern_dubletter(treff):\n    return Sly()\n",
        "",
    ),
    "exits": (
        "import os\n"
        + SLY.replace("    return", "    if len(treff) != 3:\n        os._exit(0)\n    return"),
        "",
    ),
    "deleter": (SLY, None),
}
REFLECTION = "Jeg ville først lytte til låneren og så sjekke kilden sammen med henne. " * 10


def prepare(base: Path) -> Path:
    """Generate and release the assessment, and write 68 submissions; the course root."""
    courses = base / "courses"
    shutil.copytree(ROOT / "courses" / "kildekritikk", courses / "kildekritikk")
    grading = base / "grading"
    api.generate_assignments(courses / "kildekritikk", grading_dir=grading)
    api.grading_step("release", "kildekritikk", ASSIGNMENT, grading_dir=grading)
    root = grading / "kildekritikk"
    released = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    number = 0
    for count, answer in ANSWERS:
        for _ in range(count):
            number += 1
            submit(root, f"learner{number:02d}", _answered(released, answer))
    for cheat, (answer, extra) in CHEATS.items():
        notebook = _answered(released, answer)
        if extra is None:
            notebook.cells = [c for c in notebook.cells if _grade_id(c) != TESTS]
        elif extra:
            notebook.cells.append(nbformat.v4.new_code_cell(extra))
        submit(root, f"cheat-{cheat}", notebook)
    return root


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def _answered(released: nbformat.NotebookNode, answer: str) -> nbformat.NotebookNode:
    notebook = nbformat.from_dict(released)
    for cell in notebook.cells:
        if _grade_id(cell) == ANSWER:
            cell.source = answer
        elif _grade_id(cell).endswith("-answer") and cell.cell_type == "markdown":
            cell.source = REFLECTION
    return notebook


def submit(root: Path, student: str, notebook: nbformat.NotebookNode) -> None:
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")


def hidden_tests_for_nbgrader(root: Path) -> None:
    """Put each exercise's hidden tests into nbgrader's hidden region of its test cell in the
    source, and generate again: the baseline runs them in the kernel, as nbgrader does."""
    hidden = json.loads((root / HIDDEN_TESTS_FILE).read_text("utf-8"))["assignments"]
    path = root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, 4)
    for cell in notebook.cells:
        tests = hidden.get(ASSIGNMENT, {}).get(_grade_id(cell))
        if tests:
            region = typed_asserts(tests["source"]).rstrip()
            cell.source += f"\n{BEGIN_HIDDEN}\n{region}\n{END_HIDDEN}"
    nbformat.write(notebook, path)
    run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], cwd=root)


def timed(command: list[str], cwd: Path, env: dict[str, str], may_fail: bool = False) -> float:
    """Seconds `command` took; it must succeed unless `may_fail` (plain nbgrader exits 1 when
    any submission could not be graded: the cheat that exits the kernel)."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 and not may_fail:
        raise SystemExit(
            f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return elapsed


def autograde_command(grading: Path, jobs: int) -> list[str]:
    """`kurskit grade autograde` of the assessment in a grading folder, with `jobs` jobs."""
    return [
        str(BIN / "kurskit"),
        *("grade", "autograde", "kildekritikk", ASSIGNMENT),
        *("--jobs", str(jobs), "--grading", str(grading)),
    ]


def code_scores(root: Path) -> dict[str, float]:
    """learner → score of the code exercise's tests."""
    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "kildekritikk") as gradebook:
        for student in gradebook.students:
            try:
                grade = gradebook.find_grade(TESTS, ASSIGNMENT, ASSIGNMENT, student.id)
            except MissingEntry:  # plain nbgrader drops a submission whose kernel died
                continue
            scores[student.id] = float(grade.score)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    jobs = parser.parse_args().jobs
    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as tmp:
        base = Path(tmp)
        ours = prepare(base / "kurskit")
        plain = base / "plain" / "grading"
        shutil.copytree(ours.parent, plain)
        env = nbgrader_environment()
        env["KURSKIT_STORE_URL"] = f"sqlite:///{base / 'answers.db'}"
        hidden_tests_for_nbgrader(plain / "kildekritikk")
        total = len(list((ours / "submitted").iterdir()))
        print(f"{total} submissions of {ASSIGNMENT}, {os.cpu_count()} CPUs, --jobs {jobs}")
        baseline = timed(
            [str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"],
            plain / "kildekritikk",
            env,
            may_fail=True,
        )
        print(f"nbgrader autograde (sequential):  {baseline:6.1f} s")
        kurskit = timed(autograde_command(ours.parent, jobs), base, env)
        print(f"kurskit grade autograde:          {kurskit:6.1f} s")
        # How much is parallelism, and how much is doing less (kurskit scores widget
        # questions from the store instead of running them): the same work with one job.
        single = base / "single" / "grading"
        shutil.copytree(ours.parent, single)
        shutil.rmtree(single / "kildekritikk" / "autograded", ignore_errors=True)
        one = timed(autograde_command(single, 1), base, env)
        print(f"kurskit grade autograde --jobs 1: {one:6.1f} s ({baseline / one:.2f} x nbgrader)")
        theirs, mine = code_scores(plain / "kildekritikk"), code_scores(ours)
        honest = sorted(s for s in mine if not s.startswith("cheat-"))
        agree = sum(theirs.get(s) == mine[s] for s in honest)
        for student in honest:
            if theirs[student] != mine.get(student):
                print(
                    f"  differs: {student}: nbgrader {theirs[student]}, kurskit {mine.get(student)}"
                )
        reports = {student: report for (_, student), report in read_reports(ours).items()}
        cheats = sorted(s for s in mine if s.startswith("cheat-"))
        caught = 0
        for student in cheats:
            flagged = reports[student].status == "flagged"
            caught += mine[student] == 0.0 or flagged
            print(
                f"  {student}: kurskit {mine[student]:g}{' flagged' if flagged else ''}, "
                f"nbgrader {theirs.get(student, 'not graded')}"
            )
        print(
            f"nbgrader_s={baseline:.1f} kurskit_s={kurskit:.1f} ratio={baseline / kurskit:.2f} "
            f"agree={agree}/{len(honest)} cheats_scored_0={caught}/{len(cheats)}"
        )


if __name__ == "__main__":
    main()
