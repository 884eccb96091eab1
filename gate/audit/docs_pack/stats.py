"""Uncertainty for the figures of the pack, computed from the validation sample.

Wilson score intervals for rates (Wilson 1927): good coverage for small samples and rates
near 0 or 1, where the normal approximation is not. DeLong's variance for the AUC (DeLong,
DeLong and Clarke-Pearson 1988), the fast form of Sun and Xu (2014): exact for the sample's
scores, with ties given half weight, no resampling so no seed to report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Z95 = 1.959963984540054
# A segment this small, or with this few events, gives intervals too wide to compare with
# the overall figure; the pack flags it rather than printing a bare number.
SMALL_N = 100
SMALL_EVENTS = 10


@dataclass(frozen=True)
class Interval:
    estimate: float
    lower: float
    upper: float


def wilson(events: int, n: int, z: float = Z95) -> Interval:
    """The Wilson score interval of the rate ``events / n``."""
    if n <= 0 or not 0 <= events <= n:
        raise ValueError(f"a rate needs 0 <= events <= n and n > 0, got {events} of {n}")
    p = events / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def _midranks(x: NDArray[np.float64]) -> NDArray[np.float64]:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    sorted_x = x[order]
    i = 0
    while i < len(x):
        j = i
        while j < len(x) and sorted_x[j] == sorted_x[i]:
            j += 1
        ranks[order[i:j]] = 0.5 * (i + j - 1) + 1
        i = j
    return ranks


def delong(scores: NDArray[np.float64], labels: NDArray[np.int_], z: float = Z95) -> Interval:
    """The AUC of ``scores`` for ``labels`` (1 = event) with DeLong's 95% interval."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    m, n = len(pos), len(neg)
    if m < 2 or n < 2:
        raise ValueError(f"an AUC interval needs two events and two non-events, got {m} and {n}")
    both = np.concatenate([pos, neg])
    ranks = _midranks(both)
    auc = (ranks[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (ranks[:m] - _midranks(pos)) / n
    v01 = 1.0 - (ranks[m:] - _midranks(neg)) / m
    se = math.sqrt(float(np.var(v10, ddof=1)) / m + float(np.var(v01, ddof=1)) / n)
    return Interval(float(auc), max(0.0, auc - z * se), min(1.0, auc + z * se))


def small(n: int, events: int | None = None) -> bool:
    return n < SMALL_N or (events is not None and min(events, n - events) < SMALL_EVENTS)


def deciles(scores: NDArray[np.float64], labels: NDArray[np.int_]) -> list[dict[str, float]]:
    """Ten groups of equal size by score: mean predicted, observed rate and its interval."""
    order = np.argsort(scores, kind="mergesort")
    out = []
    for k, idx in enumerate(np.array_split(order, 10), start=1):
        if len(idx) == 0:
            continue
        events = int(labels[idx].sum())
        ci = wilson(events, len(idx))
        out.append(
            {
                "decile": float(k),
                "n": float(len(idx)),
                "predicted": float(scores[idx].mean()),
                "observed": ci.estimate,
                "lower": ci.lower,
                "upper": ci.upper,
            }
        )
    return out
