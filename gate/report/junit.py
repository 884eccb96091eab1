"""JUnit XML, which every CI system shows as a test report: one test case per control (a
failure for each violation, skipped when not applicable) and one per required approval."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from gate.decision import Decision
from gate.report.context import ReportContext
from gate.report.text import (
    approval_instruction,
    guidance_text,
    round_numbers_in,
    short_digest,
    verdict,
)


def _violation_text(v: dict[str, Any], ctx: ReportContext) -> str:
    where = ctx.where(v["evidence_path"])
    at = f"{where.file}:{where.line} " if where else ""
    fix = (
        f"not known in a local run ({ctx.unknown}); run it in CI"
        if ctx.is_unknown_here(v)
        else v["remediation"]
    )
    return f"{round_numbers_in(v['msg'])}\nat {at}({v['evidence_path']})\nhow to fix: {fix}"


def _control_case(
    suite: ET.Element, control: dict[str, Any], decision: Decision, ctx: ReportContext
) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{control['id']}: {control.get('title', '')}",
        classname=f"mrm-gate.{decision.stage}.{control.get('framework', 'controls')}",
    )
    status = control["status"]
    if status == "fail":
        for v in (v for v in decision.violations if v["control_id"] == control["id"]):
            failure = ET.SubElement(
                case, "failure", message=round_numbers_in(v["msg"]), type=v["severity"]
            )
            failure.text = _violation_text(v, ctx)
        if not len(case):
            ET.SubElement(case, "failure", message="control failed", type="fail")
    elif status == "not_applicable":
        ET.SubElement(case, "skipped", message=control.get("reason", "") or "not applicable")
    elif status == "waived":
        ET.SubElement(case, "system-out").text = "waived: " + "; ".join(
            v["msg"] for v in decision.waived if v["control_id"] == control["id"]
        )


def _approval_case(suite: ET.Element, req: dict[str, Any], decision: Decision) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"approval: {req['role']}",
        classname=f"mrm-gate.{decision.stage}.approvals",
    )
    if not req["satisfied"]:
        failure = ET.SubElement(
            case, "failure", message=f"{req['role']} approval missing", type="approval"
        )
        failure.text = (
            f"{req.get('reason', '')}\nan independent {req['role']} comments: "
            f"{approval_instruction(req, decision.bundle_digest)}"
        )


def to_junit(decision: Decision, context: ReportContext | None = None) -> str:
    ctx = context or ReportContext()
    controls = decision.controls
    if ctx.only_failed:
        controls = tuple(c for c in controls if c["status"] == "fail")
    approvals = [r for r in decision.required_approvals if not (ctx.only_failed and r["satisfied"])]
    failures = sum(c["status"] == "fail" for c in controls) + sum(
        not r["satisfied"] for r in approvals
    )
    root = ET.Element("testsuites", name="mrm-gate")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"mrm-gate {decision.stage}: {verdict(decision.allow)}",
        tests=str(len(controls) + len(approvals)),
        failures=str(failures),
        errors="0",
        skipped=str(sum(c["status"] == "not_applicable" for c in controls)),
        timestamp=decision.decided_at,
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("bundle_digest", decision.bundle_digest),
        ("bundle", short_digest(decision.bundle_digest)),
        ("policy_revision", decision.policy_revision),
        ("opa_version", decision.opa_version),
        ("guidance", guidance_text(decision.guidance)),
        ("guidance_applied", decision.guidance["applied"]),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    for control in controls:
        _control_case(suite, control, decision, ctx)
    for req in approvals:
        _approval_case(suite, req, decision)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
