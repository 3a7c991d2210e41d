"""Review before certification: a flagged submission holds its learner's certificate until an
instructor clears it, with a note kept beside the autograding report (in the course root);
each flagged submission links to its notebooks in nbgrader's formgrader."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from kurskit.grading.nbgrader_course import open_course
from kurskit.grading.reports import SubmissionReport, read_reports

REVIEWS_FOLDER = Path("kurskit") / "reviews"


@dataclass(frozen=True)
class Review:
    """An instructor's clearing of one flagged submission (the one graded at `graded_at`)."""

    assignment: str
    student: str
    graded_at: str | None  # the report's submission timestamp: a resubmission needs a new look
    reviewer: str
    note: str
    cleared_on: str


@dataclass(frozen=True)
class Flagged:
    """A flagged submission and whether an instructor has cleared it."""

    report: SubmissionReport
    review: Review | None
    #: The submission's notebooks in the formgrader, as paths under the server's base URL.
    formgrader: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.review is None


def _path(course_root: Path, assignment: str, student: str) -> Path:
    return course_root / REVIEWS_FOLDER / assignment / f"{student}.json"


def _read(course_root: Path, assignment: str, student: str) -> Review | None:
    path = _path(course_root, assignment, student)
    return Review(**json.loads(path.read_text("utf-8"))) if path.is_file() else None


def flagged(course_root: Path, assignment: str | None = None) -> list[Flagged]:
    """Every flagged submission (of one assignment, or all), with its review if it still holds."""
    found = []
    for (name, student), report in sorted(read_reports(course_root).items()):
        if not report.reasons or (assignment is not None and name != assignment):
            continue
        review = _read(course_root, name, student)
        current = review is not None and review.graded_at == report.timestamp
        found.append(Flagged(report, review if current else None))
    if found:
        links = formgrader_paths(course_root)
        found = [
            Flagged(
                item.report,
                item.review,
                links.get((item.report.assignment, item.report.student), ()),
            )
            for item in found
        ]
    return found


def formgrader_paths(course_root: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """(assignment, learner) → the formgrader page of each notebook of their submission."""
    course = open_course(course_root)
    paths: dict[tuple[str, str], tuple[str, ...]] = {}
    database = course.db_url.removeprefix("sqlite:///")
    if database != course.db_url and not Path(database).is_file():
        return paths  # no gradebook yet (opening one would make an empty file)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                try:
                    notebooks = submission.notebooks
                except MissingEntry:
                    continue
                paths[(assignment.name, submission.student.id)] = tuple(
                    f"formgrader/submissions/{notebook.id}/" for notebook in notebooks
                )
    return paths


def held(course_root: Path) -> dict[str, list[str]]:
    """learner → the flags that hold their certificate (flagged and not cleared)."""
    holds: dict[str, list[str]] = {}
    for item in flagged(course_root):
        if item.open:
            reasons = [f"{item.report.assignment}: {reason}" for reason in item.report.reasons]
            holds.setdefault(item.report.student, []).extend(reasons)
    return holds


def clear(course_root: Path, assignment: str, student: str, *, reviewer: str, note: str) -> Review:
    """Clear a flagged submission after a look; the note says what was checked."""
    items = {i.report.student: i for i in flagged(course_root, assignment)}
    if student not in items:
        raise ValueError(f"{student} has no flagged submission of {assignment} to clear")
    if not note.strip():
        raise ValueError("say in --note what you checked; it is kept with the review")
    report = items[student].report
    review = Review(
        assignment, student, report.timestamp, reviewer, note.strip(), dt.date.today().isoformat()
    )
    path = _path(course_root, assignment, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(review), ensure_ascii=False, indent=1), "utf-8")
    return review
