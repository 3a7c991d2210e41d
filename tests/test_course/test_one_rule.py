"""One rule, one function: every scaled score in kurskit is `scoring.share`."""

from __future__ import annotations

import datetime as dt

import pytest

from kurskit.course.scoring import Result, passes, share
from kurskit.grading.results import LearnerResult
from kurskit.store.progress import Milestone
from kurskit.store.xapi import StatementBuilder


@pytest.mark.parametrize(("earned", "maximum"), [(3.0, 4.0), (0.0, 2.0), (2.0, 2.0), (1.0, 0.0)])
def test_every_scaled_score_is_share(earned: float, maximum: float) -> None:
    scaled = share(earned, maximum)
    result = Result(earned, maximum, None)
    learner = LearnerResult("x", earned, maximum, 0.5)
    if scaled is None:  # nothing to earn: each view says what that means for it
        assert result.scaled == 1.0  # a zero-point question answered is done
        assert learner.share == 0.0 and not learner.passed  # no course is passed on nothing
    else:
        assert result.scaled == scaled == learner.share
        assert passes(earned, maximum, 0.5) is (scaled >= 0.5) is learner.passed


def test_xapi_course_result_with_nothing_to_earn_has_no_scaled_score() -> None:
    milestone = Milestone(
        "passed", "kurs", None, "p-1", dt.datetime(2026, 12, 4, tzinfo=dt.UTC), ("k",), 0.0, 0.0
    )
    score = StatementBuilder("https://kurs.example").milestone(milestone)["result"]["score"]
    assert score == {"raw": 0.0, "min": 0.0, "max": 0.0}
    milestone = Milestone(
        "passed", "kurs", None, "p-1", dt.datetime(2026, 12, 4, tzinfo=dt.UTC), ("k",), 3.0, 4.0
    )
    statement = StatementBuilder("https://kurs.example").milestone(milestone)
    assert statement["result"]["score"]["scaled"] == 0.75
