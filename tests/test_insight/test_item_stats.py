"""Item analysis against hand arithmetic and a plain transcription of Moodle's calculations."""

from __future__ import annotations

import math
from typing import Any

import pytest

from kurskit.course import parse_question
from kurskit.insight import item_stats
from kurskit.insight.item_stats import ItemStatistics, item_statistics, random_guess_score

# Aliased: a module-level name starting with "test_" would be collected by pytest as a test.
whole_test = item_stats.test_statistics

# numpy's RuntimeWarnings (0/0, sqrt of a negative) must never leak out of the module.
pytestmark = pytest.mark.filterwarnings("error")

# Six learners, four items: Q1 is worth 2 points, Q2–Q4 1 point each. Q4 is planted to
# discriminate negatively: only the weak learner D gets it. Rows are not sorted by total.
#           Q1 Q2 Q3 Q4   total
FIXTURE = [
    [0, 0, 1, 0],  # E  1
    [2, 1, 1, 0],  # A  4
    [1, 0, 0, 0],  # F  1
    [1, 1, 0, 0],  # C  2
    [0, 0, 0, 1],  # D  1
    [1, 1, 1, 0],  # B  3
]
MAXIMA = [2, 1, 1, 1]
GUESSES: list[float | None] = [None, 0.5, 0.25, 0.5]

