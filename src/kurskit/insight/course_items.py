"""How the questions work: item analysis per test (Moodle's statistics), flags with their
reasons, and distractor analysis of choice questions split by the course result's thirds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from kurskit.course.questions import CodeExercise, MultipleChoice, SingleChoice, TrueFalse
from kurskit.insight.course_data import CourseData, Item, picked_options
from kurskit.insight.course_progress import Results, assessment_items, first, latest
from kurskit.insight.item_stats import item_statistics, random_guess_score, test_statistics
from kurskit.insight.suppression import MINIMUM_GROUP

#: Learners and picks by (question, group[, option]), for every choice question at once.
Counts = dict[tuple[str, ...], int]
#: The test of the graded assessment questions; practice tests are named by their module.
ASSESSMENT = "assessment"
#: Flag thresholds on the facility index and the discrimination index.
TOO_EASY = 0.9
TOO_HARD = 0.2
WEAK = 0.2
#: How much more often the upper third must pick a wrong option than the lower third for a
#: flag (5 percentage points: smaller gaps are mostly chance in a course's numbers).
STRONG_PICK_GAP = 0.05
TEST_FIGURES = (
    "mean", "median", "sd", "skewness", "kurtosis", "alpha", "error_ratio", "standard_error",
)  # fmt: skip
ITEM_FIGURES = [
    "facility", "sd", "random_guess", "intended_weight", "effective_weight",
    "discrimination", "discriminative_efficiency",
]  # fmt: skip


def tests_of(data: CourseData) -> dict[str, tuple[list[Item], str]]:
    """The tests analysed, each with its items and which attempt counts: the assessment's
    graded questions (latest attempts, as the course result) and, per other module, its
    practice questions with a right answer (first attempts, before any retry)."""
    graded = set(assessment_items(data))
    found: dict[str, tuple[list[Item], str]] = {}
    chosen = [i for i in data.items if i.spec.id in graded and i.spec.points > 0]
    if chosen:
        found[ASSESSMENT] = (chosen, "latest")
    for item in data.items:
        spec = item.spec
        if item.module_kind == "assessment" or spec.graded or spec.points <= 0:
            continue
        if spec.has_right_answer and not isinstance(spec, CodeExercise):
            found.setdefault(item.module, ([], "first"))[0].append(item)
    return found


def item_analysis(data: CourseData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per item and per test, Moodle's quiz statistics over the learners who have a score for
    every item of the test; items flagged too easy, too hard, weakly or negatively
    discriminating. A test with fewer learners than the minimum shows no figures."""
    item_rows, test_rows = [], []
    for test, (items, basis) in tests_of(data).items():
        ids = [i.spec.id for i in items]
        answers = data.answers[data.answers["question_id"].isin(ids)]
        chosen = latest(answers) if basis == "latest" else first(answers)
        chosen = chosen[chosen["score"].notna() & chosen["scored"]]
        matrix = chosen.pivot_table(
            index="learner", columns="question_id", values="score", aggfunc="first", observed=True
        )
        matrix = matrix.reindex(columns=ids).dropna()
        n = len(matrix)
        maxima = np.array([i.spec.points for i in items], dtype=float)
        shown = n >= MINIMUM_GROUP
        stats = (
            item_statistics(
                matrix.to_numpy(dtype=float), maxima, [random_guess_score(i.spec) for i in items]
            )
            if shown
            else [None] * len(items)
        )
        for item, stat in zip(items, stats, strict=True):
            figures = {f: getattr(stat, f) if stat else None for f in ITEM_FIGURES}
            item_rows.append(
                {
                    "test": test,
                    "basis": basis,
                    "module": item.module,
                    "question_id": item.spec.id,
                    "type": item.spec.type,
                    "n": n,
                    **figures,
                    "flags": ";".join(flags(stat)) if stat else "",
                    "source": item.where,
                }
            )
        whole = test_statistics(matrix.to_numpy(dtype=float), maxima) if shown else None
        test_rows.append(
            {
                "test": test,
                "basis": basis,
                "n": n,
                "items": len(items),
                "maximum": float(maxima.sum()),
                **{name: getattr(whole, name) if whole else None for name in TEST_FIGURES},
            }
        )
    items_table = pd.DataFrame(item_rows)
    for column in ITEM_FIGURES:
        if column in items_table:
            items_table[column] = items_table[column].astype(float)
    return items_table, pd.DataFrame(test_rows)


