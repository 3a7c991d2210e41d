"""The answers service as the hub runs it: the hub's service with the statistics reports added."""

from __future__ import annotations

import os
from pathlib import Path

from kurskit.hub.service import COURSES_VARIABLE
from kurskit.hub.service import main as serve
from kurskit.languages import LANGUAGES
from kurskit.store.records import AnswerStore
from kurskit.store.sql import SqlAnswerStore


def report_page(store: AnswerStore, course: str, periods: list[str], language: str | None) -> str:
    """A course's report from the service's own store: the cohort report of a self-assessment,
    else the course report (aggregates only: no comments, which are one learner's words)."""
    from kurskit.course.loading import load_course
    from kurskit.insight.report_page import render_page

    if not isinstance(store, SqlAnswerStore):
        raise ValueError("reports need the SQL answer store")
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    folder = Path(os.environ.get(COURSES_VARIABLE, "courses")) / course
    loaded = load_course(folder) if folder.is_dir() else None
    if loaded is None or loaded.course is None or loaded.course.slug != course:
        raise ValueError(f"no course {course!r} on this hub")
    if loaded.course.survey is not None:
        from kurskit.insight.survey import survey_tables
        from kurskit.insight.survey_data import load_survey
        from kurskit.insight.survey_report import survey_page

        data = load_survey(store, loaded, periods or None)
        return render_page(survey_page(data, survey_tables(data), language or data.course.language))
    from kurskit.insight.course_data import load_course_answers
    from kurskit.insight.course_report import course_page, course_tables

    answers = load_course_answers(store, loaded, periods=periods or None)
    tables = course_tables(answers)
    shown = course_page(answers, tables, language or answers.course.language, with_comments=False)
    return render_page(shown)


def main() -> None:
    """Start the answers service with the reports."""
    serve(report_pages=report_page)


if __name__ == "__main__":
    main()
