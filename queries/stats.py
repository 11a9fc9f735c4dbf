"""The few statistics every question shares: a ratio, the Gini coefficient, Spearman's rho.

One definition each, so "None when there is nothing to divide by" and "None for fewer
than three points" mean the same in every answer.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

__all__ = ["gini", "ratio", "spearman"]


def ratio(part: float, whole: float | None) -> float | None:
    """``part / whole``; None when ``whole`` is 0 or None (a rate of nothing is unknown,
    not zero)."""
    return part / whole if whole else None


def gini(values: Sequence[int | float]) -> float | None:
    """The Gini coefficient of non-negative ``values``: 0 all equal, (n-1)/n all in one.

    G = sum_i sum_j |x_i - x_j| / (2 n^2 mean), computed on the ascending sort as
    G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n with i = 1..n. None when there are
    no values or they sum to 0 (nothing to share out).
    """
    xs = sorted(float(v) for v in values)
    if any(x < 0 for x in xs):
        raise ValueError("gini needs non-negative values")
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return None
    weighted = sum(i * x for i, x in enumerate(xs, start=1))
    return max(0.0, 2 * weighted / (n * total) - (n + 1) / n)


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    """Spearman's rank correlation of ``x`` and ``y``; None when it says nothing: fewer
    than 3 points (two points always correlate perfectly) or a constant measure."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(xs) < 3 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    from scipy import stats  # here, not at the top: it costs every CLI call ~0.5 s to import

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rho = stats.spearmanr(xs, ys).statistic
    return float(rho) if rho is not None and math.isfinite(rho) else None
