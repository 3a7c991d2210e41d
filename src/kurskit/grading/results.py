"""Course results: each learner's points in nbgrader's gradebook over the course's assessment
modules (code tests, hand-graded reflections, and the widget questions `kurskit grade
autograde` scored from the answer store), against the course's pass threshold.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kurskit.course.loading import LoadedCourse
from kurskit.course.model import ModuleKind
from kurskit.course.questions import QuestionBase
from kurskit.course.scoring import passes, share
from kurskit.grading.generate import assignment_name
from kurskit.grading.review import held


@dataclass
class LearnerResult:
    """One learner's result in one course."""

    learner: str
    earned: float
    maximum: float
    threshold: float
    by_part: dict[str, float] = field(default_factory=dict)
    #: Flags of submissions no instructor has cleared yet (`kurskit grade review`).
    holds: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        """The share of the points earned (0 in a course with nothing to earn)."""
        scaled = share(self.earned, self.maximum)
        return 0.0 if scaled is None else scaled

    @property
    def passed(self) -> bool:
        return passes(self.earned, self.maximum, self.threshold)

    @property
    def certifiable(self) -> bool:
        """Passed, with no flagged submission waiting for review."""
        return self.passed and not self.holds


def graded_questions(loaded: LoadedCourse) -> list[tuple[str, QuestionBase]]:
    """(module file, spec) of every graded question in the course's assessment modules."""
    course = loaded.course
    assert course is not None
    assessments = {m.file for m in course.modules if m.kind is ModuleKind.assessment}
    return [
        (module, spec)
        for module, spec in loaded.questions()
        if module in assessments and spec.graded
    ]


def nbgrader_scores(
    course_root: Path, course_id: str, assignments: list[str]
) -> dict[str, dict[str, float]]:
    """learner → assignment → nbgrader's score (autograded tests and hand grading)."""
    from nbgrader.api import Gradebook, MissingEntry

    database = course_root / "gradebook.db"
    if not database.is_file():
        return {}
    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{database}", course_id=course_id) as gradebook:
        for student in gradebook.students:
            for assignment in assignments:
                try:
                    submission = gradebook.find_submission(assignment, student.id)
                except MissingEntry:
                    continue
                scores.setdefault(student.id, {})[assignment] = float(submission.score)
    return scores


def course_results(loaded: LoadedCourse, course_root: Path) -> list[LearnerResult]:
    """Every learner with a graded submission, with their course result."""
    course = loaded.course
    assert course is not None
    maximum = sum(spec.points for _, spec in graded_questions(loaded))
    assignments = sorted(
        {assignment_name(m.file) for m in course.modules if m.kind is ModuleKind.assessment}
    )
    graded = nbgrader_scores(course_root, course.slug, assignments)
    threshold = course.threshold
    holds = held(course_root)
    return [
        LearnerResult(
            learner, sum(parts.values()), maximum, threshold, parts, holds.get(learner, [])
        )
        for learner, parts in sorted(graded.items())
    ]


def results_csv(results: list[LearnerResult]) -> str:
    """The results as CSV: learner, earned, maximum, share, passed, and `needs review` with the
    flags that hold a certificate."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "earned", "maximum", "share", "passed", "review"])
    for result in results:
        writer.writerow(
            [
                result.learner,
                f"{result.earned:g}",
                f"{result.maximum:g}",
                f"{result.share:.3f}",
                "yes" if result.passed else "no",
                f"needs review: {' | '.join(result.holds)}" if result.holds else "",
            ]
        )
    return out.getvalue()
