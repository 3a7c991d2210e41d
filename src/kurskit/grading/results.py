"""Course results: nbgrader's scores (code, hand-graded reflections) plus the graded questions
answered in widgets, scored here with `score()`, against the course's pass threshold.

Non-code answers come from the answer store, not from the notebook: the widget writes them
there the moment a learner submits, under a pseudonym the learner's kernel cannot choose,
whereas a notebook is a file the learner can edit. A learner's latest attempt counts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kurskit.course.loading import LoadedCourse
from kurskit.course.model import ModuleKind
from kurskit.course.questions import CodeExercise, QuestionBase, Reflection
from kurskit.course.scoring import score
from kurskit.grading.generate import assignment_name
from kurskit.store.records import AnswerStore, StoredAnswer


@dataclass
class LearnerResult:
    """One learner's result in one course."""

    learner: str
    earned: float
    maximum: float
    threshold: float
    by_part: dict[str, float] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.earned / self.maximum if self.maximum else 0.0

    @property
    def passed(self) -> bool:
        return self.maximum > 0 and self.share >= self.threshold - 1e-9


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


def course_results(
    loaded: LoadedCourse, course_root: Path, store: AnswerStore
) -> list[LearnerResult]:
    """Every learner who has a grade or a graded answer, with their course result."""
    course = loaded.course
    assert course is not None
    questions = graded_questions(loaded)
    maximum = sum(spec.points for _, spec in questions)
    in_store = [
        (module, spec)
        for module, spec in questions
        if not isinstance(spec, CodeExercise | Reflection)
    ]
    assignments = sorted(
        {assignment_name(m.file) for m in course.modules if m.kind is ModuleKind.assessment}
    )
    graded = nbgrader_scores(course_root, course.slug, assignments)
    latest = _latest_answers(store, course.slug)
    results = []
    # The store keeps pseudonyms only, so learners are named by nbgrader (their hub user
    # names); someone who answered widgets but submitted nothing cannot be named and is left
    # out here (their answers stay in the store and its exports).
    for learner in sorted(graded):
        parts = dict(graded.get(learner, {}))
        pseudonym = store.pseudonym(learner)
        for module, spec in in_store:
            answer = latest.get((pseudonym, module, spec.id))
            if answer is not None:
                earned = score(spec, answer.response).score or 0.0
                key = assignment_name(module) + " (widgets)"
                parts[key] = parts.get(key, 0.0) + earned
        results.append(
            LearnerResult(
                learner, sum(parts.values()), maximum, course.pass_threshold or 1.0, parts
            )
        )
    return results


def _latest_answers(store: AnswerStore, course: str) -> dict[tuple[str, str, str], StoredAnswer]:
    latest: dict[tuple[str, str, str], StoredAnswer] = {}
    for answer in store.answers(course=course):
        key = (answer.learner, answer.module, answer.question_id)
        if key not in latest or answer.attempt > latest[key].attempt:
            latest[key] = answer
    return latest


def results_csv(results: list[LearnerResult]) -> str:
    """The results as CSV: learner, earned, maximum, share, passed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "earned", "maximum", "share", "passed"])
    for result in results:
        writer.writerow(
            [
                result.learner,
                f"{result.earned:g}",
                f"{result.maximum:g}",
                f"{result.share:.3f}",
                "yes" if result.passed else "no",
            ]
        )
    return out.getvalue()
