"""Wilson's and Newcombe's intervals against the values Newcombe published for them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kurskit.insight.stats import Z95, newcombe_difference, wilson_interval


def test_z95_is_the_two_sided_95_percent_normal_quantile() -> None:
    assert abs(Z95 - 1.959964) < 1e-6  # any normal table: z(0.975) = 1.959964


# Newcombe RG (1998a), "Two-sided confidence intervals for the single proportion: comparison
# of seven methods", Statistics in Medicine 17:857-872, Table I, method 3 (score interval
# without continuity correction), to the 4 decimals printed there.
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998_table_1(
    successes: int, n: int, low: float, high: float
) -> None:
    found_low, found_high = wilson_interval(successes, n)
    assert float(found_low) == pytest.approx(low, abs=5e-5)
    assert float(found_high) == pytest.approx(high, abs=5e-5)


def test_wilson_interval_of_all_successes_ends_at_n_over_n_plus_z_squared() -> None:
    # With p = 1 the centre is (1 + z²/2n)/(1 + z²/n) and the half-width (z²/2n)/(1 + z²/n), so
    # the lower end is 1/(1 + z²/n) = n/(n + z²): 10/(10 + 3.841459) = 0.722467.
    low, high = wilson_interval(10, 10)
    assert float(low) == pytest.approx(10 / (10 + 1.959964**2), abs=1e-6)
    assert float(low) == pytest.approx(0.722467, abs=1e-6)
    assert float(high) == pytest.approx(1.0, abs=1e-12)


# Newcombe RG (1998b), "Interval estimation for the difference between independent
# proportions: comparison of eleven methods", Statistics in Medicine 17:873-890, Table II,
# method 10 (hybrid score interval without continuity correction), examples (a)-(d).
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        # Example (c): Wilson 6/7 = 0.4869-0.9743 and 2/7 = 0.0822-0.6411 (method 3 above), so
        # 4/7 - sqrt((6/7 - 0.4869)² + (0.6411 - 2/7)²) = 0.5714 - sqrt(0.1371 + 0.1263) = 0.0582
        # and 4/7 + sqrt((0.9743 - 6/7)² + (2/7 - 0.0822)²) = 0.5714 + 0.2348 = 0.8062.
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_newcombe_difference_matches_newcombe_1998_table_2(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    found_low, found_high = newcombe_difference(x1, n1, x2, n2)
    assert float(found_low) == pytest.approx(low, abs=5e-5)
    assert float(found_high) == pytest.approx(high, abs=5e-5)
    # p1 - p2: swapping the samples mirrors the interval around zero.
    swapped_low, swapped_high = newcombe_difference(x2, n2, x1, n1)
    assert float(swapped_low) == pytest.approx(-float(found_high), abs=1e-12)
    assert float(swapped_high) == pytest.approx(-float(found_low), abs=1e-12)


def test_intervals_contain_the_point_estimate() -> None:
    # Up to rounding (see the strict test below for the ends of the scale).
    for n in range(1, 61):
        x = np.arange(n + 1)
        low, high = wilson_interval(x, n)
        assert np.all(low <= x / n + 1e-12) and np.all(x / n <= high + 1e-12)
        assert np.all(low >= -1e-12) and np.all(high <= 1 + 1e-12)
    for x1, n1, x2, n2 in [(0, 5, 5, 5), (5, 5, 0, 5), (3, 9, 3, 9), (1, 2, 7, 11), (0, 3, 0, 4)]:
        low, high = newcombe_difference(x1, n1, x2, n2)
        difference = x1 / n1 - x2 / n2
        assert float(low) <= difference <= float(high)
        assert float(low) >= -1 and float(high) <= 1


def test_wilson_interval_is_exactly_inside_zero_one_at_the_ends_of_the_scale() -> None:
    n = np.arange(1, 201)
    low_at_zero, high_at_zero = wilson_interval(0, n)
    low_at_all, high_at_all = wilson_interval(n, n)
    assert np.all(low_at_zero == 0.0) and np.all(high_at_zero <= 1.0)
    assert np.all(high_at_all == 1.0) and np.all(low_at_all >= 0.0)


def test_no_respondents_give_nan() -> None:
    low, high = wilson_interval(0, 0)
    assert math.isnan(float(low)) and math.isnan(float(high))
    low, high = newcombe_difference(3, 0, 2, 4)
    assert math.isnan(float(low)) and math.isnan(float(high))
    low, high = newcombe_difference(3, 4, 0, 0)
    assert math.isnan(float(low)) and math.isnan(float(high))


def test_arrays_work_elementwise() -> None:
    low, high = wilson_interval(np.array([81, 15, 0, 1, 0]), np.array([263, 148, 20, 29, 0]))
    assert low.shape == high.shape == (5,)
    # Table I of Newcombe (1998a) again, and NaN for the empty group.
    assert low[:4] == pytest.approx([0.2553, 0.0624, 0.0, 0.0061], abs=5e-5)
    assert high[:4] == pytest.approx([0.3662, 0.1605, 0.1611, 0.1718], abs=5e-5)
    assert math.isnan(low[4]) and math.isnan(high[4])
    low, high = newcombe_difference([56, 9, 6, 5], [70, 10, 7, 56], [48, 3, 2, 0], [80, 10, 7, 29])
    # Table II of Newcombe (1998b) again.
    assert low == pytest.approx([0.0524, 0.1705, 0.0582, -0.0381], abs=5e-5)
    assert high == pytest.approx([0.3339, 0.8090, 0.8062, 0.1926], abs=5e-5)
    for i, (x1, n1, x2, n2) in enumerate([(56, 70, 48, 80), (9, 10, 3, 10)]):
        one_low, one_high = newcombe_difference(x1, n1, x2, n2)
        assert low[i] == float(one_low) and high[i] == float(one_high)
