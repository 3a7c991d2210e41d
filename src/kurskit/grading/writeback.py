"""Grades back to the answer store: every graded question's score in nbgrader's gradebook
(code tests, hand-graded reflections, widget questions) becomes the learner's latest scored
answer, so xAPI `passed`/`failed` and the learner's widgets (once released) show the result.

A question whose latest stored answer already has that score is left alone (on a hub the
answers service scored widget questions when they were answered), so writing back twice
stores nothing new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kurskit.grading.generate import QUESTIONS_FILE
from kurskit.store.records import Answer, AnswerStore, StoredAnswer, latest_attempts

#: Grade cell ids `kurskit grade generate` writes, by what follows the question id.
_SUFFIXES = ("-tests", "-answer")


@dataclass(frozen=True)
class WriteBack:
    """What was written: new scored answers, and grades that were already in the store."""

    written: int
    unchanged: int


def question_of(grade_id: str) -> str:
    """The question id a grade cell belongs to (`kode-tests` → `kode`; widget cells: itself)."""
    for suffix in _SUFFIXES:
        if grade_id.endswith(suffix):
            return grade_id.removesuffix(suffix)
    return grade_id


def write_back(course_root: Path, store: AnswerStore, assignment: str | None = None) -> WriteBack:
    """Write the gradebook's scores of one assignment (or all) to the store."""
    from nbgrader.api import Gradebook

    database = course_root / "gradebook.db"
    questions = course_root / QUESTIONS_FILE
    if not database.is_file() or not questions.is_file():
        return WriteBack(0, 0)
    document = json.loads(questions.read_text("utf-8"))
    course: str = document["course"]
    written = unchanged = 0
    with Gradebook(f"sqlite:///{database}", course_id=course) as gradebook:
        for name, part in document["assignments"].items():
            if assignment is not None and name != assignment:
                continue
            for submission in gradebook.assignment_submissions(name):
                learner = store.pseudonym(submission.student_id)
                latest = latest_attempts(store.answers(course=course, learner=learner))
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.needs_manual_grade:
                            continue  # not graded by a person yet
                        question = question_of(grade.name)
                        module = str(Path(part["module"]).with_suffix(""))
                        before = latest.get((module, question))
                        if _already(before, float(grade.score)):
                            unchanged += 1
                            continue
                        store.record(
                            _graded_answer(
                                course, part["module"], question, learner, grade, before,
                                f"{name}/{submission.timestamp:%Y%m%dT%H%M%S}",
                            )
                        )  # fmt: skip
                        written += 1
    return WriteBack(written, unchanged)


def _already(answer: StoredAnswer | None, score: float) -> bool:
    return answer is not None and answer.status == "scored" and answer.score == score


def _graded_answer(
    course: str,
    module: str,
    question: str,
    learner: str,
    grade: Any,
    before: StoredAnswer | None,
    submission: str,
) -> Answer:
    score, maximum = float(grade.score), float(grade.max_score)
    return Answer(
        course=course,
        module=before.module if before is not None else module,
        question_id=question,
        learner=learner,
        response=before.response if before is not None else {"graded_by": "nbgrader"},
        score=score,
        max_score=maximum,
        correct=score >= maximum,
        status="scored",
        # The attempt it follows is part of the key: a regrade back to an earlier score
        # (1 → 0 → 1) is written again, and writing back twice still stores it once.
        idempotency_key=(
            f"nbgrader/{learner}/{submission}/{grade.name}/{score:g}"
            f"/after-{before.attempt if before is not None else 0}"
        ),
    )