# Totals X (E, A, F, C, D, B) = 1, 4, 1, 2, 1, 3: mean 12/6 = 2, deviations -1, 2, -1, 0, -1, 1,
# Σd² = 1+4+1+0+1+1 = 8, Σd³ = -1+8-1+0-1+1 = 6, Σd⁴ = 1+16+1+0+1+1 = 20.
# Below "rest" is X − x, and every variance/covariance divides the sum by n − 1 = 5.
#
# Q1 x = 0,2,1,1,0,1: mean 5/6, facility 5/12. Deviations (in sixths) -5,7,1,1,-5,1:
#   Σ = (25+49+1+1+25+1)/36 = 17/6, var 17/30.
#   rest = 1,2,0,1,1,2: mean 7/6, deviations (sixths) -1,5,-7,-1,-1,5: Σ = 102/36, var 17/30.
#   cov(x, rest): (5+35-7-1+5+5)/36 = 42/36, cov 7/30; r = (7/30)/(17/30) = 7/17.
#   sorted: x 0,0,1,1,1,2 → -5,-5,1,1,1,7; rest 0,1,1,1,2,2 → -7,-1,-1,-1,5,5;
#   Σ = (35+5-1-1+5+35)/36 = 78/36, covmax 13/30, efficiency (7/30)/(13/30) = 7/13.
#   cov(x, X): (5+14-1+0+5+1)/6 = 24/6 = 4, cov 4/5.
# Q2 x = 0,1,0,1,0,1: mean 1/2, deviations ±1/2, Σ = 6/4, var 3/10.
#   rest = 1,3,1,1,1,2: mean 3/2, deviations -1/2,3/2,-1/2,-1/2,-1/2,1/2: Σ = 14/4, var 7/10.
#   cov(x, rest): (1+3+1-1+1+1)/4 = 6/4, cov 3/10; r = 3/√(3·7) = √(3/7).
#   sorted: x → -½,-½,-½,½,½,½; rest 1,1,1,1,2,3 → -½,-½,-½,-½,½,3/2:
#   Σ = (1+1+1-1+1+3)/4 = 6/4, covmax 3/10, efficiency 1.
#   cov(x, X): (1+2+1+0+1+1)/2 = 3, cov 3/5.
# Q3 x = 1,1,0,0,0,1: mean 1/2, var 3/10.
#   rest = 0,3,1,2,1,2: mean 3/2, deviations -3/2,3/2,-1/2,1/2,-1/2,1/2: Σ = 22/4, var 11/10.
#   cov(x, rest): (-3+3+1-1+1+1)/4 = 2/4, cov 1/10; r = 1/√(3·11) = 1/√33.
#   sorted: x → -½,-½,-½,½,½,½; rest 0,1,1,2,2,3 → -3/2,-½,-½,½,½,3/2:
#   Σ = (3+1+1+1+1+3)/4 = 10/4, covmax 1/2, efficiency (1/10)/(1/2) = 1/5.
#   cov(x, X): (-1+2+1+0+1+1)/2 = 2, cov 2/5.
# Q4 x = 0,0,0,0,1,0: mean 1/6, facility 1/6, deviations (sixths) -1 ×5 and 5:
#   Σ = (5+25)/36 = 5/6, var 1/6.
#   rest = 1,4,1,2,0,3: mean 11/6, deviations (sixths) -5,13,-5,1,-11,7: Σ = 390/36, var 13/6.
#   cov(x, rest): (5-13+5-1-55-7)/36 = -66/36, cov -11/30;
#   r = (-11/30)/√(1/6 · 13/6) = -11/(5√13).
#   sorted: x → -1,-1,-1,-1,-1,5; rest 0,1,1,2,3,4 → -11,-5,-5,1,7,13:
#   Σ = (11+5+5-1-7+65)/36 = 78/36, covmax 13/30, efficiency -11/13.
#   cov(x, X): (1-2+1-0-5-1)/6 = -1, cov -1/5 < 0 → no effective weight.
# Check: the covariances with X add up to var X: 4/5 + 3/5 + 2/5 - 1/5 = 8/5 = 8/5. ✓
# Effective weights: √(4/5), √(3/5), √(2/5) over their sum, i.e. 2, √3, √2 over 2+√3+√2.
ROOTS = 2 + math.sqrt(3) + math.sqrt(2)
EXPECTED_ITEMS = [
    ItemStatistics(6, 5 / 12, math.sqrt(17 / 30) / 2, None, 2 / 5, 2 / ROOTS, 7 / 17, 7 / 13),
    ItemStatistics(
        6, 1 / 2, math.sqrt(3 / 10), 0.5, 1 / 5, math.sqrt(3) / ROOTS, math.sqrt(3 / 7), 1.0
    ),
    ItemStatistics(
        6, 1 / 2, math.sqrt(3 / 10), 0.25, 1 / 5, math.sqrt(2) / ROOTS, 1 / math.sqrt(33), 1 / 5
    ),
    ItemStatistics(
        6, 1 / 6, math.sqrt(1 / 6), 0.5, 1 / 5, None, -11 / (5 * math.sqrt(13)), -11 / 13
    ),
]
# Whole test: m2 = 8/6 = 4/3, m3 = 6/6 = 1, m4 = 20/6 = 10/3.
# k2 = 6·(4/3)/5 = 8/5 (the sample variance, sd √(8/5)); k3 = 36·1/(5·4) = 9/5;
# k4 = 36·(7·10/3 − 3·5·16/9)/(5·4·3) = 36·(−10/3)/60 = −2.
# skewness = (9/5)/(8/5)^1.5; kurtosis = −2/(64/25) = −25/32.
# Σ item variances = 17/30 + 9/30 + 9/30 + 5/30 = 4/3;
# alpha = 4/3·(1 − (4/3)/(8/5)) = 4/3·1/6 = 2/9.
# error ratio = √(1 − 2/9) = √7/3; standard error = √7/3 · √(8/5).
# Median: sorted totals 1,1,1,2,3,4 → (1 + 2)/2 = 3/2 (not the mean, 2).
EXPECTED_TEST = item_stats.TestStatistics(
    n=6,
    items=4,
    maximum=5.0,
    mean=2.0,
    median=1.5,
    sd=math.sqrt(8 / 5),
    skewness=(9 / 5) / (8 / 5) ** 1.5,
    kurtosis=-25 / 32,
    alpha=2 / 9,
    error_ratio=math.sqrt(7) / 3,
    standard_error=math.sqrt(7) / 3 * math.sqrt(8 / 5),
)


