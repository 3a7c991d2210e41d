"""nbgrader's own steps (generate, release, collect, feedback), run as nbgrader runs them: its
command line in the course root, with its gradebook and its exchange on local disk, reporting
progress from nbgrader's log as it goes. (Autograding and the export are kurskit's own.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kurskit.progress import ProgressCallback

#: kurskit step → nbgrader command and whether it takes an assignment name.
STEPS: dict[str, tuple[str, bool]] = {
    "generate": ("generate_assignment", True),
    "release": ("release_assignment", True),
    "collect": ("collect", True),
    "feedback": ("generate_feedback", True),
}
#: Extra options per step: redo work done before (nbgrader refuses to overwrite without
#: --force), and collect a learner's newer submission too (not only the first).
OPTIONS = {
    "generate": ["--force"],
    "release": ["--force"],
    "collect": ["--update"],
    "feedback": ["--force"],
}
#: The start of the nbgrader log line that marks one item done, per step.
ITEM_LINES: dict[str, tuple[str, ...]] = {
    "generate": ("Converting notebook",),
    "release": ("Released as:",),
    "collect": ("Collecting submission:", "Updating submission:"),
    "feedback": ("Converting notebook",),
}
#: Log lines of items a step looked at and left as they were: they move the progress bar, but
#: nothing was done (a learner with no newer submission is not collected again).
SKIPPED_LINES: dict[str, tuple[str, ...]] = {
    "collect": ("No newer submission", "Submission already exists"),
}
#: The start of an nbgrader log line: `[CollectApp | WARNING] ...`; a line without it goes on
#: the message before (nbgrader logs some warnings as several lines, the first of them empty).
LOG_RECORD = re.compile(r"^\[[^\]|]*(?: \| (?P<level>[A-Z]+))?\] ?(?P<message>.*)$")


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message holds the end of its log."""


@dataclass(frozen=True)
class StepResult:
    """What an nbgrader step printed in a course root: the log lines of the items it did, and
    its warnings, each one line of text."""

    step: str
    root: Path
    log: str
    items: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def log_messages(log: str) -> list[tuple[str, str]]:
    """(level, message) of each record in an nbgrader log, a message of several lines joined
    into one; lines before the first record (a kernel's own output) are left out."""
    messages: list[tuple[str, list[str]]] = []
    for line in log.splitlines():
        record = LOG_RECORD.match(line)
        if record is not None:
            messages.append((record["level"] or "", [record["message"].strip()]))
        elif messages and line.strip():
            messages[-1][1].append(line.strip())
    return [(level, " ".join(part for part in parts if part)) for level, parts in messages]


def nbgrader_environment(user: str | None = None) -> dict[str, str]:
    """The environment nbgrader needs: this venv's commands on PATH (nbgrader runs `alembic`),
    and, for a learner's fetch or submit, the user name it files the work under."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    if user is not None:
        env.update({"USER": user, "LOGNAME": user})
    return env


def run_nbgrader(
    arguments: list[str],
    *,
    cwd: Path,
    user: str | None = None,
    on_line: Callable[[str], None] | None = None,
) -> str:
    """Run `nbgrader ARGUMENTS` in `cwd`, passing each log line to `on_line` as it comes;
    raise NbgraderError with the log when it fails."""
    command = [str(Path(sys.executable).parent / "nbgrader"), *arguments]
    lines: list[str] = []
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=nbgrader_environment(user),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if on_line is not None:
                on_line(line.rstrip("\n"))
    log = "".join(lines)
    if process.returncode != 0:
        raise NbgraderError(f"`nbgrader {' '.join(arguments)}` failed:\n{log[-4000:]}")
    return log


def expected_items(step: str, course_root: Path, assignment: str) -> int | None:
    """How many items a step will do, when it can be known beforehand (for a progress bar)."""
    if step == "release":
        return 1
    if step == "collect":
        inbound = course_root / "exchange" / course_root.name / "inbound"
        return len({p.name.split("+")[0] for p in inbound.glob(f"*+{assignment}+*")}) or None
    if step == "feedback":
        return len(list((course_root / "autograded").glob(f"*/{assignment}/*.ipynb"))) or None
    if step == "generate":
        return len(list((course_root / "source" / assignment).glob("*.ipynb"))) or None
    return None


def run_step(
    step: str,
    course_root: Path,
    assignment: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> StepResult:
    """Run one of nbgrader's steps in a course root, reporting each item it does."""
    if step not in STEPS:
        raise ValueError(f"unknown step '{step}'; use one of {', '.join(STEPS)}")
    command, takes_assignment = STEPS[step]
    if not (course_root / "nbgrader_config.py").is_file():
        raise ValueError(
            f"{course_root} is not an nbgrader course root; run "
            "`kurskit grade generate COURSE` first"
        )
    if takes_assignment and not assignment:
        raise ValueError(f"`{step}` needs an assignment name")
    arguments = [command, *([assignment] if assignment else []), *OPTIONS.get(step, [])]
    (course_root / "exchange").mkdir(exist_ok=True)
    total = expected_items(step, course_root, assignment or "") or 0
    items: list[str] = []
    seen = 0

    def on_line(line: str) -> None:
        nonlocal seen
        record = LOG_RECORD.match(line)
        message = record["message"].strip() if record is not None else ""
        if message.startswith(ITEM_LINES.get(step, ())):
            items.append(message)
        elif not message.startswith(SKIPPED_LINES.get(step, ())):
            return
        seen += 1
        if on_progress is not None:
            on_progress(seen, max(total, seen), message[:60])

    log = run_nbgrader(arguments, cwd=course_root, on_line=on_line)
    warnings = tuple(text for level, text in log_messages(log) if level == "WARNING")
    return StepResult(step, course_root, log, tuple(items), warnings)
