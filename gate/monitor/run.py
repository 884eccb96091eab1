"""One monitoring run: stability, disparate impact, outcomes and overrides for a window.

:func:`compute` returns the ``monitoring.latest`` evidence (schema shape) and a fuller
report (bins, calibration, counts) for people.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from gate.errors import EvidenceError, Problem, UsageError
from gate.monitor import stats
from gate.monitor.plan import SCORE_BINS, Plan
from gate.monitor.stats import BoolArray, IntArray
from gate.monitor.tables import FloatArray, ObjArray, Table, check_same_shape

DIGITS = 6


def _r(x: float) -> float:
    return round(float(x), DIGITS)


@dataclass(frozen=True)
class Options:
    baseline_id: str
    computed_at: str
    as_of: np.datetime64
    period: tuple[str, str] | None = None
    engine: str = "numpy"


@dataclass(frozen=True)
class Result:
    latest: dict[str, Any]
    report: dict[str, Any]


def _stability_entry(s: stats.Stability) -> dict[str, Any]:
    return {
        "value": _r(s.value),
        "bins": [
            {"bin": lab, "expected": _r(e), "actual": _r(a), "contribution": _r(c)}
            for lab, e, a, c in zip(s.labels, s.expected, s.actual, s.contributions, strict=True)
        ],
        "top_bins": [
            {k: (_r(v) if isinstance(v, float) else v) for k, v in b.items()} for b in s.top_bins()
        ],
    }


@dataclass(frozen=True)
class Matured:
    """The matured outcomes joined to their predictions, in the order of the ids."""

    counts: dict[str, Any]
    y: IntArray
    score: FloatArray
    approved: BoolArray | None
    groups: dict[str, ObjArray]
    override: BoolArray | None


@dataclass(frozen=True)
class Facts:
    """Every count the run needs, gathered in memory (:func:`compute`) or by a SQL engine
    (:mod:`gate.monitor.streaming`); :func:`assemble` turns them into evidence."""

    baseline_label: str
    current_label: str
    baseline_rows: int
    current_rows: int
    counts: dict[str, tuple[IntArray, IntArray]]  # score, numeric and categorical inputs
    days: tuple[str, str] | None  # first and last prediction day, when the period is read
    approval: dict[str, tuple[dict[str, tuple[int, float]], int]]  # attr -> rates, missing
    overrides: tuple[int, int] | None  # overridden, rows
    matured: Matured | None


def check_period_known(plan: Plan, opts: Options) -> None:
    if opts.period is None and not plan.time_col:
        raise UsageError(
            "the period of the run is unknown",
            hint="pass --period-start and --period-end, or name "
            "monitoring.plan.columns.prediction_time",
        )


def _memory_counts(
    plan: Plan, baseline: Table, current: Table
) -> dict[str, tuple[IntArray, IntArray]]:
    numeric = {plan.score_col: plan.score_edges, **plan.numeric}
    counts: dict[str, tuple[IntArray, IntArray]] = {}
    for name, edges in numeric.items():
        b, c = baseline.numeric(name), current.numeric(name)
        counts[name] = (stats.numeric_counts(b, edges), stats.numeric_counts(c, edges))
    for name, cats in plan.categorical.items():
        counts[name] = (
            stats.category_counts(baseline.strings(name), cats),
            stats.category_counts(current.strings(name), cats),
        )
    return counts


def _stability(plan: Plan, facts: Facts) -> tuple[stats.Stability, dict[str, stats.Stability]]:
    out: dict[str, stats.Stability] = {}
    for name, edges in {plan.score_col: plan.score_edges, **plan.numeric}.items():
        b, c = facts.counts[name]
        out[name] = stats.psi_from_counts(b, c, stats.edge_labels(edges))
    for name, cats in plan.categorical.items():
        b, c = facts.counts[name]
        out[name] = stats.psi_from_counts(b, c, stats.category_labels(cats))
    score = out.pop(plan.score_col)
    return score, out


def _top_contributors(csi: dict[str, float], amber: float) -> list[str]:
    ranked = sorted(csi, key=lambda k: (-csi[k], k))
    flagged = [k for k in ranked if csi[k] >= amber]
    return ranked[: max(3, len(flagged))] if ranked else []


def _approved(plan: Plan, table: Table, score: FloatArray) -> Any:
    if plan.decision_col:
        decisions = table.strings(plan.decision_col)
        empty = int(sum(v is None for v in decisions))
        if empty:
            raise empty_decisions(table.label, plan.decision_col, empty)
        return np.isin(decisions.astype(str), np.asarray(plan.approved, dtype=str))
    assert plan.cutoff is not None
    return score <= plan.cutoff


def empty_decisions(label: str, column: str, empty: int) -> EvidenceError:
    return EvidenceError(
        f"{label}: {empty} empty decision(s) in column {column!r}",
        [Problem(label, f"column {column!r}", f"{empty} empty value(s)")],
    )


def not_flags(label: str, name: str, bad: int) -> EvidenceError:
    return EvidenceError(
        f"{label}: column {name!r} has {bad} value(s) that are not 0/1 or true/false",
        [Problem(label, f"column {name!r}", f"{bad} value(s) not 0/1")],
    )


def _flags(table: Table, name: str) -> Any:
    values = table.numeric(name)
    bad = int(((values != 0) & (values != 1)).sum())
    if bad:
        raise not_flags(table.label, name, bad)
    return values.astype(bool)


def _days(d: np.datetime64) -> str:
    return str(d.astype("datetime64[D]"))


def no_prediction_times() -> EvidenceError:
    return EvidenceError(
        "outcome analysis needs prediction times",
        [Problem("bundle", "$.monitoring.plan.columns.prediction_time", "not named")],
        hint="name the prediction time column in monitoring.plan.columns",
    )


def early_outcomes(plan: Plan, outcomes: str, current: str, n: int, example: str) -> EvidenceError:
    return EvidenceError(
        f"{outcomes}: {n} outcome(s) dated before their prediction",
        [
            Problem(
                outcomes,
                f"column {plan.outcome_time_col!r}",
                f"{n} outcome(s) earlier than the prediction in "
                f"{current} (for example id {example})",
                "check the join key and the time zones of both files",
            )
        ],
    )


def outcome_counts(
    plan: Plan, opts: Options, rows: int, joined: int, used: int, y: IntArray, label: str
) -> dict[str, Any]:
    """The report's outcome counts; refuses a matured sample with one class only."""
    if used == 0 or y.min() == y.max():
        raise EvidenceError(
            f"{label}: matured outcomes hold only one class ({used} used)",
            [Problem(label, f"column {plan.outcome_col!r}", "AUC/KS are undefined")],
            hint="wait for more outcomes to mature, or run over a longer window",
        )
    return {
        "outcome_rows": rows,
        "joined": joined,
        "unmatched_outcomes": rows - joined,
        "excluded_not_matured": joined - used,
        "used": used,
        "label_delay_days": plan.label_delay_days,
        "as_of": _days(opts.as_of),
    }


