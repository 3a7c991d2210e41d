"""Review before certification: flagged work holds the certificate until an instructor clears it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.course.loading import load_course
from kurskit.course.model import Course
from kurskit.grading.certificates import issue_certificates as issue
from kurskit.grading.generate import CONFIG_FILE, nbgrader_config
from kurskit.grading.issuer import Issuer
from kurskit.grading.names import Person
from kurskit.grading.reports import SubmissionReport, write_report
from kurskit.grading.results import LearnerResult, results_csv
from kurskit.grading.review import clear, flagged, held
from tests.factories import CourseFactory

runner = CliRunner()
EDITED = "cell prov-kod-tests: this locked cell was edited; the released version was graded"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A course root where anna's submission was flagged and bo's was not."""
    course_root = tmp_path / "grading" / "demo"
    course_root.mkdir(parents=True)
    (course_root / CONFIG_FILE).write_text(nbgrader_config("demo"), "utf-8")
    write_report(
        course_root, SubmissionReport("anna", "prov", "2026-12-01 10:00", 4, 4, reasons=[EDITED])
    )
    write_report(course_root, SubmissionReport("bo", "prov", "2026-12-01 10:05", 4, 4))
    return course_root


def test_flagged_work_holds_until_cleared_with_a_note(root: Path) -> None:
    assert held(root) == {"anna": [f"prov: {EDITED}"]}
    with pytest.raises(ValueError, match="--note"):
        clear(root, "prov", "anna", reviewer="ines", note=" ")
    with pytest.raises(ValueError, match="bo has no flagged submission"):
        clear(root, "prov", "bo", reviewer="ines", note="looked")
    review = clear(root, "prov", "anna", reviewer="ines", note="Only whitespace was changed.")
    assert held(root) == {}
    assert [(f.report.student, f.review) for f in flagged(root)] == [("anna", review)]
    # A new submission is a new look: the old review does not clear it.
    write_report(root, SubmissionReport("anna", "prov", "2026-12-02 09:00", 4, 4, reasons=[EDITED]))
    assert held(root) == {"anna": [f"prov: {EDITED}"]}


def test_results_show_needs_review_and_certificates_wait(
    root: Path, make_course: CourseFactory, issuer: Issuer
) -> None:
    folder = make_course()
    course = load_course(folder).course
    assert course is not None
    people = {"anna": Person("Anna Andersson"), "bo": Person("Bo Berg")}

    def issue_certificates(course: Course, results: list[LearnerResult], root: Path) -> list[Any]:
        return issue(course, results, root, issuer=issuer, people=people, course_folder=folder)

    holds = held(root)
    results = [LearnerResult(name, 4, 4, 0.8, holds=holds.get(name, [])) for name in ("anna", "bo")]
    assert f"needs review: prov: {EDITED}" in results_csv(results).splitlines()[1]
    issued = issue_certificates(course, results, root)
    assert [c.learner for c in issued] == ["bo"]
    clear(root, "prov", "anna", reviewer="ines", note="Checked in the formgrader.")
    cleared = [LearnerResult("anna", 4, 4, 0.8, holds=held(root).get("anna", []))]
    assert [c.learner for c in issue_certificates(course, cleared, root)] == ["anna"]


def test_the_review_command_lists_and_clears(root: Path) -> None:
    grading = ["--grading", str(root.parent)]
    listed = runner.invoke(app, ["grade", "review", "demo", *grading])
    assert listed.exit_code == 0, listed.output
    assert "prov anna: needs review" in listed.output and EDITED in listed.output
    refused = runner.invoke(app, ["grade", "review", "demo", "prov", "--clear", "anna", *grading])
    assert refused.exit_code == 1 and "--note" in refused.output
    cleared = runner.invoke(
        app,
        ["grade", "review", "demo", "prov", "--clear", "anna", "--note", "Looked.", *grading],
    )
    assert cleared.exit_code == 0, cleared.output
    assert "prov anna: cleared by" in cleared.output and "Looked." in cleared.output
