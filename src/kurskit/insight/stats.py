"""Confidence intervals for shares and their change: Wilson's score interval and Newcombe's."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import numpy.typing as npt

#: The normal quantile of a two-sided 95 % interval (1.959964…).
Z95 = NormalDist().inv_cdf(0.975)

Numbers = npt.ArrayLike
Floats = npt.NDArray[np.float64]


def wilson_interval(successes: Numbers, n: Numbers, z: float = Z95) -> tuple[Floats, Floats]:
    """Wilson's score interval for a share successes/n (Newcombe 1998a, method 3).

    Unlike the textbook p ± z·SE it stays inside [0, 1] and keeps its coverage for small n
    and shares near 0 or 1, which is what small libraries give. NaN where n is 0.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / m
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
        # Rounding must not put an end outside [0, 1] or on the wrong side of the share.
        low = np.clip(np.minimum(centre - half, p), 0.0, 1.0)
        high = np.clip(np.maximum(centre + half, p), 0.0, 1.0)
    return low, high


def newcombe_difference(
    successes_1: Numbers, n_1: Numbers, successes_2: Numbers, n_2: Numbers, z: float = Z95
) -> tuple[Floats, Floats]:
    """Newcombe's hybrid score interval (1998b, method 10) for p1 − p2 of independent samples.

    Built from the two Wilson intervals; used for the change in a share between periods, where
    each period's respondents are taken as a sample of their own.
    """
    x1, m1 = np.asarray(successes_1, dtype=float), np.asarray(n_1, dtype=float)
    x2, m2 = np.asarray(successes_2, dtype=float), np.asarray(n_2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1 / m1, x2 / m2
    low_1, high_1 = wilson_interval(x1, m1, z)
    low_2, high_2 = wilson_interval(x2, m2, z)
    difference = p1 - p2
    low = difference - np.sqrt((p1 - low_1) ** 2 + (high_2 - p2) ** 2)
    high = difference + np.sqrt((high_1 - p1) ** 2 + (p2 - low_2) ** 2)
    return low, high