def _outcomes(
    plan: Plan, current: Table, outcomes: Table, opts: Options
) -> tuple[Any, Any, dict[str, Any]]:
    """Join matured outcomes to the window's predictions by id. Returns the index of each
    used prediction, their outcomes, and counts for the report."""
    if not plan.time_col:
        raise no_prediction_times()
    pred_ids = current.ids(plan.id_col).astype(str)
    pred_time = current.times(plan.time_col)
    out_ids = outcomes.ids(plan.id_col).astype(str)
    y_all = _flags(outcomes, plan.outcome_col).astype(np.int64)
    out_time = outcomes.times(plan.outcome_time_col)
    _, pi, oi = np.intersect1d(pred_ids, out_ids, assume_unique=True, return_indices=True)
    early = out_time[oi] < pred_time[pi]
    if early.any():
        example = str(out_ids[oi][early][0])
        raise early_outcomes(plan, outcomes.label, current.label, int(early.sum()), example)
    delay = np.timedelta64(plan.label_delay_days, "D")
    matured = pred_time[pi] + delay <= opts.as_of
    idx, y = pi[matured], y_all[oi][matured]
    counts = outcome_counts(plan, opts, outcomes.rows, len(pi), len(idx), y, outcomes.label)
    return idx, y, counts


def compute(
    plan: Plan, baseline: Table, current: Table, outcomes: Table | None, opts: Options
) -> Result:
    """The run over two windows read whole into memory (``--engine numpy``)."""
    return assemble(plan, memory_facts(plan, baseline, current, outcomes, opts), opts)


