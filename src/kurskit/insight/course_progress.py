"""Who starts and finishes a course: the funnel per module and cohort, where learners stop, how
long they take, and the scores they get (per module and for the course result)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kurskit.course.questions import CodeExercise
from kurskit.course.scoring import passes
from kurskit.insight.course_data import CourseData
from kurskit.insight.item_stats import test_statistics
from kurskit.insight.stats import wilson_interval
from kurskit.insight.suppression import suppress

#: The cohort label of every learner together.
ALL_LEARNERS = "*"
#: The funnel's stages after the modules: the assessment passed, a certificate issued.
COURSE_STAGES = ("enrolled", "passed", "certified")


@dataclass(frozen=True)
class Results:
    """Each learner's course result: share of the assessment's points (latest attempts), pass,
    and whether their first scored attempts alone would pass. Indexed by learner."""

    table: pd.DataFrame  # share, passed, first_passed


def latest(answers: pd.DataFrame) -> pd.DataFrame:
    """The latest attempt per learner and question (the one rule: the latest attempt counts)."""
    ordered = answers.sort_values("attempt", kind="stable")
    return ordered.drop_duplicates(["learner", "question_id"], keep="last")


def first(answers: pd.DataFrame) -> pd.DataFrame:
    """The first attempt per learner and question."""
    ordered = answers.sort_values("attempt", kind="stable")
    return ordered.drop_duplicates(["learner", "question_id"], keep="first")


def module_questions(data: CourseData) -> dict[str, list[str]]:
    """The question ids of each module that has any, in course order: the questions answers
    are stored for (a practice code exercise runs its checks in the learner's kernel and is
    never stored; a graded one is, once grading writes its score back)."""
    found: dict[str, list[str]] = {}
    for item in data.items:
        if item.spec.graded or not isinstance(item.spec, CodeExercise):
            found.setdefault(item.module, []).append(item.spec.id)
    return found


def assessment_items(data: CourseData) -> list[str]:
    """The graded questions of the assessment modules: what the course result adds up."""
    return [i.spec.id for i in data.items if i.module_kind == "assessment" and i.spec.graded]


def course_results(data: CourseData) -> Results:
    """The course result of every learner whose assessment questions all have a final score (as
    `kurskit.store.progress` decides passed and failed, and with its pass rule)."""
    graded = assessment_items(data)
    answers = data.answers[data.answers["question_id"].isin(graded)]
    final = latest(answers)
    final = final[final["score"].notna() & final["scored"]]
    # The first attempt that got a score: a hand-graded reflection's first score is its grade.
    scored = answers[answers["score"].notna() & answers["scored"]]
    early = first(scored)
    rows = []
    totals = final.groupby("learner", observed=True).agg(
        score=("score", "sum"), maximum=("max_score", "sum"), answered=("question_id", "nunique")
    )
    early_scores = early.groupby("learner", observed=True)["score"].sum()
    threshold = data.course.threshold
    early_of = early_scores.to_dict()
    for row in totals.itertuples():
        if row.answered < len(graded) or row.maximum <= 0:
            continue  # something unanswered, or waiting to be graded by hand
        rows.append(
            (
                row.Index,
                row.score / row.maximum,
                passes(row.score, row.maximum, threshold),
                passes(float(early_of.get(row.Index, 0.0)), row.maximum, threshold),
            )
        )
    table = pd.DataFrame(rows, columns=["learner", "share", "passed", "first_passed"])
    return Results(table.set_index("learner"))


def funnel(data: CourseData, results: Results) -> pd.DataFrame:
    """Per cohort (and for everyone): learners enrolled (any answer), who started and finished
    each module (answered one, and every question of it), passed, and were certified; with the
    share of those enrolled and its Wilson interval. Cohorts under the minimum are hidden."""
    answers = data.answers
    by_module = module_questions(data)
    answered = answers.groupby(["learner", "module"], observed=True)["question_id"].nunique()
    answered = answered.reset_index(name="answered")
    cohort_of = answers.drop_duplicates("learner").set_index("learner")["cohort"].astype(str)
    groups, hidden = cohort_groups(cohort_of, data.cohorts_known)
    rows = []
    for group in groups:
        members = cohort_of.index if group == ALL_LEARNERS else cohort_of.index[cohort_of == group]
        chosen = set(members)
        steps: list[tuple[str, str, int | None]] = [("enrolled", "", len(chosen))]
        for module, questions in by_module.items():
            mine = answered[(answered["module"] == module) & answered["learner"].isin(chosen)]
            steps.append(("started", module, len(mine)))
            steps.append(("finished", module, int((mine["answered"] >= len(questions)).sum())))
        passed = results.table[results.table["passed"]].index
        steps.append(("passed", "", len(chosen.intersection(passed))))
        certified = None if data.certified is None else len(chosen & data.certified)
        steps.append(("certified", "", certified))
        for step, (stage, module, count) in enumerate(steps):
            rows.append((group, step, stage, module, count, len(chosen), hidden.get(group, "")))
    table = pd.DataFrame(
        rows, columns=["cohort", "step", "stage", "module", "n", "enrolled", "hidden"]
    )
    table["n"] = table["n"].astype("Float64")
    low, high = wilson_interval(table["n"].fillna(np.nan), table["enrolled"])
    table["share"] = table["n"] / table["enrolled"]
    table["ci_low"], table["ci_high"] = low, high
    return _blank_hidden(table, ["n", "enrolled", "share", "ci_low", "ci_high"])


def cohort_groups(cohort_of: pd.Series, known: bool) -> tuple[list[str], dict[str, str]]:
    """Everyone, then each cohort (when cohorts are known); and the hidden ones with why:
    cohorts under the minimum, and one more when the rest would give a hidden one away."""
    if not known:
        return [ALL_LEARNERS], {}
    sizes = cohort_of.value_counts().to_dict()
    groups = sorted(str(g) for g in sizes)
    hidden = suppress(
        {ALL_LEARNERS: len(cohort_of), **sizes},
        {ALL_LEARNERS: None, **dict.fromkeys(sizes, ALL_LEARNERS)},
    )
    return [ALL_LEARNERS, *groups], {str(g): str(why) for g, why in hidden.items()}


def _blank_hidden(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """No figure of a hidden group is written anywhere, not even in the CSV files (counts stay
    whole numbers)."""
    table = table.copy()
    for column in columns:
        whole = column in ("n", "enrolled")
        table[column] = table[column].astype("Float64").astype("Int64" if whole else "Float64")
    table.loc[table["hidden"] != "", columns] = pd.NA
    return table


def stops(data: CourseData) -> pd.DataFrame:
    """Where learners who did not finish every module stopped: the question they answered
    last, with how many stopped there, in course order."""
    by_module = module_questions(data)
    sizes = {module: len(questions) for module, questions in by_module.items()}
    answered = data.answers.groupby(["learner", "module"], observed=True)["question_id"].nunique()
    finished = (
        answered.reset_index(name="n")
        .assign(done=lambda t: t["n"] >= t["module"].astype(str).map(sizes))
        .groupby("learner", observed=True)["done"]
        .sum()
    )
    done_all = set(finished[finished >= len(by_module)].index)
    last = data.answers.sort_values("timestamp", kind="stable").drop_duplicates(
        "learner", keep="last"
    )
    last = last[~last["learner"].isin(done_all)]
    counts = last.groupby("question_id", observed=True).size()
    rows = [
        (item.module, item.spec.id, int(counts.get(item.spec.id, 0)))
        for item in data.items
        if counts.get(item.spec.id, 0)
    ]
    table = pd.DataFrame(rows, columns=["module", "question_id", "stopped"])
    enrolled = data.answers["learner"].nunique()
    table["share_of_enrolled"] = table["stopped"] / enrolled if enrolled else np.nan
    return table


def durations(data: CourseData, results: Results) -> pd.DataFrame:
    """Days from a learner's first to their last answer, for everyone and for those with a
    course result, per cohort: median and quartiles. Cohorts under the minimum are hidden."""
    span = data.answers.groupby("learner", observed=True).agg(
        start=("timestamp", "min"), end=("timestamp", "max"), cohort=("cohort", "first")
    )
    span["days"] = (span["end"] - span["start"]).dt.total_seconds() / 86400
    span["cohort"] = span["cohort"].astype(str)
    span["result"] = span.index.isin(results.table.index)
    groups, hidden = cohort_groups(span["cohort"], data.cohorts_known)
    rows = []
    for group in groups:
        mine = span if group == ALL_LEARNERS else span[span["cohort"] == group]
        for who, part in (("all", mine), ("with_result", mine[mine["result"]])):
            days = part["days"]
            quartiles = days.quantile([0.25, 0.5, 0.75]) if len(days) else pd.Series([np.nan] * 3)
            rows.append(
                (group, who, len(days), *quartiles.to_list(), hidden.get(group, "")),
            )
    table = pd.DataFrame(
        rows, columns=["cohort", "learners", "n", "q1_days", "median_days", "q3_days", "hidden"]
    )
    small = (table["n"] < 5) & (table["hidden"] == "")
    table.loc[small, "hidden"] = "small"
    return _blank_hidden(table, ["n", "q1_days", "median_days", "q3_days"])


def scores(data: CourseData, results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score distributions: per module with points (learners who finished it: share of its
    points, latest attempts) and for the course result; and a histogram of each in tenths.
    The course row adds the pass rate (with its interval) and the share of first-attempt
    passes."""
    final = latest(data.answers)
    final = final[final["max_score"] > 0]
    by_module = module_questions(data)
    summaries, bins = [], []
    for module, questions in by_module.items():
        part = final[final["module"] == module]
        totals = part.groupby("learner", observed=True).agg(
            score=("score", "sum"),
            maximum=("max_score", "sum"),
            answered=("question_id", "nunique"),
        )
        present = set(map(str, part["question_id"].unique()))
        scored = [q for q in questions if q in present]
        totals = totals[(totals["answered"] >= len(scored)) & (totals["maximum"] > 0)]
        if totals.empty:
            continue
        shares = totals["score"] / totals["maximum"]
        summaries.append(_summary(module, shares))
        bins.extend(_histogram(module, shares))
    shares = results.table["share"]
    course = _summary("course", shares)
    n = len(shares)
    passed = int(results.table["passed"].sum())
    low, high = wilson_interval(passed, n)
    course.update(
        pass_rate=passed / n if n else np.nan,
        pass_ci_low=float(low),
        pass_ci_high=float(high),
        first_attempt_pass_rate=float(results.table["first_passed"].mean()) if n else np.nan,
        threshold=data.course.threshold,
    )
    summaries.append(course)
    bins.extend(_histogram("course", shares))
    table = pd.DataFrame(summaries)
    small = table["n"] < 5
    figures = [c for c in table.columns if c not in ("scope", "n", "threshold")]
    table[figures] = table[figures].astype(float)
    table.loc[small, figures] = np.nan
    histogram = pd.DataFrame(bins, columns=["scope", "from", "to", "n"])
    histogram = histogram[histogram["scope"].isin(table.loc[~small, "scope"])]
    return table, histogram


def _summary(scope: str, shares: pd.Series) -> dict[str, object]:
    values = shares.to_numpy(dtype=float)
    return {
        "scope": scope,
        "n": len(values),
        "mean": float(values.mean()) if len(values) else np.nan,
        "median": float(np.median(values)) if len(values) else np.nan,
        "sd": float(values.std(ddof=1)) if len(values) > 1 else np.nan,
        # Moodle's skewness of the test total, here of the one column of shares.
        "skewness": _or_nan(test_statistics(values[:, None], [1.0]).skewness)
        if len(values)
        else np.nan,
    }


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else value


def _histogram(scope: str, shares: pd.Series) -> list[tuple[str, float, float, int]]:
    """Tenths of the maximum; a full score falls in the last tenth."""
    counts, edges = np.histogram(shares.to_numpy(dtype=float), bins=10, range=(0.0, 1.0))
    return [
        (scope, float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(len(counts))
    ]
