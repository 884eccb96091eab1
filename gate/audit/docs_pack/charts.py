"""The charts validators draw, with matplotlib, as SVG text to inline in the HTML pack.

matplotlib (well kept, already used by the examples' dependencies) writes standalone SVG
without scripts or fetched fonts. Text stays text (svg.fonttype none), so the labels can be
searched and read by a screen reader, and a fixed hash salt and no date make the output the
same for the same figures.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from gate.audit.docs_pack.model import Chart  # noqa: E402

BLUE, RED, GREY, AMBER = "#3b6ea5", "#b22222", "#777777", "#d08c00"


@contextmanager
def _figure(width: float = 6.4, height: float = 3.6) -> Iterator[tuple[Figure, Any]]:
    with plt.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "mrm-gate",
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    ):
        fig, ax = plt.subplots(figsize=(width, height))
        try:
            yield fig, ax
        finally:
            plt.close(fig)


def _svg(fig: Figure, title: str) -> str:
    fig.suptitle(title, fontsize=10, fontweight="bold")
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def roc(scores: NDArray[np.float64], labels: NDArray[np.int_], title: str) -> str:
    order = np.argsort(-scores, kind="mergesort")
    hits = labels[order]
    tpr = np.concatenate([[0.0], np.cumsum(hits) / max(1, hits.sum())])
    fpr = np.concatenate([[0.0], np.cumsum(1 - hits) / max(1, (1 - hits).sum())])
    with _figure(4.8, 4.2) as (fig, ax):
        ax.plot(fpr, tpr, color=BLUE, label="model")
        ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", label="chance")
        ax.set_xlabel("false positive rate (goods flagged)")
        ax.set_ylabel("true positive rate (bads caught)")
        ax.legend(loc="lower right")
        return _svg(fig, title)


def calibration(rows: list[dict[str, float]], title: str) -> str:
    predicted = [r["predicted"] for r in rows]
    observed = [r["observed"] for r in rows]
    below = [r["observed"] - r["lower"] for r in rows]
    above = [r["upper"] - r["observed"] for r in rows]
    high = max(predicted + [r["upper"] for r in rows] + [0.01])
    with _figure(4.8, 4.2) as (fig, ax):
        ax.errorbar(
            predicted,
            observed,
            yerr=[below, above],
            fmt="o",
            color=BLUE,
            capsize=3,
            label="observed rate, Wilson 95%",
        )
        ax.plot([0, high], [0, high], color=GREY, linestyle="--", label="perfect calibration")
        ax.set_xlabel("mean predicted probability (decile)")
        ax.set_ylabel("observed event rate")
        ax.legend(loc="upper left")
        return _svg(fig, title)


def distributions(scores: NDArray[np.float64], labels: NDArray[np.int_], title: str) -> str:
    bins = np.linspace(float(scores.min()), float(scores.max()), 21)
    with _figure() as (fig, ax):
        ax.hist(
            scores[labels == 0],
            bins=bins,
            density=True,
            alpha=0.55,
            color=BLUE,
            label=f"goods (n={int((labels == 0).sum())})",
        )
        ax.hist(
            scores[labels == 1],
            bins=bins,
            density=True,
            alpha=0.55,
            color=RED,
            label=f"bads (n={int(labels.sum())})",
        )
        ax.set_xlabel("score (predicted probability of bad)")
        ax.set_ylabel("density")
        ax.legend()
        return _svg(fig, title)


def intervals(
    rows: list[tuple[str, float, float, float, bool]],
    overall: float | None,
    title: str,
    metric: str,
) -> str:
    """Points with their intervals, one row per segment; small segments drawn in amber."""
    height = 1.2 + 0.32 * len(rows)
    with _figure(6.4, height) as (fig, ax):
        for y, (_label, value, lower, upper, flagged) in enumerate(rows):
            colour = AMBER if flagged else BLUE
            ax.errorbar(
                [value],
                [y],
                xerr=[[value - lower], [upper - value]],
                fmt="o",
                color=colour,
                capsize=3,
            )
        ax.set_yticks(range(len(rows)), [r[0] + (" (small)" if r[4] else "") for r in rows])
        ax.invert_yaxis()
        if overall is not None:
            ax.axvline(overall, color=RED, linestyle="--", label=f"overall {overall:.3f}")
            ax.legend(loc="lower right")
        ax.set_xlabel(f"{metric} with 95% interval")
        return _svg(fig, title)


def bars(
    labels: list[str],
    values: list[float],
    title: str,
    *,
    xlabel: str,
    reference: tuple[str, float] | None = None,
) -> str:
    height = 1.2 + 0.3 * len(labels)
    with _figure(6.4, height) as (fig, ax):
        ax.barh(range(len(labels)), values, color=BLUE)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:g}", va="center")
        if reference is not None:
            ax.axvline(
                reference[1], color=RED, linestyle="--", label=f"{reference[0]} {reference[1]:g}"
            )
            ax.legend(loc="lower right")
        ax.set_xlabel(xlabel)
        return _svg(fig, title)


def bar_chart(
    title: str, values: dict[str, float], xlabel: str, reference: tuple[str, float] | None = None
) -> Chart:
    """A bar per entry of ``values``, with the numbers it shows for the Markdown pack."""
    pairs = list(values.items())
    svg = bars(
        [k for k, _ in pairs], [v for _, v in pairs], title, xlabel=xlabel, reference=reference
    )
    return Chart(title, svg, pairs)


def psi_bins(edges: list[float], expected: list[float], actual: list[float], title: str) -> str:
    """Share of the population per score bin, baseline against current, with each bin's
    contribution to the PSI."""
    labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges, edges[1:], strict=False)]
    x = np.arange(len(labels))
    with _figure() as (fig, ax):
        ax.bar(x - 0.2, expected, width=0.4, color=GREY, label="baseline share")
        ax.bar(x + 0.2, actual, width=0.4, color=BLUE, label="current share")
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            if e > 0 and a > 0:
                ax.text(
                    i,
                    max(e, a),
                    f"{(a - e) * np.log(a / e):.3f}",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
        ax.set_xticks(x, labels, rotation=30)
        ax.set_xlabel("score bin (label: the bin's PSI term)")
        ax.set_ylabel("share of population")
        ax.legend()
        return _svg(fig, title)


def trend(
    periods: list[str],
    series: dict[str, list[float | None]],
    title: str,
    *,
    baseline: float | None = None,
    bands: tuple[tuple[str, float, str], ...] = (),
    alerts: list[int] | None = None,
) -> str:
    """Values per period against the validation baseline and the plan's bands."""
    x = np.arange(len(periods))
    with _figure() as (fig, ax):
        for name, values in series.items():
            ys = [np.nan if v is None else v for v in values]
            ax.plot(x, ys, marker="o", label=name)
        if baseline is not None:
            ax.axhline(baseline, color=GREY, linestyle=":", label=f"validation {baseline:g}")
        for label, value, colour in bands:
            ax.axhline(value, color=colour, linestyle="--", label=f"{label} {value:g}")
        for i in alerts or []:
            ax.axvspan(i - 0.4, i + 0.4, color=RED, alpha=0.12)
        ax.set_xticks(x, periods, rotation=30, ha="right")
        ax.legend(fontsize=7)
        return _svg(fig, title)