def flags(stat: Any) -> list[str]:
    """Why an item needs a look: too_easy, too_hard, negative or weak discrimination."""
    found = []
    if stat.facility > TOO_EASY:
        found.append("too_easy")
    if stat.facility < TOO_HARD:
        found.append("too_hard")
    if stat.discrimination is not None:
        if stat.discrimination < 0:
            found.append("negative")
        elif stat.discrimination < WEAK:
            found.append("weak")
    return found


def _options(spec: Any) -> list[tuple[str, str, bool]]:
    """(id, text, right) of each option of a choice question."""
    if isinstance(spec, TrueFalse):
        return [("true", "true", spec.answer is True), ("false", "false", spec.answer is False)]
    right = {spec.answer} if isinstance(spec, SingleChoice) else set(spec.answer)
    return [(o.id, o.text, o.id in right) for o in spec.option_list]


def thirds(results: Results) -> tuple[set[str], set[str]]:
    """The upper and lower third of learners by course result (ties by pseudonym order)."""
    ranked = results.table["share"].sort_index().sort_values(kind="stable")
    third = len(ranked) // 3
    return set(ranked.index[len(ranked) - third :]), set(ranked.index[:third])


def distractors(data: CourseData, results: Results) -> pd.DataFrame:
    """For each choice question, first and latest attempts: the share of learners picking each
    option, overall and in the upper and lower third of the course result. Flagged: an option
    nobody picks, and a wrong option strong learners pick clearly more often than weak ones."""
    upper, lower = thirds(results)
    rows: list[dict[str, Any]] = []
    choice = [
        i for i in data.items if isinstance(i.spec, SingleChoice | MultipleChoice | TrueFalse)
    ]
    answers = data.answers[data.answers["question_id"].isin([i.spec.id for i in choice])]
    for basis, chosen in (("first", first(answers)), ("latest", latest(answers))):
        counts = _pick_counts(chosen, upper, lower)
        for item in choice:
            rows.extend(_option_rows(item, basis, counts))
    return pd.DataFrame(rows)


def _pick_counts(chosen: pd.DataFrame, upper: set[str], lower: set[str]) -> Counts:
    """Counts of one table, for every question at once: learners per (question, group) and
    picks per (question, group, option); group is "" for everyone, "upper" or "lower"."""
    group = np.where(
        chosen["learner"].isin(upper), "upper", np.where(chosen["learner"].isin(lower), "lower", "")
    )
    # A choice question has few distinct responses: each is parsed once.
    parsed = {r: picked_options(r) for r in chosen["response"].unique()}
    learners = pd.DataFrame(
        {"question_id": chosen["question_id"].astype(str).to_numpy(), "group": group}
    )
    picks = learners.assign(option=chosen["response"].map(parsed).to_numpy()).explode("option")
    counts: Counts = {}
    for frame, keys in ((learners, ["question_id"]), (picks, ["question_id", "option"])):
        for key, size in frame.groupby(keys).size().items():
            whole = key if isinstance(key, tuple) else (key,)
            counts[(whole[0], "", *whole[1:])] = int(size)
        thirds_only = frame[frame["group"] != ""]
        for key, size in thirds_only.groupby([keys[0], "group", *keys[1:]]).size().items():
            counts[tuple(key)] = int(size)
    return counts


def _option_rows(item: Item, basis: str, counts: Counts) -> Iterable[dict[str, Any]]:
    question = item.spec.id
    n = counts.get((question, ""), 0)
    if not n:
        return
    n_upper, n_lower = counts.get((question, "upper"), 0), counts.get((question, "lower"), 0)
    thirds_shown = min(n_upper, n_lower) >= MINIMUM_GROUP
    shown = n >= MINIMUM_GROUP
    for option, text, right in _options(item.spec):
        count = counts.get((question, "", option), 0)
        up = counts.get((question, "upper", option), 0) / n_upper if thirds_shown else np.nan
        low = counts.get((question, "lower", option), 0) / n_lower if thirds_shown else np.nan
        flag = ""
        if shown and count == 0:
            flag = "unpicked"
        elif not right and thirds_shown and up - low >= STRONG_PICK_GAP:
            flag = "strong_pick_wrong"
        yield {
            "question_id": question,
            "module": item.module,
            "basis": basis,
            "option": option,
            "text": text,
            "right": right,
            "n": n if shown else np.nan,
            "share": count / n if shown else np.nan,
            "n_upper": n_upper if thirds_shown else np.nan,
            "share_upper": up,
            "n_lower": n_lower if thirds_shown else np.nan,
            "share_lower": low,
            "flag": flag,
            "source": item.where,
        }
