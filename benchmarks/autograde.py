"""Benchmark: autograding 60 submissions of the bundled course's assessment.

Measured in one run, on one generated and released copy of courses/kildekritikk:
  baseline  plain `nbgrader autograde` (sequential, a fresh kernel per submission);
  kurskit   `kurskit grade autograde` (parallel, sandboxed kernels started ahead).
Both are fresh processes grading identical copies of the same 60 submissions: correct,
partly right, wrong, failing, unanswered, and 3 slow ones. Target: kurskit ≥ 2.5 × faster,
and every code test scored the same (widget questions are scored from the answer store by
kurskit only; plain nbgrader cannot score them, so they are left out of the comparison).

Run: .venv/bin/python benchmarks/autograde.py [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from kurskit import api
from kurskit.grading.steps import nbgrader_environment

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
REFLECTION = "Jeg ville først lytte til låneren og så sjekke kilden sammen med henne. " * 10


def prepare(base: Path) -> Path:
    """Generate and release the assessment, and write 60 submissions; the course root."""
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
            notebook = nbformat.from_dict(released)
            for cell in notebook.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                if grade_id == ANSWER:
                    cell.source = answer
                elif grade_id.endswith("-answer") and cell.cell_type == "markdown":
                    cell.source = REFLECTION
            folder = root / "submitted" / f"learner{number:02d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")
            (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return root


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
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
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "kildekritikk") as gradebook:
        return {
            student.id: float(gradebook.find_grade(TESTS, ASSIGNMENT, ASSIGNMENT, student.id).score)
            for student in gradebook.students
        }


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
        print(f"60 submissions of {ASSIGNMENT}, {os.cpu_count()} CPUs, kurskit --jobs {jobs}")
        baseline = timed(
            [str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], plain / "kildekritikk", env
        )
        print(f"nbgrader autograde (sequential):  {baseline:6.1f} s")
        kurskit = timed(autograde_command(ours.parent, jobs), base, env)
        print(f"kurskit grade autograde:          {kurskit:6.1f} s")
        print(f"speed-up: {baseline / kurskit:.2f} x (target >= 2.5 x)")
        # How much is parallelism, and how much is doing less (kurskit scores widget
        # questions from the store instead of running them): the same work with one job.
        single = base / "single" / "grading"
        shutil.copytree(plain, single)
        shutil.rmtree(single / "kildekritikk" / "autograded", ignore_errors=True)
        one = timed(autograde_command(single, 1), base, env)
        print(f"kurskit grade autograde --jobs 1: {one:6.1f} s ({baseline / one:.2f} x nbgrader)")
        theirs, mine = code_scores(plain / "kildekritikk"), code_scores(ours)
        agree = sum(theirs.get(s) == mine.get(s) for s in theirs)
        print(
            f"code scores agree: {agree}/{len(theirs)} submissions"
            f" ({'identical' if agree == len(theirs) == 60 else 'DIFFERENT'})"
        )
        for student in sorted(s for s in theirs if theirs[s] != mine.get(s)):
            print(f"  {student}: nbgrader {theirs[student]}, kurskit {mine.get(student)}")


if __name__ == "__main__":
    main()