def _assert_same(found: Any, expected: Any) -> None:
    """Dataclasses field by field: None where None is expected, otherwise equal to 1e-12."""
    for name, want in vars(expected).items():
        got = getattr(found, name)
        if want is None:
            assert got is None, name
        else:
            assert got == pytest.approx(want, abs=1e-12), name


def test_every_item_statistic_matches_the_hand_arithmetic() -> None:
    found = item_statistics(FIXTURE, MAXIMA, GUESSES)
    assert len(found) == 4
    for got, want in zip(found, EXPECTED_ITEMS, strict=True):
        _assert_same(got, want)


def test_every_test_statistic_matches_the_hand_arithmetic() -> None:
    _assert_same(whole_test(FIXTURE, MAXIMA), EXPECTED_TEST)


def test_the_planted_item_discriminates_negatively() -> None:
    planted = item_statistics(FIXTURE, MAXIMA, GUESSES)[3]
    assert planted.discrimination is not None and planted.discrimination < 0
    assert planted.discriminative_efficiency is not None
    assert planted.discriminative_efficiency < 0
    assert planted.effective_weight is None  # negative covariance with the total


# --- a second, naive transcription of Moodle's steps ----------------------------------------


def _moodle_by_hand(scores: list[list[float]], maxima: list[float]) -> dict[str, Any]:
    """Moodle's walkers transcribed literally: plain loops over learners, no numpy.

    questions/calculator.php: first pass sums, averages, sorted mark lists; second pass the
    squared/cross deviation sums (the sorted lists paired one by one for covmax); then divide by
    s − 1. quiz calculator.php: mean, median, Σd², Σd³, Σd⁴, then k2, k3, k4, CIC.
    """
    s = len(scores)
    slots = range(len(maxima))
    summarks = [sum(row) for row in scores]
    items: list[dict[str, float | None]] = []
    covariancewithoverallmark: list[float] = []
    sumofmarkvariance = 0.0
    for slot in slots:
        marks = [row[slot] for row in scores]
        others = [summarks[u] - marks[u] for u in range(s)]
        markaverage = sum(marks) / s
        othermarkaverage = sum(others) / s
        summarksaverage = sum(summarks) / s
        sortedmarks, sortedothers = sorted(marks), sorted(others)
        markvariancesum = othermarkvariancesum = covariancesum = 0.0
        covariancemaxsum = covariancewithoverallmarksum = 0.0
        for u in range(s):
            markdifference = marks[u] - markaverage
            othermarkdifference = others[u] - othermarkaverage
            overallmarkdifference = summarks[u] - summarksaverage
            markvariancesum += markdifference**2
            othermarkvariancesum += othermarkdifference**2
            covariancesum += markdifference * othermarkdifference
            covariancemaxsum += (sortedmarks[u] - markaverage) * (
                sortedothers[u] - othermarkaverage
            )
            covariancewithoverallmarksum += markdifference * overallmarkdifference
        markvariance = markvariancesum / (s - 1)
        othermarkvariance = othermarkvariancesum / (s - 1)
        covariance = covariancesum / (s - 1)
        covariancemax = covariancemaxsum / (s - 1)
        sumofmarkvariance += markvariance
        covariancewithoverallmark.append(covariancewithoverallmarksum / (s - 1))
        items.append(
            {
                "facility": markaverage / maxima[slot],
                "sd": math.sqrt(markvariance) / maxima[slot],
                "intended_weight": maxima[slot] / sum(maxima),
                "discrimination": covariance / math.sqrt(markvariance * othermarkvariance),
                "discriminative_efficiency": covariance / covariancemax,
            }
        )
    rootsum = 0.0
    for covariance in covariancewithoverallmark:
        if covariance >= 0:
            rootsum += math.sqrt(covariance)
    for item, covariance in zip(items, covariancewithoverallmark, strict=True):
        item["effective_weight"] = None if covariance < 0 else math.sqrt(covariance) / rootsum

    mean = sum(summarks) / s
    ordered = sorted(summarks)
    middle = s // 2  # Moodle: LIMIT 2 from s/2 − 1 when s is even, else LIMIT 1 from ⌊s/2⌋
    median = (ordered[middle - 1] + ordered[middle]) / 2 if s % 2 == 0 else ordered[middle]
    power2 = power3 = power4 = 0.0
    for total in summarks:
        power2 += (total - mean) ** 2
        power3 += (total - mean) ** 3
        power4 += (total - mean) ** 4
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    k4 = s * s * (((s + 1) * m4) - (3 * (s - 1) * m2 * m2)) / ((s - 1) * (s - 2) * (s - 3))
    p = len(maxima)
    cic = (100 * p / (p - 1)) * (1 - (sumofmarkvariance / k2))
    errorratio = 100 * math.sqrt(1 - (cic / 100))
    sd = math.sqrt(power2 / (s - 1))
    test = {
        "mean": mean,
        "median": median,
        "sd": sd,
        "skewness": k3 / k2**1.5,
        "kurtosis": k4 / (k2 * k2),
        "alpha": cic / 100,
        "error_ratio": errorratio / 100,
        "standard_error": errorratio * sd / 100,
    }
    return {"items": items, "test": test}


