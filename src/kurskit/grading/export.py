"""The grades export: nbgrader's gradebook, one row per learner and assignment, with what
autograding found (status and reasons), so no score stands without its explanation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from kurskit.grading.nbgrader_course import open_course
from kurskit.grading.reports import read_reports

EXPORT_FILE = "grades.csv"
COLUMNS = (
    "assignment",
    "student",
    "timestamp",
    "score",
    "max_score",
    "status",
    "needs_manual_grade",
    "reasons",
    "failures",
)


def export_grades(course_root: Path) -> str:
    """The export as CSV text; `status` is graded, flagged, ungraded or not submitted."""
    course = open_course(course_root)
    reports = read_reports(course.root)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            for student in sorted(gradebook.students, key=lambda s: s.id):
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row = [assignment.name, student.id, "", 0, assignment.max_score]
                    writer.writerow([*row, "not submitted", "no", "", ""])
                    continue
                report = reports.get((assignment.name, student.id))
                if report is None:
                    status, reasons, failed = "ungraded", "not autograded by kurskit", ""
                else:
                    status, reasons = report.status, " | ".join(report.reasons)
                    failed = " | ".join(report.failures)
                writer.writerow(
                    [
                        assignment.name,
                        student.id,
                        submission.timestamp.isoformat() if submission.timestamp else "",
                        f"{submission.score:g}",
                        f"{submission.max_score:g}",
                        status,
                        "yes" if submission.needs_manual_grade else "no",
                        reasons,
                        failed,
                    ]
                )
    return out.getvalue()


def write_export(course_root: Path) -> Path:
    """Write the export to grades.csv in the course root."""
    path = course_root / EXPORT_FILE
    path.write_text(export_grades(course_root), "utf-8")
    return path
