"""What learners say: course feedback ratings and comments, and poll results per live session."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from kurskit.course.questions import (
    CourseFeedback,
    Likert,
    MultipleChoice,
    Poll,
    SingleChoice,
    TrueFalse,
)
from kurskit.insight.course_data import SELF_STUDY, CourseData, picked_options
from kurskit.insight.course_progress import latest
from kurskit.insight.suppression import MINIMUM_GROUP

#: The session label of every answer together (live and self-study).
ALL_SESSIONS = "*"


def feedback(data: CourseData) -> pd.DataFrame:
    """Per feedback question, for the course (every learner's latest rating) and per live
    session it was answered in: n, mean and the count of each rating. Fewer than the minimum
    ratings show no figures."""
    rows: list[dict[str, Any]] = []
    for item in data.items:
        spec = item.spec
        if not isinstance(spec, CourseFeedback):
            continue
        given = data.answers[data.answers["question_id"] == spec.id]
        whole = latest(given)
        parts = [(ALL_SESSIONS, whole)] + [
            (str(s), latest(given[given["session"] == s]))
            for s in sorted(set(map(str, given["session"].unique())) - {SELF_STUDY})
        ]
        for session, part in parts:
            ratings = [r for r in map(_rating, part["response"]) if r is not None]
            counts = Counter(ratings)
            shown = len(ratings) >= MINIMUM_GROUP
            rows.append(
                {
                    "question_id": spec.id,
                    "module": item.module,
                    "session": session,
                    "n": len(ratings) if shown else np.nan,
                    "mean": float(np.mean(ratings)) if shown else np.nan,
                    **{
                        f"rating_{r}": counts.get(r, 0) if shown else np.nan
                        for r in range(1, spec.scale + 1)
                    },
                    "hidden": "" if shown else "small",
                }
            )
    return pd.DataFrame(rows)


def _rating(response: str) -> int | None:
    value = json.loads(response)
    rating = value.get("rating") if isinstance(value, dict) else None
    return rating if isinstance(rating, int) else None


def comments(data: CourseData, containing: str | None = None) -> pd.DataFrame:
    """Every learner's latest comment to each feedback question, by pseudonym, newest first;
    only those containing `containing` (any case) when given. A question with fewer ratings
    than the minimum lists none (so few learners would be easy to tell apart)."""
    rows = []
    for item in data.items:
        if not isinstance(item.spec, CourseFeedback):
            continue
        given = latest(data.answers[data.answers["question_id"] == item.spec.id])
        if len(given) < MINIMUM_GROUP:
            continue
        for row in given.itertuples():
            value = json.loads(row.response)
            text = str(value.get("comment", "")).strip() if isinstance(value, dict) else ""
            if not text or (containing and containing.casefold() not in text.casefold()):
                continue
            rows.append(
                (item.spec.id, str(row.learner), str(row.session), value.get("rating"), text,
                 row.timestamp)
            )  # fmt: skip
    table = pd.DataFrame(
        rows, columns=["question_id", "learner", "session", "rating", "comment", "timestamp"]
    )
    return table.sort_values("timestamp", ascending=False, kind="stable").reset_index(drop=True)


def polls(data: CourseData) -> pd.DataFrame:
    """Results of the course's polls (over everyone) and of every question answered in a live
    session (per session), quick polls typed on the spot included: per option, learners
    choosing it and their share. Fewer than the minimum answers show no figures."""
    specs = {**data.asked, **{i.spec.id: i.spec for i in data.items}}
    rows: list[dict[str, Any]] = []
    answers = data.answers
    live = answers[answers["session"] != SELF_STUDY]
    parts: list[tuple[str, str, pd.DataFrame]] = [
        (ALL_SESSIONS, question, latest(answers[answers["question_id"] == question]))
        for question, spec in specs.items()
        if isinstance(spec, Poll) and question not in data.asked
    ]
    for (session, question), part in live.groupby(["session", "question_id"], observed=True):
        parts.append((str(session), str(question), latest(part)))
    for session, question, part in parts:
        spec = specs.get(question)
        if spec is not None and not isinstance(
            spec, Poll | SingleChoice | MultipleChoice | TrueFalse | Likert
        ):
            continue  # no options to count (numbers, text, feedback)
        parsed = {r: picked_options(r) for r in part["response"].unique()}
        picks = [parsed[r] for r in part["response"]]
        n = len(picks)
        shown = n >= MINIMUM_GROUP
        counts = Counter(option for chosen in picks for option in chosen)
        for option, text in _labels(spec, counts):
            rows.append(
                {
                    "session": session,
                    "question_id": question,
                    "prompt": spec.prompt if spec is not None else "",
                    "option": option,
                    "text": text,
                    "n": n if shown else np.nan,
                    "chosen": counts.get(option, 0) if shown else np.nan,
                    "share": counts.get(option, 0) / n if shown else np.nan,
                    "hidden": "" if shown else "small",
                }
            )
    return pd.DataFrame(rows)


def _labels(spec: Any, counts: Counter[str]) -> list[tuple[str, str]]:
    if isinstance(spec, Poll | SingleChoice | MultipleChoice):
        return [(o.id, o.text) for o in spec.option_list]
    if isinstance(spec, TrueFalse):
        return [("true", "true"), ("false", "false")]
    if isinstance(spec, Likert):
        return [(str(i), label) for i, label in enumerate(spec.scale, start=1)]
    return [(option, option) for option in sorted(counts)]
