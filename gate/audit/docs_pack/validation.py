"""The validation section: reported metrics, intervals computed from the validation sample,
and the charts validators draw (ROC, calibration by decile, score distributions, segment
metrics with intervals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gate.audit.docs_pack import charts, stats
from gate.audit.docs_pack.model import (
    MISSING,
    Block,
    Chart,
    KeyValues,
    Paragraph,
    Section,
    Table,
    get,
    kv,
    numbers,
    objects,
    present,
    text,
)
from gate.errors import EvidenceError, Problem

SAMPLE = "validation.score_sample"
# Rounding of a reported AUC; a larger gap means the sample is not the one measured.
AGREEMENT = 0.005
METHODS = (
    "Intervals are 95%: DeLong's method for the AUC (from the validation sample's scores), "
    "Wilson score intervals for event rates. A segment is flagged small when it has fewer "
    f"than {stats.SMALL_N} records or fewer than {stats.SMALL_EVENTS} events or non-events."
)


@dataclass(frozen=True)
class Sample:
    scores: NDArray[np.float64]
    labels: NDArray[np.int_]
    segments: dict[str, NDArray[np.str_]]


def read_sample(bundle: dict[str, Any], source: str) -> Sample | None:
    """The validators' scored sample, or None when the bundle has none; refuses ragged data."""
    doc = get(bundle, SAMPLE)
    if not isinstance(doc, dict):
        return None
    scores, labels = doc.get("scores"), doc.get("labels")
    found = doc.get("segments")
    segments: dict[str, Any] = found if isinstance(found, dict) else {}
    n = len(scores) if isinstance(scores, list) else -1
    bad = [("labels", labels)] + [(f"segments.{k}", v) for k, v in segments.items()]
    wrong = [p for p, v in bad if not isinstance(v, list) or len(v) != n]
    if n < 1 or wrong:
        raise EvidenceError(
            f"{source}: the validation sample's columns differ in length",
            [
                Problem(
                    source,
                    f"$.{SAMPLE}.{p}",
                    f"needs {n} values",
                    "write one value per scored record",
                )
                for p in wrong or ["scores"]
            ],
        )
    return Sample(
        np.asarray(scores, dtype=float),
        np.asarray(labels, dtype=int),
        {k: np.asarray([str(x) for x in v]) for k, v in segments.items()},
    )


def _overall(bundle: dict[str, Any], sample: Sample | None) -> list[Block]:
    overall = numbers(get(bundle, "validation.metrics.overall"))
    rows = []
    for metric, value in overall.items():
        shown = "not computed from the sample"
        if sample is not None and metric == "auc":
            ci = stats.delong(sample.scores, sample.labels)
            shown = f"{ci.estimate:.3f} ({ci.lower:.3f} to {ci.upper:.3f}, DeLong)"
        rows.append([metric, text(value), shown if sample is not None else MISSING])
    blocks: list[Block] = []
    if sample is not None and "auc" in overall:
        recomputed = stats.delong(sample.scores, sample.labels).estimate
        if abs(recomputed - overall["auc"]) > AGREEMENT:
            blocks.append(
                Paragraph(
                    f"The validation sample does not reproduce the reported AUC: "
                    f"{recomputed:.3f} from the sample, {overall['auc']:g} reported. The intervals "
                    "below describe the sample, not necessarily the reported figures.",
                    warning=True,
                )
            )
    if sample is not None:
        events, n = int(sample.labels.sum()), len(sample.labels)
        rate = stats.wilson(events, n)
        rows.append(
            [
                "event rate",
                f"{events} of {n}",
                f"{rate.estimate:.3f} ({rate.lower:.3f} to {rate.upper:.3f}, Wilson)",
            ]
        )
    blocks.append(
        Table(
            "Overall metrics: as reported, and recomputed with 95% interval",
            ["metric", "reported", "from the validation sample"],
            rows or [[MISSING] * 3],
        )
    )
    return blocks


def _segment_rows(bundle: dict[str, Any], sample: Sample | None) -> list[list[str]]:
    segments = objects(get(bundle, "validation.metrics.segments"))
    names = sorted({m for s in segments for m in numbers(s.get("metrics"))})
    rows = []
    for s in segments:
        n = s.get("n") if isinstance(s.get("n"), int) else None
        row = [text(s.get("attribute")), text(s.get("segment")), text(s.get("n"))]
        row += [text(get(s, f"metrics.{m}")) for m in names]
        auc_ci, rate_ci, events = _segment_intervals(sample, s)
        row += [auc_ci, rate_ci]
        flagged = n is not None and stats.small(n, events)
        row.append("SMALL: read with care" if flagged else "-")
        rows.append(row)
    return rows


