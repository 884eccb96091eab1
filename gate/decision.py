"""Turning OPA's raw output into a Decision, trusting nothing.

A value is a decision only if it has the contract's shape and is self-consistent; anything
else raises :class:`MalformedDecision` (exit 3). In particular ``allow: true`` is refused
when the same value lists a violation, a failed control or an unsatisfied approval, so a
policy bug cannot open the gate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gate.engine.interface import EngineResult
from gate.errors import EvidenceError, GateError, MalformedDecision, Problem

STAGES = ("merge", "staging", "production", "monitoring")
STATUSES = ("pass", "fail", "waived", "not_applicable")
SEVERITIES = ("critical", "high", "medium", "low", "info")
_SHA = re.compile(r"[0-9a-f]{40}")
LIST_FIELDS = (
    "violations",
    "warnings",
    "waived",
    "controls",
    "required_approvals",
    "stale_approvals",
)
TEXT_FIELDS = (
    "stage",
    "bundle_digest",
    "policy_revision",
    "opa_version",
    "decided_at",
    "engine",
)
# What a decision says of the supervisory guidance (gate.lib.guidance summary): names, or
# "" where none applies; dates YYYY-MM-DD, or "" where the guidance has no end.
GUIDANCE_FIELDS = ("selected", "applied", "in_force", "effective_from", "effective_until")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
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


class _Checker:
    """The one set of rules a decision must meet, whoever wrote it.

    ``error`` makes the exception: a malformed policy answer is an engine fault (exit 3), a
    malformed decision file is bad input (exit 2, with the file and the JSON path).
    """

    def __init__(self, error: Callable[[str, str], GateError]) -> None:
        self.error = error

    def fail(self, path: str, why: str) -> GateError:
        return self.error(path, why)

    def objects(self, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = raw.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"$.{key}", f"'{key}' must be a list of objects")
        return value

    def violation(self, item: dict[str, Any], where: str) -> None:
        for name in VIOLATION_FIELDS:
            if not isinstance(item.get(name), str):
                raise self.fail(f"$.{where}.{name}", f"{where} lacks the string field '{name}'")
        if item["severity"] not in SEVERITIES:
            raise self.fail(
                f"$.{where}.severity", f"{where} has unknown severity {item['severity']!r}"
            )

    def lists(self, raw: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Every list of the decision, each item checked."""
        found = {key: self.objects(raw, key) for key in LIST_FIELDS if key != "stale_approvals"}
        found["stale_approvals"] = self.objects({"stale_approvals": []} | raw, "stale_approvals")
        for key in ("violations", "warnings", "waived"):
            for i, item in enumerate(found[key]):
                self.violation(item, f"{key}[{i}]")
        for i, ctl in enumerate(found["controls"]):
            if not isinstance(ctl.get("id"), str) or ctl.get("status") not in STATUSES:
                raise self.fail(
                    f"$.controls[{i}]",
                    f"controls[{i}] needs a string 'id' and a status in {STATUSES}",
                )
        for i, req in enumerate(found["required_approvals"]):
            if not isinstance(req.get("role"), str) or not isinstance(req.get("satisfied"), bool):
                raise self.fail(
                    f"$.required_approvals[{i}]",
                    f"required_approvals[{i}] needs a string 'role' and a boolean 'satisfied'",
                )
        return found

    def guidance(self, raw: dict[str, Any]) -> dict[str, str]:
        """The guidance the decision applied: exactly GUIDANCE_FIELDS, each a string."""
        value = raw.get("guidance")
        if not isinstance(value, dict) or set(value) != set(GUIDANCE_FIELDS):
            raise self.fail(
                "$.guidance", f"'guidance' must be an object of exactly {GUIDANCE_FIELDS}"
            )
        for name in GUIDANCE_FIELDS:
            text = value[name]
            if not isinstance(text, str):
                raise self.fail(f"$.guidance.{name}", f"guidance '{name}' must be a string")
            if name.startswith("effective_") and text and not _DATE.fullmatch(text):
                raise self.fail(f"$.guidance.{name}", f"guidance '{name}' must be YYYY-MM-DD")
        if value["applied"] and not value["effective_from"]:
            raise self.fail("$.guidance.effective_from", "the guidance applied has no start date")
        return dict(value)

    def verdict(self, raw: dict[str, Any], found: dict[str, list[dict[str, Any]]]) -> bool:
        """``allow``, refused when the same decision lists a reason to deny."""
        allow = raw.get("allow")
        if not isinstance(allow, bool):
            raise self.fail("$.allow", "'allow' must be true or false")
        if allow and not found["controls"]:
            raise self.fail("$.controls", "it says allow, yet no control was evaluated")
        if allow:
            failed = [c["id"] for c in found["controls"] if c["status"] == "fail"]
            unsatisfied = [r["role"] for r in found["required_approvals"] if not r["satisfied"]]
            if found["violations"] or failed or unsatisfied:
                raise self.fail(
                    "$.allow",
                    "it says allow, yet lists "
                    f"{len(found['violations'])} violation(s), failed controls {failed}, "
                    f"unsatisfied approvals {unsatisfied}",
                )
        return allow


