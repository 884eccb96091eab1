"""GitHub Actions workflow commands (``::error file=…,line=…::``): the runner turns each into
an annotation on the line a person wrote. Escaping follows the runner's rules (the same as
@actions/core's ``escapeData`` and ``escapeProperty``)."""

from __future__ import annotations

from typing import Any

from gate.decision import Decision
from gate.report.context import ReportContext
from gate.report.text import approval_instruction, guidance_text, round_numbers_in, verdict


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: str | int) -> str:
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v != "")
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


def _annotation(level: str, item: dict[str, Any], ctx: ReportContext) -> str:
    where = ctx.where(item["evidence_path"])
    fix = (
        f"not known in a local run ({ctx.unknown}); run it in CI"
        if ctx.is_unknown_here(item)
        else item["remediation"]
    )
    props: dict[str, str | int] = {"title": f"{item['control_id']}: {item['title']}"}
    if where is not None:
        props = {"file": where.file, "line": where.line, **props}
    message = f"{round_numbers_in(item['msg'])} (at {item['evidence_path']})\nHow to fix: {fix}"
    return command(level, message, **props)


def to_github(decision: Decision, context: ReportContext | None = None) -> str:
    ctx = context or ReportContext()
    lines = [_annotation("error", v, ctx) for v in decision.violations]
    lines += [_annotation("warning", w, ctx) for w in decision.warnings]
    lines += [
        command(
            "error",
            f"{r.get('reason', '')}\nAn independent {r['role']} comments: "
            f"{approval_instruction(r, decision.bundle_digest)}",
            title=f"approval missing: {r['role']}",
        )
        for r in decision.missing_approvals
    ]
    lines += [
        command("notice", f"waived: {v['msg']}", title=f"{v['control_id']}: waived")
        for v in decision.waived
    ]
    lines.append(
        command(
            "notice" if decision.allow else "error",
            f"{len(decision.violations)} violation(s), {len(decision.missing_approvals)} "
            f"missing approval(s); supervisory guidance {guidance_text(decision.guidance)}",
            title=f"mrm-gate {decision.stage}: {verdict(decision.allow)}",
        )
    )
    return "\n".join(lines) + "\n"