def memory_facts(
    plan: Plan, baseline: Table, current: Table, outcomes: Table | None, opts: Options
) -> Facts:
    check_period_known(plan, opts)
    check_same_shape(baseline, current)
    for table in (baseline, current):
        table.require(plan.score_col, "score")
        for name in plan.input_columns():
            table.require(name, "model input")
    current.ids(plan.id_col)
    baseline.ids(plan.id_col)
    counts = _memory_counts(plan, baseline, current)
    days = None
    if opts.period is None:
        assert plan.time_col
        t = current.times(plan.time_col)
        days = (_days(t.min()), _days(t.max()))
    score = current.numeric(plan.score_col)
    approved = _approved(plan, current, score) if (plan.groups or plan.decision_col) else None
    group_values: dict[str, ObjArray] = {}
    approval: dict[str, tuple[dict[str, tuple[int, float]], int]] = {}
    for attr, column in plan.groups.items():
        assert approved is not None
        current.require(column, f"group ({attr})")
        values = current.strings(column)
        group_values[attr] = values
        approval[attr] = (stats.rates_by_group(approved, values), sum(v is None for v in values))
    override = _flags(current, plan.override_col) if plan.override_col else None
    matured = None
    if outcomes is not None:
        idx, y, outcome_counts = _outcomes(plan, current, outcomes, opts)
        matured = Matured(
            outcome_counts,
            y,
            score[idx],
            approved[idx] if approved is not None else None,
            {attr: values[idx] for attr, values in group_values.items()},
            override[idx] if override is not None else None,
        )
    return Facts(
        baseline.label,
        current.label,
        baseline.rows,
        current.rows,
        counts,
        days,
        approval,
        (int(override.sum()), len(override)) if override is not None else None,
        matured,
    )


def _bins(plan: Plan, score: stats.Stability, inputs: dict[str, stats.Stability]) -> Any:
    bins: dict[str, Any] = {
        SCORE_BINS: {
            "edges": plan.score_edges,
            "expected": [_r(x) for x in score.expected],
            "actual": [_r(x) for x in score.actual],
        }
    }
    for name, edges in plan.numeric.items():
        s = inputs[name]
        bins[name] = {
            "edges": edges,
            "expected": [_r(x) for x in s.expected],
            "actual": [_r(x) for x in s.actual],
        }
    return bins


def assemble(plan: Plan, facts: Facts, opts: Options) -> Result:
    """The ``monitoring.latest`` evidence and the report, from the gathered counts."""
    score_stab, csi_stab = _stability(plan, facts)
    csi = {k: _r(v.value) for k, v in csi_stab.items()}
    thresholds = plan.thresholds
    amber = float(thresholds.get("csi", thresholds.get("psi", {})).get("amber", 0.1))
    if opts.period is not None:
        period = {"start": opts.period[0], "end": opts.period[1]}
    else:
        assert facts.days is not None
        period = {"start": facts.days[0], "end": facts.days[1]}
    latest: dict[str, Any] = {
        "period": period,
        "computed_at": opts.computed_at,
        "baseline_id": opts.baseline_id,
        "psi_score": _r(score_stab.value),
        "bins": _bins(plan, score_stab, csi_stab),
        "csi": csi,
        "csi_top_contributors": _top_contributors(csi, amber),
    }
    report: dict[str, Any] = {
        "model": plan.model_id,
        "baseline": {
            "file": facts.baseline_label,
            "rows": facts.baseline_rows,
            "id": opts.baseline_id,
        },
        "current": {"file": facts.current_label, "rows": facts.current_rows},
        "period": period,
        "engine": opts.engine,
        "stability": {
            "score": _stability_entry(score_stab),
            "inputs": {k: _stability_entry(v) for k, v in csi_stab.items()},
        },
    }
    if plan.groups:
        _fairness(plan, facts, latest, report)
    if facts.overrides is not None:
        overridden, rows = facts.overrides
        latest["override_rate"] = _r(overridden / rows)
        report["overrides"] = {"rate": latest["override_rate"], "count": overridden}
    if facts.matured is not None:
        _outcome_analysis(plan, facts.matured, latest, report)
    return Result(latest, report)