def test_the_fixture_agrees_with_a_naive_transcription_of_moodle() -> None:
    scores = [[float(v) for v in row] for row in FIXTURE]
    naive = _moodle_by_hand(scores, [float(m) for m in MAXIMA])
    found = item_statistics(FIXTURE, MAXIMA, GUESSES)
    for got, want, guess in zip(found, naive["items"], GUESSES, strict=True):
        assert got.n == 6
        assert got.random_guess == guess
        for name, value in want.items():
            if value is None:
                assert getattr(got, name) is None, name
            else:
                assert getattr(got, name) == pytest.approx(value, abs=1e-12), name
    whole = whole_test(FIXTURE, MAXIMA)
    assert (whole.n, whole.items, whole.maximum) == (6, 4, 5.0)
    for name, value in naive["test"].items():
        assert getattr(whole, name) == pytest.approx(value, abs=1e-12), name


def test_a_larger_matrix_agrees_with_the_naive_transcription() -> None:
    # Fractional scores, a 3-point item and 9 learners, so nothing rests on the fixture's shape.
    scores = [
        [2.5, 1.0, 0.0, 1.0, 0.5],
        [3.0, 1.0, 1.0, 1.0, 1.0],
        [0.5, 0.0, 1.0, 0.0, 0.0],
        [1.0, 1.0, 0.0, 0.0, 1.0],
        [2.0, 0.0, 1.0, 1.0, 0.5],
        [0.0, 0.0, 0.0, 1.0, 0.0],
        [3.0, 1.0, 1.0, 0.0, 1.0],
        [1.5, 1.0, 1.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.5],
    ]
    maxima = [3.0, 1.0, 1.0, 1.0, 1.0]
    naive = _moodle_by_hand(scores, maxima)
    found = item_statistics(scores, maxima, [None] * 5)
    for got, want in zip(found, naive["items"], strict=True):
        for name, value in want.items():
            if value is None:
                assert getattr(got, name) is None, name
            else:
                assert getattr(got, name) == pytest.approx(value, abs=1e-12), name
    whole = whole_test(scores, maxima)
    for name, value in naive["test"].items():
        assert getattr(whole, name) == pytest.approx(value, abs=1e-12), name


# --- KR-20 --------------------------------------------------------------------------------


