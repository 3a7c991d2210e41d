"""Learners' submissions in an nbgrader course root: which exist, which are new, and reading
them without trusting them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

TIMESTAMP_FILE = "timestamp.txt"


@dataclass(frozen=True)
class Submission:
    """One learner's submitted assignment folder."""

    student: str
    assignment: str
    folder: Path

    @property
    def timestamp(self) -> str | None:
        return read_timestamp(self.folder)


class UnreadableNotebookError(ValueError):
    """A submitted notebook that is not a notebook; the message says why, for the export."""


def read_timestamp(folder: Path) -> str | None:
    """The submission time nbgrader wrote into a folder, if any."""
    path = folder / TIMESTAMP_FILE
    try:
        return path.read_text("utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def find_submissions(
    course_root: Path,
    assignment: str,
    students: list[str] | None = None,
    *,
    only_new: bool = False,
) -> list[Submission]:
    """Submitted folders of an assignment, sorted by learner; `students` limits the learners,
    `only_new` keeps those never autograded or submitted again since."""
    submitted = course_root / "submitted"
    found = []
    for folder in sorted(submitted.glob(f"*/{assignment}")):
        if not folder.is_dir():
            continue
        submission = Submission(folder.parent.name, assignment, folder)
        if students and submission.student not in students:
            continue
        if only_new and not is_new(submission, course_root):
            continue
        found.append(submission)
    return found


def is_new(submission: Submission, course_root: Path) -> bool:
    """Whether a submission has no autograded version, or a different submission time."""
    graded = autograded_folder(course_root, submission)
    if not graded.is_dir():
        return True
    return read_timestamp(graded) != submission.timestamp


def autograded_folder(course_root: Path, submission: Submission) -> Path:
    """Where nbgrader keeps the autograded copy of a submission."""
    return course_root / "autograded" / submission.student / submission.assignment


def read_submitted_notebook(path: Path, max_bytes: int = 20 << 20) -> nbformat.NotebookNode:
    """A submitted notebook, or UnreadableNotebookError saying what is wrong with it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableNotebookError(
            f"the notebook could not be read: {error.strerror}"
        ) from error
    if size > max_bytes:
        raise UnreadableNotebookError(
            f"the notebook is {size} bytes, over the limit of {max_bytes}"
        )
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableNotebookError(f"the notebook is not UTF-8 text: {error.reason}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableNotebookError(
            f"the notebook is not valid JSON: {error.msg} at line {error.lineno}"
        ) from error
    except RecursionError as error:
        raise UnreadableNotebookError("the notebook's JSON is nested too deeply") from error
    try:
        notebook = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(notebook)
    except (nbformat.ValidationError, ValueError, KeyError, TypeError, AttributeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UnreadableNotebookError(f"the file is not a valid notebook: {message}") from error
    return notebook