def _segment_intervals(sample: Sample | None, seg: dict[str, Any]) -> tuple[str, str, int | None]:
    column = sample.segments.get(str(seg.get("attribute"))) if sample is not None else None
    if sample is None or column is None:
        return "no sample", "no sample", None
    mask = column == str(seg.get("segment"))
    labels, scores = sample.labels[mask], sample.scores[mask]
    if len(labels) == 0:
        return "not in sample", "not in sample", None
    events = int(labels.sum())
    rate = stats.wilson(events, len(labels))
    shown_rate = f"{events}/{len(labels)}: {rate.lower:.3f} to {rate.upper:.3f}"
    try:
        auc = stats.delong(scores, labels)
    except ValueError:
        return "too few events", shown_rate, events
    return f"{auc.estimate:.3f} ({auc.lower:.3f} to {auc.upper:.3f})", shown_rate, events


def _segment_chart(bundle: dict[str, Any], sample: Sample) -> Chart | None:
    points, bars = [], []
    for s in objects(get(bundle, "validation.metrics.segments")):
        column = sample.segments.get(str(s.get("attribute")))
        if column is None:
            continue
        mask = column == str(s.get("segment"))
        try:
            ci = stats.delong(sample.scores[mask], sample.labels[mask])
        except ValueError:
            continue
        label = f"{text(s.get('attribute'))}: {text(s.get('segment'))}"
        flagged = stats.small(int(mask.sum()), int(sample.labels[mask].sum()))
        points.append((label, ci.estimate, ci.lower, ci.upper, flagged))
        bars.append((label, round(ci.estimate, 6)))
    if not points:
        return None
    overall = stats.delong(sample.scores, sample.labels).estimate
    title = "AUC by segment with DeLong 95% intervals"
    return Chart(title, charts.intervals(points, overall, title, "AUC"), bars)


def _sample_charts(bundle: dict[str, Any], sample: Sample) -> list[Block]:
    deciles = stats.deciles(sample.scores, sample.labels)
    blocks: list[Block] = [
        Chart(
            "ROC curve of the validation sample",
            charts.roc(sample.scores, sample.labels, "ROC curve of the validation sample"),
            [],
        ),
        Chart(
            "Calibration by decile: predicted against observed",
            charts.calibration(deciles, "Calibration by decile (Wilson 95% intervals)"),
            [(f"decile {int(d['decile'])} observed", round(d["observed"], 6)) for d in deciles],
        ),
        Table(
            "Calibration by decile",
            ["decile", "n", "mean predicted", "observed", "Wilson 95%"],
            [
                [
                    f"{int(d['decile'])}",
                    f"{int(d['n'])}",
                    f"{d['predicted']:.4f}",
                    f"{d['observed']:.4f}",
                    f"{d['lower']:.4f} to {d['upper']:.4f}",
                ]
                for d in deciles
            ],
        ),
        Chart(
            "Score distributions of goods and bads",
            charts.distributions(
                sample.scores, sample.labels, "Score distributions of goods and bads"
            ),
            [],
        ),
    ]
    seg = _segment_chart(bundle, sample)
    if seg is not None:
        blocks.append(seg)
    return blocks


def _review(bundle: dict[str, Any]) -> list[Block]:
    validated = get(bundle, "validation.artifact_digest")
    artefact = get(bundle, "artifact.digest")
    return [
        kv(
            bundle,
            [
                ("Validation record", "validation.record_id"),
                ("Validators", "validation.validator_ids"),
                ("Outcome", "validation.outcome"),
                ("Scope", "validation.scope"),
                ("Completed", "validation.completed_at"),
                ("Report", "validation.report_uri"),
                ("Artefact validated", "validation.artifact_digest"),
                ("Conclusion", "validation.conclusion"),
                ("Conceptual soundness", "validation.conceptual_soundness.conclusion"),
                ("Back-testing", "validation.backtest.conclusion"),
                ("Sensitivity", "validation.sensitivity.conclusion"),
                ("Benchmarking", "validation.benchmark.conclusion"),
                ("Conditions", "validation.conditions"),
            ],
        ),
        Paragraph(
            "The validated artefact is the gated artefact."
            if present(validated) and validated == artefact
            else f"The validated artefact ({text(validated)}) is not the gated artefact "
            f"({text(artefact)}).",
            warning=not (present(validated) and validated == artefact),
        ),
    ]