def test_alpha_equals_kr20_on_right_or_wrong_items() -> None:
    scores = [
        [1, 1, 1, 1, 0],
        [1, 1, 0, 1, 1],
        [1, 0, 1, 0, 0],
        [0, 1, 0, 0, 0],
        [1, 1, 1, 1, 1],
        [0, 0, 0, 1, 0],
        [1, 0, 0, 0, 0],
    ]
    n, k = len(scores), 5
    # KR-20 = k/(k−1)·(1 − Σ pq / σ²), with p the share right and σ² the population variance of
    # the totals: a ratio of two population moments, so it equals alpha's ratio of sample ones.
    pq = 0.0
    for i in range(k):
        p = sum(row[i] for row in scores) / n
        pq += p * (1 - p)
    totals = [sum(row) for row in scores]
    mean = sum(totals) / n
    population_variance = sum((t - mean) ** 2 for t in totals) / n
    kr20 = k / (k - 1) * (1 - pq / population_variance)
    alpha = whole_test(scores, [1] * k).alpha
    assert alpha is not None
    assert alpha == pytest.approx(kr20, abs=1e-12)


# --- edge cases -----------------------------------------------------------------------------


def test_an_item_everyone_gets_has_no_discrimination_and_no_weight_of_its_own() -> None:
    scores = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 1]]
    constant = item_statistics(scores, [1, 1, 1], [None] * 3)[0]
    assert constant.facility == 1.0
    assert constant.sd == 0.0
    assert constant.discrimination is None
    assert constant.discriminative_efficiency is None
    # Moodle: covariance 0 is not negative, so the weight is √0/Σ = 0, not "negative covariance".
    assert constant.effective_weight == 0.0


def test_when_every_item_is_constant_nothing_has_an_effective_weight() -> None:
    found = item_statistics([[1, 0], [1, 0], [1, 0]], [1, 1], [None, None])
    assert [s.effective_weight for s in found] == [None, None]
    assert [s.discrimination for s in found] == [None, None]
    whole = whole_test([[1, 0], [1, 0], [1, 0]], [1, 1])
    assert whole.sd == 0.0
    assert (whole.skewness, whole.kurtosis, whole.alpha) == (None, None, None)
    assert (whole.error_ratio, whole.standard_error) == (None, None)


def test_constant_floats_do_not_fake_a_covariance() -> None:
    # 0.1 three times has a mean a hair off 0.1; that must not make the covariance negative.
    found = item_statistics([[0.1, 0.0], [0.1, 1.0], [0.1, 1.0]], [1, 1], [None, None])
    assert found[0].effective_weight == 0.0
    assert found[0].sd == 0.0
    assert found[1].effective_weight == 1.0


def test_one_learner_gives_none_wherever_a_spread_is_needed() -> None:
    (only,) = item_statistics([[1.0]], [2.0], [0.5])
    assert only.n == 1
    assert only.facility == 0.5
    assert only.random_guess == 0.5
    assert only.intended_weight == 1.0
    assert (only.sd, only.effective_weight) == (None, None)
    assert (only.discrimination, only.discriminative_efficiency) == (None, None)
    whole = whole_test([[1.0, 2.0]], [2.0, 2.0])
    assert (whole.mean, whole.median, whole.maximum) == (3.0, 3.0, 4.0)
    assert (whole.sd, whole.skewness, whole.kurtosis, whole.alpha) == (None, None, None, None)
    assert (whole.error_ratio, whole.standard_error) == (None, None)


def test_moodle_needs_three_learners_for_skewness_and_alpha_and_four_for_kurtosis() -> None:
    two = whole_test([[1, 0], [0, 0]], [1, 1])
    assert two.sd == pytest.approx(math.sqrt(1 / 2))  # totals 1, 0: Σd² = 1/2, over n − 1 = 1
    assert (two.skewness, two.kurtosis, two.alpha) == (None, None, None)
    three = whole_test([[1, 1], [1, 0], [0, 0]], [1, 1])
    assert three.skewness == pytest.approx(0.0)  # totals 2, 1, 0 are symmetric
    assert three.alpha is not None
    assert three.kurtosis is None


