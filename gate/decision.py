"""Turning OPA's raw output into a Decision, trusting nothing.

A value is a decision only if it has the contract's shape and is self-consistent; anything
else raises :class:`MalformedDecision` (exit 3). In particular ``allow: true`` is refused
when the same value lists a violation, a failed control or an unsatisfied approval, so a
policy bug cannot open the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gate.engine.interface import EngineResult
from gate.errors import MalformedDecision

STAGES = ("merge", "staging", "production", "monitoring")
STATUSES = ("pass", "fail", "waived", "not_applicable")
SEVERITIES = ("critical", "high", "medium", "low", "info")
VIOLATION_FIELDS = (
    "control_id",
    "framework",
    "section",
    "severity",
    "title",
    "msg",
    "remediation",
    "evidence_path",
)


def _fail(why: str) -> MalformedDecision:
    return MalformedDecision(
        f"the policy returned a malformed decision: {why}",
        hint="the gate refuses to decide on it; run `make policy` and check gate.main",
    )


def _list_of_objects(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _fail(f"'{key}' must be a list of objects")
    return value


def _check_violation(item: dict[str, Any], where: str) -> None:
    for name in VIOLATION_FIELDS:
        if not isinstance(item.get(name), str):
            raise _fail(f"{where} lacks the string field '{name}'")
    if item["severity"] not in SEVERITIES:
        raise _fail(f"{where} has unknown severity {item['severity']!r}")


@dataclass(frozen=True)
class Decision:
    """The gate's verdict on one bundle at one stage."""

    allow: bool
    stage: str
    violations: tuple[dict[str, Any], ...]
    warnings: tuple[dict[str, Any], ...]
    waived: tuple[dict[str, Any], ...]
    controls: tuple[dict[str, Any], ...]
    required_approvals: tuple[dict[str, Any], ...]
    stale_approvals: tuple[dict[str, Any], ...]
    bundle_digest: str
    policy_revision: str
    opa_version: str
    decided_at: str
    engine: str
    # The commit the decision judged (the pull request's head, see docs/github.md); "" when
    # no pull request was collected. The check run goes on exactly this commit.
    head_commit: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.allow else 1

    @property
    def missing_approvals(self) -> list[dict[str, Any]]:
        return [a for a in self.required_approvals if not a.get("satisfied")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "allow": self.allow,
            "stage": self.stage,
            "violations": list(self.violations),
            "warnings": list(self.warnings),
            "waived": list(self.waived),
            "controls": list(self.controls),
            "required_approvals": list(self.required_approvals),
            "stale_approvals": list(self.stale_approvals),
            "bundle_digest": self.bundle_digest,
            "policy_revision": self.policy_revision,
            "opa_version": self.opa_version,
            "decided_at": self.decided_at,
            "engine": self.engine,
            **({"head_commit": self.head_commit} if self.head_commit else {}),
        }


def decision_from_policy(
    result: EngineResult,
    *,
    stage: str,
    bundle_digest: str,
    decided_at: str,
    head_commit: str = "",
) -> Decision:
    """Check the raw policy value and build a :class:`Decision` from it."""
    raw = result.value
    if not isinstance(raw, dict):
        raise _fail(f"expected an object, got {type(raw).__name__}")
    allow = raw.get("allow")
    if not isinstance(allow, bool):
        raise _fail("'allow' must be true or false")
    if raw.get("stage") != stage:
        raise _fail(f"decision is for stage {raw.get('stage')!r}, but {stage!r} was asked")
    violations = _list_of_objects(raw, "violations")
    warnings = _list_of_objects(raw, "warnings")
    waived = _list_of_objects(raw, "waived")
    controls = _list_of_objects(raw, "controls")
    approvals = _list_of_objects(raw, "required_approvals")
    stale = raw.get("stale_approvals", [])
    if not isinstance(stale, list) or not all(isinstance(s, dict) for s in stale):
        raise _fail("'stale_approvals' must be a list of objects")
    for i, item in enumerate(violations):
        _check_violation(item, f"violations[{i}]")
    for i, item in enumerate(warnings):
        _check_violation(item, f"warnings[{i}]")
    for i, item in enumerate(waived):
        _check_violation(item, f"waived[{i}]")
    if not controls:
        raise _fail("no control was evaluated (empty compliance matrix)")
    for i, ctl in enumerate(controls):
        if not isinstance(ctl.get("id"), str) or ctl.get("status") not in STATUSES:
            raise _fail(f"controls[{i}] needs a string 'id' and a status in {STATUSES}")
    for i, req in enumerate(approvals):
        if not isinstance(req.get("role"), str) or not isinstance(req.get("satisfied"), bool):
            raise _fail(f"required_approvals[{i}] needs a string 'role' and a boolean 'satisfied'")
    if allow:
        failed = [c["id"] for c in controls if c["status"] == "fail"]
        unsatisfied = [r["role"] for r in approvals if not r["satisfied"]]
        if violations or failed or unsatisfied:
            raise _fail(
                "it says allow, yet lists "
                f"{len(violations)} violation(s), failed controls {failed}, "
                f"unsatisfied approvals {unsatisfied}"
            )
    revision = result.policy_revision or str(raw.get("policy_revision") or "")
    if not revision:
        raise _fail("no policy revision is known for this decision")
    opa_version = result.opa_version or str(raw.get("opa_version") or "")
    return Decision(
        allow=allow,
        stage=stage,
        violations=tuple(violations),
        warnings=tuple(warnings),
        waived=tuple(waived),
        controls=tuple(controls),
        required_approvals=tuple(approvals),
        stale_approvals=tuple(stale),
        bundle_digest=bundle_digest,
        policy_revision=revision,
        opa_version=opa_version,
        decided_at=decided_at,
        engine=result.engine,
        head_commit=head_commit,
    )
