"""What autograding found for each submission: its score and every reason it was flagged,
kept in the course root (never in a folder learners get back) for the export."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORTS_FOLDER = Path("kurskit") / "reports"


@dataclass
class SubmissionReport:
    """One submission's autograding outcome: `reasons` flag what needs a look (tampering,
    limits hit, a crash, a test passed despite a failing answer); `failures` say which tests
    failed and why, as ordinary grading does."""

    student: str
    assignment: str
    timestamp: str | None = None
    score: float = 0.0
    max_score: float = 0.0
    needs_manual_grade: bool = False
    unreadable: bool = False
    reasons: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    #: Seconds after the start of the run when this submission was done.
    finished_after: float = 0.0

    @property
    def status(self) -> str:
        """'graded', or 'flagged' when a reason needs a look (the score still stands)."""
        return "flagged" if self.reasons else "graded"


def report_path(course_root: Path, assignment: str, student: str) -> Path:
    """Where a submission's report is kept."""
    return course_root / REPORTS_FOLDER / assignment / f"{student}.json"


def write_report(course_root: Path, report: SubmissionReport) -> None:
    """Keep a report, replacing the one of an earlier run (written whole, then renamed)."""
    path = report_path(course_root, report.assignment, report.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1), "utf-8")
    partial.replace(path)


def read_reports(course_root: Path) -> dict[tuple[str, str], SubmissionReport]:
    """(assignment, student) → the latest report of every graded submission."""
    reports = {}
    for path in sorted((course_root / REPORTS_FOLDER).glob("*/*.json")):
        data = json.loads(path.read_text("utf-8"))
        report = SubmissionReport(**data)
        reports[(report.assignment, report.student)] = report
    return reports
