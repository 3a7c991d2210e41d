"""The cohort report's tables on a tiny hand-made survey whose figures can be counted by hand."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kurskit.course.loading import load_course
from kurskit.course.model import Course
from kurskit.insight.stats import newcombe_difference, wilson_interval
from kurskit.insight.survey import ALL, survey_tables
from kurskit.insight.survey_data import SurveyData

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "courses" / "digital-kompetanse"


# period → workplace → one (role, level in 1.1, level in 1.2) per respondent; a respondent
# with no 1.2 level rated 1.1 only. A workplace is in region R, municipality M unless named
# "region / municipality / workplace".
Answers = dict[str, dict[str, list[tuple[str, int, int | None]]]]
LIB, ASSIST = "Bibliotekar", "Assistent"

# W1: 2 of 10 high overall in p1 (mean of the two levels ≥ 5), 10 of 10 in p2.
# W2: 3 of 6 high in p1, 1 of 7 in p2 (its 7th respondent rated 1.1 only).
ANSWERS: Answers = {
    "p1": {
        "W1": [
            (LIB, 6, 6),  # mean 6: high
            (LIB, 5, 5),  # mean 5: high
            (LIB, 5, 4),  # mean 4.5: high in 1.1 only
            (LIB, 4, 5),  # mean 4.5: high in 1.2 only
            (LIB, 3, 3),
            *[(ASSIST, 3, 3)] * 5,
        ],
        "W2": [
            (LIB, 7, 7),  # high
            (LIB, 6, 4),  # mean 5: high overall, not in 1.2
            (LIB, 8, 2),  # mean 5: high overall, not in 1.2
            *[(ASSIST, 2, 2)] * 3,
        ],
    },
    "p2": {
        "W1": [
            (LIB, 8, 8),
            *[(LIB, 6, 6)] * 4,
            *[(ASSIST, 5, 5)] * 5,
        ],
        "W2": [
            (LIB, 6, 6),  # high
            (LIB, 5, 4),  # mean 4.5
            (LIB, 2, 3),
            *[(ASSIST, 2, 3)] * 3,
            (ASSIST, 1, None),  # rated 1.1 only: mean 1
        ],
    },
}


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE).course
    assert loaded is not None
    return loaded


def survey(course: Course, answers: Answers) -> SurveyData:
    """SurveyData from the answers; learner ids are the workplace and the respondent's number,
    so the same people answer in both periods."""
    ratings, people = [], []
    for period, places in answers.items():
        for workplace, respondents in places.items():
            place = workplace.split(" / ") if " / " in workplace else ["R", "M", workplace]
            for i, (role, level_1, level_2) in enumerate(respondents, start=1):
                learner = f"{workplace}-{i:02}"
                people.append((learner, period, *place, role))
                for competence, level in (("1.1", level_1), ("1.2", level_2)):
                    if level is not None:
                        ratings.append((learner, period, "1", competence, level))
    return SurveyData(
        course=course,
        ratings=pd.DataFrame(ratings, columns=["learner", "period", "area", "competence", "level"]),
        people=pd.DataFrame(
            people, columns=["learner", "period", "region", "municipality", "workplace", "role"]
        ),
        periods=list(answers),
        high_level=5,
        scale_size=8,
        synthetic=None,
    )


def row(table: pd.DataFrame, **where: object) -> pd.Series:
    found = table
    for column, value in where.items():
        found = found[found[column] == value]
    assert len(found) == 1, (where, found)
    return found.iloc[0]


def test_respondents_per_period(course: Course) -> None:
    tables = survey_tables(survey(course, ANSWERS))
    # p1: 10 + 6; p2: 10 + 7.
    assert tables.respondents.to_dict("list") == {"period": ["p1", "p2"], "n": [16, 17]}


# period, competence, n, sum of levels, respondents at levels 1..8, high (level ≥ 5), counted
# from ANSWERS: e.g. p1 1.1: W1 6+5+5+4+3·6 = 38, W2 7+6+8+2·3 = 27, sum 65 over 16.
COMPETENCES = [
    ("p1", "1.1", 16, 65, [0, 3, 6, 1, 2, 2, 1, 1], 6),
    ("p1", "1.2", 16, 57, [0, 4, 6, 2, 2, 1, 1, 0], 4),
    ("p2", "1.1", 17, 77, [1, 4, 0, 0, 6, 5, 0, 1], 12),  # W1 8+6·4+5·5 = 57, W2 6+5+2·4+1
    ("p2", "1.2", 16, 79, [0, 0, 4, 1, 5, 5, 0, 1], 11),  # W1 57, W2 6+4+3·4 = 22
]


@pytest.mark.parametrize(("period", "competence", "n", "total", "levels", "high"), COMPETENCES)
def test_competence_levels_and_high_self_raters(
    course: Course, period: str, competence: str, n: int, total: int, levels: list[int], high: int
) -> None:
    assert sum(levels) == n and sum(levels[4:]) == high  # the counts are consistent
    table = survey_tables(survey(course, ANSWERS)).competences
    found = row(table, period=period, competence=competence)
    assert found["area"] == "1"
    assert found["n"] == n
    assert found["mean"] == pytest.approx(total / n)
    assert [found[f"level_{i}"] for i in range(1, 9)] == pytest.approx([k / n for k in levels])
    assert found["high"] == high
    assert found["share"] == pytest.approx(high / n)
    low, upper = wilson_interval(high, n)
    assert (found["ci_low"], found["ci_high"]) == pytest.approx((float(low), float(upper)))
    assert len(table) == 4


def test_high_self_raters_overall_use_the_mean_of_the_levels(course: Course) -> None:
    scopes = survey_tables(survey(course, ANSWERS)).scopes
    # p1: W1 2 (means 6, 5) + W2 3 (means 7, 5, 5) = 5 of 16; the means 4.5 are not high.
    # p2: W1 10 + W2 1 = 11 of 17 (the one who rated 1.1 only counts, with mean 1).
    for period, n, high in [("p1", 16, 5), ("p2", 17, 11)]:
        for scope in (ALL, "1"):  # the only area is the whole framework here
            found = row(scopes, period=period, scope=scope)
            assert (found["n"], found["high"]) == (n, high)
            assert found["share"] == pytest.approx(high / n)
            low, upper = wilson_interval(high, n)
            assert (found["ci_low"], found["ci_high"]) == pytest.approx((float(low), float(upper)))
    assert len(scopes) == 4


def test_the_change_between_periods_carries_newcombes_interval(course: Course) -> None:
    change = survey_tables(survey(course, ANSWERS)).change
    # Overall 5/16 → 11/17; 1.1 6/16 → 12/17; 1.2 4/16 → 11/16 (counts above).
    for scope, (x_from, n_from), (x_to, n_to) in [
        (ALL, (5, 16), (11, 17)),
        ("1", (5, 16), (11, 17)),
        ("1.1", (6, 16), (12, 17)),
        ("1.2", (4, 16), (11, 16)),
    ]:
        found = row(change, scope=scope)
        assert (found["from_period"], found["to_period"]) == ("p1", "p2")
        assert (found["n_from"], found["n_to"]) == (n_from, n_to)
        assert found["share_from"] == pytest.approx(x_from / n_from)
        assert found["share_to"] == pytest.approx(x_to / n_to)
        assert found["change"] == pytest.approx(x_to / n_to - x_from / n_from)
        # The later period first: the change is p2 − p1.
        low, high = newcombe_difference(x_to, n_to, x_from, n_from)
        assert (found["ci_low"], found["ci_high"]) == pytest.approx((float(low), float(high)))
        assert found["ci_low"] < found["change"] < found["ci_high"]
    assert len(change) == 4


def test_group_figures_per_workplace_and_role(course: Course) -> None:
    groups = survey_tables(survey(course, ANSWERS)).groups
    assert set(groups["dimension"]) == {"region", "municipality", "workplace", "role"}
    assert (groups["hidden"] == "").all()  # no group under 5 in either period
    # (dimension, group, period, scope) → (n, high), counted from ANSWERS.
    expected = {
        ("workplace", "R / M / W1", "p1", ALL): (10, 2),
        ("workplace", "R / M / W2", "p1", ALL): (6, 3),
        ("workplace", "R / M / W1", "p2", ALL): (10, 10),
        ("workplace", "R / M / W2", "p2", ALL): (7, 1),
        ("workplace", "R / M / W1", "p1", "1.1"): (10, 3),  # levels 6, 5, 5
        ("workplace", "R / M / W2", "p1", "1.2"): (6, 1),  # level 7
        ("workplace", "R / M / W2", "p2", "1.1"): (7, 2),  # levels 6, 5
        ("workplace", "R / M / W2", "p2", "1.2"): (6, 1),  # one rated 1.1 only
        ("municipality", "R / M", "p2", ALL): (17, 11),
        ("region", "R", "p1", ALL): (16, 5),
        ("role", LIB, "p1", ALL): (8, 5),  # W1 5 (2 high), W2 3 (3 high)
        ("role", ASSIST, "p1", ALL): (8, 0),
        ("role", LIB, "p2", ALL): (8, 6),  # W1 5 (all high), W2 3 (1 high)
        ("role", ASSIST, "p2", ALL): (9, 5),  # W1 5 (all high), W2 4 (none)
    }
    for (dimension, group, period, scope), (n, high) in expected.items():
        found = row(groups, dimension=dimension, group=group, period=period, scope=scope)
        assert (found["n"], found["high"]) == (n, high)
        assert found["share"] == pytest.approx(high / n)
        low, upper = wilson_interval(high, n)
        assert (found["ci_low"], found["ci_high"]) == pytest.approx((float(low), float(upper)))
    # Per period: 1 region, 1 municipality, 2 workplaces and 2 roles, in 4 scopes each.
    assert len(groups) == 2 * 6 * 4


def test_a_workplace_high_and_rising_beyond_chance_is_a_positive_outlier(course: Course) -> None:
    outliers = survey_tables(survey(course, ANSWERS)).outliers
    assert list(outliers["workplace"]) == ["R / M / W1", "R / M / W2"]
    w1, w2 = outliers.iloc[0], outliers.iloc[1]
    # W1 10/10 high in p2: Wilson's lower end is 10/(10 + z²) = 10/13.8415 = 0.7225, above the
    # share of all respondents, 11/17 = 0.6471; its change 2/10 → 10/10 is 0.8 and the lower end
    # of Newcombe's interval for it is 0.8 − √((1 − 0.7225)² + (0.5098 − 0.2)²) = 0.384 > 0
    # (Wilson 2/10 = 0.0567–0.5098).
    assert (w1["n_first"], w1["n_last"]) == (10, 10)
    assert (w1["share_first"], w1["share_last"]) == pytest.approx((0.2, 1.0))
    assert w1["last_ci_low"] == pytest.approx(0.7225, abs=5e-5)
    assert w1["last_ci_low"] > 11 / 17
    assert w1["change"] == pytest.approx(0.8)
    low, high = newcombe_difference(10, 10, 2, 10)
    assert (w1["ci_low"], w1["ci_high"]) == pytest.approx((float(low), float(high)))
    assert w1["ci_low"] == pytest.approx(0.384, abs=5e-4)
    assert bool(w1["outlier"])
    # W2 falls from 3/6 to 1/7: no outlier.
    assert (w2["n_first"], w2["n_last"]) == (6, 7)
    assert w2["change"] == pytest.approx(1 / 7 - 3 / 6)
    low, high = newcombe_difference(1, 7, 3, 6)
    assert (w2["ci_low"], w2["ci_high"]) == pytest.approx((float(low), float(high)))
    assert not bool(w2["outlier"])


def test_a_workplace_high_but_not_above_the_rest_beyond_chance_is_no_outlier(
    course: Course,
) -> None:
    # As above, but W2 has 5 of 7 high in p2: the share of all is 15/17 = 0.882, above W1's
    # lower end 0.7225, though W1 still rose beyond chance.
    answers: Answers = {
        "p1": ANSWERS["p1"],
        "p2": {"W1": ANSWERS["p2"]["W1"], "W2": [(LIB, 6, 6)] * 5 + [(ASSIST, 2, 3)] * 2},
    }
    outliers = survey_tables(survey(course, answers)).outliers
    w1 = row(outliers, workplace="R / M / W1")
    assert w1["ci_low"] > 0 and w1["last_ci_low"] < 15 / 17
    assert not outliers["outlier"].any()


def test_a_small_workplace_and_its_sibling_are_hidden_with_no_figures(course: Course) -> None:
    # p2: W1 10 and W2 3 in municipality M (13, shown): W2 is small, and W1 would give it away
    # (13 − 10 = 3), so W1 is hidden by subtraction. p1 is as before: nothing hidden.
    answers: Answers = {
        "p1": ANSWERS["p1"],
        "p2": {"W1": [(LIB, 6, 6)] * 10, "W2": [(LIB, 2, 2)] * 3},
    }
    groups = survey_tables(survey(course, answers)).groups
    places = groups[(groups["dimension"] == "workplace") & (groups["period"] == "p2")]
    assert set(places["scope"]) == {ALL, "1", "1.1", "1.2"}  # hidden rows keep their row
    hidden = dict(zip(places["group"], places["hidden"], strict=True))
    assert hidden == {"R / M / W1": "subtraction", "R / M / W2": "small"}
    figures = places[["n", "high", "share", "ci_low", "ci_high"]].to_numpy(dtype=float)
    assert np.isnan(figures).all()
    # The municipality, the region and the role (all 13) stay shown.
    for dimension, group in [("municipality", "R / M"), ("region", "R"), ("role", LIB)]:
        found = row(groups, dimension=dimension, group=group, period="p2", scope=ALL)
        assert found["hidden"] == "" and (found["n"], found["high"]) == (13, 10)
    # p1 is untouched.
    first = groups[(groups["dimension"] == "workplace") & (groups["period"] == "p1")]
    assert (first["hidden"] == "").all() and not math.isnan(first["n"].sum())
    # Neither workplace has a shown share in p2, so neither is an outlier candidate.
    assert survey_tables(survey(course, answers)).outliers.empty


def test_a_small_region_cannot_be_worked_out_from_a_one_library_region(course: Course) -> None:
    # 20 respondents: region R1 has one municipality with one library (17), region R2 one
    # with 3. R2 is hidden; the total (respondents table) is shown, so 20 − 17 = 3 unless the
    # one figure that is 17 in R1 (the library's row; R1's and M1's are hidden) is hidden too.
    answers: Answers = {
        "p1": {"R1 / M1 / W1": [(LIB, 6, 6)] * 17, "R2 / M2 / W2": [(LIB, 2, 2)] * 3},
    }
    tables = survey_tables(survey(course, answers))
    assert tables.respondents["n"].tolist() == [20]
    groups = tables.groups[tables.groups["scope"] == ALL]
    hidden = dict(zip(groups["group"], groups["hidden"], strict=True))
    assert hidden["R2"] == hidden["R2 / M2"] == hidden["R2 / M2 / W2"] == "small"
    assert hidden["R1"] == hidden["R1 / M1"] == "subtraction"
    assert hidden["R1 / M1 / W1"] != ""


def test_survey_tables_use_no_deprecated_pandas_api(course: Course) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        survey_tables(survey(course, ANSWERS))


def test_a_competence_few_skipped_is_hidden_in_its_own_tree(course: Course) -> None:
    # R1 and R2 have 10 respondents each, but only 4 in R2 rated 1.2 (the rest 1.1 only). The
    # 1.2 total (14) is shown, so R2's 1.2 row would be 14 − 10 unless R1's 1.2 row is hidden
    # too; the 1.1 and overall rows of both regions stay shown (10 and 10).
    answers: Answers = {
        "p1": {
            "R1 / M1 / W1": [(LIB, 6, 6)] * 10,
            "R2 / M2 / W2": [(LIB, 2, 2)] * 4 + [(LIB, 2, None)] * 6,
        },
    }
    tables = survey_tables(survey(course, answers))
    regions = tables.groups[tables.groups["dimension"] == "region"]
    hidden = {(g, s): h for g, s, h in zip(regions["group"], regions["scope"], regions["hidden"],
                                              strict=True)}  # fmt: skip
    assert hidden[("R2", "1.2")] == "small" and hidden[("R1", "1.2")] == "subtraction"
    assert hidden[("R1", "1.1")] == hidden[("R2", "1.1")] == hidden[("R1", ALL)] == ""
    assert row(tables.competences, competence="1.2")["n"] == 14  # the total itself is shown


def test_a_period_with_fewer_than_five_respondents_shows_no_figures(course: Course) -> None:
    # Three respondents: their levels would be each person's rating.
    answers: Answers = {"p1": {"W1": [(LIB, 5, 5), (LIB, 6, 6), (LIB, 7, 7)]}}
    tables = survey_tables(survey(course, answers))
    assert tables.respondents["n"].isna().all()
    assert tables.scopes[["n", "high", "share"]].isna().all().all()
    level_columns = [c for c in tables.competences.columns if c.startswith("level_")]
    assert tables.competences[["n", "mean", *level_columns]].isna().all().all()
