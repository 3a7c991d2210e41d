"""Item analysis as Moodle's quiz statistics report defines it: per item and for the whole test."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kurskit.course.questions import MultipleChoice, Ordering, QuestionBase, SingleChoice, TrueFalse
from kurskit.course.scoring import score

# The definitions follow Moodle's code, which is what its report shows (docs.moodle.org/dev/
# Quiz_statistics_calculations describes the same): per item question/classes/statistics/
# questions/calculator.php, for the test mod/quiz/report/statistics/classes/calculator.php, the
# display (shares ×100 %) mod/quiz/report/statistics/statistics_table.php. Every variance and
# covariance is a sample one (divided by n − 1), as there. Moodle's "null" is our None.

MAX_CHOICES = 12  # 2¹² − 1 subsets to score; beyond that random_guess_score gives None
MAX_ORDER_ITEMS = 8  # 8! = 40 320 orders

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ItemStatistics:
    """One item (question) as a row of Moodle's table; shares are 0..1 where Moodle shows %."""

    n: int
    facility: float
    sd: float | None
    random_guess: float | None
    intended_weight: float
    effective_weight: float | None
    discrimination: float | None
    discriminative_efficiency: float | None


@dataclass(frozen=True)
class TestStatistics:
    """The whole test: the totals (raw points) of Moodle's "Quiz information" table."""

    __test__ = False  # a result, not a pytest test class

    n: int
    items: int
    maximum: float
    mean: float
    median: float
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None


def _matrix(scores: npt.ArrayLike, maxima: npt.ArrayLike) -> tuple[Floats, Floats]:
    x = np.asarray(scores, dtype=float)
    top = np.asarray(maxima, dtype=float)
    if x.ndim != 2 or top.shape != (x.shape[1],) or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError("scores must be a non-empty learners × items matrix, maxima one each")
    if not (np.isfinite(x).all() and np.isfinite(top).all() and (top > 0).all()):
        raise ValueError("scores must be finite and maxima finite and positive")
    return x, top


def _centred(a: Floats) -> Floats:
    """Deviations from the column means, exactly 0 in a constant column: the mean of equal
    floats can be off in the last bit, and that must not fake a (negative) covariance."""
    d = a - a.mean(axis=0)
    return np.where((a == a[0]).all(axis=0), 0.0, d)


def item_statistics(
    scores: npt.ArrayLike, maxima: npt.ArrayLike, random_guess: Sequence[float | None]
) -> list[ItemStatistics]:
    """Moodle's per-question statistics for a complete learners × items matrix of points.

    With x the item's points, X the test total and s = n − 1 (all from questions calculator.php):
    facility = mean(x)/max; sd = √(Σ(x − x̄)²/s)/max (the report divides by max);
    intended weight = max/Σ max; discrimination = r(x, X − x), None when either variance is 0;
    discriminative efficiency = cov(x, X − x)/covmax, where covmax pairs the deviations of x
    and of X − x each sorted ascending (the largest covariance those marginals allow), None
    when covmax is 0; effective weight = √cov(x, X)/Σⱼ √cov(xⱼ, X), the sum over items with
    cov ≥ 0 only, None for an item with negative cov (Moodle: "negative covariance") and for
    all when the sum is 0. With n < 2 sd, discrimination, efficiencies and weights are None.
    """
    x, top = _matrix(scores, maxima)
    n, k = x.shape
    guesses = list(random_guess)
    if len(guesses) != k:
        raise ValueError(f"random_guess needs one entry per item ({k}), got {len(guesses)}")
    facility = x.mean(axis=0) / top
    intended = top / top.sum()
    if n < 2:  # one learner has no spread: Moodle leaves sd and the rest blank
        return [
            ItemStatistics(n, f, None, g, w, None, None, None)
            for f, g, w in zip(facility.tolist(), guesses, intended.tolist(), strict=True)
        ]
    total = x.sum(axis=1, keepdims=True)
    dx, drest, dtotal = _centred(x), _centred(total - x), _centred(total)
    s = n - 1
    var = (dx * dx).sum(axis=0) / s
    var_rest = (drest * drest).sum(axis=0) / s
    cov = (dx * drest).sum(axis=0) / s
    cov_max = (np.sort(dx, axis=0) * np.sort(drest, axis=0)).sum(axis=0) / s
    cov_total = (dx * dtotal).sum(axis=0) / s
    root_sum = float(np.sqrt(cov_total[cov_total >= 0]).sum())
    rows = []
    for i in range(k):
        effective = None
        if root_sum > 0 and cov_total[i] >= 0:
            effective = math.sqrt(cov_total[i]) / root_sum
        both = var[i] * var_rest[i]
        rows.append(
            ItemStatistics(
                n=n,
                facility=float(facility[i]),
                sd=math.sqrt(var[i]) / top[i],
                random_guess=guesses[i],
                intended_weight=float(intended[i]),
                effective_weight=effective,
                discrimination=float(cov[i] / math.sqrt(both)) if both > 0 else None,
                discriminative_efficiency=float(cov[i] / cov_max[i]) if cov_max[i] != 0 else None,
            )
        )
    return rows


