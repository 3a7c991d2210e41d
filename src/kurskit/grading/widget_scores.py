"""Scores of graded widget questions for the gradebook: each learner's latest answer in the
answer store, scored with `score()` against the spec kept in the course root.

The store, not the notebook, is the record: the widget writes an answer there the moment the
learner submits it, with attempts counted; on a hub the answers service stores it under the
pseudonym of the hub user who owns the token, which the learner's kernel cannot choose. A
notebook is a file the learner can edit, and widget state is only in it if it was saved with
it. The spec with its key comes from `kurskit/questions.json` in the course root, written by
`kurskit grade generate` and never released; an nbgrader course kurskit did not generate has
no such file and no widget questions, so there is nothing to score (see `widget_scorer`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kurskit.course.questions import QuestionBase, parse_question
from kurskit.course.scoring import score
from kurskit.grading.generate import QUESTIONS_FILE
from kurskit.grading.tamper import grade_id
from kurskit.store.records import AnswerStore, StoredAnswer, latest_attempts


class WidgetScorer:
    """Scores widget questions of one course's assessments from an answer store."""

    def __init__(self, course_root: Path, store: AnswerStore) -> None:
        path = course_root / QUESTIONS_FILE
        if not path.is_file():
            raise ValueError(f"{path} is missing; run `kurskit grade generate COURSE` again")
        document = json.loads(path.read_text("utf-8"))
        self.course: str = document["course"]
        self.store = store
        self.modules: dict[str, str] = {}
        self.specs: dict[tuple[str, str], QuestionBase] = {}
        for assignment, part in document["assignments"].items():
            self.modules[assignment] = part["module"]
            for question_id, spec in part["questions"].items():
                self.specs[(assignment, question_id)] = parse_question(spec)
        self._latest: dict[str, dict[tuple[str, str], StoredAnswer]] = {}

    def _answers(self, student: str) -> dict[tuple[str, str], StoredAnswer]:
        if student not in self._latest:
            learner = self.store.pseudonym(student)
            answers = self.store.answers(course=self.course, learner=learner)
            self._latest[student] = latest_attempts(answers)
        return self._latest[student]

    def score(self, student: str, assignment: str, cell: Any) -> tuple[float, str]:
        """Points for a learner's answer to the question in `cell`, and a note saying how."""
        question_id = grade_id(cell) or ""
        spec = self.specs.get((assignment, question_id))
        if spec is None:
            return 0.0, f"Question {question_id} is not in {QUESTIONS_FILE}; scored 0."
        module = str(Path(self.modules[assignment]).with_suffix(""))
        answer = self._answers(student).get((module, question_id))
        if answer is None:
            return 0.0, "No answer was submitted for this question."
        result = score(spec, answer.response)
        points = result.score or 0.0
        return points, (
            f"Answer {answer.attempt} ({answer.timestamp:%Y-%m-%d %H:%M} UTC) scores "
            f"{points:g} of {spec.points:g}."
        )


def widget_scorer(course_root: Path, store: AnswerStore) -> WidgetScorer | None:
    """The scorer of a course root `kurskit grade generate` wrote; None for any other nbgrader
    course, which has no widget questions (its code and hand-graded cells grade as nbgrader's)."""
    return WidgetScorer(course_root, store) if (course_root / QUESTIONS_FILE).is_file() else None
