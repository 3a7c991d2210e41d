"""A self-assessment's answers as two tables: ratings per competence and who the respondents are."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from kurskit.course.digcomp import area_of
from kurskit.course.loading import LoadedCourse
from kurskit.course.model import PLACE_FIELDS, BackgroundField, Course
from kurskit.course.questions import Likert, Poll
from kurskit.insight.store_rows import course_rows
from kurskit.store.periods import list_periods
from kurskit.store.schema import meta
from kurskit.store.sql import SqlAnswerStore


def synthetic_key(course: str) -> str:
    """The store fact a demo population sets for a course: its reports say the data are made up."""
    return f"synthetic_data:{course}"


#: A background answer the respondent did not give.
NOT_GIVEN = "–"
BACKGROUND: tuple[BackgroundField, ...] = (*PLACE_FIELDS, "role")


class SurveyDataError(ValueError):
    """A course or store that cannot give a self-assessment report; the message says why."""


@dataclass(frozen=True)
class SurveyData:
    """The answers of a self-assessment in the chosen periods.

    `ratings`: learner, period, area, competence, level (one row per learner, period and
    competence: the latest answer in the period counts). `people`: learner, period and the
    background fields (region, municipality, workplace, role) as option texts, NOT_GIVEN
    where not answered (so that the groups of a field add up to all respondents). Learners
    are pseudonyms.
    """

    course: Course
    ratings: pd.DataFrame
    people: pd.DataFrame
    periods: list[str]
    high_level: int
    scale_size: int
    synthetic: str | None  # the demo population's description, when the data are made up


def load_survey(
    store: SqlAnswerStore, loaded: LoadedCourse, periods: list[str] | None = None
) -> SurveyData:
    """Read the course's self-assessment answers from the store, one query for all of them."""
    course = loaded.course
    if course is None:
        raise SurveyDataError(f"{loaded.folder} is not a valid course; run kurskit check")
    likert = {
        spec.id: spec
        for _, spec in loaded.questions()
        if isinstance(spec, Likert) and spec.competence is not None
    }
    if not likert:
        raise SurveyDataError(
            f"{course.slug} has no self-assessment: no likert question names a competence"
        )
    polls = {spec.id: spec for _, spec in loaded.questions() if isinstance(spec, Poll)}
    settings = course.survey
    background = dict(settings.background) if settings else {}
    known = [p.name for p in list_periods(store.engine, course.slug)]
    if not known:
        raise SurveyDataError(
            f"{course.slug} has no collection periods, so no answer belongs to one; open one "
            f"with: kurskit insight period open {course.slug} NAME"
        )
    chosen = periods or known
    if unknown := [p for p in chosen if p not in known]:
        raise SurveyDataError(
            f"{course.slug} has no period {', '.join(unknown)}; its periods: {', '.join(known)}"
        )
    rows = _latest_rows(store, course.slug, [*likert, *background.values()], chosen)
    ratings = _ratings(rows, likert)
    people = _people(rows, ratings, background, polls)
    answered = set(people["period"].astype(str))
    if not answered:
        raise SurveyDataError(
            f"{course.slug} has no self-ratings in the period(s) {', '.join(chosen)} yet"
        )
    return SurveyData(
        course=course,
        ratings=ratings,
        people=people,
        periods=[p for p in known if p in chosen and p in answered],  # a period just opened
        high_level=settings.high_level if settings else 5,
        scale_size=max(len(spec.scale) for spec in likert.values()),
        synthetic=synthetic_description(store, course.slug),
    )


def _latest_rows(
    store: SqlAnswerStore, course: str, question_ids: list[str], periods: list[str]
) -> pd.DataFrame:
    """learner, question_id, response, period: the latest attempt per learner, question, period."""
    columns = ["learner", "question_id", "response", "period", "attempt"]
    frame = course_rows(store, course, columns, "period IS NOT NULL")
    # Text columns as categories: every grouping after this one works on small integer codes.
    for name in ("learner", "question_id", "period"):
        frame[name] = frame[name].astype("category")
    frame = frame[frame["question_id"].isin(question_ids) & frame["period"].isin(periods)]
    if frame.empty:
        return frame
    frame = frame.sort_values("attempt", kind="stable")
    return frame.drop_duplicates(["learner", "question_id", "period"], keep="last")


def _ratings(rows: pd.DataFrame, likert: dict[str, Likert]) -> pd.DataFrame:
    columns = ["learner", "period", "area", "competence", "level"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rated = rows[rows["question_id"].isin(likert)].copy()
    competence = {qid: spec.competence for qid, spec in likert.items()}
    rated["competence"] = rated["question_id"].map(competence)
    area = {qid: area_of(code) for qid, code in competence.items() if code is not None}
    rated["area"] = rated["question_id"].map(area)
    # A likert response is its 1-based scale position, stored as JSON text ("5").
    rated["level"] = pd.to_numeric(rated["response"], errors="coerce")
    rated = rated.dropna(subset=["level"])
    rated["level"] = rated["level"].astype(int)
    return rated[columns].reset_index(drop=True)


def _people(
    rows: pd.DataFrame,
    ratings: pd.DataFrame,
    background: dict[BackgroundField, str],
    polls: dict[str, Poll],
) -> pd.DataFrame:
    """Everyone who rated at least one competence in a period, with their background answers."""
    people = ratings[["learner", "period"]].drop_duplicates().reset_index(drop=True)
    for name in BACKGROUND:
        question = background.get(name)
        if question is None or rows.empty:
            people[name] = NOT_GIVEN
            continue
        texts = {option.id: option.text for option in polls[question].option_list}
        given = rows[rows["question_id"] == question][["learner", "period", "response"]]
        # A poll's response is an option id as JSON text ("b"); ids need no escaping.
        labels = given["response"].str.slice(1, -1).map(texts).fillna(NOT_GIVEN)
        answered = given.assign(**{name: labels}).drop(columns="response")
        people = people.merge(answered, on=["learner", "period"], how="left")
        people[name] = people[name].fillna(NOT_GIVEN)
    return people


def synthetic_description(store: SqlAnswerStore, course: str) -> str | None:
    with store.engine.connect() as connection:
        key = synthetic_key(course)
        value = connection.scalar(select(meta.c.value).where(meta.c.key == key))
    return None if value is None else str(value)


def competence_levels(data: SurveyData) -> pd.DataFrame:
    """One row per (learner, period), one column per competence code: the level given (NaN
    where the respondent skipped the competence)."""
    wide = data.ratings.pivot_table(
        index=["learner", "period"],
        columns="competence",
        values="level",
        aggfunc="first",
        observed=True,
    )
    wide.columns = [str(c) for c in wide.columns]
    return wide
