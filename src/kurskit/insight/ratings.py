"""A course's mean feedback rating, as its catalog card in the book may show it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from kurskit.course.loading import LoadedCourse
from kurskit.course.questions import CourseFeedback
from kurskit.insight.store_rows import course_rows, sql_text
from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.store.sql import SqlAnswerStore


@dataclass(frozen=True)
class CatalogRating:
    """The mean of every learner's latest rating to the feedback questions about the course."""

    mean: float
    learners: int  # who gave a rating
    scale: int  # the highest rating


def catalog_rating(store: SqlAnswerStore, loaded: LoadedCourse) -> CatalogRating | None:
    """The course's rating, or None before at least the minimum of learners gave one."""
    course = loaded.course
    if course is None:
        return None
    specs = _course_feedback(loaded)
    if not specs:
        return None
    ids = ", ".join(sql_text(s.id) for s in specs)
    rows = course_rows(
        store,
        course.slug,
        ["learner", "question_id", "attempt", "response"],
        f"status <> 'invalid' AND question_id IN ({ids})",
    )
    if rows.empty:
        return None
    latest = rows.sort_values("attempt").drop_duplicates(["learner", "question_id"], keep="last")
    ratings: list[int] = []
    learners: set[str] = set()
    for learner, response in zip(latest["learner"], latest["response"], strict=True):
        value = json.loads(response)
        rating = value.get("rating") if isinstance(value, dict) else None
        if isinstance(rating, int):
            ratings.append(rating)
            learners.add(learner)
    if len(learners) < MINIMUM_GROUP:
        return None
    return CatalogRating(sum(ratings) / len(ratings), len(learners), specs[-1].scale)


def _course_feedback(loaded: LoadedCourse) -> list[CourseFeedback]:
    """The feedback questions about the whole course: those in its survey modules (a lesson may
    ask for feedback on itself), or every one when no survey module has any; all on the scale
    of the last, so that no mean mixes scales."""
    assert loaded.course is not None
    kinds = {m.file: str(m.kind) for m in loaded.course.modules}
    every = [(f, s) for f, s in loaded.questions() if isinstance(s, CourseFeedback)]
    about_course = [s for f, s in every if kinds.get(f) == "survey"] or [s for _, s in every]
    if not about_course:
        return []
    scale = about_course[-1].scale
    return [s for s in about_course if s.scale == scale]