def test_a_single_item_has_no_alpha_and_no_rest_to_discriminate_against() -> None:
    (only,) = item_statistics([[1], [0], [1]], [1], [None])
    assert only.discrimination is None  # X − x is 0 for everyone
    assert only.effective_weight == 1.0
    assert whole_test([[1], [0], [1]], [1]).alpha is None


def test_a_negative_alpha_gives_an_error_ratio_above_one() -> None:
    # Two items that pull against each other: totals 1, 1, 1, 1, 2 vary less than the items.
    whole = whole_test([[1, 0], [0, 1], [1, 0], [0, 1], [1, 1]], [1, 1])
    assert whole.alpha is not None and whole.alpha < 0
    assert whole.error_ratio is not None and whole.error_ratio > 1


@pytest.mark.parametrize(
    ("scores", "maxima", "guesses"),
    [
        ([], [1], [None]),
        ([[1, 0]], [1], [None]),
        ([[1, 0]], [1, 0], [None, None]),
        ([[1, float("nan")]], [1, 1], [None, None]),
        ([[1, 0]], [1, 1], [None]),
    ],
)
def test_malformed_input_is_refused(scores: Any, maxima: Any, guesses: Any) -> None:
    with pytest.raises(ValueError):
        item_statistics(scores, maxima, guesses)


# --- random guess score -------------------------------------------------------------------


def _spec(kind: str, **fields: Any) -> Any:
    return parse_question({"id": "q", "type": kind, "prompt": "?", **fields})


def test_random_guess_single_choice_is_one_over_the_options() -> None:
    spec = _spec("single_choice", options=["w", "x", "y", "z"], answer="c", points=2)
    assert random_guess_score(spec) == pytest.approx(0.25)  # a share, not 0.5 points


def test_random_guess_true_false_is_a_half() -> None:
    assert random_guess_score(_spec("true_false", answer=False)) == pytest.approx(0.5)


def test_random_guess_multiple_choice_averages_the_non_empty_subsets() -> None:
    # Right a, b of a, b, c; partial = max(0, (right picks − wrong picks)/2):
    # {a} ½, {b} ½, {c} 0, {a,b} 1, {a,c} 0, {b,c} 0, {a,b,c} ½ → (5/2)/7 = 5/14.
    partial = _spec("multiple_choice", options=["p", "q", "r"], answer=["a", "b"])
    assert random_guess_score(partial) == pytest.approx(5 / 14, abs=1e-6)
    # All or nothing: only {a,b} of the 7 subsets scores.
    strict = _spec(
        "multiple_choice", options=["p", "q", "r"], answer=["a", "b"], scoring="all_or_nothing"
    )
    assert random_guess_score(strict) == pytest.approx(1 / 7, abs=1e-6)


def test_random_guess_ordering_of_three_items() -> None:
    # Items in place, per order of (1, 2, 3): 123 → 3, 132 → 1, 213 → 1, 231 → 0, 312 → 0,
    # 321 → 1: 6 of 18 places, so 1/3 partial; all or nothing only 123, 1/6.
    partial = _spec("ordering", items=["one", "two", "three"])
    assert random_guess_score(partial) == pytest.approx(1 / 3, abs=1e-6)
    strict = _spec("ordering", items=["one", "two", "three"], scoring="all_or_nothing")
    assert random_guess_score(strict) == pytest.approx(1 / 6, abs=1e-6)


def test_random_guess_is_none_without_a_finite_set_of_answers_or_beyond_the_caps() -> None:
    assert random_guess_score(_spec("numeric", answer=3.5)) is None
    assert random_guess_score(_spec("short_text", accept=["Stockholm"])) is None
    assert random_guess_score(_spec("reflection")) is None
    many = [f"option {i}" for i in range(13)]
    assert random_guess_score(_spec("multiple_choice", options=many, answer=["a"])) is None
    long = [f"item {i}" for i in range(9)]
    assert random_guess_score(_spec("ordering", items=long)) is None
    no_points = _spec("single_choice", options=["x", "y"], answer="a", points=0)
    assert random_guess_score(no_points) is None