def _policy_error(path: str, why: str) -> GateError:
    return MalformedDecision(
        f"the policy returned a malformed decision: {why}",
        hint="the gate refuses to decide on it; run `make policy` and check gate.main",
    )


def _fail(why: str) -> GateError:
    return _policy_error("$", why)


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
    # The supervisory guidance applied on the decision date (GUIDANCE_FIELDS).
    guidance: dict[str, str]
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

    @classmethod
    def from_policy(
        cls,
        result: EngineResult,
        *,
        stage: str,
        bundle_digest: str,
        decided_at: str,
        head_commit: str = "",
    ) -> Decision:
        """The decision OPA returned, checked; anything malformed is an engine fault."""
        raw = result.value
        if not isinstance(raw, dict):
            raise _fail(f"expected an object, got {type(raw).__name__}")
        if not isinstance(raw.get("allow"), bool):
            raise _fail("'allow' must be true or false")
        if raw.get("stage") != stage:
            raise _fail(f"decision is for stage {raw.get('stage')!r}, but {stage!r} was asked")
        check = _Checker(_policy_error)
        found = check.lists(raw)
        allow = check.verdict(raw, found)
        guidance = check.guidance(raw)
        revision = result.policy_revision or str(raw.get("policy_revision") or "")
        if not revision:
            raise _fail("no policy revision is known for this decision")
        return cls._of(
            allow,
            found,
            guidance,
            stage=stage,
            bundle_digest=bundle_digest,
            policy_revision=revision,
            opa_version=result.opa_version or str(raw.get("opa_version") or ""),
            decided_at=decided_at,
            engine=result.engine,
            head_commit=head_commit,
        )

    @classmethod
    def from_json(cls, doc: Any, label: str = "decision") -> Decision:
        """A decision read back from a file, checked as strictly as OPA's answer.

        Anything malformed, or an ``allow`` that contradicts the decision's own
        violations, failed controls or unmet approvals, is bad input (exit 2).
        """

        def error(path: str, why: str) -> GateError:
            return EvidenceError(
                f"{label}: not a decision the gate wrote: {why}",
                [Problem(label, path, why, "use the file `mrm-gate check --format json` wrote")],
            )

        if not isinstance(doc, dict):
            raise error("$", "a decision is a JSON object")
        required = (
            "allow",
            *LIST_FIELDS[:-1],
            *TEXT_FIELDS,
            "guidance",
        )  # stale_approvals is optional
        lacking = [key for key in required if key not in doc]
        if lacking:
            raise EvidenceError(
                f"{label}: not a decision the gate wrote: {len(lacking)} field(s) missing",
                [
                    Problem(label, f"$.{key}", "missing", "write it with `check --format json`")
                    for key in lacking
                ],
            )
        check = _Checker(error)
        for key in TEXT_FIELDS:
            if not isinstance(doc.get(key), str):
                raise error(f"$.{key}", f"'{key}' must be a string")
        if doc["stage"] not in STAGES:
            raise error("$.stage", f"unknown stage {doc['stage']!r}")
        head = doc.get("head_commit", "")
        if not isinstance(head, str) or (head and not _SHA.fullmatch(head)):
            raise error("$.head_commit", "head_commit must be a full lower-case commit id")
        found = check.lists(doc)
        allow = check.verdict(doc, found)
        guidance = check.guidance(doc)
        texts = {key: doc[key] for key in TEXT_FIELDS}
        return cls._of(allow, found, guidance, head_commit=head, **texts)

    @classmethod
    def _of(
        cls,
        allow: bool,
        found: dict[str, list[dict[str, Any]]],
        guidance: dict[str, str],
        **texts: str,
    ) -> Decision:
        return cls(
            allow=allow,
            guidance=guidance,
            violations=tuple(found["violations"]),
            warnings=tuple(found["warnings"]),
            waived=tuple(found["waived"]),
            controls=tuple(found["controls"]),
            required_approvals=tuple(found["required_approvals"]),
            stale_approvals=tuple(found["stale_approvals"]),
            **texts,
        )

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
            "guidance": dict(self.guidance),
            **({"head_commit": self.head_commit} if self.head_commit else {}),
        }
