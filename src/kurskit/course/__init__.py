"""The course model: course files, notebooks, question specs, loading, checking and scoring."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Loaded on first use: a learner's kernel imports the scoring and view code at start-up and
# should not pay for the notebook readers (nbformat, jupytext) it never calls.
_EXPORTS = {
    "QUESTION_TYPES": "kurskit.course.questions",
    "Question": "kurskit.course.questions",
    "parse_question": "kurskit.course.questions",
    "Course": "kurskit.course.model",
    "Module": "kurskit.course.model",
    "Session": "kurskit.course.model",
    "Problem": "kurskit.course.problems",
    "learner_view": "kurskit.course.redact",
    "Result": "kurskit.course.scoring",
    "score": "kurskit.course.scoring",
    "LoadedCourse": "kurskit.course.loading",
    "find_course_folders": "kurskit.course.loading",
    "load_course": "kurskit.course.loading",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kurskit.course' has no attribute '{name}'")
    return getattr(import_module(_EXPORTS[name]), name)
