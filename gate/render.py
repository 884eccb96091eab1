"""Pure formatters: a Decision in, text out. Where text goes is the CLI's business."""

from __future__ import annotations

import json
from typing import Any

from gate.decision import Decision

_MARK = {"pass": "PASS", "fail": "FAIL", "waived": "WAIVED", "not_applicable": "n/a"}


def to_json(decision: Decision) -> str:
    return json.dumps(decision.to_dict(), indent=2, sort_keys=True) + "\n"


def approval_instruction(req: dict[str, Any], digest: str) -> str:
    """What an approver types in the pull request to give ``req``."""
    short = digest.removeprefix("sha256:")[:16]
    return f"/approve {req['role']} {short}"


def _short(digest: str) -> str:
    return digest.removeprefix("sha256:")[:16]


def to_table(decision: Decision) -> str:
    verdict = "ALLOWED" if decision.allow else "DENIED"
    lines = [
        f"mrm-gate: {verdict} at stage {decision.stage}",
        f"  bundle  {decision.bundle_digest}",
        f"  policy  {decision.policy_revision}  (OPA {decision.opa_version}, "
        f"{decision.engine} engine)",
        "",
    ]
    rows = [
        (
            c["id"],
            _MARK.get(c["status"], c["status"]),
            c.get("severity", ""),
            c.get("title", "") if c["status"] != "not_applicable" else c.get("reason", ""),
        )
        for c in sorted(decision.controls, key=lambda c: (c["status"] == "not_applicable", c["id"]))
    ]
    if rows:
        w_id = max(len(r[0]) for r in rows)
        lines.append(f"  {'control'.ljust(w_id)}  status  severity  title")
        for cid, mark, sev, title in rows:
            lines.append(f"  {cid.ljust(w_id)}  {mark.ljust(6)}  {sev.ljust(8)}  {title}")
        lines.append("")
    if decision.violations:
        lines.append(f"Violations ({len(decision.violations)}):")
        for v in decision.violations:
            lines.append(f"  [{v['control_id']}] {v['msg']}")
            lines.append(f"      at {v['evidence_path']}; fix: {v['remediation']}")
        lines.append("")
    if decision.waived:
        lines.append(f"Waived ({len(decision.waived)}):")
        for v in decision.waived:
            w = v.get("waiver", {})
            lines.append(
                f"  [{v['control_id']}] {v['msg']} (waiver until "
                f"{w.get('expires_at', '?')}, approved by "
                f"{', '.join(w.get('approved_by', []))})"
            )
        lines.append("")
    if decision.warnings:
        lines.append(f"Warnings ({len(decision.warnings)}):")
        lines.extend(f"  [{w['control_id']}] {w['msg']}" for w in decision.warnings)
        lines.append("")
    if decision.required_approvals:
        lines.append("Approvals:")
        for req in decision.required_approvals:
            if req["satisfied"]:
                lines.append(f"  {req['role']}: given by {', '.join(req['satisfied_by'])}")
            else:
                have = len(req.get("satisfied_by", []))
                lines.append(
                    f"  {req['role']}: MISSING ({have} of {req['count']}) - {req.get('reason', '')}"
                )
                lines.append(
                    f"      an independent {req['role']} comments: "
                    f"{approval_instruction(req, decision.bundle_digest)}"
                )
        lines.append("")
    if decision.stale_approvals:
        lines.append("Approvals that do not count:")
        lines.extend(
            f"  {a.get('login', '?')} as {a.get('role', '?')}: {a.get('reason', '')}"
            for a in decision.stale_approvals
        )
        lines.append("")
    return "\n".join(lines)


def to_markdown(decision: Decision) -> str:
    verdict = "✅ allowed" if decision.allow else "❌ denied"
    out = [
        f"### mrm-gate: {verdict} at `{decision.stage}`",
        "",
        f"Bundle `{_short(decision.bundle_digest)}` · policy `{decision.policy_revision[:23]}`"
        f" · OPA {decision.opa_version}",
        "",
    ]
    if decision.violations:
        out += ["| control | problem | evidence | how to fix |", "|---|---|---|---|"]
        out += [
            f"| {v['control_id']} | {_md(v['msg'])} | `{v['evidence_path']}` | "
            f"{_md(v['remediation'])} |"
            for v in decision.violations
        ]
        out.append("")
    missing = decision.missing_approvals
    if missing:
        out.append("**Approvals still needed** (comment in this pull request):")
        out.append("")
        out += [
            f"- {r['role']} ({r.get('reason', '')}): `"
            f"{approval_instruction(r, decision.bundle_digest)}`"
            for r in missing
        ]
        out.append("")
    if decision.waived:
        out.append("**Waived:** " + ", ".join(sorted({v["control_id"] for v in decision.waived})))
        out.append("")
    counts: dict[str, int] = {}
    for c in decision.controls:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    out.append("Controls: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