def test_statistics(scores: npt.ArrayLike, maxima: npt.ArrayLike) -> TestStatistics:
    """Moodle's statistics of the totals (quiz report classes/calculator.php).

    mean and median (the middle two averaged) of X; sd = √(Σd²/(n − 1)), None for n < 2.
    With mⱼ = Σdʲ/n, k2 = n·m2/(n − 1), k3 = n²·m3/((n − 1)(n − 2)) and
    k4 = n²·((n + 1)·m4 − 3(n − 1)·m2²)/((n − 1)(n − 2)(n − 3)): skewness = k3/k2^1.5 (n > 2),
    kurtosis = k4/k2² (excess; n > 3); alpha (Moodle's CIC) = k/(k − 1)·(1 − Σ var(xᵢ)/k2),
    which needs n > 2 in Moodle too, and k > 1; error ratio = √(1 − alpha); standard error =
    error ratio × sd. All of these are None when every total is the same (k2 = 0). alpha ≤ 1
    always (var X ≤ k·Σ var xᵢ), so the root is real; a negative alpha gives a ratio above 1.
    """
    x, top = _matrix(scores, maxima)
    n, k = x.shape
    total = x.sum(axis=1)
    d = _centred(total[:, None])[:, 0]
    sd = skewness = kurtosis = alpha = error_ratio = standard_error = None
    if n > 1:
        sd = math.sqrt(float((d * d).sum()) / (n - 1))
    m2, m3, m4 = (float((d**j).sum()) / n for j in (2, 3, 4))
    if n > 2 and m2 > 0:
        k2 = n * m2 / (n - 1)
        skewness = n * n * m3 / ((n - 1) * (n - 2)) / k2**1.5
        if n > 3:
            k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
            kurtosis = k4 / (k2 * k2)
        if k > 1:
            item_variance = float((_centred(x) ** 2).sum()) / (n - 1)
            alpha = k / (k - 1) * (1 - item_variance / k2)
            error_ratio = math.sqrt(max(0.0, 1 - alpha))  # max: float noise at alpha = 1
            standard_error = error_ratio * sd if sd is not None else None
    return TestStatistics(
        n, k, float(top.sum()), float(total.mean()), float(np.median(total)), sd,
        skewness, kurtosis, alpha, error_ratio, standard_error,
    )  # fmt: skip


def _every_response(spec: QuestionBase) -> list[Any] | None:
    if isinstance(spec, SingleChoice):
        return list(spec.option_ids)
    if isinstance(spec, TrueFalse):
        return [True, False]
    if isinstance(spec, MultipleChoice):
        ids = spec.option_ids
        if len(ids) > MAX_CHOICES:
            return None
        return [
            list(c) for size in range(1, len(ids) + 1) for c in itertools.combinations(ids, size)
        ]
    if isinstance(spec, Ordering):
        if len(spec.answer) > MAX_ORDER_ITEMS:
            return None
        return [list(order) for order in itertools.permutations(spec.answer)]
    return None


def random_guess_score(spec: QuestionBase) -> float | None:
    """The mean share of the points over every possible response, each equally likely, scored
    by kurskit's own score(); None where there is no finite set of responses or no points.

    single choice: every option, as Moodle's multichoice (single) averages the option fractions
    (1/options with one right); true/false: both, Moodle's fixed 0.5; multiple choice: every
    NON-empty subset (giving no answer is not a guess), up to MAX_CHOICES options, where Moodle
    core shows nothing ("pretty much impossible to compute"); ordering: every order, up to
    MAX_ORDER_ITEMS items, where Moodle's qtype_ordering inherits 0. Numeric, short text,
    reflection and the ungraded types give None; Moodle shows 0 for numerical/short answer
    without a "*" answer (question_type::get_random_guess_score), we show nothing as it is not
    an estimate. score() rounds points to 6 decimals, so expect ~1e-7 of rounding.
    """
    responses = _every_response(spec)
    if responses is None or spec.points <= 0:
        return None
    shares = []
    for response in responses:
        result = score(spec, response)
        if result.status != "scored" or result.score is None:
            return None
        shares.append(result.score / result.max)
    return sum(shares) / len(shares)