def _fairness(plan: Plan, facts: Facts, latest: dict[str, Any], report: dict[str, Any]) -> None:
    air_all: dict[str, float] = {}
    detail: dict[str, Any] = {}
    for attr, column in plan.groups.items():
        rates, missing = facts.approval[attr]
        ratios, best = stats.air(rates)
        detail[attr] = {
            "column": column,
            "most_favoured": best,
            "missing": int(missing),
            "groups": {
                g: {"n": n, "approval_rate": _r(rate), "air": _r(ratios[g])}
                for g, (n, rate) in rates.items()
            },
        }
        air_all.update({f"{attr}:{g}": _r(v) for g, v in ratios.items()})
    latest["air"] = air_all
    latest["min_air"] = min(air_all.values())
    report["fairness"] = {
        "by_attribute": detail,
        "against_baseline": {
            g: {"baseline": b, "current": air_all.get(g), "drop": _r(b - air_all[g])}
            if g in air_all
            else {"baseline": b, "current": None, "drop": None}
            for g, b in sorted(plan.air_baseline.items())
        },
    }


def _outcome_analysis(
    plan: Plan, m: Matured, latest: dict[str, Any], report: dict[str, Any]
) -> None:
    p, y = m.score, m.y
    auc = stats.auc(y, p)
    calib = stats.calibration(y, p)
    metrics = {
        "auc": auc,
        "gini": 2 * auc - 1,
        "ks": stats.ks(y, p),
        "brier": float(np.mean((p - y) ** 2)),
        "bad_rate": float(y.mean()),
        "bad_rate_ratio": float(y.mean() / p.mean()) if p.mean() > 0 else 0.0,
        "calibration_max_gap": max(abs(r["predicted"] - r["observed"]) for r in calib),
    }
    latest["metrics"] = {k: _r(v) for k, v in metrics.items()}
    versus = {}
    for name, validated in plan.validated.items():
        if name in latest["metrics"] and validated > 0:
            drop = (validated - latest["metrics"][name]) / validated
            versus[name] = {
                "validated": validated,
                "current": latest["metrics"][name],
                "relative_drop": _r(drop),
            }
    report["outcomes"] = {
        **m.counts,
        "metrics": latest["metrics"],
        "against_validation": versus,
        "tolerance": plan.tolerance,
        "calibration": [{k: _r(v) for k, v in r.items()} for r in calib],
    }
    if plan.groups and m.approved is not None:
        wrong = (~m.approved).astype(np.int64) != y
        errors: dict[str, float] = {}
        for attr, values in m.groups.items():
            for g, (_, rate) in stats.rates_by_group(wrong, values).items():
                errors[f"{attr}:{g}"] = _r(rate)
        latest["group_error_rates"] = errors
    if m.override is not None:
        used = m.override
        delta = float(p[used].mean() - y[used].mean()) if used.any() else 0.0
        latest["override_outcome_delta"] = _r(delta)
        report["overrides"]["matured_overridden"] = int(used.sum())
        report["overrides"]["outcome_delta"] = latest["override_outcome_delta"]


def parse_time(text: str, what: str) -> np.datetime64:
    """A date (meaning the end of that day) or an RFC 3339 time, as UTC datetime64[s]."""
    try:
        if "T" in text:
            when = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if when.tzinfo is not None:
                when = when.astimezone(_dt.UTC).replace(tzinfo=None)
            return np.datetime64(when.replace(microsecond=0), "s")
        day = np.datetime64(_dt.date.fromisoformat(text), "s")
        return day + np.timedelta64(86399, "s")
    except ValueError:
        raise UsageError(f"{what} must be a date or an RFC 3339 time, not {text!r}") from None
