"""The monitoring plan as the monitor needs it, read from the bundle and checked.

A plan that lacks what the run needs (column names, frozen bins, categories) is an
evidence problem (exit 2) located by its JSON path in the bundle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from gate.errors import EvidenceError, Problem

SCORE_BINS = "score"


@dataclass(frozen=True)
class Plan:
    """Everything the run reads from the bundle."""

    model_id: str
    id_col: str
    score_col: str
    time_col: str | None
    decision_col: str | None
    override_col: str | None
    outcome_col: str
    outcome_time_col: str
    approved: tuple[str, ...]
    cutoff: float | None
    label_delay_days: int
    score_edges: list[float]
    numeric: dict[str, list[float]]
    categorical: dict[str, list[str]]
    groups: dict[str, str] = field(default_factory=dict)  # attribute -> column
    air_baseline: dict[str, float] = field(default_factory=dict)
    validated: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    tolerance: dict[str, float] = field(default_factory=dict)

    def input_columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]


def _edges_problem(label: str, name: str, edges: Any) -> Problem | None:
    path = f"$.monitoring.plan.bins.{name}"
    if not isinstance(edges, list) or len(edges) < 2:
        return Problem(label, path, "needs at least two edges (one bin)", "freeze the bin edges")
    if not all(isinstance(e, int | float) and math.isfinite(e) for e in edges):
        return Problem(label, path, "edges must be finite numbers")
    if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        return Problem(label, path, "edges must be strictly ascending")
    return None


def _inputs(
    features: list[dict[str, Any]],
    bins: dict[str, Any],
    categories: dict[str, Any],
    label: str,
    problems: list[Problem],
) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """The frozen bin edges of each numeric input and the categories of each categorical one;
    what is missing goes to ``problems``."""
    numeric: dict[str, list[float]] = {}
    categorical: dict[str, list[str]] = {}
    if not features:
        problems.append(Problem(label, "$.model.features", "the model declares no inputs"))
    for i, feature in enumerate(features):
        name = feature["name"]
        if feature.get("type") == "categorical":
            cats = categories.get(name)
            if not cats:
                problems.append(
                    Problem(
                        label,
                        f"$.monitoring.plan.categories.{name}",
                        f"no frozen categories for categorical input {name} "
                        f"($.model.features[{i}])",
                        "record the categories seen at validation",
                    )
                )
            else:
                categorical[name] = [str(c) for c in cats]
        else:
            edges: Any = bins.get(name)
            if (p := _edges_problem(label, name, edges)) is not None:
                problems.append(p)
            else:
                numeric[name] = [float(e) for e in edges]
    return numeric, categorical


def _approval_problems(
    label: str, decision_col: Any, approved: tuple[str, ...], cutoff: Any, has_groups: bool
) -> list[Problem]:
    """How approval is told (a decision column and its approving values, or the threshold)."""
    problems = []
    if decision_col and not approved:
        problems.append(
            Problem(
                label,
                "$.monitoring.plan.approved_decisions",
                "a decision column is named but no decision value counts as approval",
                "list the favourable decision values",
            )
        )
    if has_groups and not decision_col and not isinstance(cutoff, int | float):
        problems.append(
            Problem(
                label,
                "$.monitoring.plan.columns.decision",
                "approval cannot be told: no decision column and no decision threshold",
                "name the decision column, or set model.decision_thresholds.value",
            )
        )
    return problems


def read_plan(bundle: dict[str, Any], label: str) -> Plan:
    """Read and check the parts of the bundle the monitor uses; every problem at once."""
    problems: list[Problem] = []
    model = bundle.get("model", {})
    monitoring = bundle.get("monitoring", {})
    plan = monitoring.get("plan", {})
    columns = plan.get("columns")
    if not isinstance(columns, dict):
        problems.append(
            Problem(
                label,
                "$.monitoring.plan.columns",
                "the monitoring plan names no data columns",
                "add monitoring.plan.columns with at least id and score (docs/monitoring.md)",
            )
        )
        columns = {"id": "", "score": ""}
    bins = plan.get("bins", {})
    categories = plan.get("categories", {})
    score_edges = bins.get(SCORE_BINS)
    if (p := _edges_problem(label, SCORE_BINS, score_edges)) is not None:
        problems.append(p)
    numeric, categorical = _inputs(model.get("features", []), bins, categories, label, problems)
    decision_col = columns.get("decision")
    approved = tuple(plan.get("approved_decisions", []))
    cutoff = model.get("decision_thresholds", {}).get("value")
    fairness = bundle.get("fairness", {})
    group_cols = columns.get("groups", {})
    groups = {a: group_cols.get(a, a) for a in fairness.get("protected_attributes", [])}
    problems += _approval_problems(label, decision_col, approved, cutoff, bool(groups))
    if problems:
        raise EvidenceError(
            f"{label}: the monitoring plan is incomplete ({len(problems)} problem(s))",
            problems,
            hint="complete monitoring.plan; docs/monitoring.md lists what the monitor reads",
        )
    validated = bundle.get("validation", {}).get("metrics", {}).get("overall", {})
    thresholds = plan.get("thresholds", {})
    return Plan(
        model_id=str(model.get("id", "model")),
        id_col=columns["id"],
        score_col=columns["score"],
        time_col=columns.get("prediction_time"),
        decision_col=decision_col,
        override_col=columns.get("override"),
        outcome_col=columns.get("outcome", "outcome"),
        outcome_time_col=columns.get("outcome_time", "outcome_time"),
        approved=approved,
        cutoff=float(cutoff) if isinstance(cutoff, int | float) else None,
        label_delay_days=int(plan.get("label_delay_days", 0)),
        score_edges=[float(e) for e in score_edges],
        numeric=numeric,
        categorical=categorical,
        groups=groups,
        air_baseline=dict(fairness.get("air_baseline", {})),
        validated={k: float(v) for k, v in validated.items()},
        thresholds=dict(thresholds),
        tolerance=dict(thresholds.get("backtest_tolerance", {})),
    )