def validation(bundle: dict[str, Any], source: str) -> Section:
    sample = read_sample(bundle, source)
    segments = objects(get(bundle, "validation.metrics.segments"))
    names = sorted({m for s in segments for m in numbers(s.get("metrics"))})
    blocks = _review(bundle) + [Paragraph(METHODS)] + _overall(bundle, sample)
    if sample is None:
        blocks.append(
            Paragraph(
                f"No validation sample ({SAMPLE}) in this bundle: intervals, ROC, calibration and "
                "score distributions cannot be computed; the metrics below are as reported.",
                warning=True,
            )
        )
    blocks.append(
        Table(
            "Segment metrics (reported) with 95% intervals (computed) and small-segment flags",
            [
                "attribute",
                "segment",
                "n",
                *names,
                "AUC 95% (DeLong)",
                "events: rate 95% (Wilson)",
                "flag",
            ],
            _segment_rows(bundle, sample) or [[MISSING] * 3],
        )
    )
    if sample is not None:
        blocks += _sample_charts(bundle, sample)
    overall = numbers(get(bundle, "validation.metrics.overall"))
    for metric in names if sample is None else []:
        bars = {
            f"{text(s.get('attribute'))}: {text(s.get('segment'))}": v
            for s in segments
            if (v := numbers(s.get("metrics")).get(metric)) is not None
        }
        ref = (f"overall {metric}", overall[metric]) if metric in overall else None
        title = f"{metric} by segment (as reported, no intervals)"
        blocks.append(charts.bar_chart(title, bars, metric, ref))
    blocks += _testing(bundle)
    return Section("validation", "Validation summary", blocks)


def _testing(bundle: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    thresholds = get(bundle, "testing.thresholds")
    results = numbers(get(bundle, "testing.results"))
    if isinstance(thresholds, dict) and thresholds:
        rows = []
        for metric, rule in thresholds.items():
            bound = MISSING
            if isinstance(rule, dict):
                bound = ", ".join(f"{k} {rule[k]:g}" for k in ("min", "max") if k in rule)
            rows.append([metric, bound or MISSING, text(results.get(metric))])
        blocks.append(
            Table(
                "Test thresholds (set before testing) and results",
                ["metric", "threshold", "result"],
                rows,
            )
        )
    subgroups = objects(get(bundle, "testing.subgroup_results"))
    if subgroups:
        sub = sorted({m for s in subgroups for m in numbers(s.get("metrics"))})
        blocks.append(
            Table(
                "Subgroup test results",
                ["attribute", "segment", "n", *sub],
                [
                    [text(s.get("attribute")), text(s.get("segment")), text(s.get("n"))]
                    + [text(get(s, f"metrics.{m}")) for m in sub]
                    for s in subgroups
                ],
            )
        )
    air = numbers(get(bundle, "fairness.air"))
    if air:
        title = "Adverse impact ratio by group"
        blocks.append(charts.bar_chart(title, air, "AIR", ("four-fifths", 0.8)))
    else:
        blocks.append(Paragraph(f"Fairness (adverse impact ratios): {MISSING} in this bundle."))
    findings = objects(get(bundle, "validation.findings"))
    keys = ("id", "title", "severity", "status", "owner", "due_date", "closed_at")
    blocks.append(
        Table(
            "Validation findings",
            ["id", "title", "severity", "status", "owner", "due", "closed"],
            [[text(f.get(k)) for k in keys] for f in findings]
            or [["none recorded"] + [MISSING] * 6],
        )
    )
    return blocks


def monitoring(bundle: dict[str, Any]) -> Section:
    """The latest monitoring period: PSI by score bin against the baseline."""
    latest = get(bundle, "monitoring.latest")
    blocks: list[Block] = [
        kv(
            bundle,
            [
                ("Plan", "monitoring.plan.uri"),
                ("Frequency", "monitoring.plan.frequency"),
                ("Period start", "monitoring.latest.period.start"),
                ("Period end", "monitoring.latest.period.end"),
                ("Baseline", "monitoring.latest.baseline_id"),
                ("PSI (score)", "monitoring.latest.psi_score"),
            ],
        )
    ]
    edges = get(latest, "bins.score.edges")
    expected, actual = get(latest, "bins.score.expected"), get(latest, "bins.score.actual")
    if (
        isinstance(edges, list)
        and isinstance(expected, list)
        and isinstance(actual, list)
        and len(edges) == len(expected) + 1 == len(actual) + 1
    ):
        title = "PSI by score bin: baseline against the latest period"
        labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges, edges[1:], strict=False)]
        blocks.append(
            Chart(
                title,
                charts.psi_bins(edges, expected, actual, title),
                list(zip(labels, [float(a) for a in actual], strict=True)),
            )
        )
    else:
        blocks.append(Paragraph(f"Score bins of the latest period: {MISSING}.", warning=True))
    csi = numbers(get(latest, "csi"))
    if csi:
        blocks.append(charts.bar_chart("CSI by characteristic", csi, "CSI", ("amber", 0.1)))
    return Section("monitoring", "Ongoing monitoring (latest period)", blocks)


__all__ = ["KeyValues", "monitoring", "read_sample", "validation"]
