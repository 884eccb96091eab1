"""One monitoring run: stability, disparate impact, outcomes and overrides for a window.

:func:`compute` returns the ``monitoring.latest`` evidence (schema shape) and a fuller
report (bins, calibration, counts) for people.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gate.errors import EvidenceError, Problem, UsageError
from gate.monitor import stats
from gate.monitor.plan import SCORE_BINS, Plan
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
    baseline_path: Path | None = None
    current_path: Path | None = None


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


def _stability(
    plan: Plan, baseline: Table, current: Table, opts: Options
) -> tuple[stats.Stability, dict[str, stats.Stability]]:
    numeric = {plan.score_col: plan.score_edges, **plan.numeric}
    # Read (and so check for NaN/inf/empty) every numeric column whatever the engine.
    values = {name: (baseline.numeric(name), current.numeric(name)) for name in numeric}
    counts: dict[str, tuple[Any, Any]]
    if opts.engine == "duckdb":
        if opts.baseline_path is None or opts.current_path is None:
            raise UsageError("internal: the duckdb engine needs the file paths")
        from gate.monitor.sql import duckdb_bin_counts

        raw = duckdb_bin_counts(opts.baseline_path, opts.current_path, numeric)
        counts = {k: (np.asarray(b), np.asarray(c)) for k, (b, c) in raw.items()}
    else:
        counts = {
            name: (stats.numeric_counts(b, numeric[name]), stats.numeric_counts(c, numeric[name]))
            for name, (b, c) in values.items()
        }
    out: dict[str, stats.Stability] = {}
    for name, edges in numeric.items():
        b, c = counts[name]
        out[name] = stats.psi_from_counts(b, c, stats.edge_labels(edges))
    for name, cats in plan.categorical.items():
        out[name] = stats.psi_from_counts(
            stats.category_counts(baseline.strings(name), cats),
            stats.category_counts(current.strings(name), cats),
            stats.category_labels(cats),
        )
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
            raise EvidenceError(
                f"{table.label}: {empty} empty decision(s) in column {plan.decision_col!r}",
                [Problem(table.label, f"column {plan.decision_col!r}", f"{empty} empty value(s)")],
            )
        return np.isin(decisions.astype(str), np.asarray(plan.approved, dtype=str))
    assert plan.cutoff is not None
    return score <= plan.cutoff


def _flags(table: Table, name: str) -> Any:
    values = table.numeric(name)
    bad = int(((values != 0) & (values != 1)).sum())
    if bad:
        raise EvidenceError(
            f"{table.label}: column {name!r} has {bad} value(s) that are not 0/1 or true/false",
            [Problem(table.label, f"column {name!r}", f"{bad} value(s) not 0/1")],
        )
    return values.astype(bool)


def _days(d: np.datetime64) -> str:
    return str(d.astype("datetime64[D]"))


def _outcomes(
    plan: Plan, current: Table, outcomes: Table, score: FloatArray, opts: Options
) -> tuple[Any, Any, dict[str, Any]]:
    """Join matured outcomes to the window's predictions by id. Returns the index of each
    used prediction, their outcomes, and counts for the report."""
    if not plan.time_col:
        raise EvidenceError(
            "outcome analysis needs prediction times",
            [Problem("bundle", "$.monitoring.plan.columns.prediction_time", "not named")],
            hint="name the prediction time column in monitoring.plan.columns",
        )
    pred_ids = current.ids(plan.id_col).astype(str)
    pred_time = current.times(plan.time_col)
    out_ids = outcomes.ids(plan.id_col).astype(str)
    y_all = _flags(outcomes, plan.outcome_col).astype(np.int64)
    out_time = outcomes.times(plan.outcome_time_col)
    _, pi, oi = np.intersect1d(pred_ids, out_ids, assume_unique=True, return_indices=True)
    early = out_time[oi] < pred_time[pi]
    if early.any():
        example = out_ids[oi][early][0]
        raise EvidenceError(
            f"{outcomes.label}: {int(early.sum())} outcome(s) dated before their prediction",
            [
                Problem(
                    outcomes.label,
                    f"column {plan.outcome_time_col!r}",
                    f"{int(early.sum())} outcome(s) earlier than the prediction in "
                    f"{current.label} (for example id {example})",
                    "check the join key and the time zones of both files",
                )
            ],
        )
    delay = np.timedelta64(plan.label_delay_days, "D")
    matured = pred_time[pi] + delay <= opts.as_of
    idx, y = pi[matured], y_all[oi][matured]
    counts = {
        "outcome_rows": outcomes.rows,
        "joined": len(pi),
        "unmatched_outcomes": outcomes.rows - len(pi),
        "excluded_not_matured": int((~matured).sum()),
        "used": len(idx),
        "label_delay_days": plan.label_delay_days,
        "as_of": _days(opts.as_of),
    }
    if len(idx) == 0 or y.min() == y.max():
        raise EvidenceError(
            f"{outcomes.label}: matured outcomes hold only one class ({len(idx)} used)",
            [Problem(outcomes.label, f"column {plan.outcome_col!r}", "AUC/KS are undefined")],
            hint="wait for more outcomes to mature, or run over a longer window",
        )
    return idx, y, counts


def compute(
    plan: Plan, baseline: Table, current: Table, outcomes: Table | None, opts: Options
) -> Result:
    check_same_shape(baseline, current)
    for table in (baseline, current):
        table.require(plan.score_col, "score")
        for name in plan.input_columns():
            table.require(name, "model input")
    current.ids(plan.id_col)
    baseline.ids(plan.id_col)

    score_stab, csi_stab = _stability(plan, baseline, current, opts)
    csi = {k: _r(v.value) for k, v in csi_stab.items()}
    thresholds = plan.thresholds
    amber = float(thresholds.get("csi", thresholds.get("psi", {})).get("amber", 0.1))

    if opts.period is not None:
        period = {"start": opts.period[0], "end": opts.period[1]}
    elif plan.time_col:
        t = current.times(plan.time_col)
        period = {"start": _days(t.min()), "end": _days(t.max())}
    else:
        raise UsageError(
            "the period of the run is unknown",
            hint="pass --period-start and --period-end, or name "
            "monitoring.plan.columns.prediction_time",
        )

    bins: dict[str, Any] = {
        SCORE_BINS: {
            "edges": plan.score_edges,
            "expected": [_r(x) for x in score_stab.expected],
            "actual": [_r(x) for x in score_stab.actual],
        }
    }
    for name, edges in plan.numeric.items():
        s = csi_stab[name]
        bins[name] = {
            "edges": edges,
            "expected": [_r(x) for x in s.expected],
            "actual": [_r(x) for x in s.actual],
        }
    latest: dict[str, Any] = {
        "period": period,
        "computed_at": opts.computed_at,
        "baseline_id": opts.baseline_id,
        "psi_score": _r(score_stab.value),
        "bins": bins,
        "csi": csi,
        "csi_top_contributors": _top_contributors(csi, amber),
    }
    report: dict[str, Any] = {
        "model": plan.model_id,
        "baseline": {"file": baseline.label, "rows": baseline.rows, "id": opts.baseline_id},
        "current": {"file": current.label, "rows": current.rows},
        "period": period,
        "engine": opts.engine,
        "stability": {
            "score": _stability_entry(score_stab),
            "inputs": {k: _stability_entry(v) for k, v in csi_stab.items()},
        },
    }

    score = current.numeric(plan.score_col)
    approved = _approved(plan, current, score) if (plan.groups or plan.decision_col) else None
    group_values: dict[str, ObjArray] = {}
    if plan.groups:
        assert approved is not None
        air_all: dict[str, float] = {}
        detail: dict[str, Any] = {}
        for attr, column in plan.groups.items():
            current.require(column, f"group ({attr})")
            values = current.strings(column)
            group_values[attr] = values
            rates = stats.rates_by_group(approved, values)
            ratios, best = stats.air(rates)
            detail[attr] = {
                "column": column,
                "most_favoured": best,
                "missing": int(sum(v is None for v in values)),
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

    override = _flags(current, plan.override_col) if plan.override_col else None
    if override is not None:
        latest["override_rate"] = _r(override.mean())
        report["overrides"] = {"rate": latest["override_rate"], "count": int(override.sum())}

    if outcomes is not None:
        idx, y, counts = _outcomes(plan, current, outcomes, score, opts)
        p = score[idx]
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
            **counts,
            "metrics": latest["metrics"],
            "against_validation": versus,
            "tolerance": plan.tolerance,
            "calibration": [{k: _r(v) for k, v in r.items()} for r in calib],
        }
        if plan.groups:
            assert approved is not None
            wrong = (~approved[idx]).astype(np.int64) != y
            errors: dict[str, float] = {}
            for attr, values in group_values.items():
                for g, (_, rate) in stats.rates_by_group(wrong, values[idx]).items():
                    errors[f"{attr}:{g}"] = _r(rate)
            latest["group_error_rates"] = errors
        if override is not None:
            used = override[idx]
            delta = float(p[used].mean() - y[used].mean()) if used.any() else 0.0
            latest["override_outcome_delta"] = _r(delta)
            report["overrides"]["matured_overridden"] = int(used.sum())
            report["overrides"]["outcome_delta"] = latest["override_outcome_delta"]
    return Result(latest, report)


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
