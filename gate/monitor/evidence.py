"""Monitoring results as evidence, the outcome of the policy decision, and its summary."""

from __future__ import annotations

import copy
import json
from typing import Any

from gate.decision import Decision
from gate.evidence import validate_bundle
from gate.report.text import md_cell

OK, WARN, ALERT = "ok", "warn", "alert"

# Alert kind of each monitoring control; one GitHub issue per model and kind.
KINDS = {
    "MON-PSI-01": "stability",
    "MON-FAIR-01": "fairness",
    "SR117-VAL-05": "performance",
    "SR117-MON-02": "overrides",
    "EUAIA-PMM-01": "post-market",
    "FDA-GMLP-09": "post-market",
}


def kind_of(control_id: str) -> str:
    return KINDS.get(control_id, control_id.lower())


def monitored_bundle(bundle: dict[str, Any], latest: dict[str, Any], label: str) -> dict[str, Any]:
    """A copy of ``bundle`` with ``monitoring.latest`` replaced; checked against the schema."""
    out = copy.deepcopy(bundle)
    out.setdefault("monitoring", {})["latest"] = latest
    validate_bundle(out, label)
    return out


def bundle_text(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def outcome(decision: Decision) -> str:
    if not decision.allow:
        return ALERT
    return WARN if decision.warnings else OK


def alerts_by_kind(decision: Decision) -> dict[str, list[dict[str, Any]]]:
    """The decision's violations grouped by alert kind."""
    kinds: dict[str, list[dict[str, Any]]] = {}
    for v in decision.violations:
        kinds.setdefault(kind_of(str(v.get("control_id", ""))), []).append(v)
    return dict(sorted(kinds.items()))


def summary_markdown(
    model_id: str, result_outcome: str, latest: dict[str, Any], decision: Decision
) -> str:
    """The figures and the findings, for the job summary and the alert issues."""
    icon = {OK: "ok", WARN: "warn", ALERT: "ALERT"}[result_outcome]
    period = latest.get("period", {})
    lines = [
        f"## mrm-gate monitor: {md_cell(model_id)}: {icon}",
        "",
        f"Period {period.get('start')} to {period.get('end')}, baseline "
        f"`{md_cell(latest.get('baseline_id'))}`, bundle `{decision.bundle_digest}`.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| score PSI | {latest.get('psi_score')} |",
    ]
    csi = latest.get("csi", {})
    lines += [
        f"| CSI {md_cell(name)} | {csi.get(name)} |"
        for name in latest.get("csi_top_contributors", [])
    ]
    if "min_air" in latest:
        worst = min(latest["air"], key=lambda g: (latest["air"][g], g))
        lines.append(f"| smallest AIR ({md_cell(worst)}) | {latest['min_air']} |")
    for name, value in sorted(latest.get("metrics", {}).items()):
        lines.append(f"| {md_cell(name)} | {value} |")
    if "override_rate" in latest:
        lines.append(f"| override rate | {latest['override_rate']} |")
    for title, items in (("Alerts", decision.violations), ("Warnings", decision.warnings)):
        if items:
            lines += ["", f"### {title}", ""]
            lines += [
                f"- **{md_cell(v.get('control_id'))}** {md_cell(v.get('msg'))} "
                f"(`{md_cell(v.get('evidence_path'))}`): {md_cell(v.get('remediation'))}"
                for v in items
            ]
    return "\n".join(lines) + "\n"
