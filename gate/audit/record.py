"""Decision records: one decision, the evidence and policies behind it, and its full input.

A record is self-checking: its ``input_digest`` is the sha256 of the input it carries, its
``bundle_digest`` is the digest of the bundle inside that input, and its verdict, stage and
revision agree with the decision it carries. :func:`record_problems` lists every
disagreement, which is how a record forged by hand shows up even when its ledger hash was
recomputed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate import __version__
from gate.decision import Decision
from gate.engine.interface import PolicyEngine
from gate.evidence import bundle_digest, load_bundle, schema_problems
from gate.fileio import canonical_json
from gate.policy import PolicySource
from gate.policy_input import build_input

API_VERSION = "mrm-gate/decision-record/v1"
SCHEMA = "decision-record.schema.json"

# Fields of a decision that say when and how it was computed rather than what was decided.
VOLATILE_DECISION_FIELDS = ("decided_at", "engine", "opa_version")


def sha256_of(value: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``value``."""
    return "sha256:" + hashlib.sha256(canonical_json(value)).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class PolicyInfo:
    """Which policies decided: the revision the engine reported and a hash of the files."""

    revision: str
    files_sha256: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "files_sha256": self.files_sha256, "source": self.source}


def policy_info(source: PolicySource | None, revision: str) -> PolicyInfo:
    """Describe the policies; ``source`` is None when a remote OPA server evaluated."""
    if source is None:
        return PolicyInfo(revision, None, "server")
    if source.is_bundle_file:
        return PolicyInfo(revision, file_sha256(source.path), "bundle")
    return PolicyInfo(revision, source.revision(), "directory")


def ci_run(env: Mapping[str, str]) -> dict[str, str | None]:
    """The CI run link from the GITHUB_* variables, or nulls outside CI."""
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY", "") or None
    run_id = env.get("GITHUB_RUN_ID", "") or None
    url = (
        f"{server}/{repository}/actions/runs/{run_id}" if server and repository and run_id else None
    )
    return {"run_url": url, "repository": repository, "run_id": run_id}


def approvals_used(decision: dict[str, Any], policy_input: dict[str, Any]) -> list[dict[str, Any]]:
    """Each required approval with the collected approvals that satisfied it."""
    collected = [a for a in policy_input.get("approvals", []) if isinstance(a, dict)]
    out = []
    for req in decision.get("required_approvals", []):
        logins = [str(x) for x in req.get("satisfied_by", [])]
        evidence = [
            {k: a[k] for k in ("login", "via", "url", "at", "commit_sha") if k in a}
            for a in collected
            if a.get("role") == req.get("role") and a.get("login") in logins
        ]
        out.append(
            {
                "role": str(req.get("role", "")),
                "count": int(req.get("count", 0)),
                "satisfied": bool(req.get("satisfied")),
                "satisfied_by": logins,
                "evidence": evidence,
            }
        )
    return out


def build_record(
    decision: Decision | dict[str, Any],
    policy_input: dict[str, Any],
    policy: PolicyInfo,
    *,
    recorded_at: str,
    env: Mapping[str, str],
) -> dict[str, Any]:
    """Assemble a decision record. Raises ValueError when decision and input disagree."""
    dec = decision.to_dict() if isinstance(decision, Decision) else dict(decision)
    bundle = policy_input["bundle"]
    model = bundle.get("model", {})
    artifact = bundle.get("artifact", {})
    record = {
        "apiVersion": API_VERSION,
        "recorded_at": recorded_at,
        "model": {"id": str(model.get("id", "")), "version": str(model.get("version", ""))},
        "stage": dec["stage"],
        "allow": dec["allow"],
        "bundle_digest": dec["bundle_digest"],
        "artifact_digest": artifact.get("digest") if isinstance(artifact, dict) else None,
        "policy": policy.to_dict(),
        "opa_version": str(dec.get("opa_version", "")),
        "gate_version": __version__,
        "input_digest": sha256_of(policy_input),
        "approvals": approvals_used(dec, policy_input),
        "ci": ci_run(env),
        "decision": dec,
        "input": policy_input,
    }
    problems = record_problems(record)
    if problems:
        raise ValueError("; ".join(problems))
    return record


def record_problems(record: Any) -> list[str]:
    """Every way ``record`` is malformed or inconsistent with itself (empty when sound)."""
    problems = [f"{p.json_path}: {p.message}" for p in schema_problems(record, SCHEMA, "record")]
    if problems:
        return problems
    dec = record["decision"]
    policy_input = record["input"]
    if sha256_of(policy_input) != record["input_digest"]:
        problems.append("input_digest is not the sha256 of the recorded input")
    if not isinstance(policy_input["bundle"], dict):
        problems.append("input.bundle is not an object")
    elif bundle_digest(policy_input["bundle"]) != record["bundle_digest"]:
        problems.append("bundle_digest is not the digest of the recorded bundle")
    for key, other in (
        ("bundle_digest", policy_input["context"]["bundle_digest"]),
        ("bundle_digest", dec["bundle_digest"]),
        ("stage", dec["stage"]),
        ("stage", policy_input["stage"]),
        ("allow", dec["allow"]),
    ):
        if record[key] != other:
            problems.append(f"{key} {record[key]!r} disagrees with the recorded {other!r}")
    if record["policy"]["revision"] != dec["policy_revision"]:
        problems.append("policy.revision disagrees with decision.policy_revision")
    if dec["decided_at"] != policy_input["context"]["now"]:
        problems.append("decision.decided_at is not the input's context.now")
    return problems


def comparable(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision without the fields that say when and by which engine it was computed."""
    return {k: v for k, v in decision.items() if k not in VOLATILE_DECISION_FIELDS}


def differences(recorded: dict[str, Any], replayed: dict[str, Any]) -> list[str]:
    """Names of the decision fields that differ (volatile fields ignored)."""
    a, b = comparable(recorded), comparable(replayed)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def evaluate_with_input(
    bundle_path: Path,
    stage: str,
    engine: PolicyEngine,
    *,
    now: str,
    repository: str = "",
    pull_request: dict[str, Any] | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> tuple[Decision, dict[str, Any]]:
    """Like ``mrm-gate check``, but also hand back the exact policy input evaluated."""
    from gate.decision import decision_from_policy

    bundle = load_bundle(bundle_path)
    digest = bundle_digest(bundle)
    policy_input = build_input(
        bundle,
        stage=stage,
        digest=digest,
        now=now,
        repository=repository,
        pull_request=pull_request,
        approvals=approvals,
    )
    result = engine.evaluate(policy_input)
    decision = decision_from_policy(result, stage=stage, bundle_digest=digest, decided_at=now)
    return decision, policy_input
