"""SARIF 2.1.0, as GitHub code scanning reads it: one rule per control or approval role,
one result per violation, warning, waiver (suppressed) and missing approval, each at the
file and line a person wrote."""

from __future__ import annotations

import json
from typing import Any

from gate import __version__
from gate.decision import Decision
from gate.report.context import ReportContext
from gate.report.text import approval_instruction, round_numbers_in, verdict

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"violation": "error", "warning": "warning", "waived": "note", "approval": "error"}


def _rule(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["control_id"],
        "name": item["control_id"].replace("-", ""),
        "shortDescription": {"text": item["title"] or item["control_id"]},
        "fullDescription": {"text": f"{item['framework']} {item['section']}".strip()},
        "help": {"text": item["remediation"]},
        "properties": {"severity": item["severity"], "framework": item["framework"]},
    }


def _approval_rule(role: str) -> dict[str, Any]:
    return {
        "id": f"approval/{role}",
        "name": f"Approval{role.title().replace('_', '')}",
        "shortDescription": {"text": f"An independent {role} approves this bundle"},
        "help": {"text": f"an independent {role} comments /approve {role} <digest>"},
    }


def _locations(ctx: ReportContext, json_path: str) -> list[dict[str, Any]]:
    where = ctx.where(json_path)
    if where is None:
        return []
    return [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": where.file},
                "region": {"startLine": where.line},
            },
            "logicalLocations": [{"fullyQualifiedName": json_path, "kind": "member"}],
        }
    ]


def _result(kind: str, item: dict[str, Any], index: int, ctx: ReportContext) -> dict[str, Any]:
    fix = item["remediation"]
    if ctx.is_unknown_here(item):
        fix = f"not known in a local run ({ctx.unknown}); run it in CI"
    result: dict[str, Any] = {
        "ruleId": item["control_id"],
        "ruleIndex": index,
        "level": _LEVEL[kind],
        "message": {"text": f"{round_numbers_in(item['msg'])} How to fix: {fix}"},
        "locations": _locations(ctx, item["evidence_path"]),
        "properties": {"evidence_path": item["evidence_path"], "severity": item["severity"]},
    }
    if kind == "waived":
        raw = item.get("waiver")
        waiver: dict[str, Any] = raw if isinstance(raw, dict) else {}
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"waiver until {waiver.get('expires_at', '?')}, approved by "
                f"{', '.join(map(str, waiver.get('approved_by', []))) or '?'}",
            }
        ]
    return result


def to_sarif(decision: Decision, context: ReportContext | None = None) -> str:
    ctx = context or ReportContext()
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []

    def rule_index(rule: dict[str, Any]) -> int:
        if rule["id"] not in index:
            index[rule["id"]] = len(rules)
            rules.append(rule)
        return index[rule["id"]]

    for kind, items in (
        ("violation", decision.violations),
        ("warning", decision.warnings),
        ("waived", decision.waived),
    ):
        results.extend(_result(kind, item, rule_index(_rule(item)), ctx) for item in items)
    for req in decision.missing_approvals:
        i = rule_index(_approval_rule(req["role"]))
        text = (
            f"{req['role']} approval missing ({len(req.get('satisfied_by', []))} of "
            f"{req.get('count', 1)}): {req.get('reason', '')}. An independent {req['role']} "
            f"comments: {approval_instruction(req, decision.bundle_digest)}"
        )
        results.append(
            {"ruleId": rules[i]["id"], "ruleIndex": i, "level": "error", "message": {"text": text}}
        )
    doc = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mrm-gate",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"mrm-gate/{decision.stage}/"},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "properties": {
                            "decision": verdict(decision.allow),
                            "stage": decision.stage,
                            "bundle_digest": decision.bundle_digest,
                            "policy_revision": decision.policy_revision,
                            "opa_version": decision.opa_version,
                            "decided_at": decision.decided_at,
                            "guidance": dict(decision.guidance),
                        },
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
