"""The numbers: binning with frozen edges, PSI/CSI, discrimination and calibration, AIR.

Everything here is a count or a sum per bin or per group, so the same aggregation can be
written in SQL (see :mod:`gate.monitor.sql`) and run on a distributed engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

# Share given to an empty bin so that ln(a/e) stays finite (the usual convention).
EPS = 1e-4
UNSEEN, MISSING = "__unseen__", "__missing__"


def bin_index(values: FloatArray, edges: list[float]) -> IntArray:
    """Bin i is [edges[i], edges[i+1]); values below the first edge fall in the first bin,
    values at or above the last inner edge in the last one. ``len(edges) - 1`` bins."""
    inner = np.asarray(edges[1:-1], dtype=np.float64)
    return np.searchsorted(inner, values, side="right").astype(np.int64)


def numeric_counts(values: FloatArray, edges: list[float]) -> IntArray:
    """Counts per bin, by the rule of :func:`bin_index`. np.histogram with open outer edges
    gives the same bins ([a, b), values at an inner edge go up) and counts by sorting
    blocks, several times faster than one binary search per value."""
    open_edges = np.asarray([-np.inf, *edges[1:-1], np.inf], dtype=np.float64)
    return np.histogram(values, bins=open_edges)[0].astype(np.int64)


def category_labels(categories: list[str]) -> list[str]:
    return [*categories, UNSEEN, MISSING]


def category_counts(values: ObjArray, categories: list[str]) -> IntArray:
    """Counts per known category, then the 'unseen' and 'missing' buckets."""
    position = {c: i for i, c in enumerate(categories)}
    n = len(categories)
    missing = np.array([v is None for v in values], dtype=bool)
    present = values[~missing].astype(str)
    uniq, inverse = np.unique(present, return_inverse=True)
    slot = np.array([position.get(str(u), n) for u in uniq], dtype=np.int64)
    counts = np.bincount(slot[inverse], minlength=n + 1) if len(present) else np.zeros(n + 1)
    return np.append(counts.astype(np.int64), np.int64(missing.sum()))


@dataclass(frozen=True)
class Stability:
    """PSI (or CSI) of one score or input, with the binned shares behind it."""

    value: float
    labels: list[str]
    expected: list[float]
    actual: list[float]
    contributions: list[float]

    def top_bins(self, k: int = 3) -> list[dict[str, float | str]]:
        order = np.argsort(-np.asarray(self.contributions), kind="stable")[:k]
        return [
            {
                "bin": self.labels[i],
                "expected": self.expected[i],
                "actual": self.actual[i],
                "contribution": self.contributions[i],
            }
            for i in order
        ]


def psi_from_counts(expected: IntArray, actual: IntArray, labels: list[str]) -> Stability:
    """sum((a - e) * ln(a / e)) over bins, shares floored at :data:`EPS`."""
    e = expected / max(int(expected.sum()), 1)
    a = actual / max(int(actual.sum()), 1)
    ef, af = np.maximum(e, EPS), np.maximum(a, EPS)
    parts = (af - ef) * np.log(af / ef)
    return Stability(
        float(parts.sum()),
        labels,
        [float(x) for x in e],
        [float(x) for x in a],
        [float(x) for x in parts],
    )


def edge_labels(edges: list[float]) -> list[str]:
    return [f"[{edges[i]:g}, {edges[i + 1]:g})" for i in range(len(edges) - 1)]


# ---------------------------------------------------------------- outcomes


def auc(y: IntArray, score: FloatArray) -> float:
    """Area under the ROC curve by average ranks (Mann-Whitney), ties counted half."""
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s), dtype=np.float64)
    uniq_start = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    uniq_end = np.r_[uniq_start[1:], len(s)]
    avg = (uniq_start + uniq_end + 1) / 2.0  # 1-based average rank of each tie block
    ranks[order] = np.repeat(avg, uniq_end - uniq_start)
    pos = int(y.sum())
    neg = len(y) - pos
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def ks(y: IntArray, score: FloatArray) -> float:
    """Largest gap between the cumulative score distributions of bads and goods."""
    order = np.argsort(-score, kind="mergesort")
    ys, s = y[order], score[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # end of each tie block
    tpr = np.cumsum(ys)[last] / max(int(ys.sum()), 1)
    fpr = np.cumsum(1 - ys)[last] / max(int((1 - ys).sum()), 1)
    return float(np.max(np.abs(tpr - fpr)))


def calibration(y: IntArray, score: FloatArray, groups: int = 10) -> list[dict[str, float]]:
    """Predicted against observed rate by score decile (equal-count groups)."""
    order = np.argsort(score, kind="mergesort")
    rows = []
    for i, part in enumerate(np.array_split(order, groups), start=1):
        if len(part) == 0:
            continue
        rows.append(
            {
                "decile": float(i),
                "n": float(len(part)),
                "predicted": float(score[part].mean()),
                "observed": float(y[part].mean()),
            }
        )
    return rows


def rates_by_group(flags: BoolArray, groups: ObjArray) -> dict[str, tuple[int, float]]:
    """Row count and mean of ``flags`` for every non-empty group value."""
    out: dict[str, tuple[int, float]] = {}
    present = np.array([g is not None for g in groups], dtype=bool)
    names = groups[present].astype(str)
    values = flags[present]
    uniq, inverse = np.unique(names, return_inverse=True)
    n = np.bincount(inverse, minlength=len(uniq))
    hits = np.bincount(inverse, weights=values.astype(np.float64), minlength=len(uniq))
    for i, name in enumerate(uniq):
        out[str(name)] = (int(n[i]), float(hits[i] / n[i]))
    return out


def air(approval: dict[str, tuple[int, float]]) -> tuple[dict[str, float], str]:
    """Each group's approval rate over the most favoured group's (highest rate)."""
    best = max(approval, key=lambda g: (approval[g][1], g))
    top = approval[best][1]
    return {g: (rate / top if top > 0 else 1.0) for g, (_, rate) in approval.items()}, best
