"""A course's answers for its report: a row per stored attempt, with module, session and cohort."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kurskit.course.loading import LoadedCourse, display
from kurskit.course.model import Course
from kurskit.course.questions import (
    ChoiceBase,
    CourseFeedback,
    Likert,
    Poll,
    Question,
    TrueFalse,
    parse_question,
)
from kurskit.insight.store_rows import course_rows, sql_text
from kurskit.insight.survey_data import NOT_GIVEN, synthetic_description
from kurskit.store.periods import list_periods
from kurskit.store.progress import course_facts
from kurskit.store.records import SESSION_KEY_PREFIX, session_of
from kurskit.store.sql import SqlAnswerStore

#: The questions whose responses a report reads: options, a scale position or a rating.
WORDED = (ChoiceBase, TrueFalse, Poll, Likert, CourseFeedback)
#: Where a learner without a cohort is counted, and an answer not given in a live session.
NO_COHORT = NOT_GIVEN
SELF_STUDY = ""


class CourseDataError(ValueError):
    """A course or store that cannot give a course report; the message says why."""


@dataclass(frozen=True)
class Item:
    """One question of the course, where it is written, and what its module is."""

    spec: Question
    module: str  # the module file
    module_title: str
    module_kind: str
    position: int  # in course order, from 0
    source: Path  # the file the question is written in
    line: int | None  # its first line there (MyST), or None
    cell: int | None  # its cell (ipynb), or None

    @property
    def where(self) -> str:
        """The source file and line (or cell) as a producer looks it up."""
        spot = f":{self.line}" if self.line else f" cell {self.cell}" if self.cell else ""
        return f"{display(self.source)}{spot}"


@dataclass(frozen=True)
class CourseData:
    """The answers of one course, ready for its report.

    `answers`: learner, module (the module file), question_id, attempt, response (JSON text;
    None for questions without options or a rating, unless answered live), score, max_score,
    scored (a final score, not pending), timestamp (UTC), session (SELF_STUDY when not
    given in a live session), and cohort (NO_COHORT when the learner is in none, or when no
    cohorts are known). Invalid answers are left out; learners are pseudonyms.
    """

    course: Course
    items: list[Item]
    answers: pd.DataFrame
    cohorts_known: bool
    cohort: str | None  # the one cohort the report is about, if it is about one
    periods: list[str] | None
    certified: frozenset[str] | None  # learners with a valid certificate (None: not known)
    synthetic: str | None
    #: Questions asked on the spot in live sessions (quick polls), by id: not in the source.
    asked: dict[str, Question] = field(default_factory=dict)

    def item(self, question_id: str) -> Item:
        return next(i for i in self.items if i.spec.id == question_id)


def load_course_answers(
    store: SqlAnswerStore,
    loaded: LoadedCourse,
    *,
    cohorts: Mapping[str, Sequence[str]] | None = None,
    cohort: str | None = None,
    periods: Sequence[str] | None = None,
    certified: Collection[str] | None = None,
) -> CourseData:
    """Read a course's answers from the store in one scan.

    `cohorts` maps each cohort to its learners' pseudonyms (a learner in several counts in the
    first, by name); `cohort` keeps only that cohort's learners; `periods` only answers stored
    in those collection periods. Raises CourseDataError for an unknown cohort or period, or a
    course without answers."""
    course = loaded.course
    facts = course_facts(loaded)
    if course is None or facts is None:
        raise CourseDataError(f"{loaded.folder} is not a valid course; run kurskit check")
    membership: dict[str, str] = {}
    for name, learners in sorted((cohorts or {}).items()):
        for learner in learners:
            membership.setdefault(learner, name)
    if cohort is not None and cohort not in (cohorts or {}):
        known = ", ".join(sorted(cohorts or {})) or "none"
        raise CourseDataError(f"no cohort '{cohort}' is known; the cohorts: {known}")
    if periods:
        known_periods = [p.name for p in list_periods(store.engine, course.slug)]
        if unknown := [p for p in periods if p not in known_periods]:
            raise CourseDataError(
                f"{course.slug} has no period {', '.join(unknown)}; "
                f"its periods: {', '.join(known_periods) or 'none'}"
            )
    items = _items(loaded)
    worded = [i.spec.id for i in items if isinstance(i.spec, WORDED)]
    columns = ["learner", "module", "question_id", "attempt", "score", "max_score"]
    live = f"idempotency_key LIKE '%{SESSION_KEY_PREFIX}%'"
    computed = {
        # Only what a report reads: a response to a question with options or a rating (and
        # every live one: quick polls are in no source), a key only to name a session.
        "response": f"CASE WHEN {live} OR question_id IN ({_sql_list(worded)}) THEN response END",
        "scored": "CASE WHEN status = 'scored' THEN 1 ELSE 0 END",
        "live_key": f"CASE WHEN {live} THEN idempotency_key END",
        "timestamp": _seconds(store),
    }
    where = "status <> 'invalid'"
    if periods:  # names checked above against the store's own
        where += " AND period IN (" + ", ".join(sql_text(p) for p in periods) + ")"
    frame = course_rows(store, course.slug, columns, where, computed)
    if cohort is not None:
        frame = frame[frame["learner"].map(membership).eq(cohort)]
    if frame.empty:
        where = f" from the cohort {cohort}" if cohort else ""
        raise CourseDataError(f"{course.slug} has no answers{where} in the store yet")
    frame = _tidy(frame, facts.module, membership)
    return CourseData(
        course=course,
        items=items,
        answers=frame,
        cohorts_known=bool(membership),
        cohort=cohort,
        periods=list(periods) if periods else None,
        certified=frozenset(certified) if certified is not None else None,
        synthetic=synthetic_description(store, course.slug),
        asked=_asked(store, course.slug),
    )


def _asked(store: SqlAnswerStore, course: str) -> dict[str, Question]:
    """The quick polls the store kept for the course (one it cannot read is left out)."""
    found: dict[str, Question] = {}
    for _, data in store.kept_questions(course):
        try:
            spec = parse_question(data)
        except ValueError:
            continue
        found[spec.id] = spec
    return found


def _seconds(store: SqlAnswerStore) -> str:
    """The answer's time as the database reads out fastest: PostgreSQL as seconds since 1970
    (a driver's timezone-aware datetime per row costs more than the rest of the row), SQLite
    as the text it stores (pandas parses it in one vectorised step)."""
    if store.engine.dialect.name == "postgresql":
        return "CAST(EXTRACT(EPOCH FROM timestamp) AS DOUBLE PRECISION)"
    return "timestamp"


def _sql_list(values: list[str]) -> str:
    """Values for an SQL IN (…): at least one, so that an empty list matches nothing."""
    return ", ".join(sql_text(v) for v in values) or "''"


def _tidy(frame: pd.DataFrame, module_of: object, membership: Mapping[str, str]) -> pd.DataFrame:
    """Module files for the names answers give, sessions from keys, cohorts, proper types."""
    # Text columns as categories first: every mapping after this works on the few distinct
    # values, not on every row.
    for name in ("learner", "module", "question_id"):
        frame[name] = frame[name].astype("category")
    modules = {}
    for name in frame["module"].cat.categories:
        found = module_of(name)  # type: ignore[operator]
        modules[name] = found.file if found is not None else name
    keys = frame["live_key"]
    live = keys.notna()
    session = pd.Series(SELF_STUDY, index=frame.index, dtype=object)
    session[live] = keys[live].map(lambda key: session_of(key) or SELF_STUDY)
    frame = frame.assign(
        module=frame["module"].cat.rename_categories(modules),
        timestamp=_times(frame["timestamp"]),
        score=pd.to_numeric(frame["score"], errors="coerce"),
        max_score=pd.to_numeric(frame["max_score"]),
        session=session.astype("category"),
        cohort=frame["learner"].map(lambda learner: membership.get(learner, NO_COHORT)),
        scored=frame["scored"].astype(bool),
    ).drop(columns="live_key")
    frame["cohort"] = frame["cohort"].astype("category")
    return frame.reset_index(drop=True)


def picked_options(response: str) -> list[str]:
    """The option ids a stored response picks: one, several, or a true/false answer as
    `true`/`false` (a Likert answer's scale position as text)."""
    value = json.loads(response)
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _times(values: pd.Series) -> pd.Series:
    """UTC times from seconds since 1970 or from ISO 8601 text (see `_seconds`)."""
    if pd.api.types.is_numeric_dtype(values):
        return pd.to_datetime(values, unit="s", utc=True)
    return pd.to_datetime(values, utc=True, format="ISO8601")


def _items(loaded: LoadedCourse) -> list[Item]:
    assert loaded.course is not None
    found: list[Item] = []
    for module in loaded.course.modules:
        notebook = loaded.notebooks.get(module.file)
        if notebook is None:
            continue
        for cell in notebook.questions:
            if cell.spec is None:
                continue
            found.append(
                Item(
                    cell.spec,
                    module.file,
                    module.title,
                    str(module.kind),
                    len(found),
                    notebook.path,
                    cell.line,
                    cell.cell,
                )
            )
    return found
