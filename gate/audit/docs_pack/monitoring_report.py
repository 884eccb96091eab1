"""The monitoring report: every period recorded for a model, as trends against the
validation baseline and the plan's bands, with the alerting periods marked.

The periods come from the model's monitoring history (JSON Lines, one line per period,
written by `mrm-gate monitor --history`); the report is a Pack rendered with the same
template and style as the documentation pack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.audit.docs_pack import charts
from gate.audit.docs_pack.model import (
    MISSING,
    Block,
    Chart,
    KeyValues,
    Pack,
    Paragraph,
    Section,
    Table,
    get,
    numbers,
    text,
)
from gate.decision import Decision
from gate.errors import UsageError
from gate.fileio import write_atomic

AMBER, RED = "#d08c00", "#b22222"


def history_entry(
    latest: dict[str, Any],
    bundle_digest: str,
    findings: dict[str, tuple[dict[str, Any], ...]],
    outcome: str,
) -> dict[str, Any]:
    """One period of the history: the figures, the decision's digest, outcome and alerts
    (``findings``: the decision's violations, warnings and waived, by those names)."""
    return {
        "period": latest.get("period"),
        "computed_at": latest.get("computed_at"),
        "bundle_digest": bundle_digest,
        "outcome": outcome,
        "alerts": sorted({str(v.get("control_id")) for v in findings["violations"]}),
        "warnings": sorted({str(v.get("control_id")) for v in findings["warnings"]}),
        "waived": sorted({str(v.get("control_id")) for v in findings["waived"]}),
        "latest": latest,
    }


def _decision_findings(decision: Decision) -> dict[str, tuple[dict[str, Any], ...]]:
    return {
        "violations": decision.violations,
        "warnings": decision.warnings,
        "waived": decision.waived,
    }


def read_history(path: Path) -> list[dict[str, Any]]:
    """The periods recorded so far (none when the file does not exist yet)."""
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if not isinstance(entry, dict) or not isinstance(entry.get("latest"), dict):
            raise UsageError(
                f"{path}:{number}: not a monitoring history entry",
                hint="the file is written by `mrm-gate monitor --history`; restore it",
            )
        entries.append(entry)
    return entries


def record_period(path: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Add a period to the history (a period computed again replaces its line), atomically."""
    entries = [e for e in read_history(path) if e.get("period") != entry.get("period")]
    entries.append(entry)
    entries.sort(key=lambda e: (text(get(e, "period.start")), text(e.get("computed_at"))))
    write_atomic(path, "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))
    return entries


def _label(entry: dict[str, Any]) -> str:
    if get(entry, "period.start") is None:  # a sample without dates has no period
        return f"computed {text(entry.get('computed_at'))[:10]} (no period)"
    return f"{text(get(entry, 'period.start'))} to {text(get(entry, 'period.end'))}"


def _series(entries: list[dict[str, Any]], path: str) -> list[float | None]:
    out: list[float | None] = []
    for e in entries:
        value = get(e["latest"], path)
        if isinstance(value, dict):
            found = numbers(value)
            value = (min if path == "air" else max)(found.values()) if found else None
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        out.append(float(value) if ok else None)
    return out


def _bands(plan: Any, figure: str) -> tuple[tuple[str, float, str], ...]:
    """The plan's bands for a figure, as (label, value, colour)."""
    t = get(plan, "thresholds")
    pairs = {
        "psi_score": [("amber", get(t, "psi.amber"), AMBER), ("red", get(t, "psi.red"), RED)],
        "csi": [("amber", get(t, "csi.amber"), AMBER), ("red", get(t, "csi.red"), RED)],
        "air": [("floor", get(t, "air_min"), RED)],
        "override_rate": [("limit", get(t, "override_rate"), RED)],
        "metrics.auc": [("floor", get(t, "metrics.auc.min"), RED)],
        "metrics.bad_rate_ratio": [
            ("min", get(t, "metrics.bad_rate_ratio.min"), RED),
            ("max", get(t, "metrics.bad_rate_ratio.max"), RED),
        ],
    }[figure]
    return tuple((k, float(v), c) for k, v, c in pairs if isinstance(v, int | float))


# Each trend: the figure in monitoring.latest, its title, and its validation baseline.
TRENDS = (
    ("psi_score", "Score PSI against the validation baseline", None),
    ("csi", "Largest CSI of any characteristic", None),
    ("air", "Smallest adverse impact ratio of any group", "fairness.air"),
    ("metrics.auc", "Back-test AUC against validation", "validation.metrics.overall.auc"),
    ("metrics.bad_rate_ratio", "Observed over expected bad rate", None),
    ("override_rate", "Override rate", None),
)


def _baseline(bundle: dict[str, Any], path: str | None) -> float | None:
    value = get(bundle, path) if path else None
    if isinstance(value, dict):
        found = numbers(value)
        return min(found.values()) if found else None
    return float(value) if isinstance(value, int | float) else None


def _trends(bundle: dict[str, Any], entries: list[dict[str, Any]]) -> list[Block]:
    labels = [_label(e) for e in entries]
    alerting = [i for i, e in enumerate(entries) if e.get("alerts")]
    plan = get(bundle, "monitoring.plan")
    blocks: list[Block] = []
    for figure, title, base_path in TRENDS:
        values = _series(entries, figure)
        if all(v is None for v in values):
            continue
        baseline = _baseline(bundle, base_path)
        svg = charts.trend(
            labels,
            {figure: values},
            title,
            baseline=baseline,
            bands=_bands(plan, figure),
            alerts=alerting,
        )
        shown = [(lab, v) for lab, v in zip(labels, values, strict=True) if v is not None]
        blocks.append(Chart(title, svg, shown))
    return blocks


def _findings(entry: dict[str, Any]) -> str:
    said = [", ".join(entry.get("alerts") or [])]
    said += [f"warn: {c}" for c in entry.get("warnings") or []]
    said += [f"waived: {c}" for c in entry.get("waived") or []]
    return "; ".join(x for x in said if x) or "-"


def _periods_table(entries: list[dict[str, Any]]) -> Table:
    rows = []
    for e in entries:
        figures = [_series([e], f)[0] for f, _, _ in TRENDS]
        rows.append(
            [_label(e), text(e.get("computed_at")), text(e.get("outcome")).upper()]
            + [MISSING if v is None else f"{v:g}" for v in figures]
            + [_findings(e), text(e.get("bundle_digest"))]
        )
    headers = [
        "period",
        "computed at",
        "outcome",
        "PSI",
        "max CSI",
        "min AIR",
        "AUC",
        "bad rate O/E",
        "override rate",
        "alerts",
        "bundle",
    ]
    return Table("Every period recorded", headers, rows or [[MISSING] * len(headers)])


def build_report(bundle: dict[str, Any], entries: list[dict[str, Any]]) -> Pack:
    model = f"{text(get(bundle, 'model.id'))} {text(get(bundle, 'model.version'))}"
    alerts = [e for e in entries if e.get("alerts")]
    summary: list[Block] = [
        KeyValues(
            [
                ("Model", model),
                ("Monitoring plan", text(get(bundle, "monitoring.plan.uri"))),
                ("Frequency", text(get(bundle, "monitoring.plan.frequency"))),
                ("Periods", str(len(entries))),
                ("Periods with alerts", ", ".join(_label(e) for e in alerts) or "none"),
                ("Validation baseline AUC", text(get(bundle, "validation.metrics.overall.auc"))),
            ]
        ),
        _periods_table(entries),
    ]
    if alerts:
        summary.append(
            Paragraph(
                f"{len(alerts)} period(s) alerted: "
                + "; ".join(f"{_label(e)}: {', '.join(e['alerts'])}" for e in alerts),
                warning=True,
            )
        )
    trends = _trends(bundle, entries) or [Paragraph(f"Trends: {MISSING} (no figures).")]
    trends.insert(
        0,
        Paragraph(
            "Shaded periods alerted. Dotted lines: the validation baseline; "
            "dashed lines: the monitoring plan's bands."
        ),
    )
    digest = text(entries[-1].get("bundle_digest")) if entries else MISSING
    return Pack(
        f"{text(get(bundle, 'model.name'))} ({model})",
        digest,
        [Section("periods", "Periods and alerts", summary), Section("trends", "Trends", trends)],
        version=f"{len(entries)} period(s)",
        kind="Monitoring report",
    )


def write(
    history: Path | None,
    report: Path | None,
    bundle: dict[str, Any],
    latest: dict[str, Any],
    decision: Decision,
    outcome: str,
) -> None:
    """What `monitor --history/--report-html` writes: the period added to the history, and
    the report over every period in it (only this period without a history)."""
    from gate.audit.docs_pack.render import to_html

    entry = history_entry(latest, decision.bundle_digest, _decision_findings(decision), outcome)
    entries = record_period(history, entry) if history is not None else [entry]
    if report is not None:
        write_atomic(report, to_html(build_report(bundle, entries)))


def from_bundle(bundle: dict[str, Any], decision: Decision) -> list[dict[str, Any]]:
    """Without a history: the one period the bundle records (monitoring.latest), judged by the
    monitoring controls of the decision at hand."""
    from gate.monitor.evidence import KINDS

    latest = get(bundle, "monitoring.latest")
    if not isinstance(latest, dict):
        return []
    mine = {
        key: tuple(v for v in found if v.get("control_id") in KINDS)
        for key, found in _decision_findings(decision).items()
    }
    outcome = next(
        (
            name
            for key, name in (("violations", "alert"), ("waived", "waived"), ("warnings", "warn"))
            if mine[key]
        ),
        "ok",
    )
    return [history_entry(latest, decision.bundle_digest, mine, outcome)]
