"""nbgrader's own steps (release, collect, autograde, feedback, export), run as nbgrader runs
them: its command line in the course root, with its gradebook and its exchange on local disk."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: kurskit step → nbgrader command and whether it takes an assignment name.
STEPS: dict[str, tuple[str, bool]] = {
    "generate": ("generate_assignment", True),
    "release": ("release_assignment", True),
    "collect": ("collect", True),
    "autograde": ("autograde", True),
    "feedback": ("generate_feedback", True),
    "export": ("export", False),
}
#: Steps that must not stop at work done before (nbgrader refuses to overwrite without it).
FORCED = {"generate", "release", "autograde", "feedback"}


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message holds the end of its log."""


@dataclass(frozen=True)
class StepResult:
    """What an nbgrader step printed."""

    step: str
    log: str


def nbgrader_environment(user: str | None = None) -> dict[str, str]:
    """The environment nbgrader needs: this venv's commands on PATH (nbgrader runs `alembic`),
    and, for a learner's fetch or submit, the user name it files the work under."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    if user is not None:
        env.update({"USER": user, "LOGNAME": user})
    return env


def run_nbgrader(arguments: list[str], *, cwd: Path, user: str | None = None) -> str:
    """Run `nbgrader ARGUMENTS` in `cwd`; raise NbgraderError with its log when it fails."""
    command = [str(Path(sys.executable).parent / "nbgrader"), *arguments]
    result = subprocess.run(
        command,
        cwd=cwd,
        env=nbgrader_environment(user),
        capture_output=True,
        text=True,
        check=False,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise NbgraderError(f"`nbgrader {' '.join(arguments)}` failed:\n{log[-4000:]}")
    return log


def run_step(step: str, course_root: Path, assignment: str | None = None) -> StepResult:
    """Run one of kurskit's grading steps with nbgrader in a course root."""
    if step not in STEPS:
        raise ValueError(f"unknown step '{step}'; use one of {', '.join(STEPS)}")
    command, takes_assignment = STEPS[step]
    if not (course_root / "nbgrader_config.py").is_file():
        raise ValueError(
            f"{course_root} is not an nbgrader course root; run "
            "`kurskit grade generate COURSE` first"
        )
    arguments = [command]
    if takes_assignment:
        if not assignment:
            raise ValueError(f"`{step}` needs an assignment name")
        arguments.append(assignment)
    if step in FORCED:
        arguments.append("--force")
    (course_root / "exchange").mkdir(exist_ok=True)
    return StepResult(step, run_nbgrader(arguments, cwd=course_root))
