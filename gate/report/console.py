"""The terminal report (rich): what needs doing first, grouped by what to do, then the
controls with the n/a ones folded into one line. Colour only when the caller says the
output is a terminal; the text is the same either way."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gate.decision import Decision
from gate.report.context import ReportContext
from gate.report.text import (
    approval_instruction,
    guidance_text,
    round_numbers_in,
    status_label,
    verdict,
)

WIDTH = 110
_STATUS_STYLE = {"fail": "bold red", "waived": "yellow", "pass": "green", "not_applicable": "dim"}
_ORDER = {"fail": 0, "waived": 1, "pass": 2, "not_applicable": 3}


def _header(decision: Decision, ctx: ReportContext) -> list[Text]:
    word = verdict(decision.allow).upper()
    head = Text("mrm-gate: ")
    head.append(word, style="bold green" if decision.allow else "bold red")
    head.append(f" at stage {decision.stage}")
    lines = [
        head,
        Text(f"  bundle  {decision.bundle_digest}"),
        Text(
            f"  policy  {decision.policy_revision}  (OPA {decision.opa_version}, "
            f"{decision.engine} engine)"
        ),
        Text(f"  guidance  {guidance_text(decision.guidance)}"),
    ]
    if ctx.unknown:
        lines.append(
            Text(
                f"  local run ({ctx.unknown}): facts only CI and GitHub give are not known "
                "here; the verdict in CI may differ",
                style="yellow",
            )
        )
    lines += [Text(f"  warning: {note}", style="bold yellow") for note in ctx.notes]
    return lines


def _fixes(decision: Decision, ctx: ReportContext) -> list[Text]:
    """Violations grouped by their remediation: one heading per thing to do."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for v in decision.violations:
        fix = (
            f"cannot be known in a local run ({ctx.unknown}): run the gate in CI "
            "(collect --github, check --github)"
            if ctx.is_unknown_here(v)
            else v["remediation"]
        )
        groups.setdefault(fix, []).append(v)
    out = [Text(f"To fix ({len(decision.violations)} violation(s)):", style="bold")]
    for fix, items in groups.items():
        out.append(Text(f"  - {fix}", style="bold"))
        for v in items:
            where = ctx.where(v["evidence_path"])
            at = f"{where.file}:{where.line}, " if where else ""
            line = Text("      ")
            line.append(f"[{v['control_id']}]", style="red")
            line.append(f" {round_numbers_in(v['msg'])}")
            out += [line, Text(f"        at {at}{v['evidence_path']}", style="dim")]
    return out


def _approvals(decision: Decision, ctx: ReportContext) -> list[Text]:
    out = [Text("Approvals to get:", style="bold")]
    if ctx.unknown:
        out.append(Text(f"  (approvals are read from the pull request in CI; {ctx.unknown} here)"))
    for req in decision.missing_approvals:
        have = len(req.get("satisfied_by", []))
        line = Text("  ")
        line.append(f"{req['role']}: MISSING ({have} of {req.get('count', 1)})", style="red")
        line.append(f" - {req.get('reason', '')}")
        out += [
            line,
            Text(
                f"      an independent {req['role']} comments: "
                f"{approval_instruction(req, decision.bundle_digest)}"
            ),
        ]
    return out


def _others(decision: Decision) -> list[Text]:
    out: list[Text] = []
    if decision.stale_approvals:
        out.append(Text("Approvals that do not count:", style="bold"))
        out += [
            Text(f"  {a.get('login', '?')} as {a.get('role', '?')}: {a.get('reason', '')}")
            for a in decision.stale_approvals
        ]
    if decision.waived:
        out.append(Text(f"Waived ({len(decision.waived)}):", style="bold yellow"))
        for v in decision.waived:
            raw = v.get("waiver")
            w: dict[str, Any] = raw if isinstance(raw, dict) else {}
            out.append(
                Text(
                    f"  [{v['control_id']}] {round_numbers_in(v['msg'])} (waiver until "
                    f"{w.get('expires_at', '?')}, approved by "
                    f"{', '.join(map(str, w.get('approved_by', [])))})"
                )
            )
    if decision.warnings:
        out.append(Text(f"Warnings ({len(decision.warnings)}):", style="bold yellow"))
        out += [
            Text(f"  [{w['control_id']}] {round_numbers_in(w['msg'])}") for w in decision.warnings
        ]
    granted = [r for r in decision.required_approvals if r["satisfied"]]
    if granted:
        out.append(Text("Approvals given:", style="bold"))
        out += [Text(f"  {r['role']}: {', '.join(r['satisfied_by'])}") for r in granted]
    return out


def _controls(decision: Decision, ctx: ReportContext) -> list[Any]:
    shown = [
        c
        for c in sorted(decision.controls, key=lambda c: (_ORDER.get(c["status"], 9), c["id"]))
        if c["status"] != "not_applicable" and (c["status"] == "fail" or not ctx.only_failed)
    ]
    out: list[Any] = []
    if shown:
        table = Table(box=None, pad_edge=False, show_edge=False, padding=(0, 1, 0, 2))
        for name in ("control", "status", "severity", "title"):
            table.add_column(name, no_wrap=name != "title")
        for c in shown:
            style = _STATUS_STYLE.get(c["status"], "")
            table.add_row(
                c["id"],
                Text(status_label(c["status"]), style=style),
                c.get("severity", ""),
                c.get("title", ""),
            )
        out.append(table)
    na = [c for c in decision.controls if c["status"] == "not_applicable"]
    if na and not ctx.only_failed:
        reasons = Counter(_reason_kind(c.get("reason", "")) for c in na)
        why = "; ".join(f"{n} {r}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
        out.append(Text(f"  n/a: {len(na)} control(s) ({why})", style="dim"))
    return out


def _reason_kind(reason: str) -> str:
    """A not-applicable reason without its particulars, so alike reasons count together."""
    for stem in ("not checked at stage", "not yet in force", "not in scope"):
        if reason.startswith(stem):
            return stem
    return reason or "not applicable"


def to_console(decision: Decision, context: ReportContext | None = None) -> str:
    ctx = context or ReportContext()
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        force_terminal=ctx.color,
        no_color=not ctx.color,
        color_system="standard" if ctx.color else None,
        highlight=False,
        soft_wrap=True,
    )
    blocks: list[list[Any]] = [_header(decision, ctx)]
    if decision.violations:
        blocks.append(_fixes(decision, ctx))
    if decision.missing_approvals:
        blocks.append(_approvals(decision, ctx))
    if not ctx.only_failed:
        blocks.append(_others(decision))
    blocks.append(_controls(decision, ctx))
    for block in filter(None, blocks):
        for item in block:
            console.print(item)
        console.print()
    # rich pads table cells to the column width; trailing blanks only make diffs noisy.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
