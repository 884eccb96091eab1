"""The Markdown report: the pull-request comment, the check run's summary, the job summary."""

from __future__ import annotations

from gate.decision import Decision
from gate.report.context import ReportContext
from gate.report.text import (
    approval_instruction,
    guidance_text,
    md_cell,
    md_code,
    round_numbers_in,
    short_digest,
    verdict,
)


def to_markdown(decision: Decision, context: ReportContext | None = None) -> str:
    ctx = context or ReportContext()
    icon = "✅" if decision.allow else "❌"
    out = [
        f"### mrm-gate: {icon} {verdict(decision.allow)} at {md_code(decision.stage)}",
        "",
        f"Bundle {md_code(short_digest(decision.bundle_digest))} · policy "
        f"{md_code(decision.policy_revision[:23])} · OPA {decision.opa_version}",
        "",
        f"Supervisory guidance: {md_cell(guidance_text(decision.guidance))}",
        "",
    ]
    if ctx.unknown:
        out += [f"> Local run ({ctx.unknown}): what only CI and GitHub can give is not known.", ""]
    out += [f"> **Warning:** {note}" for note in ctx.notes] + ([""] if ctx.notes else [])
    if decision.violations:
        out += ["| control | problem | evidence | how to fix |", "|---|---|---|---|"]
        for v in decision.violations:
            where = ctx.where(v["evidence_path"])
            evidence = md_code(v["evidence_path"]) + (
                f" ({md_code(f'{where.file}:{where.line}')})" if where else ""
            )
            fix = (
                f"not known in a local run ({ctx.unknown}); run it in CI"
                if ctx.is_unknown_here(v)
                else v["remediation"]
            )
            out.append(
                f"| {md_cell(v['control_id'])} | {md_cell(round_numbers_in(v['msg']))} | "
                f"{md_cell(evidence)} | {md_cell(fix)} |"
            )
        out.append("")
    missing = decision.missing_approvals
    if missing:
        out += ["**Approvals still needed** (comment in this pull request):", ""]
        out += [
            f"- {md_cell(r['role'])} ({md_cell(r.get('reason', ''))}): "
            f"{md_code(approval_instruction(r, decision.bundle_digest))}"
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
